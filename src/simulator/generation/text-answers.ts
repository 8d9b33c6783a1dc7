/** Plain-text answers per task category, echoing the prompt and padded to a drawn length. */
import type { TaskCategory } from '../../core/categories.js';
import { SeededRandom } from '../random.js';
import { findArithmetic, formatNumber, wrongValue } from './arithmetic.js';
import { codeAnswer } from './code-answer.js';
import { padToTokens } from './filler.js';
import {
  capitalise,
  datesIn,
  emailsIn,
  joinList,
  keywordsOf,
  numbersIn,
  properNounsIn,
  quotedOrAfterColon,
  urlsIn,
} from './text-features.js';
import { pseudoTranslate, targetLanguageOf } from './translation.js';

export interface TextRequest {
  category: TaskCategory;
  text: string;
  correct: boolean;
  random: SeededRandom;
  /** Natural length cap (the behaviour's maxAnswerTokens). */
  maxAnswerTokens: number;
}

/** Natural answer lengths in tokens, drawn per request. */
const LENGTHS: Record<TaskCategory, [number, number]> = {
  code: [80, 300],
  math: [40, 150],
  summarization: [60, 200],
  extraction: [30, 120],
  translation: [0, 0],
  creative: [60, 220],
  qa: [30, 140],
  tool_use: [30, 120],
  long_context: [80, 250],
  vision: [40, 150],
};

export function textAnswer(request: TextRequest): string {
  const { category, text, correct, random } = request;
  const [shortest, longest] = LENGTHS[category];
  const drawnLength = random.integer(shortest, longest);
  const target = Math.min(requestedLength(text, drawnLength), request.maxAnswerTokens);
  const keywords = keywordsOf(text);

  const letters = choiceLetters(text);
  if (letters.length >= 2) return choiceAnswer(text, letters, correct, random, target);
  if (category === 'math') {
    const problem = findArithmetic(text);
    if (problem) return arithmeticAnswer(problem.expression, problem.value, correct, random);
    return wordProblemAnswer(text, keywords, correct, random, target);
  }
  if (category === 'translation') return translationAnswer(text, correct, random);
  // Extracted values come as asked, without padding around them.
  if (category === 'extraction') return extractionAnswer(text, keywords, correct);
  const core = coreAnswer(category, text, keywords, correct, random);
  return padToTokens(core, target, correct ? keywords : keywords.slice(-1), random).trimEnd();
}

/** Honours explicit length requests: "a long essay", "in 300 words", "briefly". */
function requestedLength(text: string, drawnLength: number): number {
  const words = /\b(\d{2,5})\s+words\b/i.exec(text);
  if (words?.[1]) return Math.round(Number(words[1]) * 1.3);
  if (/\b(long|lengthy|detailed|in detail|in depth|comprehensive|thorough|essay|elaborate)\b/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/\b(brief|briefly|short|concise|one sentence|in a sentence|one word|tl;?dr)\b/i.test(text)) return Math.min(drawnLength, 40);
  return drawnLength;
}

function arithmeticAnswer(expression: string, value: number, correct: boolean, random: SeededRandom): string {
  const shown = formatNumber(correct ? value : wrongValue(value, random));
  const lead = random.pick([`Let's work it out: ${expression} = ${shown}.`, `Computing ${expression} step by step gives ${shown}.`, `${expression} = ${shown}.`]);
  return `${lead}\n\nThe answer is ${shown}.`;
}

/** The option letters a multiple-choice question shows ("A) …", "(B) …", "C. …" at line starts). */
function choiceLetters(text: string): string[] {
  return [...new Set([...text.matchAll(/(?:^|\n)\s*\(?([A-D])[).:]\s+\S/g)].map((match) => match[1] as string))];
}

/**
 * Without an answer key the simulator cannot know which option is right; it stands in
 * one "true" letter per question (the same for every model), so models that are right
 * agree and the wrong ones scatter.
 */
function choiceAnswer(text: string, letters: readonly string[], correct: boolean, random: SeededRandom, target: number): string {
  const truth = SeededRandom.fromText('choice', text).pick(letters);
  const letter = correct ? truth : random.pick(letters.filter((candidate) => candidate !== truth));
  const reasoning = padToTokens('', Math.min(target, 60), keywordsOf(text), random);
  return `${reasoning}\n\nThe answer is (${letter}).`;
}

