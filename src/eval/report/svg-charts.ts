/**
 * Inline SVG charts for the HTML report, drawn by hand (no scripts, fonts or network):
 * a cost–quality scatter with its Pareto frontier, latency box plots, and accuracy bars
 * with 95 % interval whiskers.
 */
import type { LatencySummary } from '../statistics.js';
import { dollars, milliseconds, percent } from './format.js';

export const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#475569', '#ea580c'];

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${round(x)}" y="${round(y)}" ${attributes}>${escapeHtml(content)}</text>`;
}

export interface FrontierPoint {
  label: string;
  costUsd: number;
  accuracy: number;
  low: number;
  high: number;
  color: string;
}

/** Points no other point beats on both cost (lower or equal) and accuracy (higher or equal), one strictly. */
export function paretoOptimal<T extends { costUsd: number; accuracy: number }>(points: readonly T[]): T[] {
  return points.filter(
    (point) => !points.some((other) => other !== point && other.costUsd <= point.costUsd && other.accuracy >= point.accuracy && (other.costUsd < point.costUsd || other.accuracy > point.accuracy)),
  );
}

const WIDTH = 560;
const HEIGHT = 300;
const MARGIN = { left: 58, right: 20, top: 28, bottom: 44 };

/** Cost per call (x, log scale when it spans more than 10×) against accuracy (y, with CI whiskers). */
export function frontierChart(title: string, points: readonly FrontierPoint[]): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const costs = points.map((point) => Math.max(point.costUsd, 1e-12));
  const minimum = Math.min(...costs);
  const maximum = Math.max(...costs);
  const logarithmic = maximum / minimum > 10;
  const scaleCost = (cost: number): number => {
    const value = Math.max(cost, 1e-12);
    if (maximum === minimum) return MARGIN.left + plotWidth / 2;
    const fraction = logarithmic ? (Math.log10(value) - Math.log10(minimum)) / (Math.log10(maximum) - Math.log10(minimum)) : (value - minimum) / (maximum - minimum);
    return MARGIN.left + 20 + fraction * (plotWidth - 40);
  };
  const lowest = Math.max(0, Math.floor((Math.min(...points.map((point) => point.low), 1) - 0.05) * 10) / 10);
  const scaleAccuracy = (accuracy: number): number => MARGIN.top + (1 - (accuracy - lowest) / (1 - lowest || 1)) * plotHeight;
  const parts: string[] = [];
  for (let tick = lowest; tick <= 1.0001; tick += (1 - lowest) / 4 || 1) {
    const y = scaleAccuracy(tick);
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y)}" y2="${round(y)}" class="grid"/>`, text(MARGIN.left - 6, y + 4, percent(tick, 0), 'text-anchor="end" class="tick"'));
  }
  parts.push(text(MARGIN.left + 20, HEIGHT - 24, dollars(minimum), 'class="tick"'), text(WIDTH - MARGIN.right - 20, HEIGHT - 24, dollars(maximum), 'text-anchor="end" class="tick"'));
  parts.push(text(MARGIN.left + plotWidth / 2, HEIGHT - 6, `mean cost per call${logarithmic ? ' (log scale)' : ''}`, 'text-anchor="middle" class="axis"'));
  parts.push(text(14, MARGIN.top + plotHeight / 2, 'accuracy', `transform="rotate(-90 14 ${round(MARGIN.top + plotHeight / 2)})" text-anchor="middle" class="axis"`));
  const frontier = paretoOptimal(points).sort((left, right) => left.costUsd - right.costUsd);
  if (frontier.length > 1) {
    const path = frontier.map((point, index) => `${index === 0 ? 'M' : 'L'}${round(scaleCost(point.costUsd))},${round(scaleAccuracy(point.accuracy))}`).join(' ');
    parts.push(`<path d="${path}" class="frontier"/>`);
  }
  for (const point of points) {
    const x = scaleCost(point.costUsd);
    const optimal = frontier.includes(point);
    parts.push(
      `<line x1="${round(x)}" x2="${round(x)}" y1="${round(scaleAccuracy(point.high))}" y2="${round(scaleAccuracy(point.low))}" stroke="${point.color}" class="whisker"/>`,
      `<circle cx="${round(x)}" cy="${round(scaleAccuracy(point.accuracy))}" r="${optimal ? 7 : 5}" fill="${optimal ? point.color : '#fff'}" stroke="${point.color}" stroke-width="2"><title>${escapeHtml(`${point.label}: ${percent(point.accuracy)} [${percent(point.low)}, ${percent(point.high)}], ${dollars(point.costUsd)} per call${optimal ? ', Pareto-optimal' : ''}`)}</title></circle>`,
      // Labels in the right half go to the left of their point, so they stay inside the chart.
      x > MARGIN.left + plotWidth / 2
        ? text(x - 9, scaleAccuracy(point.accuracy) - 8, `${optimal ? '★ ' : ''}${point.label}`, 'text-anchor="end" class="label"')
        : text(x + 9, scaleAccuracy(point.accuracy) - 8, `${point.label}${optimal ? ' ★' : ''}`, 'class="label"'),
    );
  }
  return svg(title, parts);
}

