/**
 * What the reporting commands print: aligned tables for people (long names included), JSON
 * for scripts, and a sentence, not an empty table or nothing, when there is nothing yet.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/** Every row keeps to the columns the dashes under the header mark out. */
function expectAligned(table: string): void {
  const lines = table.trimEnd().split('\n');
  const rule = lines.findIndex((line) => /^-+( +-+)+$/.test(line));
  expect(rule, table).toBeGreaterThan(0);
  const gaps: number[] = [];
  for (let column = 0; column < (lines[rule] as string).length; column++) if ((lines[rule] as string)[column] === ' ') gaps.push(column);
  for (const line of [lines[rule - 1] as string, ...lines.slice(rule + 1)]) {
    for (const column of gaps) expect(line[column] ?? ' ', `column ${column} of "${line}"`).toBe(' ');
  }
}

function workspace(): string {
  const directory = tempDir();
  writeFileSync(join(directory, 'switchyard.yaml'), 'store:\n  sqlite: { path: ./db/log.db }\nproviders:\n  sim: { type: simulator }\nmodels:\n  a-model-with-a-rather-long-name: { provider: sim, price: { input: 1, output: 2 } }\n  m: { provider: sim, price: { input: 1, output: 2 } }\n');
  return directory;
}

describe('reports with nothing to report', () => {
  it('say so in a sentence, and print nothing for scripts', () => {
    const directory = workspace();
    for (const [args, sentence] of [
      [['keys', 'list'], '(no keys yet: switchyard keys create --name NAME)'],
      [['budgets', 'list'], '(no budgets yet: switchyard budgets create --scope global --period month --usd 100)'],
      [['spend'], '(no requests)'],
      [['spend', '--since', '7d'], '(no requests since '],
      [['spend', '--savings', '--baseline', 'm'], '(no requests: nothing to compare with m)'],
    ] as const) {
      const result = runCli([...args], { cwd: directory });
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toContain(sentence);
      expect(runCli([...args, '--json'], { cwd: directory }).stdout.trim(), `${args.join(' ')} --json`).toMatch(/^$|^\{"baseline":"m","baseline_mode":"tokens","baseline_lengths":null,"rows":\[\]\}$/);
    }
  });
});

describe('tables', () => {
  it('keys list and budgets list align on long names, and --json has every field', () => {
    const directory = workspace();
    expect(runCli(['keys', 'create', '--name', 'search-backend-production-eu-west', '--team', 'platform-infrastructure', '--rpm', '600', '--models', 'a-model-with-a-rather-long-name'], { cwd: directory }).code).toBe(0);
    expect(runCli(['keys', 'create', '--name', 'ci', '--expires', '30d'], { cwd: directory }).code).toBe(0);
    const keys = runCli(['keys', 'list'], { cwd: directory }).stdout;
    expectAligned(keys);
    expect(keys).toContain('600 rpm; models a-model-with-a-rather-long-name');

    expect(runCli(['budgets', 'create', '--scope', 'team', '--id', 'platform-infrastructure', '--period', 'total', '--usd', '12.5', '--tokens', '100000'], { cwd: directory }).code).toBe(0);
    expect(runCli(['budgets', 'create', '--period', 'day', '--usd', '1', '--soft'], { cwd: directory }).code).toBe(0);
    const budgets = runCli(['budgets', 'list'], { cwd: directory }).stdout;
    expectAligned(budgets);
    expect(budgets.split('\n')[0]).toMatch(/^id\s+scope\s+for\s+period\s+kind\s+limit \$\s+spent \$\s+limit tokens\s+spent tokens\s+used$/);
    expect(budgets).toMatch(/team\s+platform-infrastructure\s+total\s+hard\s+\$12\.5/);
    const rows = runCli(['budgets', 'list', '--json'], { cwd: directory }).stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ scope: 'team', scopeId: 'platform-infrastructure', period: 'total', limitUsd: 12.5, limitTokens: 100000, spent_usd: 0, spent_tokens: 0 });
  });
});

describe('switchyard validate --json', () => {
  it('prints ok or every problem with its path, for scripts', () => {
    const directory = workspace();
    const good = runCli(['validate', '--json'], { cwd: directory });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, providers: 1, models: 2, chat_models: 2, simulated: true });
    writeFileSync(join(directory, 'bad.yaml'), 'providers:\n  sim: { type: simulator }\nmodels:\n  a: { provider: sim, price: { input: cheap, output: 1 } }\n  b: { provider: ghost }\n');
    const bad = runCli(['validate', '--json', '--config', 'bad.yaml'], { cwd: directory });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({
      ok: false,
      source: join(directory, 'bad.yaml'),
      problems: [
        { path: 'models.a.price.input', message: 'expected number, received string' },
        { path: 'models.b.provider', message: 'unknown provider "ghost" (known: sim)' },
      ],
    });
  });
});
