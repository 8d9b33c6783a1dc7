/**
 * A difficulty estimate for tiered routing: simple / standard / hard from a score in 0..1.
 * It is a transparent heuristic, not a trained model: the category's typical demands, the
 * prompt's size, signs of multi-step reasoning or design work, the number of explicit
 * constraints and sub-questions, and code in the prompt. Every contribution is listed in
 * the decision so a reader can see why a request was rated hard.
 */
import type { Difficulty } from '../config/routes.js';
import type { TaskCategory } from '../core/categories.js';
import type { RoutingSignals } from './signals.js';

export interface DifficultyEstimate {
  score: number;
  level: Difficulty;
  /** Contribution of each signal that added to the score. */
  factors: Record<string, number>;
}

const CATEGORY_BASE: Record<TaskCategory, number> = {
  qa: 0.05,
  translation: 0.1,
  extraction: 0.1,
  summarization: 0.15,
  creative: 0.15,
  vision: 0.2,
  tool_use: 0.25,
  code: 0.25,
  math: 0.3,
  long_context: 0.35,
};

const REASONING =
  /\b(prove|proof|derive|step[- ]by[- ]step|reason(?:ing)? about|trade-?offs?|optimi[sz]e|architect(?:ure)?|design (?:a|an|the)|analy[sz]e|compare and contrast|edge cases?|complexity|concurren(?:t|cy)|race condition|distributed|formal(?:ly)?|rigorous(?:ly)?|why does|root cause|debug|refactor|migrate|scalab(?:le|ility)|security|threat model|theorem|lemma|integral|derivative|probability|optimal)\b/gi;
const CONSTRAINTS = /\b(must|must not|should not|without|at most|at least|exactly|no more than|ensure|make sure|only use|do not use|constraints?)\b/gi;

/**
 * The estimate reads the first 2,500 and last 1,000 characters of the last user message
 * (plus its length): what is asked sits at the ends of a long prompt, and scanning a whole
 * 100k-token document for these words would cost more than the rest of the decision.
 */
export const DIFFICULTY_HEAD_CHARS = 2500;
export const DIFFICULTY_TAIL_CHARS = 1000;

function window(text: string): string {
  return text.length <= DIFFICULTY_HEAD_CHARS + DIFFICULTY_TAIL_CHARS ? text : `${text.slice(0, DIFFICULTY_HEAD_CHARS)}\n${text.slice(-DIFFICULTY_TAIL_CHARS)}`;
}

function count(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let matches = 0;
  while (pattern.exec(text) !== null && matches < 20) matches++;
  return matches;
}

export function estimateDifficulty(signals: RoutingSignals, category: TaskCategory, thresholds: { standardFrom: number; hardFrom: number }): DifficultyEstimate {
  const text = window(signals.lastUserText);
  const factors: Record<string, number> = { category: CATEGORY_BASE[category] };
  const tokens = signals.estimatedTokens;
  if (tokens > 150) factors.length = Math.min(0.2, Math.log10(tokens / 150) * 0.12);
  const reasoning = count(REASONING, text);
  if (reasoning > 0) factors.reasoning = Math.min(0.35, 0.12 * reasoning);
  const constraints = count(CONSTRAINTS, text);
  if (constraints > 1) factors.constraints = Math.min(0.15, 0.04 * (constraints - 1));
  const questions = (text.match(/\?/g) ?? []).length + (text.match(/^\s*(?:\d+[.)]|[-*•])\s+/gm) ?? []).length;
  if (questions > 2) factors.parts = Math.min(0.15, 0.03 * (questions - 2));
  if (/```|\b(?:function|class|def|SELECT|import|#include)\b/.test(text)) factors.code = 0.08;
  if (signals.hasImages) factors.images = 0.05;
  const score = Math.min(1, Object.values(factors).reduce((sum, value) => sum + value, 0));
  const level: Difficulty = score >= thresholds.hardFrom ? 'hard' : score >= thresholds.standardFrom ? 'standard' : 'simple';
  return { score: Math.round(score * 100) / 100, level, factors };
}
