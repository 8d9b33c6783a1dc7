/**
 * Answers to an evaluation case whose answer key came with the request (core/answer-key.ts):
 * a letter for a multiple-choice question, a number for a word problem, the extracted
 * values in the format the prompt asks for, JSON that does (or does not) validate, the
 * reference text or a poor paraphrase of it. Right when `correct` (drawn from the model's
 * quality for the key's category), plausibly wrong otherwise, and as long as such answers
 * usually are, so evaluated costs stay realistic.
 */
import type { AnswerKey } from '../../core/answer-key.js';
import type { TaskCategory } from '../../core/categories.js';
import type { SeededRandom } from '../random.js';
import { countTextTokens } from '../tokens.js';
import { formatNumber, wrongValue } from './arithmetic.js';
import type { JsonSchema } from './chat-input.js';
import { padToTokens } from './filler.js';
import { isSchema, valueForSchema } from './json-values.js';
import { keywordsOf } from './text-features.js';

export interface KeyedRequest {
  text: string;
  correct: boolean;
  random: SeededRandom;
  /** The prompt asks for JSON (or the request sets a JSON response format). */
  wantsJson: boolean;
}

/** Tokens of reasoning before a final answer, per category (the final line comes on top). */
const REASONING_TOKENS: Partial<Record<TaskCategory, [number, number]>> = {
  math: [40, 140],
  code: [30, 120],
  qa: [15, 80],
};
const DEFAULT_REASONING: [number, number] = [10, 60];

/** The answer, or undefined when the key only names the category (the model answers as it answers anything). */
export function keyedAnswer(key: AnswerKey, request: KeyedRequest): string | undefined {
  switch (key.kind) {
    case 'choice':
      return withReasoning(key.category, request, `The answer is (${request.correct ? key.letter : wrongLetter(key.letter, request)}).`);
    case 'number':
      return withReasoning(key.category, request, `The answer is ${formatNumber(request.correct ? key.value : wrongNumber(key, request.random))}.`);
    case 'exact':
      return request.correct ? key.value : wrongText(key.value, request);
    case 'contains':
      return listAnswer(request.correct ? key.values : wrongValues(key, request), request.wantsJson);
    case 'json':
      return JSON.stringify(request.correct ? validValue(key.schema, request) : brokenValue(key.schema, request));
    case 'reference':
      return request.correct ? key.text : poorParaphrase(key.text, request);
    case 'length':
      return sizedText(key, request);
    case 'category':
      return undefined;
  }
}

function withReasoning(category: TaskCategory, request: KeyedRequest, finalLine: string): string {
  const [shortest, longest] = REASONING_TOKENS[category] ?? DEFAULT_REASONING;
  const reasoning = padToTokens('', request.random.integer(shortest, longest), keywordsOf(request.text), request.random);
  return `${reasoning}\n\n${finalLine}`;
}

/** Another letter among the options the question shows (A–D when it shows none). */
function wrongLetter(letter: string, request: KeyedRequest): string {
  const shown = [...request.text.matchAll(/(?:^|\n)\s*\(?([A-D])[).:]\s/g)].map((match) => match[1] as string);
  const options = (shown.length >= 2 ? [...new Set(shown)] : ['A', 'B', 'C', 'D']).filter((candidate) => candidate !== letter);
  return request.random.pick(options.length > 0 ? options : ['A', 'B', 'C', 'D'].filter((candidate) => candidate !== letter));
}

/** A plausible mistake outside the scorer's tolerance. */
function wrongNumber(key: Extract<AnswerKey, { kind: 'number' }>, random: SeededRandom): number {
  const allowed = key.relative ? key.tolerance * Math.abs(key.value) : key.tolerance;
  const candidate = wrongValue(key.value, random);
  if (Math.abs(candidate - key.value) > allowed + 1e-9) return candidate;
  const step = Math.max(1, Math.ceil(allowed * 2 + 1));
  return key.value + (random.chance(0.5) ? step : -step);
}

function wrongText(value: string, request: KeyedRequest): string {
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return formatNumber(wrongValue(Number(trimmed), request.random));
  const others = keywordsOf(request.text, 12).filter((word) => word.toLowerCase() !== trimmed.toLowerCase());
  return others.length > 0 ? request.random.pick(others) : `${trimmed} (unsure)`;
}

