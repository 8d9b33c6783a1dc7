// The examples the injection classifier is trained on:
//   attacks  data/guard/attacks.jsonl (split "train"), the GPTFuzz jailbreak templates and the
//            BIPIA training instructions from ../shared/data/guard (read here, never copied),
//            the BIPIA ones both as written and planted in our carriers;
//   benign   data/guard/benign.jsonl (split "train"), and up to 9,000 real questions from
//            the shared routing and cache data (MMLU, GSM8K, GPTCache paraphrases).
// Nothing from the public evaluation sets (bench/.tmp/guard-eval/) is read here unless an
// experiment passes one as `extra` (JSON Lines of {text, label}); the shipped model has none.
// BIPIA instructions that are ordinary tasks out of context ("What is the capital of
// Brazil?", "Provide a poem about…") are left out: as text they are benign requests, and only
// where they sit (inside a document meant to be data) makes them an attack.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENIGN_FIRST_TASKS, EXFILTRATING_TASKS, HARMFUL_REQUESTS, TASKS } from './attacks-direct.mjs';
import { plant } from './attacks-indirect.mjs';
import { createKit } from './kit.mjs';

export const PLAIN_TASK_CATEGORIES = new Set(['Information Retrieval', 'Content Creation', 'Learning and Tutoring', 'Language Translation', 'Programming Help']);

export function readJsonl(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** Splits rows by group into a fitting part and a validation part (about `percent` %). */
export function validationSplit(rows, percent, hashOf) {
  const fit = [];
  const validation = [];
  for (const row of rows) (hashOf(`validation/${row.group ?? row.source ?? ''}`) % 100 < percent ? validation : fit).push(row);
  return { fit, validation };
}

export function loadTrainingSet({ root, shared, seed = 11, sharedBenign = 9000, extra = [] }) {
  const kit = createKit(seed);
  const attacks = readJsonl(join(root, 'data/guard/attacks.jsonl')).filter((row) => row.split === 'train');
  const benign = readJsonl(join(root, 'data/guard/benign.jsonl')).filter((row) => row.split === 'train');
  const examples = [
    ...attacks.map((row) => ({ text: row.text, label: 1, span: row.span, source: `attacks/${row.category}`, group: row.group })),
    ...benign.map((row) => ({ text: row.text, label: 0, source: `benign/${row.kind}`, group: row.group })),
  ];
  // Counterparts: the requests our attacks wrap, alone. Asked for directly they are not an
  // injection (harmful ones are a moderation matter), so the classifier learns the override,
  // the persona and the planted instruction rather than the topic of the request.
  const counterparts = [...BENIGN_FIRST_TASKS, ...TASKS.filter((task) => !EXFILTRATING_TASKS.has(task)).map((task) => `Please ${task}`), ...HARMFUL_REQUESTS.map((request) => `Explain ${request}.`)];
  examples.push(...counterparts.map((text, index) => ({ text, label: 0, source: 'counterpart', group: `counterpart/${index}` })));
  const sources = { attacks: attacks.length, benign: benign.length, counterparts: counterparts.length };
  const guard = join(shared, 'guard');
  if (existsSync(join(guard, 'gptfuzz-jailbreaks.jsonl'))) {
    const rows = readJsonl(join(guard, 'gptfuzz-jailbreaks.jsonl'));
    examples.push(...rows.map((row, index) => ({ text: row.text, label: 1, source: 'shared/gptfuzz', group: `gptfuzz/${index}` })));
    sources.gptfuzz = rows.length;
  }
  if (existsSync(join(guard, 'bipia-attacks-train.jsonl'))) {
    const rows = readJsonl(join(guard, 'bipia-attacks-train.jsonl')).filter((row) => !PLAIN_TASK_CATEGORIES.has(row.category));
    for (const [index, row] of rows.entries()) {
      examples.push({ text: row.text, label: 1, source: 'shared/bipia', group: `bipia/${index}` });
      const planted = plant(kit, row.text, 'train');
      examples.push({ ...planted, label: 1, source: 'shared/bipia-planted', group: `bipia/${index}` });
    }
    sources.bipia = rows.length;
  }
  const questions = [];
  const routing = join(shared, 'routing');
  if (existsSync(join(routing, 'mmlu-train.jsonl'))) questions.push(...readJsonl(join(routing, 'mmlu-train.jsonl')).map((row) => ({ text: row.prompt, source: 'shared/mmlu' })));
  if (existsSync(join(routing, 'gsm8k-train.jsonl'))) questions.push(...readJsonl(join(routing, 'gsm8k-train.jsonl')).map((row) => ({ text: row.prompt, source: 'shared/gsm8k' })));
  if (existsSync(join(shared, 'cache/paraphrase-pairs.jsonl'))) {
    for (const row of readJsonl(join(shared, 'cache/paraphrase-pairs.jsonl'))) questions.push({ text: row.origin, source: 'shared/gptcache' }, { text: row.similar, source: 'shared/gptcache' });
  }
  for (const [index, row] of kit.sample(questions, sharedBenign).entries()) examples.push({ text: row.text, label: 0, source: row.source, group: `${row.source}/${index}` });
  sources.sharedBenign = Math.min(sharedBenign, questions.length);
  for (const path of extra) {
    const rows = readJsonl(path);
    examples.push(...rows.map((row, index) => ({ text: row.text, label: row.label, source: `extra/${path}`, group: `extra/${path}/${index}` })));
    sources[`extra:${path}`] = rows.length;
  }
  return { examples, sources };
}
