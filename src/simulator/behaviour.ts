/**
 * Behaviour knobs and their precedence: DEFAULT_BEHAVIOUR < model.behaviour <
 * options.behaviour < the per-request `x-switchyard-sim` header.
 */
import { decodeAnswerKey } from '../core/answer-key.js';
import type { SimBehaviour } from './types.js';

export const SIM_HEADER = 'x-switchyard-sim';

export const DEFAULT_BEHAVIOUR: SimBehaviour = {
  ttftMs: 300,
  tokensPerSecond: 100,
  maxAnswerTokens: 400,
  errorRate: 0,
  errorStatus: 500,
};

/** A malformed `x-switchyard-sim` header; `key` names the offending key. */
export class SimHeaderError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${SIM_HEADER}: ${message}`);
    this.name = 'SimHeaderError';
  }
}

export function mergeBehaviours(...layers: Array<Partial<SimBehaviour> | undefined>): SimBehaviour {
  const merged: SimBehaviour = { ...DEFAULT_BEHAVIOUR };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) Object.assign(merged, { [key]: value });
    }
  }
  return merged;
}

type RawValue = string | number | boolean;
type KeyParser = (key: string, value: RawValue) => Partial<SimBehaviour>;

const HEADER_KEYS: Record<string, KeyParser> = {
  ttft_ms: (key, value) => ({ ttftMs: numberIn(key, value, 0, Number.MAX_SAFE_INTEGER, false) }),
  tps: (key, value) => ({ tokensPerSecond: positiveNumber(key, value) }),
  answer_tokens: (key, value) => ({ maxAnswerTokens: numberIn(key, value, 1, Number.MAX_SAFE_INTEGER, true) }),
  error_rate: (key, value) => ({ errorRate: numberIn(key, value, 0, 1, false) }),
  error_status: (key, value) => ({ errorStatus: numberIn(key, value, 400, 599, true) }),
  retry_after: (key, value) => ({ retryAfterSeconds: numberIn(key, value, 0, Number.MAX_SAFE_INTEGER, false) }),
  break_after: (key, value) => ({ breakAfterTokens: numberIn(key, value, 0, Number.MAX_SAFE_INTEGER, true) }),
  hang: (key, value) => ({ hang: flag(key, value) }),
  slow_rate: (key, value) => ({ slowRate: numberIn(key, value, 0, 1, false) }),
  slow_ttft_ms: (key, value) => ({ slowTtftMs: numberIn(key, value, 0, Number.MAX_SAFE_INTEGER, false) }),
  correct: (key, value) => ({ forceCorrect: flag(key, value) }),
  safety: (key, value) => ({ safetyBlock: flag(key, value) }),
  seed: (key, value) => ({ seed: numberIn(key, value, 0, Number.MAX_SAFE_INTEGER, true) }),
  expect: (key, value) => {
    const decoded = decodeAnswerKey(String(value));
    if (typeof decoded === 'string') throw new SimHeaderError(key, decoded);
    return { answerKey: decoded };
  },
};

const KNOWN_KEYS = Object.keys(HEADER_KEYS).join(', ');

/**
 * Parses the `x-switchyard-sim` header: JSON (`{"ttft_ms":10,"break_after":5}`) or
 * `key=value;key=value`. Throws SimHeaderError naming the bad key. Keys: ttft_ms, tps,
 * answer_tokens, error_rate, error_status, retry_after, break_after, hang, slow_rate, slow_ttft_ms, correct,
 * safety (1 → the answer is blocked by a simulated safety filter, on every protocol), seed (the sample
 * drawn when the request has no seed of its own) and expect (an answer key,
 * core/answer-key.ts: the model answers it right with the probability of its quality for the key's category).
 */
export function parseSimHeader(value: string | undefined): Partial<SimBehaviour> {
  const text = value?.trim() ?? '';
  if (text.length === 0) return {};
  const entries = text.startsWith('{') ? jsonEntries(text) : pairEntries(text);
  const behaviour: Partial<SimBehaviour> = {};
  for (const [key, raw] of entries) {
    const parse = HEADER_KEYS[key];
    if (!parse) throw new SimHeaderError(key, `unknown key "${key}" (known keys: ${KNOWN_KEYS})`);
    Object.assign(behaviour, parse(key, raw));
  }
  return behaviour;
}

function jsonEntries(text: string): Array<[string, RawValue]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SimHeaderError('(json)', 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SimHeaderError('(json)', 'must be a JSON object');
  return Object.entries(parsed).map(([key, raw]): [string, RawValue] => {
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      throw new SimHeaderError(key, `${key} must be a number, boolean or string`);
    }
    return [key, raw];
  });
}

function pairEntries(text: string): Array<[string, RawValue]> {
  const entries: Array<[string, RawValue]> = [];
  for (const pair of text.split(';')) {
    if (pair.trim().length === 0) continue;
    const separator = pair.indexOf('=');
    const key = (separator < 0 ? pair : pair.slice(0, separator)).trim();
    if (separator < 0) throw new SimHeaderError(key, `expected key=value, got "${pair.trim()}"`);
    entries.push([key, pair.slice(separator + 1).trim()]);
  }
  return entries;
}

function numberIn(key: string, raw: RawValue, min: number, max: number, integer: boolean): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  const kind = integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new SimHeaderError(key, `${key} must be ${kind} ${range}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function positiveNumber(key: string, raw: RawValue): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (Number.isNaN(value) || value <= 0) throw new SimHeaderError(key, `${key} must be a number > 0, got ${JSON.stringify(raw)}`);
  return value;
}

function flag(key: string, raw: RawValue): boolean {
  if (raw === true || raw === 1 || raw === '1' || raw === 'true') return true;
  if (raw === false || raw === 0 || raw === '0' || raw === 'false') return false;
  throw new SimHeaderError(key, `${key} must be 1/0 or true/false, got ${JSON.stringify(raw)}`);
}
