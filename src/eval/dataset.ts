/**
 * Evaluation datasets: JSONL, one case per line. Every line is checked before a run
 * starts; problems come back with their line number and path, and a run with any
 * problem refuses to start (see docs/eval.md for the format).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatPath } from '../config/load.js';
import { TASK_CATEGORIES, type TaskCategory } from '../core/categories.js';
import { checkSchema } from './scoring/json-schema-subset.js';

export const CHOICE_LETTERS = ['A', 'B', 'C', 'D'] as const;

const text = z.string().min(1);
const fraction = z.number().min(0).max(1);
const caseSensitive = z.boolean().optional();

const regexFlags = z.string().regex(/^[imsu]*$/, 'flags may only use i, m, s and u');

const expectedSchema = z.discriminatedUnion('scorer', [
  z.strictObject({ scorer: z.literal('exact'), value: z.string(), case_sensitive: caseSensitive }),
  z.strictObject({ scorer: z.literal('contains'), value: z.union([text, z.array(text).min(1)]), match: z.enum(['all', 'any']).optional(), case_sensitive: caseSensitive }),
  z
    .strictObject({ scorer: z.literal('regex'), pattern: text, flags: regexFlags.optional() })
    .superRefine((expected, context) => {
      try {
        new RegExp(expected.pattern, expected.flags ?? '');
      } catch (error) {
        context.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}`, path: ['pattern'] });
      }
    }),
  z.strictObject({
    scorer: z.literal('numeric'),
    value: z.number(),
    tolerance: z.number().nonnegative().optional(),
    relative: z.boolean().optional(),
  }),
  z.strictObject({ scorer: z.literal('choice'), value: z.enum(CHOICE_LETTERS) }),
  z
    .strictObject({ scorer: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
    .superRefine((expected, context) => {
      for (const problem of checkSchema(expected.schema)) context.addIssue({ code: 'custom', message: problem, path: [] });
    }),
  z
    .strictObject({
      scorer: z.literal('length'),
      min_words: z.number().int().nonnegative().optional(),
      max_words: z.number().int().positive().optional(),
      min_characters: z.number().int().nonnegative().optional(),
      max_characters: z.number().int().positive().optional(),
    })
    .refine((expected) => [expected.min_words, expected.max_words, expected.min_characters, expected.max_characters].some((limit) => limit !== undefined), {
      message: 'give at least one of min_words, max_words, min_characters, max_characters',
    }),
  z.strictObject({ scorer: z.literal('rouge_l'), reference: text, threshold: fraction }),
  z.strictObject({ scorer: z.literal('bleu'), reference: z.union([text, z.array(text).min(1)]), threshold: fraction }),
  z.strictObject({ scorer: z.literal('embedding'), reference: text, threshold: z.number().min(-1).max(1) }),
  z.strictObject({
    scorer: z.literal('judge'),
    rubric: text,
    reference: text.optional(),
    pass_score: z.number().int().min(1).max(10).optional(),
    pairwise_against: text.optional(),
  }),
]);

export type Expected = z.infer<typeof expectedSchema>;
export type ScorerName = Expected['scorer'];
export const SCORER_NAMES: readonly ScorerName[] = expectedSchema.options.map((option) => option.shape.scorer.value);

const contentPart = z.looseObject({ type: text });
const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

const caseSchema = z
  .strictObject({
    id: z.union([text, z.number().int()]),
    category: z.enum(TASK_CATEGORIES),
    prompt: text.optional(),
    messages: z.array(messageSchema).min(1).optional(),
    expected: expectedSchema,
    max_tokens: z.number().int().positive().optional(),
    response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
    tags: z.array(text).optional(),
  })
  .refine((line) => (line.prompt === undefined) !== (line.messages === undefined), { message: 'give exactly one of prompt or messages', path: ['prompt'] });

/** A chat message in OpenAI format, kept as the dataset wrote it. */
export type ChatMessage = z.infer<typeof messageSchema>;

export interface EvalCase {
  id: string;
  category: TaskCategory;
  messages: ChatMessage[];
  expected: Expected;
  maxTokens?: number;
  responseFormat?: Record<string, unknown>;
  tags?: string[];
}

export interface DatasetProblem {
  line: number;
  message: string;
}

export interface Dataset {
  source: string;
  /** sha256 of the file's text: a resumed run checks the dataset did not change. */
  hash: string;
  cases: EvalCase[];
  problems: DatasetProblem[];
}

export function loadDataset(path: string): Dataset {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { source: path, hash: '', cases: [], problems: [{ line: 0, message: reason }] };
  }
  return parseDataset(content, path);
}

export function parseDataset(content: string, source = 'dataset'): Dataset {
  const cases: EvalCase[] = [];
  const problems: DatasetProblem[] = [];
  const firstLineOf = new Map<string, number>();
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, message: `not valid JSON (${(error as Error).message})` });
      return;
    }
    const parsed = caseSchema.safeParse(data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line, message: describeIssue(issue) });
      return;
    }
    const id = String(parsed.data.id);
    const earlier = firstLineOf.get(id);
    if (earlier !== undefined) {
      problems.push({ line, message: `duplicate id "${id}" (first used on line ${earlier})` });
      return;
    }
    firstLineOf.set(id, line);
    cases.push(toCase(id, parsed.data));
  });
  if (cases.length === 0 && problems.length === 0) problems.push({ line: 0, message: 'the dataset has no cases' });
  return { source, hash: createHash('sha256').update(content).digest('hex'), cases, problems };
}

function toCase(id: string, line: z.infer<typeof caseSchema>): EvalCase {
  const evalCase: EvalCase = {
    id,
    category: line.category,
    messages: line.messages ?? [{ role: 'user', content: line.prompt ?? '' }],
    expected: line.expected,
  };
  if (line.max_tokens !== undefined) evalCase.maxTokens = line.max_tokens;
  if (line.response_format !== undefined) evalCase.responseFormat = line.response_format;
  if (line.tags !== undefined) evalCase.tags = line.tags;
  return evalCase;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  let message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') message = `must be one of: ${SCORER_NAMES.join(', ')}`;
  if (issue.code === 'invalid_value' && issue.path[issue.path.length - 1] === 'category') message = `must be one of: ${TASK_CATEGORIES.join(', ')}`;
  return where ? `${where}: ${message}` : message;
}

/** The text of the last user message: what the case asks (for judges and exported outcomes). */
export function promptText(evalCase: EvalCase): string {
  const lastUser = [...evalCase.messages].reverse().find((message) => message.role === 'user');
  return lastUser ? contentText(lastUser.content) : '';
}

export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : `[${part.type}]`))
    .join('\n');
}

