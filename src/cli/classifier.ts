/**
 * `switchyard classifier train|eval|predict`: (re)train the local task classifier from a
 * JSONL file of {"text", "category"} lines, measure a model on labelled data, or classify
 * one prompt.
 *   train --data FILE.jsonl [--out FILE] [--holdout 0.2] [--split random|group] [--seed N] [--json]
 *   eval --data FILE.jsonl [--model FILE] [--json]
 *   predict "text" [--model FILE] [--json]
 * Bad data is reported as FILE:LINE: problem, without a stack trace (exit code 1).
 */
import { fileURLToPath } from 'node:url';
import { TASK_CATEGORIES } from '../core/categories.js';
import { DatasetError, evaluate, readDataset, splitByGroup, splitStratified, type Evaluation, type LabelledPrompt, type Split } from '../router/classifier/dataset.js';
import { BUCKETS, HEAD_CHARS, TAIL_CHARS } from '../router/classifier/features.js';
import { DEFAULT_TRAINING } from '../router/classifier/linear-model.js';
import { ModelFileError, SHIPPED_MODEL, TaskClassifier } from '../router/classifier/task-classifier.js';
import { UsageError } from './arguments.js';

type Values = Record<string, string | boolean | undefined>;

const SHORT_NAMES: Record<string, string> = { summarization: 'summ', extraction: 'extr', translation: 'trans', creative: 'creat', tool_use: 'tool', long_context: 'long', vision: 'vis' };

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

/** Accuracy, precision and recall per category, and the confusion matrix (rows: actual, columns: predicted). */
export function formatEvaluation(label: string, result: Evaluation): string {
  const lines = [`${label}: accuracy ${percent(result.accuracy)} on ${result.total} prompts`, '', `  ${'category'.padEnd(14)} precision    recall  support`];
  for (const category of TASK_CATEGORIES) {
    const entry = result.perCategory[category];
    if (entry.support === 0 && entry.precision === 0) continue;
    lines.push(`  ${category.padEnd(14)} ${percent(entry.precision).padStart(9)} ${percent(entry.recall).padStart(9)} ${String(entry.support).padStart(8)}`);
  }
  const names = TASK_CATEGORIES.map((category) => SHORT_NAMES[category] ?? category);
  const width = Math.max(5, ...names.map((name) => name.length)) + 1;
  lines.push('', `  confusion (rows: actual, columns: predicted)`, `  ${''.padEnd(14)}${names.map((name) => name.padStart(width)).join('')}`);
  for (const actual of TASK_CATEGORIES) {
    const row = result.confusion[actual];
    if (TASK_CATEGORIES.every((predicted) => row[predicted] === 0)) continue;
    lines.push(`  ${actual.padEnd(14)}${TASK_CATEGORIES.map((predicted) => String(row[predicted]).padStart(width)).join('')}`);
  }
  return lines.join('\n');
}

function numberOption(value: string | boolean | undefined, name: string, fallback: number, valid: (parsed: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !valid(parsed)) throw new UsageError(`--${name} must be ${expected}, got "${String(value)}"`);
  return parsed;
}

function modelPath(values: Values): string | undefined {
  if (values.model === undefined) return undefined;
  if (typeof values.model !== 'string' || values.model === '') throw new UsageError('--model needs a file path');
  return values.model;
}

function dataPath(values: Values, subcommand: string): string {
  if (typeof values.data !== 'string' || values.data === '') throw new UsageError(`classifier ${subcommand} needs --data FILE.jsonl`);
  return values.data;
}

function train(values: Values): number {
  const data = dataPath(values, 'train');
  const seed = numberOption(values.seed, 'seed', DEFAULT_TRAINING.seed, (parsed) => Number.isInteger(parsed) && parsed >= 0, 'a non-negative integer');
  const holdout = numberOption(values.holdout, 'holdout', 0.2, (parsed) => parsed >= 0 && parsed < 1, 'a fraction from 0 (train on everything) to below 1');
  const split = values.split ?? 'random';
  if (split !== 'random' && split !== 'group') throw new UsageError(`--split must be random or group, got "${String(split)}"`);
  const out = typeof values.out === 'string' && values.out !== '' ? values.out : fileURLToPath(SHIPPED_MODEL);

  const rows = readDataset(data);
  const parts: Split = holdout === 0 ? { train: rows, test: [] } : split === 'group' ? splitByGroup(rows, holdout, seed) : splitStratified(rows, holdout, seed);
  if (parts.train.length === 0) throw new DatasetError(`${data}: nothing left to train on after holding out ${percent(holdout)}`);
  const classifier = TaskClassifier.train(parts.train, { seed });
  const heldOut = parts.test.length > 0 ? evaluate(parts.test, (text) => classifier.classify({ text }).category) : undefined;
  classifier.save(out, {
    data,
    examples: parts.train.length,
    split,
    holdout,
    seed,
    heldOutAccuracy: heldOut ? Number(heldOut.accuracy.toFixed(4)) : null,
    training: { ...DEFAULT_TRAINING, seed },
    features: { buckets: BUCKETS, headChars: HEAD_CHARS, tailChars: TAIL_CHARS },
  });
  if (values.json) {
    console.log(JSON.stringify({ model: out, trained: parts.train.length, heldOut: heldOut ?? null }));
    return 0;
  }
  console.log(`trained on ${parts.train.length} prompts of ${data} (seed ${seed}) → ${out}`);
  if (heldOut) console.log(`\n${formatEvaluation(`held out (${split} split, ${percent(holdout)})`, heldOut)}`);
  else console.log('no held-out data (--holdout 0): accuracy not measured');
  return 0;
}

function evaluateModel(values: Values): number {
  const data = dataPath(values, 'eval');
  const classifier = TaskClassifier.load(modelPath(values));
  const rows: LabelledPrompt[] = readDataset(data);
  const result = evaluate(rows, (text) => classifier.classify({ text }).category);
  console.log(values.json ? JSON.stringify(result) : formatEvaluation(data, result));
  return 0;
}

function predict(values: Values, words: string[]): number {
  const text = words.join(' ');
  if (text.trim() === '') throw new UsageError('classifier predict needs the text to classify, e.g. switchyard classifier predict "Translate this into German"');
  const classifier = TaskClassifier.load(modelPath(values));
  const result = classifier.classify({ text });
  if (values.json) {
    console.log(JSON.stringify(result));
    return 0;
  }
  const ranked = Object.entries(result.scores).sort((a, b) => b[1] - a[1]);
  console.log(`${result.category} (confidence ${result.confidence.toFixed(3)})`);
  for (const [category, score] of ranked.slice(1, 4)) console.log(`  ${category.padEnd(14)} ${score.toFixed(3)}`);
  return 0;
}

export async function runClassifier(values: Values, positionals: string[]): Promise<number> {
  const [subcommand, ...rest] = positionals;
  if (subcommand !== 'predict' && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  try {
    switch (subcommand) {
      case 'train':
        return train(values);
      case 'eval':
        return evaluateModel(values);
      case 'predict':
        return predict(values, rest);
      default:
        throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (known: train, eval, predict)` : 'usage: switchyard classifier train|eval|predict');
    }
  } catch (error) {
    if (error instanceof DatasetError || error instanceof ModelFileError) {
      console.error(`switchyard classifier: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