/** A word problem the simulator cannot parse: one stand-in "true" number per question, a near miss when wrong. */
function wordProblemAnswer(text: string, keywords: string[], correct: boolean, random: SeededRandom, target: number): string {
  const truth = SeededRandom.fromText('number', text).integer(2, 500);
  const shown = formatNumber(correct ? truth : wrongValue(truth, random));
  const reasoning = padToTokens(`To solve this, consider ${joinList(keywords.slice(0, 3)) || 'the quantities given'} one step at a time.`, Math.min(target, 120), keywords, random);
  return `${reasoning}\n\nThe answer is ${shown}.`;
}

function translationAnswer(text: string, correct: boolean, random: SeededRandom): string {
  const source = quotedOrAfterColon(text) ?? text.replace(/^.*?\btranslate\b\s*(this|the following)?\s*/i, '');
  return pseudoTranslate(source, targetLanguageOf(text), correct, random);
}

function coreAnswer(category: TaskCategory, text: string, keywords: string[], correct: boolean, random: SeededRandom): string {
  const topic = joinList(keywords.slice(0, 3)) || 'your question';
  switch (category) {
    case 'code':
      return codeAnswer(text, keywords, correct, random);
    case 'summarization':
    case 'long_context': {
      const points = (correct ? keywords : keywords.slice(-2)).slice(0, 4);
      const bullets = points.map((keyword) => `- ${capitalise(keyword)} is a central point of the text.`).join('\n');
      const lead = category === 'summarization' ? `Here is a summary of the text about ${topic}:` : `Based on the provided document, the key points about ${topic} are:`;
      return `${lead}\n\n${bullets || '- The text makes one main point.'}\n\n`;
    }
    case 'creative':
      return creativeAnswer(keywords, random);
    case 'vision':
      return `The image shows ${random.pick(['a scene', 'a diagram', 'a photograph', 'a chart'])} related to ${topic}. ${correct ? 'The main subject is clearly visible in the centre.' : 'It appears to be mostly text on a plain background.'}`;
    default:
      return `${capitalise(topic)}: ${random.pick([
        `the short answer is that it depends on ${keywords[0] ?? 'the context'}, but in most cases the common approach works well.`,
        `this is well understood, and the essentials fit in a few sentences.`,
        `here is what you need to know.`,
      ])}`;
  }
}

/** The values the prompt contains, in the format it asks for (JSON, a comma-separated list, else one line per kind); a wrong answer misses one. */
function extractionAnswer(text: string, keywords: string[], correct: boolean): string {
  const groups: Array<[string, string[]]> = [
    ['names', properNounsIn(text)],
    ['numbers', numbersIn(text)],
    ['dates', datesIn(text)],
    ['emails', emailsIn(text)],
    ['urls', urlsIn(text)],
  ];
  const found = groups
    .filter(([, values]) => values.length > 0)
    .map(([label, values]): [string, string[]] => [label, correct ? values : values.slice(0, Math.max(1, values.length - 1))]);
  if (found.length === 0) found.push(['terms', keywords]);
  if (/\bjson\b/i.test(text)) return JSON.stringify(found.length === 1 ? (found[0] as [string, string[]])[1] : Object.fromEntries(found));
  if (/\b(comma|list)\b/i.test(text)) return found.flatMap(([, values]) => values).join(', ');
  return found.map(([label, values]) => `${capitalise(label)}: ${values.join(', ')}`).join('\n');
}

function creativeAnswer(keywords: string[], random: SeededRandom): string {
  const words = keywords.length > 0 ? keywords : ['light', 'river', 'morning'];
  const templates = [
    'The {k} hums beneath a paler sky,',
    'and every {k} remembers why;',
    'we carry {k} like borrowed light,',
    'across the quiet edge of night.',
    'A whisper of {k} on the wind,',
    'where all the older songs begin.',
  ];
  const lines = templates.map((line) => line.replace('{k}', random.pick(words)));
  return `${lines.join('\n')}\n\n`;
}