/** Misses one value (match all), or all of them (match any). */
function wrongValues(key: Extract<AnswerKey, { kind: 'contains' }>, request: KeyedRequest): string[] {
  const lowered = key.values.map((value) => value.toLowerCase());
  const unrelated = keywordsOf(request.text, 12).filter((word) => !lowered.some((value) => word.toLowerCase().includes(value) || value.includes(word.toLowerCase())));
  if (key.match === 'any' || key.values.length === 1) return unrelated.slice(0, 2);
  const missing = request.random.integer(0, key.values.length - 1);
  const kept = key.values.filter((_, index) => index !== missing);
  // A kept value may contain the missing one ("New York" and "York"): then swap in an unrelated word instead.
  if (kept.some((value) => value.toLowerCase().includes(lowered[missing] as string))) return unrelated.slice(0, 2);
  return kept;
}

function listAnswer(values: readonly string[], wantsJson: boolean): string {
  if (wantsJson) return JSON.stringify(values);
  return values.length > 0 ? values.join(', ') : 'None found.';
}

function validValue(schema: Record<string, unknown>, request: KeyedRequest): unknown {
  return valueForSchema(schema as JsonSchema, { root: schema as JsonSchema, random: request.random, keywords: keywordsOf(request.text) });
}

/** A value the schema rejects: a required property missing, else a property (or the value) of the wrong type. */
function brokenValue(schema: Record<string, unknown>, request: KeyedRequest): unknown {
  const value = validValue(schema, request);
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (required.length > 0) {
      const { [request.random.pick(required)]: _dropped, ...rest } = record;
      return rest;
    }
    const properties = isSchema(schema.properties) ? Object.keys(schema.properties) : [];
    const name = properties[0];
    if (name !== undefined) return { ...record, [name]: typeof record[name] === 'string' ? 12345 : 'not what was asked' };
  }
  if (typeof value === 'string') return 12345;
  if (Array.isArray(value)) return { items: value };
  return 'not what was asked';
}

/** The first quarter of the reference, then generic filler: too far from it to pass an overlap or similarity threshold. */
function poorParaphrase(reference: string, request: KeyedRequest): string {
  const words = reference.split(/\s+/).filter((word) => word.length > 0);
  const opening = words.slice(0, Math.max(1, Math.floor(words.length / 4))).join(' ');
  return padToTokens(`${opening}.`, countTextTokens(reference), keywordsOf(request.text).slice(-1), request.random).trimEnd();
}

/** Text inside the word and character limits (right), or just outside them (wrong). */
function sizedText(key: Extract<AnswerKey, { kind: 'length' }>, request: KeyedRequest): string {
  // Plain words only, so the count is the same however a scorer splits words.
  const pool = padToTokens('', 3000, keywordsOf(request.text), request.random)
    .split(/\s+/)
    .filter((word) => /^\p{L}+[.,;]?$/u.test(word));
  const words = (count: number): string => pool.slice(0, Math.max(1, count)).join(' ');
  const low = key.minWords ?? (key.minCharacters !== undefined ? Math.ceil(key.minCharacters / 5) + 1 : 1);
  const high = key.maxWords ?? (key.maxCharacters !== undefined ? Math.max(low, Math.floor(key.maxCharacters / 8)) : low + 60);
  if (request.correct) {
    let text = words(request.random.integer(low, Math.max(low, high)));
    if (key.maxCharacters !== undefined && text.length > key.maxCharacters) text = text.slice(0, key.maxCharacters).replace(/\s+\S*$/, '');
    return text;
  }
  if (key.maxWords !== undefined || key.maxCharacters !== undefined) {
    const overWords = (key.maxWords ?? Math.ceil((key.maxCharacters ?? 0) / 3)) + request.random.integer(5, 20);
    return words(overWords);
  }
  const short = key.minWords !== undefined ? key.minWords - 1 : Math.floor(((key.minCharacters ?? 0) - 1) / 8);
  return short >= 1 ? words(short) : '';
}