/** 1, 2 or 5 times a power of ten, at least `rough`: axis steps people read easily. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  return ([1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? 10 * power);
}

export interface LatencyBox {
  label: string;
  summary: LatencySummary;
  color: string;
}

/** One horizontal box per target: whiskers min–max, box p25–p75, median line, p95 and p99 ticks. */
export function latencyChart(title: string, boxes: readonly LatencyBox[]): string {
  const rowHeight = 34;
  const height = MARGIN.top + boxes.length * rowHeight + MARGIN.bottom;
  const left = 150;
  // Room on the right for the last tick's label.
  const plotWidth = WIDTH - left - MARGIN.right - 16;
  const step = niceStep(Math.max(1, ...boxes.map((box) => box.summary.max)) / 4);
  const maximum = step * Math.ceil(Math.max(1, ...boxes.map((box) => box.summary.max)) / step);
  const scale = (value: number): number => left + (value / maximum) * plotWidth;
  const parts: string[] = [];
  for (let value = 0; value <= maximum + step / 2; value += step) {
    const x = scale(value);
    parts.push(`<line x1="${round(x)}" x2="${round(x)}" y1="${MARGIN.top - 6}" y2="${height - MARGIN.bottom + 4}" class="grid"/>`, text(x, height - MARGIN.bottom + 18, milliseconds(value), 'text-anchor="middle" class="tick"'));
  }
  boxes.forEach((box, index) => {
    const middle = MARGIN.top + index * rowHeight + rowHeight / 2;
    const { summary } = box;
    parts.push(
      text(left - 8, middle + 4, box.label, 'text-anchor="end" class="label"'),
      `<line x1="${round(scale(summary.min))}" x2="${round(scale(summary.max))}" y1="${round(middle)}" y2="${round(middle)}" stroke="${box.color}" class="whisker"/>`,
      `<rect x="${round(scale(summary.p25))}" y="${round(middle - 10)}" width="${round(Math.max(1, scale(summary.p75) - scale(summary.p25)))}" height="20" fill="${box.color}" fill-opacity="0.25" stroke="${box.color}"><title>${escapeHtml(`${box.label}: p25 ${milliseconds(summary.p25)}, median ${milliseconds(summary.p50)}, p75 ${milliseconds(summary.p75)}, p95 ${milliseconds(summary.p95)}, p99 ${milliseconds(summary.p99)}, max ${milliseconds(summary.max)} (${summary.count} calls)`)}</title></rect>`,
      `<line x1="${round(scale(summary.p50))}" x2="${round(scale(summary.p50))}" y1="${round(middle - 10)}" y2="${round(middle + 10)}" stroke="${box.color}" stroke-width="3"/>`,
      `<line x1="${round(scale(summary.p95))}" x2="${round(scale(summary.p95))}" y1="${round(middle - 6)}" y2="${round(middle + 6)}" stroke="${box.color}" stroke-width="2"/>`,
      `<circle cx="${round(scale(summary.p99))}" cy="${round(middle)}" r="3" fill="${box.color}"/>`,
    );
  });
  parts.push(text(WIDTH / 2, height - 6, 'whiskers min–max · box p25–p75 · bar median · tick p95 · dot p99', 'text-anchor="middle" class="axis"'));
  return svg(title, parts, height);
}

