/**
 * The local task classifier: its data, features, training and file format, the shipped
 * model's accuracy on data it was not fitted to, and `switchyard classifier`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/arguments.js';
import { runClassifier } from '../../src/cli/classifier.js';
import { TASK_CATEGORIES, type TaskCategory } from '../../src/core/categories.js';
import { DatasetError, evaluate, readDataset, splitByGroup, splitStratified, type LabelledPrompt } from '../../src/router/classifier/dataset.js';
import { FIRST_WORDS, shippedWordTable, wordHash } from '../../src/router/classifier/dense.js';
import { BUCKETS, CODE_REQUEST, CODE_WORDS, EXTRACT_REQUEST, FEATURE_ROWS, FEATURE_ROWS_BEFORE_CODE_PATTERNS, FEATURE_ROWS_BEFORE_HEAD_PATTERNS, FeatureExtractor, HEAD_CHARS, MAX_FEATURES, SHAPE, SUMMARIZE_REQUEST, SUMMARY_TAIL, TAIL_CHARS, WRITE_REQUEST } from '../../src/router/classifier/features.js';
import { DENSE_SCALE, TaskClassifier } from '../../src/router/classifier/task-classifier.js';
import { shippedWordVectors } from '../../src/cache/word-vectors.js';

const DATA = fileURLToPath(new URL('../../data/task-prompts.jsonl', import.meta.url));
const WILD = fileURLToPath(new URL('../../data/task-prompts-wild.jsonl', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../models/task-classifier.json', import.meta.url));
const rows = readDataset(DATA);
const wild = readDataset(WILD);

function temporaryFile(name: string, content?: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-classifier-')), name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

function countBy(prompts: readonly LabelledPrompt[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const prompt of prompts) counts.set(prompt.category, (counts.get(prompt.category) ?? 0) + 1);
  return counts;
}

/** A small, fixed training sample: the first 40 prompts of each category. */
const sample = TASK_CATEGORIES.flatMap((category) => rows.filter((row) => row.category === category).slice(0, 40));

describe('task classifier data', () => {
  it('has at least 300 prompts in every category, and a hand-written set of at least 200 with about 20 per category', () => {
    const counts = countBy(rows);
    expect([...counts.keys()].sort()).toEqual([...TASK_CATEGORIES].sort());
    for (const count of counts.values()) expect(count).toBeGreaterThanOrEqual(300);
    expect(wild.length).toBeGreaterThanOrEqual(200);
    for (const category of TASK_CATEGORIES) expect(countBy(wild).get(category) ?? 0).toBeGreaterThanOrEqual(18);
  });

  it('keeps the hand-written prompts out of the training data', () => {
    const training = new Set(rows.map((row) => row.text.trim().toLowerCase()));
    expect(wild.filter((row) => training.has(row.text.trim().toLowerCase()))).toEqual([]);
  });

  it('reports every bad line with its number and what is wrong with it', () => {
    const path = temporaryFile(
      'bad.jsonl',
      ['{"text": "ok", "category": "code"}', 'not json', '{"text": "", "category": "code"}', '{"category": "code"}', '{"text": "x", "category": "poetry"}', '[1, 2]', '', '{"text": "fine", "category": "qa"}'].join('\n'),
    );
    let message = '';
    try {
      readDataset(path);
    } catch (error) {
      expect(error).toBeInstanceOf(DatasetError);
      message = (error as Error).message;
    }
    expect(message).toContain('bad.jsonl:2: not valid JSON');
    expect(message).toContain('bad.jsonl:3: "text" is empty');
    expect(message).toContain('bad.jsonl:4: "text" must be a string, it is missing');
    expect(message).toMatch(/bad\.jsonl:5: "category" must be one of code, math, .*; got "poetry"/);
    expect(message).toContain('bad.jsonl:6: expected a JSON object');
    expect(message).not.toContain('bad.jsonl:1:');
    expect(message).not.toContain('bad.jsonl:8:');
    expect(() => readDataset(temporaryFile('missing.jsonl'))).toThrow(/missing\.jsonl: file not found/);
  });

  it('splits each category the same way for the same seed, and differently for another', () => {
    const first = splitStratified(rows, 0.2, 7);
    expect(splitStratified(rows, 0.2, 7).test.map((row) => row.text)).toEqual(first.test.map((row) => row.text));
    expect(splitStratified(rows, 0.2, 8).test.map((row) => row.text)).not.toEqual(first.test.map((row) => row.text));
    expect(first.train.length + first.test.length).toBe(rows.length);
    for (const [category, count] of countBy(first.test)) expect(count).toBe(Math.round((countBy(rows).get(category) ?? 0) * 0.2));
    const byGroup = splitByGroup(rows, 0.2, 1);
    const trainGroups = new Set(byGroup.train.map((row) => row.group));
    expect(byGroup.test.length).toBeGreaterThan(0);
    expect(byGroup.test.some((row) => trainGroups.has(row.group))).toBe(false);
  });
});

