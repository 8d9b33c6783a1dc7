/**
 * `switchyard eval export-outcomes` output trains a router: lines built with the exporter's
 * own writer (id, category, prompt, outcomes — no subject, no responses) go through
 * `router train` and `router eval`; and `router eval --verifier` reports a cascade router's
 * metrics beside the pre-call one's on the same prompts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runRouter } from '../../src/cli/router.js';
import { toJsonl, type OutcomeLine } from '../../src/eval/export-outcomes.js';
import { seededRandom } from '../../src/core/random.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function capture(): { output: () => string; errors: () => string } {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  return { output: () => log.mock.calls.map((call) => String(call[0])).join('\n'), errors: () => error.mock.calls.map((call) => String(call[0])).join('\n') };
}

/** Outcome lines as an eval run of two simulated models would export them: the weak one fails the long multi-step prompts. */
function exportedLines(count: number): OutcomeLine[] {
  const random = seededRandom(11);
  return Array.from({ length: count }, (_, index) => {
    const steps = 1 + Math.floor(random() * 6);
    const numbers = Array.from({ length: steps + 1 }, () => 2 + Math.floor(random() * 50));
    const prompt = `Compute step by step: start at ${numbers[0]}, ${numbers.slice(1).map((number) => `then add ${number} and multiply by 2`).join(', ')}. What is the result?`;
    const weak = random() > 0.15 * steps ? 1 : 0;
    const strong = random() > 0.03 * steps ? 1 : 0;
    return { id: `case-${index}`, category: 'math', prompt, outcomes: { 'sim-strong': strong as 0 | 1, 'sim-weak': weak as 0 | 1 } };
  });
}

describe('eval export-outcomes → router train → router eval', () => {
  it('trains on the exported format and reports the metrics the issue names', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-outcomes-'));
    const lines = exportedLines(400);
    writeFileSync(join(directory, 'train.jsonl'), toJsonl(lines.slice(0, 300)));
    writeFileSync(join(directory, 'test.jsonl'), toJsonl(lines.slice(300)));
    capture();
    expect(await runRouter({ data: join(directory, 'train.jsonl'), strong: 'sim-strong', weak: 'sim-weak', out: join(directory, 'router.json') }, ['train'])).toBe(0);
    vi.restoreAllMocks();
    const io = capture();
    expect(await runRouter({ router: join(directory, 'router.json'), data: join(directory, 'test.jsonl'), json: true }, ['eval'])).toBe(0);
    const report = JSON.parse(io.output()) as { apgr: number; cpt50: number; cpt80: number; strong_fraction_at_95: number; weak: number; strong: number; random: { apgr: number }; n: number };
    expect(report.n).toBe(100);
    expect(report.random.apgr).toBe(0.5);
    expect(report.strong).toBeGreaterThan(report.weak);
    // The number of steps decides the weak model's failures, and the prompt shows them.
    expect(report.apgr).toBeGreaterThan(0.6);
    expect(report.cpt80).toBeGreaterThanOrEqual(report.cpt50);
  }, 120_000);

  it('names a line whose outcomes lack the model asked for', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-outcomes-'));
    const lines = exportedLines(3);
    delete (lines[1] as OutcomeLine).outcomes['sim-weak'];
    writeFileSync(join(directory, 'bad.jsonl'), toJsonl(lines));
    const io = capture();
    expect(await runRouter({ data: join(directory, 'bad.jsonl'), strong: 'sim-strong', weak: 'sim-weak', out: join(directory, 'r.json') }, ['train'])).toBe(1);
    expect(io.errors()).toContain('bad.jsonl:2: "outcomes" has no entry for "sim-weak"');
  });
});

describe('router eval --verifier: cascade metrics beside pre-call ones', () => {
  it('reports both on the same prompts, the cascade paying the weak call on every request', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-outcomes-'));
    const random = seededRandom(5);
    const rows = Array.from({ length: 320 }, (_, index) => {
      const a = 2 + Math.floor(random() * 90);
      const b = 2 + Math.floor(random() * 90);
      const weak = random() > 0.35 ? 1 : 0;
      const strong = random() > 0.08 ? 1 : 0;
      const answer = weak ? `${a} + ${b} = <<${a}+${b}=${a + b}>>${a + b}\n#### ${a + b}` : `I think it is roughly ${a + b + 7}, but I am not sure`;
      return { id: `r${index}`, prompt: `Tom has ${a} cards and gets ${b} more. How many cards does he have?`, outcomes: { S: strong, W: weak }, responses: { W: answer } };
    });
    const jsonl = (part: unknown[]): string => `${part.map((row) => JSON.stringify(row)).join('\n')}\n`;
    writeFileSync(join(directory, 'train.jsonl'), jsonl(rows.slice(0, 240)));
    writeFileSync(join(directory, 'test.jsonl'), jsonl(rows.slice(240)));
    const common = { data: join(directory, 'train.jsonl'), strong: 'S', weak: 'W' };
    capture();
    expect(await runRouter({ ...common, out: join(directory, 'pre.json') }, ['train'])).toBe(0);
    expect(await runRouter({ ...common, out: join(directory, 'cascade.json'), cascade: true }, ['train'])).toBe(0);
    vi.restoreAllMocks();
    const io = capture();
    expect(await runRouter({ router: join(directory, 'pre.json'), verifier: join(directory, 'cascade.json'), data: join(directory, 'test.jsonl'), json: true, 'weak-cost': '0.1' }, ['eval'])).toBe(0);
    const report = JSON.parse(io.output()) as { mode: string; apgr: number; cascade_mode: { mode: string; apgr: number; strong_fraction_at_95: number; cost: { at_95: number } } };
    expect(report.mode).toBe('pre-call');
    expect(report.cascade_mode.mode).toBe('cascade');
    // Only the weak answer tells right from wrong here: the verifier sees it, the prompt cannot.
    expect(report.cascade_mode.apgr).toBeGreaterThan(0.9);
    expect(report.cascade_mode.apgr).toBeGreaterThan(report.apgr);
    expect(report.cascade_mode.cost.at_95).toBeCloseTo(0.1 + report.cascade_mode.strong_fraction_at_95, 3);
    vi.restoreAllMocks();
    const wrong = capture();
    expect(await runRouter({ router: join(directory, 'pre.json'), verifier: join(directory, 'pre.json'), data: join(directory, 'test.jsonl') }, ['eval'])).toBe(1);
    expect(wrong.errors()).toContain('--verifier needs a cascade router');
  }, 120_000);
});
