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

/**
 * The points worth their price: accuracy above zero, and no other point is as cheap or
 * cheaper and as accurate or more, one of the two strictly. A target that answered nothing
 * right is never "optimal", however cheap.
 */
export function paretoOptimal<T extends { costUsd: number; accuracy: number }>(points: readonly T[]): T[] {
  return points.filter(
    (point) =>
      point.accuracy > 0 &&
      !points.some((other) => other !== point && other.costUsd <= point.costUsd && other.accuracy >= point.accuracy && (other.costUsd < point.costUsd || other.accuracy > point.accuracy)),
  );
}

const WIDTH = 560;
const HEIGHT = 300;
const MARGIN = { left: 58, right: 20, top: 28, bottom: 44 };

/** An axis-aligned box: x, y of the top-left corner. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function boxesIntersect(left: Box, right: Box): boolean {
  return left.x < right.x + right.width && right.x < left.x + left.width && left.y < right.y + right.height && right.y < left.y + left.height;
}

function inside(box: Box, area: Box): boolean {
  return box.x >= area.x && box.y >= area.y && box.x + box.width <= area.x + area.width && box.y + box.height <= area.y + area.height;
}

/** Label text is drawn at this size and squeezed or stretched to exactly its box (textLength), so the layout is what the browser shows. */
const LABEL_HEIGHT = 13;
const LABEL_CHARACTER_WIDTH = 6.4;

export function labelWidth(content: string): number {
  return Math.ceil([...content].length * LABEL_CHARACTER_WIDTH) + 2;
}

export interface PlacedLabel {
  text: string;
  box: Box;
  /** The point the label names; with a leader line when the label sits in the column beside the plot. */
  anchor: { x: number; y: number };
  leader: boolean;
}

/**
 * Places one label per anchor so that no two labels overlap, no label covers a point's
 * marker, and every label stays inside `area`. Each label tries spots around its point,
 * nearest first; when one finds no free spot, every label moves to a column right of
 * `area` (at `columnX`), in the order of their points' heights, spread so they never touch,
 * with a leader line to its point. Returns the labels and the height the column needs.
 */
export function placeLabels(anchors: ReadonlyArray<{ text: string; x: number; y: number }>, area: Box, markerRadius: number, columnX: number): { labels: PlacedLabel[]; columnBottom: number | null } {
  const markers: Box[] = anchors.map((anchor) => ({ x: anchor.x - markerRadius, y: anchor.y - markerRadius, width: 2 * markerRadius, height: 2 * markerRadius }));
  const placed: PlacedLabel[] = [];
  const gap = markerRadius + 2;
  for (const anchor of anchors) {
    const width = labelWidth(anchor.text);
    const spots: Box[] = [];
    for (const distance of [0, 8, 16]) {
      const near = gap + distance;
      spots.push(
        { x: anchor.x + near, y: anchor.y - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT },
        { x: anchor.x - near - width, y: anchor.y - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT },
        { x: anchor.x + 2, y: anchor.y - near - LABEL_HEIGHT, width, height: LABEL_HEIGHT },
        { x: anchor.x - 2 - width, y: anchor.y - near - LABEL_HEIGHT, width, height: LABEL_HEIGHT },
        { x: anchor.x + 2, y: anchor.y + near, width, height: LABEL_HEIGHT },
        { x: anchor.x - 2 - width, y: anchor.y + near, width, height: LABEL_HEIGHT },
        { x: anchor.x - width / 2, y: anchor.y - near - LABEL_HEIGHT, width, height: LABEL_HEIGHT },
        { x: anchor.x - width / 2, y: anchor.y + near, width, height: LABEL_HEIGHT },
      );
    }
    const free = spots.find((spot) => inside(spot, area) && !markers.some((marker) => boxesIntersect(spot, marker)) && !placed.some((label) => boxesIntersect(spot, label.box)));
    if (!free) return labelColumn(anchors, area, columnX);
    placed.push({ text: anchor.text, box: free, anchor: { x: anchor.x, y: anchor.y }, leader: false });
  }
  return { labels: placed, columnBottom: null };
}

