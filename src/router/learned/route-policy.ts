/**
 * A route's `learned:` block (strategies learned and cascade), resolved at config load:
 * the two models checked to be chat models of the config, the router file read and checked
 * (a pre-call file for `learned`, a cascade file for `cascade`), the threshold (the route's,
 * else the file's). Problems are config issues with their paths, so `switchyard validate`
 * reports them and the server refuses to start on them.
 */
import { fileURLToPath } from 'node:url';
import type { ConfigIssue, ModelConfig } from '../../config/load.js';
import { CascadeVerifier } from './cascade-verifier.js';
import { LearnedRouter } from './learned-router.js';
import { readRouterFile, RouterFileError, type RouterFile } from './model-file.js';

/** The shipped routers, trained on the public GSM8K routing-outcome training split. */
export const SHIPPED_ROUTER_FILES = {
  learned: fileURLToPath(new URL('../../../models/router-gsm8k.json', import.meta.url)),
  cascade: fileURLToPath(new URL('../../../models/router-gsm8k-cascade.json', import.meta.url)),
} as const;

export interface RawLearnedPolicy {
  router_file?: string | undefined;
  strong: string;
  weak: string;
  threshold?: number | undefined;
}

interface PolicyBase {
  /** The file as configured (or the shipped one's path). */
  file: string;
  strong: ModelConfig;
  weak: ModelConfig;
  threshold: number;
  /** Where the threshold came from. */
  thresholdSource: 'route' | 'file';
}

export type LearnedPolicy = (PolicyBase & { mode: 'pre-call'; router: LearnedRouter }) | (PolicyBase & { mode: 'cascade'; verifier: CascadeVerifier });

function load(path: string, mode: 'pre-call' | 'cascade'): LearnedRouter | CascadeVerifier {
  const file: RouterFile = readRouterFile(path);
  if (file.mode !== mode) {
    throw new RouterFileError(mode === 'cascade' ? `${path}: a ${file.mode} router cannot verify answers; train one with \`switchyard router train --cascade\`` : `${path}: a cascade router scores answers, not prompts; use strategy cascade, or train a pre-call router (without --cascade)`);
  }
  try {
    return mode === 'cascade' ? CascadeVerifier.fromFile(file, path) : LearnedRouter.fromFile(file, path);
  } catch (error) {
    if (error instanceof RouterFileError) throw error;
    throw new RouterFileError(`${path}: ${(error as Error).message}`);
  }
}

export function resolveLearned(
  strategy: 'learned' | 'cascade',
  raw: RawLearnedPolicy,
  path: string,
  chatModel: (name: string, path: string) => ModelConfig | undefined,
  issues: ConfigIssue[],
): LearnedPolicy | undefined {
  const strong = chatModel(raw.strong, `${path}.strong`);
  const weak = chatModel(raw.weak, `${path}.weak`);
  if (strong && weak && strong === weak) issues.push({ path: `${path}.weak`, message: `the weak model must differ from the strong one ("${raw.strong}")` });
  const file = raw.router_file ?? SHIPPED_ROUTER_FILES[strategy];
  const mode = strategy === 'cascade' ? 'cascade' : 'pre-call';
  let scorer: LearnedRouter | CascadeVerifier;
  try {
    scorer = load(file, mode);
  } catch (error) {
    issues.push({ path: `${path}.router_file`, message: error instanceof RouterFileError ? error.message : `${file}: ${(error as Error).message}` });
    return undefined;
  }
  if (!strong || !weak || strong === weak) return undefined;
  const threshold = raw.threshold ?? scorer.threshold;
  const base = { file, strong, weak, threshold, thresholdSource: raw.threshold !== undefined ? ('route' as const) : ('file' as const) };
  return scorer instanceof CascadeVerifier ? { ...base, mode: 'cascade', verifier: scorer } : { ...base, mode: 'pre-call', router: scorer };
}