export interface AccuracyBar {
  category: string;
  label: string;
  accuracy: number;
  low: number;
  high: number;
  color: string;
}

/** Grouped bars: per category one bar per target, with the 95 % Wilson interval as whiskers. */
export function accuracyChart(title: string, categories: readonly string[], bars: readonly AccuracyBar[], labels: readonly { label: string; color: string }[]): string {
  const plotHeight = 200;
  const legendHeight = 18 * Math.ceil(labels.length / 3);
  const height = MARGIN.top + plotHeight + 40 + legendHeight;
  // Wide enough for the bars and for the category name under them.
  const groupWidth = Math.max(60, labels.length * 18 + 20, ...categories.map((category) => category.length * 7 + 16));
  const width = Math.max(WIDTH, MARGIN.left + categories.length * groupWidth + MARGIN.right);
  const scale = (accuracy: number): number => MARGIN.top + (1 - accuracy) * plotHeight;
  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick++) {
    const y = scale(tick / 4);
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${round(y)}" y2="${round(y)}" class="grid"/>`, text(MARGIN.left - 6, y + 4, percent(tick / 4, 0), 'text-anchor="end" class="tick"'));
  }
  const barWidth = (groupWidth - 20) / Math.max(1, labels.length);
  categories.forEach((category, group) => {
    const groupLeft = MARGIN.left + group * groupWidth + 10;
    parts.push(text(groupLeft + (groupWidth - 20) / 2, MARGIN.top + plotHeight + 16, category, 'text-anchor="middle" class="tick"'));
    labels.forEach((entry, position) => {
      const bar = bars.find((candidate) => candidate.category === category && candidate.label === entry.label);
      if (!bar) return;
      const x = groupLeft + position * barWidth;
      const middle = x + barWidth / 2;
      parts.push(
        `<rect x="${round(x + 1)}" y="${round(scale(bar.accuracy))}" width="${round(Math.max(1, barWidth - 2))}" height="${round(Math.max(0, scale(0) - scale(bar.accuracy)))}" fill="${bar.color}"><title>${escapeHtml(`${bar.label}, ${category}: ${percent(bar.accuracy)} [${percent(bar.low)}, ${percent(bar.high)}]`)}</title></rect>`,
        `<line x1="${round(middle)}" x2="${round(middle)}" y1="${round(scale(bar.high))}" y2="${round(scale(bar.low))}" class="ci"/>`,
        `<line x1="${round(middle - 3)}" x2="${round(middle + 3)}" y1="${round(scale(bar.high))}" y2="${round(scale(bar.high))}" class="ci"/>`,
        `<line x1="${round(middle - 3)}" x2="${round(middle + 3)}" y1="${round(scale(bar.low))}" y2="${round(scale(bar.low))}" class="ci"/>`,
      );
    });
  });
  labels.forEach((entry, index) => {
    const x = MARGIN.left + (index % 3) * 180;
    const y = MARGIN.top + plotHeight + 34 + Math.floor(index / 3) * 18;
    parts.push(`<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${entry.color}"/>`, text(x + 14, y, entry.label, 'class="label"'));
  });
  return svg(title, parts, height, width);
}

function svg(title: string, parts: string[], height = HEIGHT, width = WIDTH): string {
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${text(MARGIN.left, 16, title, 'class="title"')}${parts.join('')}</svg>`;
}
