/** Runs the real `switchyard serve` (the built bin) as a child process, as an operator would. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const BIN = new URL('../../bin/switchyard.js', import.meta.url).pathname;

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** The URL from the banner's first line. */
  url: Promise<string>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export function spawnServe(configPath: string, env: Record<string, string> = {}, extraArgs: string[] = [], startTimeoutMs = 20_000): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configPath, '--port', '0', ...extraArgs], { stdio: 'pipe', env: { ...process.env, ...env } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no banner within ${startTimeoutMs / 1000} s: ${output}`)), startTimeoutMs);
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  return { child, url, exited };
}
