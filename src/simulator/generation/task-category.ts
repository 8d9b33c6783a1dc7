/**
 * Simulator-internal task detection with simple keyword rules (the gateway's router has
 * its own classifier); it picks which quality probability to draw against.
 */
import type { TaskCategory } from '../../core/categories.js';
import { findArithmetic } from './arithmetic.js';

export interface CategorySignals {
  lastUserText: string;
  hasImages: boolean;
  toolsOffered: boolean;
  promptTokens: number;
}

/** Prompts above this size are long-context tasks whatever they ask. */
const LONG_CONTEXT_TOKENS = 16_000;

const LANGUAGES = 'french|spanish|german|italian|portuguese|japanese|chinese|korean|dutch|russian|arabic|english';

const RULES: Array<[TaskCategory, RegExp]> = [
  ['translation', new RegExp(`\\btranslat(e|es|ed|ion|ing)\\b|\\b(in|into)\\s+(${LANGUAGES})\\b`, 'i')],
  ['summarization', /\bsummar(y|ise|ize|ized|ised|ising|izing)\b|\btl;?dr\b|\bcondense\b|\bkey points\b|\bin a nutshell\b/i],
  ['extraction', /\bextract|\bpull out\b|\blist (all|every)\b|\bfind all\b|\bidentify (all|the|every)\b|\bparse\b|\bentities\b|\bfields?\b/i],
  [
    'code',
    /```|\b(code|function|implement|python|javascript|typescript|java|rust|golang|sql|regex|bug|refactor|compile|algorithm|script|class|unit test|snippet)\b/i,
  ],
  ['math', /\b(calculate|compute|solve|equation|integral|derivative|sum of|product of|percent(age)?|probability|how many|math)\b/i],
  ['creative', /\b(poem|story|haiku|limerick|lyrics|song|slogan|tagline|creative|imagine|fiction|rhyme)\b/i],
];

export function detectCategory(signals: CategorySignals): TaskCategory {
  if (signals.hasImages) return 'vision';
  if (signals.promptTokens > LONG_CONTEXT_TOKENS) return 'long_context';
  if (signals.toolsOffered) return 'tool_use';
  const text = signals.lastUserText;
  for (const [category, pattern] of RULES) {
    if (pattern.test(text)) return category;
  }
  if (findArithmetic(text)) return 'math';
  return 'qa';
}
