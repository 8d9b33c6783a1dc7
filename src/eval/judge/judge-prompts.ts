/**
 * What the judge is asked. Grading: the task, the answer, the rubric (and a reference
 * answer, if the case has one) → a verdict and a score 1–10. Pairwise: the task, two
 * answers labelled A and B, the rubric → the better one. Where the judge model supports
 * structured output the answer format is a JSON schema; the text instructions say the
 * same, so a judge without it can follow them too.
 */
import type { ChatMessage } from '../dataset.js';
import { contentText } from '../dataset.js';

const SYSTEM = 'You are an impartial, strict evaluator of AI assistant answers. Judge only against the rubric; ignore length, style and confidence unless the rubric asks for them.';

export const GRADE_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'grade',
    strict: true,
    schema: {
      type: 'object',
      properties: {
        reasoning: { type: 'string' },
        verdict: { type: 'string', enum: ['PASS', 'FAIL'] },
        score: { type: 'integer', minimum: 1, maximum: 10 },
      },
      required: ['reasoning', 'verdict', 'score'],
      additionalProperties: false,
    },
  },
} as const;

export const PAIRWISE_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'comparison',
    strict: true,
    schema: {
      type: 'object',
      properties: { reasoning: { type: 'string' }, winner: { type: 'string', enum: ['A', 'B', 'TIE'] } },
      required: ['reasoning', 'winner'],
      additionalProperties: false,
    },
  },
} as const;

/** The conversation the judged model saw, as plain text. */
export function transcript(messages: readonly ChatMessage[]): string {
  if (messages.length === 1 && messages[0]?.role === 'user') return contentText(messages[0].content);
  return messages.map((message) => `${message.role.toUpperCase()}: ${contentText(message.content)}`).join('\n\n');
}

export function gradePrompt(options: { messages: readonly ChatMessage[]; answer: string; rubric: string; reference?: string; passScore: number }): ChatMessage[] {
  const sections = [
    `[TASK]\n${transcript(options.messages)}`,
    `[ANSWER TO GRADE]\n${options.answer}`,
    ...(options.reference ? [`[REFERENCE ANSWER]\n${options.reference}`] : []),
    `[RUBRIC]\n${options.rubric}`,
    [
      'Grade the answer against the rubric. Give a short reasoning, a score from 1 (useless) to 10 (perfect),',
      `and PASS when the answer meets the rubric (a score of ${options.passScore} or more), else FAIL.`,
      'Answer in JSON: {"reasoning": "...", "verdict": "PASS" or "FAIL", "score": 1-10}.',
      'If you cannot answer in JSON, end with a last line of exactly this form: VERDICT: PASS, SCORE: 8',
    ].join(' '),
  ];
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: sections.join('\n\n') },
  ];
}

export function pairwisePrompt(options: { messages: readonly ChatMessage[]; answerA: string; answerB: string; rubric: string; reference?: string }): ChatMessage[] {
  const sections = [
    `[TASK]\n${transcript(options.messages)}`,
    `[ANSWER A]\n${options.answerA}`,
    `[ANSWER B]\n${options.answerB}`,
    ...(options.reference ? [`[REFERENCE ANSWER]\n${options.reference}`] : []),
    `[RUBRIC]\n${options.rubric}`,
    [
      'Which answer meets the rubric better? The order of the answers says nothing about their quality.',
      'Answer in JSON: {"reasoning": "...", "winner": "A", "B" or "TIE"}.',
      'If you cannot answer in JSON, end with a last line of exactly this form: WINNER: A',
    ].join(' '),
  ];
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: sections.join('\n\n') },
  ];
}
