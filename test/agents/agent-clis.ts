/**
 * The real coding-agent CLIs, installed from the npm registry into a git-ignored cache
 * folder (never as project dependencies), and run against a gateway with everything that
 * could reach the internet turned off and every run bounded by a timeout.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Pinned, so a new release changes nothing until someone moves the pin (and re-records the fixtures). */
export const AGENT_PACKAGES = {
  claude: { name: '@anthropic-ai/claude-code', version: '2.1.197', bin: 'claude' },
  codex: { name: '@openai/codex', version: '0.171.0', bin: 'codex' },
  opencode: { name: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
} as const;

export type AgentName = keyof typeof AGENT_PACKAGES;

export const CACHE_DIR = fileURLToPath(new URL('../../.cache/agent-clis/', import.meta.url));

function installedVersion(name: string): string | undefined {
  const manifest = `${CACHE_DIR}node_modules/${name}/package.json`;
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}

/** Installs the pinned CLIs unless the cache already holds them; returns each one's executable. */
export async function ensureAgentClis(): Promise<Record<AgentName, string>> {
  const missing = Object.values(AGENT_PACKAGES).filter((entry) => installedVersion(entry.name) !== entry.version);
  if (missing.length > 0) {
    mkdirSync(CACHE_DIR, { recursive: true });
    if (!existsSync(`${CACHE_DIR}package.json`)) writeFileSync(`${CACHE_DIR}package.json`, '{ "name": "switchyard-agent-clis", "private": true }\n');
    const specs = Object.values(AGENT_PACKAGES).map((entry) => `${entry.name}@${entry.version}`);
    await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...specs], { cwd: CACHE_DIR, timeout: 15 * 60_000 });
  }
  const bins = {} as Record<AgentName, string>;
  for (const [agent, entry] of Object.entries(AGENT_PACKAGES) as [AgentName, (typeof AGENT_PACKAGES)[AgentName]][]) bins[agent] = `${CACHE_DIR}node_modules/.bin/${entry.bin}`;
  return bins;
}

/** Environment for every agent run: no telemetry, no auto-update, no provider keys of the caller's. */
export const OFFLINE_ENV: Record<string, string> = {
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_BUG_COMMAND: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  OPENCODE_DISABLE_AUTOUPDATE: '1',
  OPENCODE_DISABLE_SHARE: '1',
  OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  OPENCODE_DISABLE_MODELS_FETCH: '1',
  OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
  NO_UPDATE_NOTIFIER: '1',
  CI: '1',
};

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs an agent CLI with only the given environment (plus PATH), stdin closed, killed at the deadline. */
export function runAgent(bin: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<AgentRun> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...OFFLINE_ENV, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group: the CLIs start helpers of their own.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
