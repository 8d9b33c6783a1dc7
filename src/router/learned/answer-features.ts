/**
 * Features of the weak model's answer, for the cascade verifier: is there a final answer,
 * and only one; was the answer cut off; does the shown arithmetic hold; is the final answer
 * what the steps computed; does it hedge, correct itself, or refuse; did it use the numbers
 * the question gave. Each check that fires also yields a reason a person can read.
 */
import { checkArithmetic } from './arithmetic-check.js';
import { PromptFeatureExtractor } from './prompt-features.js';
import { hashString, SALT } from './text-features.js';

export const ANSWER_DENSE_FEATURES = [
  'answerCharacters',
  'answerLines',
  'noFinalAnswer',
  'finalMarkers',
  'conflictingFinals',
  'finalNotInteger',
  'finalNegative',
  'finalMagnitude',
  'finalUnsupported',
  'finalDiffersFromLastResult',
  'truncated',
  'unclosedAnnotations',
  'stepsChecked',
  'stepsWrong',
  'hedges',
  'selfCorrections',
  'refusal',
  'promptNumbersUnused',
  'newNumbers',
] as const;

export interface AnswerFeatures {
  dense: Float64Array;
  sparse: Int32Array;
  reasons: string[];
}

const FINAL_MARKER = /####\s*\$?\s*(-?\d[\d,]*(?:\.\d+)?)/g;
const FINAL_PHRASE = /(?:answer is|answer:|\\boxed\{)\s*\$?\s*(-?\d[\d,]*(?:\.\d+)?)/gi;
const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;
/** Hedges, self-corrections and refusals, found in one pass (which group matched tells the kind). */
const DOUBT =
  /\b(?:(approximately|roughly|assume|assuming|assumption|estimate|probably|unclear|not possible|impossible|cannot be determined|not enough information|ambiguous|i think)|(wait|mistake|oops|actually|correction|recalculate|re-evaluate|let me re|made an error|however)|(i'm sorry|i am sorry|i cannot|i can't|as an ai|i'm unable|i am unable))\b/gi;

function doubts(answer: string): { hedges: number; selfCorrections: number; refusals: number } {
  const found = { hedges: 0, selfCorrections: 0, refusals: 0 };
  for (const match of answer.matchAll(DOUBT)) {
    if (match[1] !== undefined) found.hedges++;
    else if (match[2] !== undefined) found.selfCorrections++;
    else found.refusals++;
  }
  return found;
}

function numbersIn(text: string): number[] {
  return (text.match(NUMBER) ?? []).map((number) => Number(number.replace(/,/g, ''))).filter(Number.isFinite);
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

function finalAnswers(answer: string): number[] {
  const finals: number[] = [];
  for (const pattern of [FINAL_MARKER, FINAL_PHRASE]) {
    for (const match of answer.matchAll(pattern)) {
      const value = Number((match[1] ?? '').replace(/,/g, ''));
      if (Number.isFinite(value)) finals.push(value);
    }
  }
  return finals;
}

function looksTruncated(answer: string): boolean {
  const trimmed = answer.trimEnd();
  if (trimmed === '') return true;
  if (/####\s*\$?\s*-?\d[\d,]*(?:\.\d+)?\s*$/.test(trimmed)) return false;
  // Cut mid-number ("$40,00"), mid-calculation ("<<36*68/1", "= "), or mid-sentence.
  return !/[.!?)\]"'*%$\d]$/.test(trimmed) || /(?:<<[^>]*|=|\d,\d{0,2})$/.test(trimmed);
}

/** Reusable per verifier (the word features' scratch buffers). */
export class AnswerFeatureExtractor {
  private readonly words: PromptFeatureExtractor;
  private readonly mask: number;

  constructor(buckets: number) {
    this.words = new PromptFeatureExtractor(buckets);
    this.mask = buckets - 1;
  }

  extract(prompt: string, answer: string, withWords: boolean): AnswerFeatures {
    return answerFeatures(prompt, answer, withWords ? this.words : undefined, this.mask);
  }
}

function answerFeatures(prompt: string, answer: string, words: PromptFeatureExtractor | undefined, mask: number): AnswerFeatures {
  const reasons: string[] = [];
  const steps = checkArithmetic(answer);
  const finals = finalAnswers(answer);
  const answerNumbers = numbersIn(answer.replace(/<<[^<>]*>>/g, ' '));
  const final = finals.length > 0 ? (finals[finals.length - 1] as number) : answerNumbers[answerNumbers.length - 1];
  const distinctFinals = new Set(finals).size;
  const truncated = looksTruncated(answer);
  const promptNumbers = [...new Set(numbersIn(prompt))];
  const used = new Set(answerNumbers);
  const unused = promptNumbers.filter((value) => !used.has(value)).length;
  const known = new Set([...promptNumbers, ...steps.results]);
  const newNumbers = [...new Set(answerNumbers)].filter((value) => !known.has(value) && !(finals.includes(value))).length;
  const lastResult = steps.results[steps.results.length - 1];
  const earlier = answerNumbers.slice(0, -1);
  const finalUnsupported = final !== undefined && !steps.results.includes(final) && !earlier.includes(final) && !promptNumbers.includes(final);
  const { hedges, selfCorrections, refusals } = doubts(answer);
  const refusal = refusals > 0;

  if (finals.length === 0) reasons.push(final === undefined ? 'no final answer' : 'no marked final answer');
  if (distinctFinals > 1) reasons.push('conflicting final answers');
  if (truncated) reasons.push('answer looks cut off');
  if (steps.unclosedAnnotations > 0) reasons.push('unfinished calculation');
  if (steps.wrong > 0) reasons.push(`${steps.wrong} arithmetic step(s) do not check out`);
  if (final !== undefined && !Number.isInteger(final)) reasons.push('final answer is not a whole number');
  if (finalUnsupported) reasons.push('final answer not computed in the steps');
  if (hedges > 0) reasons.push('hedging');
  if (selfCorrections > 0) reasons.push('self-corrections');
  if (refusal) reasons.push('refusal');

  const values = [
    Math.log1p(answer.length),
    count(answer.trim(), /\n/g),
    final === undefined ? 1 : 0,
    finals.length,
    distinctFinals > 1 ? 1 : 0,
    final !== undefined && !Number.isInteger(final) ? 1 : 0,
    final !== undefined && final < 0 ? 1 : 0,
    final !== undefined ? Math.log10(1 + Math.abs(final)) : 0,
    finalUnsupported ? 1 : 0,
    final !== undefined && lastResult !== undefined && final !== lastResult ? 1 : 0,
    truncated ? 1 : 0,
    steps.unclosedAnnotations,
    steps.checked,
    steps.wrong,
    hedges,
    selfCorrections,
    refusal ? 1 : 0,
    promptNumbers.length > 0 ? unused / promptNumbers.length : 0,
    newNumbers,
  ];
  // The answer's own words (same hashing as a prompt's), and one feature per check that fired.
  const wordBuckets = words ? words.extract(answer, undefined, { words: true, subject: false }).sparse : new Int32Array(0);
  const sparse = new Int32Array(wordBuckets.length + reasons.length);
  sparse.set(wordBuckets);
  reasons.forEach((reason, index) => (sparse[wordBuckets.length + index] = hashString(reason.replace(/^\d+ /, ''), SALT.flag) & mask));
  return { dense: Float64Array.from(values), sparse, reasons };
}
