/**
 * Scores an answer against a case's `expected`. Text scorers run here; `embedding` and
 * `judge` need model calls, so they go through a RemoteScorer (see ../judge/remote-scorer.ts).
 */
import type { EvalCase, Expected } from '../dataset.js';
import { extractChoice } from './extract-choice.js';
import { jsonCandidates } from './extract-json.js';
import { extractFinalNumber, numbersMatch } from './extract-number.js';
import { validateJson } from './json-schema-subset.js';
import { bleu, rougeL, wordTokens } from './text-overlap.js';

export interface Score {
  /** unscorable: the scorer could not decide (a judge verdict it could not read, a failed embedding call); not counted against the model. */
  status: 'scored' | 'unscorable';
  correct: boolean;
  /** The scorer's measurement: the extracted number, a similarity, a judge score / 10 … (null when it has none). */
  raw: number | null;
  /** What the scorer saw, for reports ("extracted 41", "missing required property id"). */
  detail: string;
}

/** Cost of the model calls a scorer made (judge verdicts, reference answers, embeddings). */
export interface ScoringCost {
  costUsd: number;
  calls: number;
  cacheHits: number;
}

export interface RemoteScorer {
  score(evalCase: EvalCase, answer: string, runIndex: number): Promise<{ score: Score; cost: ScoringCost }>;
}

export const NO_COST: ScoringCost = { costUsd: 0, calls: 0, cacheHits: 0 };

export function needsRemoteScorer(expected: Expected): boolean {
  return expected.scorer === 'judge' || expected.scorer === 'embedding';
}

/** Details of answers the scorer found nothing to read in (no letter, no number, no JSON): wrong, but they tell models apart poorly. */
export const UNREADABLE_DETAILS: ReadonlySet<string> = new Set(['no number in the answer', 'no choice found', 'no JSON in the answer']);

function scored(correct: boolean, raw: number | null, detail: string): Score {
  return { status: 'scored', correct, raw, detail };
}

function normalise(text: string, caseSensitive: boolean): string {
  const collapsed = text.trim().replace(/\s+/g, ' ');
  return caseSensitive ? collapsed : collapsed.toLowerCase();
}

function clip(text: string, length = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 3)}...` : flat;
}

/** Scores with a text scorer; undefined for the remote scorers. */
export function scoreLocally(expected: Expected, answer: string): Score | undefined {
  switch (expected.scorer) {
    case 'exact': {
      const caseSensitive = expected.case_sensitive ?? true;
      return scored(normalise(answer, caseSensitive) === normalise(expected.value, caseSensitive), null, `answer "${clip(answer)}"`);
    }
    case 'contains': {
      const caseSensitive = expected.case_sensitive ?? false;
      const needles = Array.isArray(expected.value) ? expected.value : [expected.value];
      const haystack = normalise(answer, caseSensitive);
      const found = needles.filter((needle) => haystack.includes(normalise(needle, caseSensitive)));
      const correct = (expected.match ?? 'all') === 'all' ? found.length === needles.length : found.length > 0;
      return scored(correct, found.length / needles.length, `found ${found.length} of ${needles.length}`);
    }
    case 'regex': {
      const match = new RegExp(expected.pattern, expected.flags ?? '').exec(answer);
      return scored(match !== null, null, match ? `matched "${clip(match[0])}"` : 'no match');
    }
    case 'numeric': {
      const value = extractFinalNumber(answer);
      if (value === undefined) return scored(false, null, 'no number in the answer');
      return scored(numbersMatch(value, expected.value, expected.tolerance ?? 0, expected.relative ?? false), value, `extracted ${value}`);
    }
    case 'choice': {
      const letter = extractChoice(answer);
      return scored(letter === expected.value, null, letter ? `chose ${letter}` : 'no choice found');
    }
    case 'json_schema':
      return scoreJson(expected.schema, answer);
    case 'length': {
      const words = wordTokens(answer).length;
      const characters = [...answer.trim()].length;
      const within =
        words >= (expected.min_words ?? 0) &&
        words <= (expected.max_words ?? Number.POSITIVE_INFINITY) &&
        characters >= (expected.min_characters ?? 0) &&
        characters <= (expected.max_characters ?? Number.POSITIVE_INFINITY);
      const measured = expected.min_words !== undefined || expected.max_words !== undefined ? words : characters;
      return scored(within, measured, `${words} words, ${characters} characters`);
    }
    case 'rouge_l': {
      const value = rougeL(answer, expected.reference);
      return scored(value >= expected.threshold, value, `ROUGE-L ${value.toFixed(3)}`);
    }
    case 'bleu': {
      const value = bleu(answer, Array.isArray(expected.reference) ? expected.reference : [expected.reference]);
      return scored(value >= expected.threshold, value, `BLEU ${value.toFixed(3)}`);
    }
    case 'embedding':
    case 'judge':
      return undefined;
  }
}

function scoreJson(schema: Record<string, unknown>, answer: string): Score {
  const candidates = jsonCandidates(answer);
  if (candidates.length === 0) return scored(false, 0, 'no JSON in the answer');
  let firstProblems: string[] | undefined;
  for (const candidate of candidates) {
    const problems = validateJson(candidate, schema);
    if (problems.length === 0) return scored(true, 1, 'valid JSON');
    firstProblems ??= problems;
  }
  return scored(false, 0, (firstProblems ?? []).slice(0, 3).join('; '));
}