describe('features', () => {
  const extractor = new FeatureExtractor();
  const features = (text: string) => [...extractor.indices.slice(0, extractor.extract(text))];

  it('are the same for the same text, and lower-case ASCII', () => {
    expect(features('Translate THIS into German')).toEqual(features('translate this into german'));
    expect(features('Translate this into German')).not.toEqual(features('Summarize this into German'));
  });

  it('read the head and the tail of a long text only, but see its whole length', () => {
    const head = 'Please summarise the following report for the board. '.repeat(20);
    const tail = ' Keep it under a page and list the risks first.'.repeat(10);
    expect(head.length).toBeGreaterThan(HEAD_CHARS);
    expect(tail.length).toBeGreaterThan(TAIL_CHARS);
    const middle = 'alpha beta gamma delta '.repeat(400);
    const other = 'completely different words here '.repeat(400).slice(0, middle.length);
    expect(other.length).toBe(middle.length);
    expect(features(`${head}${middle}${tail}`)).toEqual(features(`${head}${other}${tail}`));
    // The length is a feature: a much longer middle changes the features.
    expect(features(`${head}${middle}${middle}${middle}${middle}${tail}`)).not.toEqual(features(`${head}${middle}${tail}`));
  });

  it("see a request for a piece of writing or for what a text holds in the request's head, however long the prompt", () => {
    for (const text of ['Please write a short poem about autumn leaves', 'Can you draft an e-mail to my landlord about the broken heater', 'Compose a toast for my sister’s wedding, funny but warm', 'I need you to write a blog post on saving for retirement', 'Create a catchy slogan for a bakery that opens at 5 am']) expect(text).toMatch(WRITE_REQUEST);
    for (const text of ['Write a summary of the following article', 'Write a Python function that sorts a list of tuples', 'What is the tallest mountain in Europe?', 'Summarize the text below.\nShe wrote a poem about the sea.', 'The poem below was written in 1820. Who wrote it?']) expect(text).not.toMatch(WRITE_REQUEST);
    for (const text of ['Extract the dates and amounts from the following e-mail', 'List all the people mentioned in this article', 'Please pull out every phone number in the text below']) expect(text).toMatch(EXTRACT_REQUEST);
    for (const text of ['Extract the answer to the question from the passage', 'List the planets of the solar system', 'Find a good name for my cat']) expect(text).not.toMatch(EXTRACT_REQUEST);
    // The pattern's feature is there for a short prompt and for one with a long pasted text alike.
    const short = features('Write a blog post about our new office');
    const long = features(`Write a blog post about our new office. Notes: ${'we moved in March, the kitchen is big, there is a roof terrace. '.repeat(60)}`);
    const slot = (list: number[]) => list.filter((index) => index === BUCKETS + SHAPE.writeRequest || index === BUCKETS + SHAPE.extractRequest);
    expect(slot(short)).toEqual([BUCKETS + SHAPE.writeRequest]);
    expect(slot(long)).toEqual([BUCKETS + SHAPE.writeRequest]);
    expect(slot(features('Extract the dates from the following e-mail: we meet on 3 May'))).toEqual([BUCKETS + SHAPE.extractRequest]);
    expect(slot(features('What is the capital of Peru?'))).toEqual([]);
  });

  it('see a request for code by the artifact asked for, and let it beat the writing pattern', () => {
    for (const text of ['I need a SQL query to find all employees hired after 2020', 'Write me a query that lists duplicate emails', 'sql: top 5 products by revenue last month', 'Give me a bash script that deletes old logs', 'Can you implement a function that merges two sorted lists?']) expect(text).toMatch(CODE_REQUEST);
    for (const text of ['Write a script for a two-minute comedy sketch', 'Find the derivative of the function f(x) = x^2', 'What did the query letter to the agent say?', 'Write an e-mail to my team about the outage']) expect(text).not.toMatch(CODE_REQUEST);
    for (const text of ['How do I read a CSV file in Python?', 'regex for a UK postcode', 'My JavaScript code throws undefined is not a function']) expect(text).toMatch(CODE_WORDS);
    for (const text of ['Write a poem about the sea', 'Write a script for a two-minute comedy sketch', 'Find the derivative of the function f(x) = x^2', 'Tell me about the history of Rome\nI also like Python the snake']) expect(text).not.toMatch(CODE_WORDS);
    const extractor = new FeatureExtractor();
    const slots = (text: string): number[] => (extractor.extract(text), [...extractor.indices.subarray(extractor.sparseCount, extractor.count)]);
    const query = slots('Write me a query that lists duplicate emails');
    expect(query).toContain(BUCKETS + SHAPE.codeRequest);
    expect(query).not.toContain(BUCKETS + SHAPE.writeRequest);
    const email = slots('Write me an e-mail that lists our duplicate orders');
    expect(email).toContain(BUCKETS + SHAPE.writeRequest);
    expect(email).not.toContain(BUCKETS + SHAPE.codeRequest);
  });

  it('see a summary asked for in the head or at the end of the text', () => {
    for (const text of ['Please summarize the medical record below', 'Can you sum up this thread for me', 'Give me a short summary of the report', 'tl;dr this please']) expect(text).toMatch(SUMMARIZE_REQUEST);
    for (const text of ['What is a summary judgment?', 'Write a poem about summer', 'The summary below was written by a nurse. Who signed it?']) expect(text).not.toMatch(SUMMARIZE_REQUEST);
    expect('…and that is why the council voted as it did.\n\nSummarize the above in two sentences.').toMatch(SUMMARY_TAIL);
    expect('…and that is why the council voted as it did.\n\nWho chaired the meeting?').not.toMatch(SUMMARY_TAIL);
    const extractor = new FeatureExtractor();
    const long = `${'The board met on Tuesday and discussed the budget at length. '.repeat(20)}\n\nSummarize the above.`;
    extractor.extract(long);
    expect([...extractor.indices.subarray(extractor.sparseCount, extractor.count)]).toContain(BUCKETS + SHAPE.summarizeRequest);
    extractor.extract(long.replace('Summarize the above.', 'Who spoke first?'));
    expect([...extractor.indices.subarray(extractor.sparseCount, extractor.count)]).not.toContain(BUCKETS + SHAPE.summarizeRequest);
  });

  it('count numbers as math evidence only with an operation, a second number or a word of math', () => {
    const extractor = new FeatureExtractor();
    const slots = (text: string): number[] => (extractor.extract(text), [...extractor.indices.subarray(extractor.sparseCount, extractor.count)]);
    for (const text of ['Which element has atomic number 6?', 'How many people live in Tokyo in 2024?']) {
      expect(slots(text)).toContain(BUCKETS + SHAPE.numbersWithoutMath);
      expect(slots(text).some((slot) => slot >= BUCKETS + SHAPE.digits && slot < BUCKETS + SHAPE.digits + 3)).toBe(false);
    }
    for (const text of ['What is 12*7?', 'A train leaves at 3 and arrives at 5; how long is the trip?', 'Calculate 15 percent of it: 240', 'Solve for x: 2x = 10']) {
      expect(slots(text)).not.toContain(BUCKETS + SHAPE.numbersWithoutMath);
      expect(slots(text).some((slot) => slot >= BUCKETS + SHAPE.digits && slot < BUCKETS + SHAPE.digits + 3)).toBe(true);
    }
    expect(slots('What is the capital of Peru?')).not.toContain(BUCKETS + SHAPE.numbersWithoutMath);
  });

  it('give scripts without spaces character features', () => {
    expect(extractor.extract('请把这段话翻译成英文')).toBeGreaterThan(15);
    expect(extractor.extract('この写真に何が写っていますか')).toBeGreaterThan(20);
  });

  it('never overrun their buffer', () => {
    for (const text of ['a '.repeat(5000), 'a中'.repeat(5000), '中'.repeat(9000), 'x'.repeat(20000), '1+2 '.repeat(3000), '']) {
      expect(extractor.extract(text)).toBeLessThanOrEqual(MAX_FEATURES);
    }
  });
});