function labelColumn(anchors: ReadonlyArray<{ text: string; x: number; y: number }>, area: Box, columnX: number): { labels: PlacedLabel[]; columnBottom: number } {
  const spacing = LABEL_HEIGHT + 3;
  const order = [...anchors].sort((left, right) => left.y - right.y || left.text.localeCompare(right.text));
  // Each label as near its point's height as the one above it allows, then the column pulled up if it overflows the plot.
  const tops: number[] = [];
  for (const anchor of order) tops.push(Math.max(anchor.y - LABEL_HEIGHT / 2, area.y, tops.length > 0 ? (tops[tops.length - 1] as number) + spacing : area.y));
  const overflow = (tops[tops.length - 1] ?? 0) + LABEL_HEIGHT - (area.y + area.height);
  if (overflow > 0) {
    let limit = area.y + area.height - LABEL_HEIGHT;
    for (let index = tops.length - 1; index >= 0; index--) {
      tops[index] = Math.max(area.y, Math.min(tops[index] as number, limit));
      limit = (tops[index] as number) - spacing;
    }
    // Still too many for the plot's height: they keep their spacing below it (the chart grows).
    for (let index = 1; index < tops.length; index++) tops[index] = Math.max(tops[index] as number, (tops[index - 1] as number) + spacing);
  }
  const labels = order.map((anchor, index) => ({ text: anchor.text, box: { x: columnX, y: tops[index] as number, width: labelWidth(anchor.text), height: LABEL_HEIGHT }, anchor: { x: anchor.x, y: anchor.y }, leader: true }));
  return { labels, columnBottom: Math.max(...labels.map((label) => label.box.y + label.box.height)) };
}

/** Accuracy grid lines at round values (multiples of 5, 10, 20 or 50 points) from just below the lowest interval bound to 100 %. */
export function accuracyTicks(lowestBound: number): number[] {
  const clamped = Math.min(1, Math.max(0, lowestBound));
  const step = Math.min(0.5, niceStep(Math.max(0.05, (1 - clamped) / 5)));
  // At least three lines, however high the lowest bound.
  const lowest = Math.max(0, Math.min(1 - 2 * step, Math.floor((clamped - 0.02) / step) * step));
  const ticks: number[] = [];
  for (let index = 0; ; index++) {
    const tick = Math.round((lowest + index * step) * 1000) / 1000;
    if (tick > 1.0001) break;
    ticks.push(tick);
  }
  if ((ticks[ticks.length - 1] ?? 0) < 1) ticks.push(Math.round(((ticks[ticks.length - 1] ?? 0) + step) * 1000) / 1000);
  return ticks;
}

export interface FrontierLayout {
  width: number;
  height: number;
  logarithmic: boolean;
  ticks: number[];
  minimumCost: number;
  maximumCost: number;
  points: Array<{ point: FrontierPoint; x: number; y: number; yHigh: number; yLow: number; optimal: boolean }>;
  labels: PlacedLabel[];
}

const MARKER_RADIUS = 7;

/** Where everything of a cost–quality chart goes: axes, points, and labels that never overlap. */
export function layoutFrontier(points: readonly FrontierPoint[]): FrontierLayout {
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
  const ticks = accuracyTicks(Math.min(...points.map((point) => point.low), 1));
  const lowest = ticks[0] ?? 0;
  const highest = ticks[ticks.length - 1] ?? 1;
  const scaleAccuracy = (accuracy: number): number => MARGIN.top + (1 - (accuracy - lowest) / (highest - lowest || 1)) * plotHeight;
  const optimal = new Set(paretoOptimal(points));
  const placedPoints = points.map((point) => ({ point, x: scaleCost(point.costUsd), y: scaleAccuracy(point.accuracy), yHigh: scaleAccuracy(point.high), yLow: scaleAccuracy(point.low), optimal: optimal.has(point) }));
  const area: Box = { x: MARGIN.left + 2, y: MARGIN.top - 4, width: plotWidth - 2, height: plotHeight + 4 };
  const { labels, columnBottom } = placeLabels(
    placedPoints.map((placed) => ({ text: `${placed.point.label}${placed.optimal ? ' ★' : ''}`, x: placed.x, y: placed.y })),
    area,
    MARKER_RADIUS,
    WIDTH + 8,
  );
  const column = labels.some((label) => label.leader);
  const width = column ? WIDTH + 16 + Math.max(...labels.map((label) => label.box.width)) : WIDTH;
  const height = Math.max(HEIGHT, columnBottom !== null ? columnBottom + MARGIN.bottom : 0);
  return { width, height, logarithmic, ticks, minimumCost: minimum, maximumCost: maximum, points: placedPoints, labels };
}

