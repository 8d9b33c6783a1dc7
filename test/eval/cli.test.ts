/**
 * `switchyard eval ...` as the CLI runs it (in-process, through runEval): refusing bad
 * datasets and same-family judges, a small run, and the report, tune, compare and
 * export-outcomes commands on it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { runEval } from '../../src/cli/eval.js';
import { arithmeticDataset, fastConfigText, tempDirectory, writeFile } from './helpers.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function evalCli(positionals: string[], values: Record<string, string | boolean>): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...items: unknown[]) => void out.push(items.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...items: unknown[]) => void err.push(items.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await runEval(values, positionals);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('switchyard eval (CLI)', () => {
  const directory = tempDirectory();
  const configPath = writeFile(directory, 'switchyard.yaml', `# eval test config\n${fastConfigText(join(directory, 'eval.db'))}`);
  const dataset = writeFile(directory, 'arithmetic.jsonl', arithmeticDataset(12));
  const config = { config: configPath };

  afterEach(() => vi.restoreAllMocks());

  it('refuses a dataset with bad lines, naming each line', async () => {
    const bad = writeFile(directory, 'bad.jsonl', `${arithmeticDataset(1)}{"id": "x", "category": "math", "prompt": "1+1", "expected": {"scorer": "numeric"}}\nnot json\n`);
    const result = await evalCli(['run'], { ...config, dataset: bad, models: 'gpt-5.4-mini' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid dataset');
    expect(result.stderr).toMatch(/line 2: expected\.value: /);
    expect(result.stderr).toMatch(/line 3: not valid JSON/);
    expect(result.stderr).toContain('the run does not start');
  });

  it('refuses unknown models and a missing judge with exit 2', async () => {
    expect((await evalCli(['run'], { ...config, dataset, models: 'gpt-9' })).stderr).toMatch(/unknown model "gpt-9" \(known models: .*gpt-5\.4-mini, .*; routes: split, auto\)/);
    const judged = writeFile(directory, 'judged.jsonl', '{"id": "j", "category": "qa", "prompt": "Explain tides.", "expected": {"scorer": "judge", "rubric": "Mentions the Moon."}}\n');
    const missing = await evalCli(['run'], { ...config, dataset: judged, models: 'gpt-5.4-mini' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/give the judge model with --judge MODEL/);
  });

  it('refuses a judge of the same family, or warns loudly with --allow-same-family', async () => {
    const judged = writeFile(directory, 'judged2.jsonl', '{"id": "j", "category": "qa", "prompt": "Explain tides.", "expected": {"scorer": "judge", "rubric": "Mentions the Moon."}}\n');
    const refused = await evalCli(['run'], { ...config, dataset: judged, models: 'gpt-5.4-mini,claude-sonnet-4.6', judge: 'gpt-5.4' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the judge gpt-5\.4 is of the same family as gpt-5\.4-mini \(openai\).*--allow-same-family/s);

    const allowed = await evalCli(['run'], { ...config, dataset: judged, models: 'gpt-5.4-mini', judge: 'gpt-5.4', 'allow-same-family': true, name: 'judged' });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/WARNING: the judge gpt-5\.4 is of the same family/);
    expect(allowed.stdout).toMatch(/Scoring calls \(judge gpt-5\.4, embeddings -\): 1 made, 0 from cache/);

    // Judge verdicts are cached: the same question to the same judge is not paid twice.
    const again = await evalCli(['run'], { ...config, dataset: judged, models: 'gpt-5.4-mini', judge: 'gpt-5.4', 'allow-same-family': true, name: 'judged-again' });
    expect(again.stdout).toMatch(/0 made, 1 from cache/);
  });

  it('runs, reports as a table, JSON and one self-contained HTML file', async () => {
    const run = await evalCli(['run'], { ...config, dataset, models: 'gpt-5.4-mini,deepseek-v4-flash', routes: 'split', runs: '2', name: 'cli-run', concurrency: '4' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Run run-\S+ "cli-run": .*arithmetic\.jsonl \(12 cases × 2 runs\), complete, 72\/72 results/);
    expect(run.stdout).toMatch(/accuracy \[95% CI\].*cost\/correct/);

    const json = await evalCli(['report', 'cli-run'], { ...config, json: true });
    const report = JSON.parse(json.stdout) as { targets: Array<{ target: string; overall: { calls: number; accuracyLow: number } }> };
    expect(report.targets.map((target) => target.target)).toEqual(['gpt-5.4-mini', 'deepseek-v4-flash', 'split']);
    expect(report.targets[0]?.overall.calls).toBe(24);

    const htmlPath = join(directory, 'report.html');
    expect((await evalCli(['report', 'cli-run'], { ...config, html: htmlPath })).code).toBe(0);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Cost vs quality: math');
    expect(html).toContain('Latency per target');
    expect(html).toContain('Accuracy per category');
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
  });

  it('resumes a finished run by name without new calls', async () => {
    const again = await evalCli(['run'], { ...config, dataset, models: 'gpt-5.4-mini,deepseek-v4-flash', routes: 'split', runs: '2', name: 'cli-run' });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resuming eval run/);
    expect(again.stderr).toMatch(/72 of 72 results were already stored and not repeated/);
    const mismatch = await evalCli(['run'], { ...config, dataset, models: 'gpt-5.4', name: 'cli-run' });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/cannot be resumed with gpt-5\.4/);
  });

  it('tune prints a diff, and --write applies one the loader accepts', async () => {
    const dry = await evalCli(['tune'], { ...config, run: 'cli-run', 'quality-floor': '0.5', route: 'measured' });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^\+ {2}measured:$/m);
    expect(dry.stdout).toMatch(/^\+ {6}math: \S+ # /m);
    expect(readFileSync(configPath, 'utf8')).not.toContain('measured:');

    const written = await evalCli(['tune'], { ...config, run: 'cli-run', 'quality-floor': '0.5', route: 'measured', write: true });
    expect(written.code).toBe(0);
    const text = readFileSync(configPath, 'utf8');
    expect(text.startsWith('# eval test config\n')).toBe(true);
    expect(text).toContain('# Half the traffic to each model, at random');
    const tuned = parseConfigText(text, {}, configPath);
    expect(tuned.routes.get('measured')?.strategy).toBe('table');
    expect(tuned.models.get('gpt-5.4-mini')?.quality.math).toBeGreaterThan(0);
  });

  it('compares two runs and exports outcomes for the learned router', async () => {
    const compare = await evalCli(['compare', 'cli-run', 'cli-run'], config);
    expect(compare.code, compare.stderr + compare.stdout).toBe(0);
    expect(compare.stdout).toMatch(/No regression detected; these samples could detect overall only drops larger than \d+\.\d(–\d+\.\d)? points/);
    // A model against another model of the same run, by target.
    const cross = await evalCli(['compare', 'cli-run:gpt-5.4-mini', 'cli-run:deepseek-v4-flash'], config);
    expect(cross.stdout).toContain('gpt-5.4-mini → deepseek-v4-flash');
    expect(cross.stdout).toMatch(/gpt-5\.4-mini → deepseek-v4-flash\s+all\s/);
    // A target one side lacks: a usage error naming the run's targets, not an empty "no regression".
    await expect(evalCli(['compare', 'cli-run:gpt-5.4-mini', 'cli-run:nope'], { ...config, 'fail-on-regression': true })).rejects.toThrow(
      /run "cli-run" has no target "nope" \(its targets: gpt-5\.4-mini, deepseek-v4-flash, split\)/,
    );

    const out = join(directory, 'outcomes.jsonl');
    expect((await evalCli(['export-outcomes', 'cli-run'], { ...config, out })).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { prompt: string; outcomes: Record<string, number> });
    expect(lines).toHaveLength(12);
    expect(Object.keys(lines[0]?.outcomes ?? {})).toEqual(['gpt-5.4-mini', 'deepseek-v4-flash']);

    const listed = await evalCli(['list'], config);
    expect(listed.stdout).toMatch(/cli-run\s+\S+ \S+\s+complete/);
  });

  it('explains its subcommands', async () => {
    await expect(runEval({}, ['frobnicate'])).rejects.toThrow(/unknown subcommand "frobnicate" \(known: run, report, tune, compare, export-outcomes, list\)/);
  });
});

beforeAll(() => {
  // The CLI reads SWITCHYARD_API_KEY for the in-process gateway; keep tests independent of the shell's.
  delete process.env.SWITCHYARD_API_KEY;
});