describe('dense word-vector features', () => {
  const table = shippedWordTable();
  const vectors = shippedWordVectors();
  const extractor = new FeatureExtractor(table);
  const rowsOf = (text: string) => {
    extractor.extract(text);
    return { rows: [...extractor.denseRows.slice(0, extractor.denseCount)], first: extractor.denseFirst };
  };

  it("find a word's vector from the scan's own hash, whatever its case, and nothing for unknown words", () => {
    expect(table.lookup(wordHash('poem'))).toBe(vectors.row('poem'));
    expect(table.lookup(wordHash('translate'))).toBe(vectors.row('translate'));
    expect(vectors.row('poem')).toBeGreaterThanOrEqual(0);
    expect(table.lookup(wordHash('qzxvbnmwk'))).toBe(-1);
    // Words the vectors lack ("a" is not among them) are skipped.
    const known = ['compose', 'a', 'poem', 'about', 'autumn'].map((word) => vectors.row(word)).filter((row) => row >= 0);
    expect(known.length).toBe(4);
    expect(rowsOf('Compose a POEM about Autumn').rows).toEqual(known);
    // Digits, unknown words and CJK text contribute no vectors; known words around them still do.
    expect(rowsOf('zqxw 2024 poem').rows).toEqual([vectors.row('poem')]);
    expect(rowsOf('请把这段话翻译成英文').rows).toEqual([]);
  });

  it(`mark which words are among the first ${FIRST_WORDS}, and read only the head and tail of a long prompt`, () => {
    const words = Array.from({ length: 30 }, () => 'river').join(' ');
    const { rows, first } = rowsOf(words);
    expect(rows.length).toBe(30);
    expect(first).toBe(FIRST_WORDS);
    const long = `${'summary '.repeat(100)}${'alpha '.repeat(1000)}${'briefly '.repeat(100)}`;
    const read = rowsOf(long).rows;
    expect(vectors.row('alpha')).toBeGreaterThanOrEqual(0);
    expect(read).not.toContain(vectors.row('alpha'));
    expect(read).toContain(vectors.row('summary'));
    expect(read).toContain(vectors.row('briefly'));
    expect(read.length).toBeLessThanOrEqual(HEAD_CHARS + TAIL_CHARS);
  });

  it('put words of one sense near each other (what lets the model generalise past seen phrasings)', () => {
    const cosine = (left: string, right: string) => vectors.cosine(vectors.row(left), vectors.row(right));
    expect(cosine('poem', 'poetry')).toBeGreaterThan(cosine('poem', 'recipe'));
    expect(cosine('compose', 'write')).toBeGreaterThan(cosine('compose', 'river'));
    expect(cosine('translate', 'translation')).toBeGreaterThan(cosine('translate', 'recipe'));
  });

  it('score at serving time (weights folded per word) exactly as training computes them', () => {
    const trained = TaskClassifier.train(sample, { seed: 3, epochs: 3 });
    const model = trained.model;
    expect(model.denseWidth).toBe(table.width);
    const scan = new FeatureExtractor(table);
    for (const row of wild.slice(0, 60)) {
      const served = trained.classify({ text: row.text });
      const count = scan.extract(row.text);
      const dense = table.denseVector(scan.denseRows, scan.denseCount, scan.denseFirst);
      const extra = new Float64Array(model.classes.length);
      for (let index = 0; index < dense.length; index++) dense[index] = (dense[index] as number) * DENSE_SCALE;
      model.addDenseScores(dense, extra);
      model.predict(scan.indices, scan.sparseCount, count, extra);
      for (const [index, category] of model.classes.entries()) expect(served.scores[category as TaskCategory]).toBeCloseTo(model.scores[index] as number, 5);
    }
  });

  it('change the prediction: a model without them scores differently, and still loads (format version 2)', () => {
    const withDense = TaskClassifier.train(sample, { seed: 3, epochs: 3 });
    const without = TaskClassifier.train(sample, { seed: 3, epochs: 3, dense: false });
    expect(without.model.denseWidth).toBe(0);
    const text = 'Compose a limerick about a forgetful giraffe';
    expect(withDense.classify({ text }).scores).not.toEqual(without.classify({ text }).scores);
    const path = temporaryFile('sparse.json');
    without.save(path);
    expect((JSON.parse(readFileSync(path, 'utf8')) as { version: number }).version).toBe(2);
    expect(TaskClassifier.load(path).classify({ text })).toEqual(without.classify({ text }));
  });

  it.each([
    ['the head-pattern slots', FEATURE_ROWS_BEFORE_HEAD_PATTERNS],
    ['the code, summary and plain-number slots', FEATURE_ROWS_BEFORE_CODE_PATTERNS],
  ])('still load a model file from before %s (fewer feature rows)', (_, FEATURE_ROWS_BEFORE_HEAD_PATTERNS) => {
    const trained = TaskClassifier.train(sample, { seed: 3, epochs: 2 });
    const data = trained.model.serialize() as unknown as { rows: number; classes: string[]; stored: string; weights: string };
    const k = data.classes.length;
    const stored = Buffer.from(data.stored, 'base64');
    const weights = Buffer.from(data.weights, 'base64');
    // Drop the last rows (and their weights, if stored): the file an older build wrote.
    let kept = 0;
    for (let row = 0; row < FEATURE_ROWS_BEFORE_HEAD_PATTERNS; row++) if ((stored[row >> 3] as number) & (1 << (row & 7))) kept++;
    const older = Buffer.alloc(Math.ceil(FEATURE_ROWS_BEFORE_HEAD_PATTERNS / 8));
    stored.copy(older, 0, 0, older.length);
    for (let row = FEATURE_ROWS_BEFORE_HEAD_PATTERNS; row < older.length * 8; row++) older[row >> 3] = (older[row >> 3] as number) & ~(1 << (row & 7));
    const path = temporaryFile('older.json', JSON.stringify({ ...data, rows: FEATURE_ROWS_BEFORE_HEAD_PATTERNS, stored: older.toString('base64'), weights: weights.subarray(0, kept * k).toString('base64') }));
    const text = 'What is the capital of Peru?';
    expect(TaskClassifier.load(path).classify({ text })).toEqual(trained.classify({ text }));
    const odd = temporaryFile('odd.json', JSON.stringify({ ...data, rows: FEATURE_ROWS - 4 }));
    expect(() => TaskClassifier.load(odd)).toThrow(/feature rows/);
  });

  it('refuse a model whose dense part is damaged or of a kind this build does not compute', () => {
    const trained = TaskClassifier.train(sample, { seed: 3, epochs: 2 });
    const data = trained.model.serialize() as unknown as { dense: { kind: string; width: number; weights: string } };
    const cut = temporaryFile('cut.json', JSON.stringify({ ...data, dense: { ...data.dense, weights: data.dense.weights.slice(0, 400) } }));
    expect(() => TaskClassifier.load(cut)).toThrow(/cut\.json: the model file is damaged \(dense weights are truncated\)/);
    const other = temporaryFile('other.json', JSON.stringify({ ...data, dense: { ...data.dense, kind: 'fasttext-300' } }));
    expect(() => TaskClassifier.load(other)).toThrow(/other\.json: the model's dense features \("fasttext-300"\) are not the ones this build computes/);
    const missing = temporaryFile('missing-dense.json', JSON.stringify({ ...data, dense: undefined }));
    expect(() => TaskClassifier.load(missing)).toThrow(/missing-dense\.json: the model file is damaged \(dense features\)/);
  });
});

describe('training and the model file', () => {
  it('is deterministic for a seed, and the seed matters', () => {
    const first = TaskClassifier.train(sample, { seed: 5, epochs: 3 });
    const second = TaskClassifier.train(sample, { seed: 5, epochs: 3 });
    const other = TaskClassifier.train(sample, { seed: 6, epochs: 3 });
    expect(Buffer.from(first.model.weights.buffer).equals(Buffer.from(second.model.weights.buffer))).toBe(true);
    expect(Buffer.from(first.model.weights.buffer).equals(Buffer.from(other.model.weights.buffer))).toBe(false);
    const path = temporaryFile('a.json');
    const again = temporaryFile('b.json');
    first.save(path);
    second.save(again);
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(again, 'utf8'));
  });

  it('survives save → load with identical scores', () => {
    const trained = TaskClassifier.train(sample, { seed: 3, epochs: 4 });
    const path = temporaryFile('model.json');
    trained.save(path, { note: 'test' });
    const loaded = TaskClassifier.load(path);
    for (const row of wild) expect(loaded.classify({ text: row.text })).toEqual(trained.classify({ text: row.text }));
  });

  it('classifies into probabilities that sum to one, the winner being the most probable', () => {
    const result = TaskClassifier.load().classify({ text: 'Write a haiku about the sea', hasImages: false, hasTools: false, promptTokens: 12 });
    const values = Object.values(result.scores);
    expect(Object.keys(result.scores).sort()).toEqual([...TASK_CATEGORIES].sort());
    expect(values.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 9);
    expect(result.confidence).toBe(Math.max(...values));
    expect(result.scores[result.category]).toBe(result.confidence);
  });

  it('refuses a damaged or missing model file, naming it', () => {
    const data = JSON.parse(readFileSync(SHIPPED, 'utf8')) as { weights: string };
    const truncated = temporaryFile('truncated.json', JSON.stringify({ ...data, weights: data.weights.slice(0, 1000) }));
    expect(() => TaskClassifier.load(truncated)).toThrow(/truncated\.json: the model file is damaged/);
    expect(() => TaskClassifier.load(temporaryFile('absent.json'))).toThrow(/cannot load the task classifier model .*absent\.json/);
  });
});