/** Cost per call (x, log scale when it spans more than 10×) against accuracy (y, with CI whiskers); Pareto-optimal points filled and starred. */
export function frontierChart(title: string, points: readonly FrontierPoint[]): string {
  const layout = layoutFrontier(points);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotBottom = HEIGHT - MARGIN.bottom;
  const parts: string[] = [];
  const tickY = (tick: number): number => {
    const lowest = layout.ticks[0] ?? 0;
    const highest = layout.ticks[layout.ticks.length - 1] ?? 1;
    return MARGIN.top + (1 - (tick - lowest) / (highest - lowest || 1)) * (plotBottom - MARGIN.top);
  };
  for (const tick of layout.ticks) {
    const y = tickY(tick);
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y)}" y2="${round(y)}" class="grid"/>`, text(MARGIN.left - 6, y + 4, percent(tick, 0), 'text-anchor="end" class="tick"'));
  }
  parts.push(text(MARGIN.left + 20, plotBottom + 20, dollars(layout.minimumCost), 'class="tick"'), text(WIDTH - MARGIN.right - 20, plotBottom + 20, dollars(layout.maximumCost), 'text-anchor="end" class="tick"'));
  parts.push(text(MARGIN.left + plotWidth / 2, plotBottom + 38, `mean cost per call${layout.logarithmic ? ' (log scale)' : ''}`, 'text-anchor="middle" class="axis"'));
  parts.push(text(14, MARGIN.top + (plotBottom - MARGIN.top) / 2, 'accuracy', `transform="rotate(-90 14 ${round(MARGIN.top + (plotBottom - MARGIN.top) / 2)})" text-anchor="middle" class="axis"`));
  const frontier = layout.points.filter((placed) => placed.optimal).sort((left, right) => left.point.costUsd - right.point.costUsd);
  if (frontier.length > 1) {
    parts.push(`<path d="${frontier.map((placed, index) => `${index === 0 ? 'M' : 'L'}${round(placed.x)},${round(placed.y)}`).join(' ')}" class="frontier"/>`);
  }
  for (const placed of layout.points) {
    const { point, optimal } = placed;
    parts.push(
      `<line x1="${round(placed.x)}" x2="${round(placed.x)}" y1="${round(placed.yHigh)}" y2="${round(placed.yLow)}" stroke="${point.color}" class="whisker"/>`,
      `<circle cx="${round(placed.x)}" cy="${round(placed.y)}" r="${optimal ? MARKER_RADIUS : 5}" fill="${optimal ? point.color : '#fff'}" stroke="${point.color}" stroke-width="2"><title>${escapeHtml(`${point.label}: ${percent(point.accuracy)} [${percent(point.low)}, ${percent(point.high)}], ${dollars(point.costUsd)} per call${optimal ? ', Pareto-optimal' : ''}`)}</title></circle>`,
    );
  }
  for (const label of layout.labels) {
    if (label.leader) parts.push(`<line x1="${round(label.anchor.x)}" y1="${round(label.anchor.y)}" x2="${round(label.box.x - 3)}" y2="${round(label.box.y + label.box.height / 2)}" class="leader"/>`);
    parts.push(text(label.box.x, label.box.y + label.box.height - 3, label.text, `textLength="${round(label.box.width - 2)}" lengthAdjust="spacingAndGlyphs" class="label"`));
  }
  return svg(title, parts, layout.height, layout.width);
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
