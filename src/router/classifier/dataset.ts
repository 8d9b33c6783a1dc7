/**
 * Labelled prompts for the task classifier: JSONL reading with errors that name the line
 * and what is wrong with it, seeded splits (stratified by category; or by generator recipe,
 * which measures phrasings the model never saw), and accuracy with per-category precision
 * and recall and a confusion matrix.
 */
import { readFileSync } from 'node:fs';
import { isTaskCategory, TASK_CATEGORIES, type TaskCategory } from '../../core/categories.js';
import { seededRandom } from '../../core/random.js';

export interface LabelledPrompt {
  text: string;
  category: TaskCategory;
  /** The generator recipe ("category/name") that wrote it, when known. */
  group?: string;
}

export class DatasetError extends Error {}

const MAX_REPORTED = 20;

function describe(value: unknown): string {
  return value === undefined ? 'it is missing' : `got ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`;
}

/** The problem with one parsed line, or the prompt it holds. */
function parseLine(line: string): LabelledPrompt | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object with "text" and "category"';
  const row = value as Record<string, unknown>;
  if (typeof row.text !== 'string') return `"text" must be a string, ${describe(row.text)}`;
  if (row.text.trim() === '') return '"text" is empty';
  if (typeof row.category !== 'string' || !isTaskCategory(row.category)) return `"category" must be one of ${TASK_CATEGORIES.join(', ')}; ${describe(row.category)}`;
  return { text: row.text, category: row.category, ...(typeof row.group === 'string' ? { group: row.group } : {}) };
}

/** Reads a JSONL file of {"text", "category"} lines; every bad line is reported as FILE:LINE: problem. */
export function readDataset(path: string): LabelledPrompt[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatasetError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
  const problems: string[] = [];
  const rows: LabelledPrompt[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') problems.push(`${path}:${index + 1}: ${parsed}`);
    else rows.push(parsed);
  }
  if (problems.length > 0) throw new DatasetError(problems.slice(0, MAX_REPORTED).join('\n') + (problems.length > MAX_REPORTED ? `\n… and ${problems.length - MAX_REPORTED} more bad lines` : ''));
  if (rows.length === 0) throw new DatasetError(`${path}: no examples`);
  return rows;
}

export interface Split {
  train: LabelledPrompt[];
  test: LabelledPrompt[];
}

/** Holds out `holdout` (0..1) of each category, chosen by the seed; the rest is for training. */
export function splitStratified(rows: readonly LabelledPrompt[], holdout: number, seed: number): Split {
  const random = seededRandom(seed);
  const train: LabelledPrompt[] = [];
  const test: LabelledPrompt[] = [];
  for (const category of TASK_CATEGORIES) {
    const members = rows.filter((row) => row.category === category).map((row) => ({ row, key: random() }));
    members.sort((a, b) => a.key - b.key);
    const cut = Math.round(members.length * holdout);
    members.forEach((member, index) => (index < cut ? test : train).push(member.row));
  }
  return { train, test };
}

/**
 * Holds out whole generator recipes: about `holdout` of each category's groups, chosen by the
 * seed, so the held-out prompts use phrasings the model never saw. Rows without a group train.
 */
export function splitByGroup(rows: readonly LabelledPrompt[], holdout: number, seed: number): Split {
  const random = seededRandom(seed);
  const heldOut = new Set<string>();
  for (const category of TASK_CATEGORIES) {
    const groups = [...new Set(rows.filter((row) => row.category === category && row.group).map((row) => row.group as string))].sort();
    const keyed = groups.map((group) => ({ group, key: random() })).sort((a, b) => a.key - b.key);
    for (const { group } of keyed.slice(0, Math.round(groups.length * holdout))) heldOut.add(group);
  }
  const train: LabelledPrompt[] = [];
  const test: LabelledPrompt[] = [];
  for (const row of rows) (row.group && heldOut.has(row.group) ? test : train).push(row);
  return { train, test };
}

export interface Evaluation {
  accuracy: number;
  total: number;
  perCategory: Record<TaskCategory, { precision: number; recall: number; support: number }>;
  /** confusion[actual][predicted] */
  confusion: Record<TaskCategory, Record<TaskCategory, number>>;
}

export function evaluate(rows: readonly LabelledPrompt[], predict: (text: string) => TaskCategory): Evaluation {
  const confusion = Object.fromEntries(TASK_CATEGORIES.map((actual) => [actual, Object.fromEntries(TASK_CATEGORIES.map((category) => [category, 0]))])) as Evaluation['confusion'];
  let correct = 0;
  for (const row of rows) {
    const predicted = predict(row.text);
    confusion[row.category][predicted]++;
    if (predicted === row.category) correct++;
  }
  const perCategory = {} as Evaluation['perCategory'];
  for (const category of TASK_CATEGORIES) {
    const truePositive = confusion[category][category];
    const support = TASK_CATEGORIES.reduce((sum, predicted) => sum + confusion[category][predicted], 0);
    const predictedAs = TASK_CATEGORIES.reduce((sum, actual) => sum + confusion[actual][category], 0);
    perCategory[category] = { precision: predictedAs > 0 ? truePositive / predictedAs : 0, recall: support > 0 ? truePositive / support : 0, support };
  }
  return { accuracy: rows.length > 0 ? correct / rows.length : 0, total: rows.length, perCategory, confusion };
}