describe('the shipped model', () => {
  const shipped = TaskClassifier.load();
  const predict = (text: string) => shipped.classify({ text }).category;
  const trainedOn = (JSON.parse(readFileSync(SHIPPED, 'utf8')) as { trainedOn: { seed: number; holdout: number; split: string; examples: number } }).trainedOn;

  it('was trained without its held-out split and reaches ≥ 90 % on it', () => {
    expect(trainedOn.split).toBe('random');
    const { train, test } = splitStratified(rows, trainedOn.holdout, trainedOn.seed);
    expect(trainedOn.examples).toBe(train.length);
    expect(evaluate(test, predict).accuracy).toBeGreaterThanOrEqual(0.9);
  });

  // Measured 90.0 % (198 of 220) for the shipped model, as for the one before the head patterns and
  // IFEval prompts (92.7 % for the model before public data, 90.5 % for the one before dense
  // features); the floor is 2 points below.
  it('reaches ≥ 88 % on the hand-written prompts it was never trained on', () => {
    const result = evaluate(wild, predict);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.88);
    for (const category of TASK_CATEGORIES) expect(result.perCategory[category].recall).toBeGreaterThanOrEqual(0.6);
  });

  // MT-Bench and Vicuna questions (FastChat, Apache-2.0), written by neither this project nor its
  // training sources, with the benchmarks' own categories mapped onto ours; never used to choose
  // anything. Measured 73.8 % (118 of 160) for the shipped model; the floor is well below, so a
  // retrained model that is as good cannot flake it, and one that forgot the public data fails
  // (the model shipped before the public data reached 39.4 %, the one before dense features
  // 63.1 %, the one before the head patterns and IFEval prompts 70.6 %).
  it('reaches ≥ 65 % on public benchmark questions it never saw', () => {
    const benchmark = readDataset(fileURLToPath(new URL('../../data/task-prompts-public.jsonl', import.meta.url)));
    expect(benchmark.length).toBe(160);
    expect(evaluate(benchmark, predict).accuracy).toBeGreaterThanOrEqual(0.65);
  });

  // Self-Instruct's user-oriented instructions (Apache-2.0), written by its authors for everyday
  // apps, labelled by hand for this project and held out from training. Measured 67.1 % (98 of
  // 146) for the shipped model; 60.3 % for the one before the head patterns and IFEval prompts,
  // 44.5 % for the model before dense features and the Self-Instruct seed tasks, which this floor
  // would fail.
  it('reaches ≥ 58 % on public user-oriented instructions it never saw', () => {
    const instructions = readDataset(fileURLToPath(new URL('../../data/task-prompts-user-oriented.jsonl', import.meta.url)));
    expect(instructions.length).toBe(146);
    expect(evaluate(instructions, predict).accuracy).toBeGreaterThanOrEqual(0.58);
  });

  // Whole generator recipes held out: phrasings the model never saw. Measured 75.3 % for this
  // split (75.3–81.8 % over split seeds 1–3; 74.3–80.5 % without the dense features).
  it('trained without whole recipes, classifies their prompts at ≥ 69 %', () => {
    const { train, test } = splitByGroup(rows, 0.2, 1);
    const model = TaskClassifier.train(train, { seed: 7 });
    expect(evaluate(test, (text) => model.classify({ text }).category).accuracy).toBeGreaterThanOrEqual(0.69);
  });
});

