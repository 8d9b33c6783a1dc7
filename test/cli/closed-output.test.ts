/**
 * Ordinary conditions end a command with a line saying what is wrong, never a stack trace:
 * `switchyard … | head` (the reader of standard output goes away), and files or databases
 * that cannot be opened.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, cleanEnv, runCli, tempDir } from '../helpers/cli.js';

/** Runs the command with its stdout closed before it writes a byte. */
async function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: tempDir(), env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stderr };
}

describe('a closed standard output', () => {
  it.each([[['schema']], [['schema', '--markdown']], [['--help']], [['route', 'explain', 'What is 17 * 23?']]])('switchyard %j ends quietly', async (args) => {
    const result = await withClosedStdout(args);
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.code).toBe(0);
  });
});

describe('a file or database that cannot be opened', () => {
  it.each([[['logs', '--db', '.']], [['eval', 'list', '--db', '.']], [['guard', 'scan', '--input', '.']], [['validate', '--config', 'missing.yaml']]])('switchyard %j: one line, exit 1', (args) => {
    const result = runCli(args, { cwd: tempDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stderr).toMatch(/^(switchyard [a-z]+: |invalid config)/);
  });
});
