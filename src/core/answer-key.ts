/**
 * The answer key `switchyard eval` hands a simulated upstream, so a simulated model can
 * take a real test: it knows what a right answer looks like and gives one with the
 * probability of its quality for the case's category (a wrong one otherwise). It travels
 * as the `expect` key of the `x-switchyard-sim` header, which the gateway forwards only to
 * simulated providers; a real provider never sees it.
 *
 * Wire form: base64url of compact JSON, so it survives the header's `key=value;` syntax.
 */
import { isTaskCategory, type TaskCategory } from './categories.js';

export type AnswerKey =
  | { kind: 'choice'; category: TaskCategory; letter: string }
  | { kind: 'number'; category: TaskCategory; value: number; tolerance: number; relative: boolean }
  | { kind: 'exact'; category: TaskCategory; value: string }
  | { kind: 'contains'; category: TaskCategory; values: string[]; match: 'all' | 'any' }
  | { kind: 'json'; category: TaskCategory; schema: Record<string, unknown> }
  | { kind: 'reference'; category: TaskCategory; text: string }
  | { kind: 'length'; category: TaskCategory; minWords?: number; maxWords?: number; minCharacters?: number; maxCharacters?: number }
  | { kind: 'category'; category: TaskCategory };

/** Larger keys (a long reference, a big schema) are not sent: the model then answers the way it answers any request. */
export const MAX_ANSWER_KEY_BYTES = 4096;

export function encodeAnswerKey(key: AnswerKey): string | undefined {
  const encoded = Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
  return encoded.length <= MAX_ANSWER_KEY_BYTES ? encoded : undefined;
}

/** The key in `encoded`, or an error message saying what is wrong with it. */
export function decodeAnswerKey(encoded: string): AnswerKey | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return 'expect must be base64url-encoded JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'expect must encode a JSON object';
  const key = parsed as Record<string, unknown>;
  if (typeof key.category !== 'string' || !isTaskCategory(key.category)) return 'expect.category must be a task category';
  const valid = KIND_CHECKS[String(key.kind)];
  if (!valid) return `expect.kind must be one of ${Object.keys(KIND_CHECKS).join(', ')}`;
  return valid(key) ? (key as unknown as AnswerKey) : `expect: malformed ${String(key.kind)} key`;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isOptionalCount = (value: unknown): boolean => value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= 0);

const KIND_CHECKS: Record<string, (key: Record<string, unknown>) => boolean> = {
  choice: (key) => isString(key.letter) && /^[A-D]$/.test(key.letter),
  number: (key) => Number.isFinite(key.value) && Number.isFinite(key.tolerance) && typeof key.relative === 'boolean',
  exact: (key) => isString(key.value),
  contains: (key) => Array.isArray(key.values) && key.values.length > 0 && key.values.every(isString) && (key.match === 'all' || key.match === 'any'),
  json: (key) => typeof key.schema === 'object' && key.schema !== null && !Array.isArray(key.schema),
  reference: (key) => isString(key.text) && key.text.length > 0,
  length: (key) => ['minWords', 'maxWords', 'minCharacters', 'maxCharacters'].every((name) => isOptionalCount(key[name])),
  category: () => true,
};
