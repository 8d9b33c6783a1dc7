/** The HTML report's charts: labels that never overlap, an honest Pareto set, round ticks, a table that scrolls in its box. */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/eval/report/html.js';
import { accuracyTicks, boxesIntersect, layoutFrontier, paretoOptimal, placeLabels, type Box, type FrontierPoint } from '../../src/eval/report/svg-charts.js';
import { syntheticReport, syntheticRows as rows } from './helpers.js';

function point(label: string, costUsd: number, accuracy: number): FrontierPoint {
  return { label, costUsd, accuracy, low: Math.max(0, accuracy - 0.15), high: Math.min(1, accuracy + 0.08), color: '#333' };
}

function expectNoOverlaps(layout: ReturnType<typeof layoutFrontier>): void {
  const { labels } = layout;
  for (let left = 0; left < labels.length; left++) {
    const box = labels[left]!.box;
    // Inside the chart.
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(layout.width);
    expect(box.y + box.height).toBeLessThanOrEqual(layout.height);
    for (let right = left + 1; right < labels.length; right++) {
      expect(boxesIntersect(box, labels[right]!.box), `${labels[left]!.text} / ${labels[right]!.text}`).toBe(false);
    }
    // No label hides a point (labels set beside the plot are away from every point).
    for (const placed of layout.points) {
      const marker: Box = { x: placed.x - 7, y: placed.y - 7, width: 14, height: 14 };
      expect(boxesIntersect(box, marker), `${labels[left]!.text} over ${placed.point.label}`).toBe(false);
    }
  }
}

describe('cost-vs-quality labels', () => {
  it('spread points: each label beside its own point, none overlapping', () => {
    const layout = layoutFrontier([point('deepseek-v4-flash', 0.00002, 0.77), point('gpt-5.4-mini', 0.00008, 0.84), point('auto', 0.00018, 0.9), point('gpt-5.4', 0.00063, 0.95), point('claude-sonnet-4.6', 0.00068, 0.95)]);
    expect(layout.labels).toHaveLength(5);
    expectNoOverlaps(layout);
  });

  it('a cluster of nearly equal points (the case that was unreadable): still no overlaps', () => {
    const cluster = ['gpt-5.4', 'claude-sonnet-4.6', 'gemini-3.1-pro', 'claude-opus-4.6', 'auto', 'tuned', 'gpt-5.4-mini', 'deepseek-v4-flash'].map((label, index) =>
      point(label, 0.0005 + index * 0.000001, 0.9 + (index % 2) * 0.004),
    );
    const layout = layoutFrontier(cluster);
    expect(layout.labels.map((label) => label.text.replace(' ★', '')).sort()).toEqual(cluster.map((entry) => entry.label).sort());
    expectNoOverlaps(layout);
  });

  it('more labels than the plot is high: the chart grows, the labels keep apart', () => {
    const many = Array.from({ length: 30 }, (_, index) => point(`model-number-${index}`, 0.001, 0.5));
    const layout = layoutFrontier(many);
    expect(layout.height).toBeGreaterThan(300);
    expect(layout.labels.every((label) => label.leader)).toBe(true);
    expectNoOverlaps(layout);
  });

  it('placeLabels keeps labels inside the area it is given when they fit there', () => {
    const area: Box = { x: 0, y: 0, width: 400, height: 200 };
    const { labels, columnBottom } = placeLabels(
      [
        { text: 'left', x: 50, y: 100 },
        { text: 'middle', x: 200, y: 100 },
        { text: 'right edge', x: 395, y: 5 },
      ],
      area,
      7,
      410,
    );
    expect(columnBottom).toBeNull();
    for (const label of labels) {
      expect(label.leader).toBe(false);
      expect(label.box.x).toBeGreaterThanOrEqual(0);
      expect(label.box.x + label.box.width).toBeLessThanOrEqual(400);
      expect(label.box.y).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('Pareto set', () => {
  it('marks only points above zero that no other point is both as cheap and as accurate as, one strictly', () => {
    const points = [
      { label: 'free-but-wrong', costUsd: 0.00001, accuracy: 0 },
      { label: 'cheap', costUsd: 0.0001, accuracy: 0.7 },
      { label: 'dominated', costUsd: 0.0002, accuracy: 0.65 },
      { label: 'middle', costUsd: 0.0003, accuracy: 0.85 },
      { label: 'twin-of-middle', costUsd: 0.0003, accuracy: 0.85 },
      { label: 'dearer-same', costUsd: 0.0009, accuracy: 0.85 },
      { label: 'best', costUsd: 0.001, accuracy: 0.95 },
    ];
    expect(paretoOptimal(points).map((entry) => entry.label)).toEqual(['cheap', 'middle', 'twin-of-middle', 'best']);
    expect(paretoOptimal([{ label: 'only-zero', costUsd: 0.1, accuracy: 0 }])).toEqual([]);
  });

  it('the chart stars exactly the Pareto set', () => {
    const points = [point('zero', 0.00001, 0), point('good', 0.0001, 0.9), point('worse', 0.0002, 0.8)];
    const layout = layoutFrontier(points);
    expect(layout.points.filter((placed) => placed.optimal).map((placed) => placed.point.label)).toEqual(['good']);
    expect(layout.labels.filter((label) => label.text.includes('★')).map((label) => label.text)).toEqual(['good ★']);
  });
});

describe('accuracy ticks', () => {
  it.each([0, 0.03, 0.2, 0.38, 0.5, 0.643, 0.77, 0.85, 0.9, 0.968, 1])('lowest bound %s: round values from below it to 100 %', (lowest) => {
    const ticks = accuracyTicks(lowest);
    const step = (ticks[1] as number) - (ticks[0] as number);
    expect([0.05, 0.1, 0.2, 0.5].some((round) => Math.abs(step - round) < 1e-9)).toBe(true);
    for (const tick of ticks) expect(Math.abs(tick / step - Math.round(tick / step))).toBeLessThan(1e-6);
    for (let index = 1; index < ticks.length; index++) expect((ticks[index] as number) - (ticks[index - 1] as number)).toBeCloseTo(step, 9);
    expect(ticks[0]).toBeLessThanOrEqual(lowest);
    expect(ticks[ticks.length - 1]).toBeCloseTo(1, 9);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(11);
  });
});

describe('HTML report', () => {
  const report = syntheticReport('run-html', {
    'gpt-5.4': rows('gpt-5.4', 'math', 19, 20, 0.001, 900),
    'never-right': rows('never-right', 'math', 0, 20, 0.00001, 100),
  });
  const html = renderHtml(report);

  it('puts the results table in a box that scrolls sideways, so the page never does', () => {
    expect(html).toMatch(/<div class="table-box"><table>/);
    expect(html).toMatch(/\.table-box \{ overflow-x: auto;/);
  });

  it('draws labels at the width the layout gave them and never stars a target at 0 %', () => {
    expect(html).toMatch(/textLength="[\d.]+" lengthAdjust="spacingAndGlyphs" class="label">gpt-5\.4 ★</);
    expect(html).toContain('class="label">never-right<');
    expect(html).not.toContain('never-right ★');
  });
});
