/**
 * `switchyard … | head`: when the reader of standard output goes away, a command ends
 * quietly instead of dying with an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, cleanEnv, tempDir } from '../helpers/cli.js';

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
