/**
 * Running the built CLI (bin/switchyard.js) as a user does, in a child process with no
 * provider keys in its environment. `npm test` builds first.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The test's environment without provider keys or base URLs, so the built-in defaults are simulated. */
export const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_API_KEY$|^OLLAMA_HOST$|_BASE_URL$/.test(name)));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: { ...cleanEnv, ...options.env },
    encoding: 'utf8',
    timeout: 20_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
}

/** Starts `switchyard serve …` and resolves with its URL once the banner is out. */
export async function startServe(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<{ child: ChildProcessWithoutNullStreams; url: string; banner: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd: options.cwd ?? tmpdir(), env: { ...cleanEnv, SWITCHYARD_LOG_LEVEL: 'warn', ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 15 s: ${stdout}${stderr}`)), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stdout}${stderr}`));
    });
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (match?.[1] && stdout.includes('\n  try:')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    return exited;
  };
  return { child, url, banner: () => stdout, stop };
}