describe('switchyard classifier', () => {
  afterEach(() => vi.restoreAllMocks());

  function capture(): { out: string[]; errors: string[] } {
    const captured = { out: [] as string[], errors: [] as string[] };
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void captured.out.push(parts.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void captured.errors.push(parts.join(' ')));
    return captured;
  }

  it('trains on a JSONL file, reports held-out figures, and predict loads the model it wrote', async () => {
    const data = temporaryFile('small.jsonl', sample.map((row) => JSON.stringify({ text: row.text, category: row.category })).join('\n'));
    const out = join(data, '..', 'model.json');
    const captured = capture();
    expect(await runClassifier({ data, out, holdout: '0.25', seed: '3' }, ['train'])).toBe(0);
    const report = captured.out.join('\n');
    expect(report).toMatch(/held out \(random split, 25\.0 %\): accuracy \d+\.\d % on 100 prompts/);
    expect(report).toContain('confusion (rows: actual, columns: predicted)');
    expect(report).toMatch(/translation\s+\d+\.\d %\s+\d+\.\d %\s+10/);

    captured.out.length = 0;
    expect(await runClassifier({ model: out, json: true }, ['predict', 'Translate', '"good morning"', 'into Spanish'])).toBe(0);
    const predicted = JSON.parse(captured.out[0] ?? '{}') as { category: string; confidence: number };
    expect(predicted.category).toBe(TaskClassifier.load(out).classify({ text: 'Translate "good morning" into Spanish' }).category);
    expect(predicted.confidence).toBeGreaterThan(0);

    captured.out.length = 0;
    expect(await runClassifier({ model: out, data: WILD, json: true }, ['eval'])).toBe(0);
    expect((JSON.parse(captured.out[0] ?? '{}') as { total: number }).total).toBe(wild.length);
  });

  it('prints bad data as FILE:LINE without a stack trace and exits 1', async () => {
    const data = temporaryFile('broken.jsonl', '{"text": "fine", "category": "qa"}\n{"text": "oops", "category": "qna"}\n');
    const captured = capture();
    expect(await runClassifier({ data, out: join(data, '..', 'never.json') }, ['train'])).toBe(1);
    expect(captured.errors.join('\n')).toMatch(/^switchyard classifier: .*broken\.jsonl:2: "category" must be one of/);
    expect(captured.errors.join('\n')).not.toMatch(/\n\s+at /);
    expect(await runClassifier({ model: temporaryFile('nothing.json') }, ['predict', 'hello'])).toBe(1);
  });

  it('rejects bad flags and subcommands as usage errors', async () => {
    await expect(runClassifier({}, ['train'])).rejects.toThrow(UsageError);
    await expect(runClassifier({ data: DATA, holdout: '1.5' }, ['train'])).rejects.toThrow(/--holdout must be/);
    await expect(runClassifier({ data: DATA, seed: 'abc' }, ['train'])).rejects.toThrow(/--seed must be/);
    await expect(runClassifier({ data: DATA, split: 'sideways' }, ['train'])).rejects.toThrow(/--split must be/);
    await expect(runClassifier({}, ['predict'])).rejects.toThrow(/needs the text/);
    await expect(runClassifier({}, ['fit'])).rejects.toThrow(/unknown subcommand "fit"/);
  });
});
