/**
 * Every command that loads the config accepts the built-in defaults: run in a directory
 * without switchyard.yaml and without provider keys, none of them reports an invalid config.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const COMMANDS_LOADING_THE_CONFIG: string[][] = [
  ['validate'],
  ['logs'],
  ['keys', 'list'],
  ['budgets', 'list'],
  ['spend'],
  ['spend', '--savings'],
  ['route', 'explain', 'What is 17 * 23?'],
  ['eval', 'list'],
  ['eval', 'report', 'smoke'],
  ['eval', 'tune', '--run', 'smoke'],
  ['eval', 'compare', 'smoke', 'other'],
  ['eval', 'export-outcomes', 'smoke'],
  ['eval', 'run', '--dataset', 'missing.jsonl', '--models', 'gpt-5.4-mini'],
];

describe('the built-in defaults in every command that loads them', () => {
  it.each(COMMANDS_LOADING_THE_CONFIG.map((args) => [args.join(' '), args]))('switchyard %s', (_name, args) => {
    const result = runCli(args as string[], { cwd: tempDir() });
    expect(result.stderr).not.toContain('invalid config');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.code === 0 || /no evaluation run|no request log|dataset/.test(result.stderr), `${result.code}: ${result.stderr}`).toBe(true);
  });
});
