/**
 * Routing outcome data: JSONL rows of `{id?, benchmark?, subject?, prompt, outcomes:
 * {model: 0|1}, responses?: {model: text}}` (the format of the public routing outcome sets), read
 * into compact examples for one strong/weak pair. Every bad line is reported with its
 * line number; nothing is silently dropped.
 */
import { readFileSync } from 'node:fs';

export interface RoutingExample {
  id: string;
  prompt: string;
  subject?: string;
  /** 1 where the strong model's answer was correct. */
  strong: number;
  /** 1 where the weak model's answer was correct. */
  weak: number;
  /** The weak model's real answer (cascade training and evaluation). */
  weakAnswer?: string;
}

export interface ReadOptions {
  strong: string;
  weak: string;
  /** Require `responses[weak]` on every line (cascade mode). */
  requireWeakAnswer?: boolean;
}

export class RoutingDataError extends Error {}

const MAX_REPORTED = 20;

function outcomeOf(outcomes: Record<string, unknown>, model: string): number | string {
  const value = outcomes[model];
  if (value === 0 || value === 1) return value;
  if (value === true || value === false) return value ? 1 : 0;
  return value === undefined ? `"outcomes" has no entry for "${model}"` : `"outcomes.${model}" must be 0 or 1, got ${JSON.stringify(value)}`;
}

/** One line → an example, or the reason it is invalid. */
function parseLine(line: string, index: number, options: ReadOptions): RoutingExample | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object with prompt and outcomes';
  const row = value as Record<string, unknown>;
  if (typeof row.prompt !== 'string' || row.prompt.trim() === '') return '"prompt" must be a non-empty string';
  if (typeof row.outcomes !== 'object' || row.outcomes === null || Array.isArray(row.outcomes)) return '"outcomes" must be an object of model → 0|1';
  const outcomes = row.outcomes as Record<string, unknown>;
  const strong = outcomeOf(outcomes, options.strong);
  if (typeof strong === 'string') return strong;
  const weak = outcomeOf(outcomes, options.weak);
  if (typeof weak === 'string') return weak;
  if (row.subject !== undefined && typeof row.subject !== 'string') return '"subject" must be a string';
  if (row.id !== undefined && typeof row.id !== 'string') return '"id" must be a string';
  const example: RoutingExample = { id: typeof row.id === 'string' ? row.id : `line-${index + 1}`, prompt: row.prompt, strong, weak };
  if (typeof row.subject === 'string') example.subject = row.subject;
  const responses = row.responses;
  if (responses !== undefined && (typeof responses !== 'object' || responses === null || Array.isArray(responses))) return '"responses" must be an object of model → text';
  const answer = (responses as Record<string, unknown> | undefined)?.[options.weak];
  if (answer !== undefined && typeof answer !== 'string') return `"responses.${options.weak}" must be a string`;
  if (typeof answer === 'string') example.weakAnswer = answer;
  else if (options.requireWeakAnswer) return `"responses.${options.weak}" is missing (cascade training needs the weak model's answers)`;
  return example;
}

/** Parses JSONL text; `source` names the file in error messages. */
export function parseRoutingData(text: string, source: string, options: ReadOptions): RoutingExample[] {
  const problems: string[] = [];
  const examples: RoutingExample[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const parsed = parseLine(line, index, options);
    if (typeof parsed === 'string') problems.push(`${source}:${index + 1}: ${parsed}`);
    else examples.push(parsed);
  }
  if (problems.length > 0) {
    const more = problems.length > MAX_REPORTED ? `\n… and ${problems.length - MAX_REPORTED} more bad lines` : '';
    throw new RoutingDataError(problems.slice(0, MAX_REPORTED).join('\n') + more);
  }
  if (examples.length === 0) throw new RoutingDataError(`${source}: no examples`);
  return examples;
}

export function readRoutingData(path: string, options: ReadOptions): RoutingExample[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RoutingDataError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
  return parseRoutingData(text, path, options);
}
