// Generates the guard data sets from the hand-written fragments in scripts/guard-data/
// (attacks-direct, attacks-indirect and attacks-varied for attacks; benign-tasks,
// benign-hard, benign-topics and benign-varied for benign prompts):
//   data/guard/benign.jsonl   benign prompts of every task kind, hard cases included
//                             {id, text, kind, group, split}
//   data/guard/attacks.jsonl  injection and jailbreak attempts {id, text, category, group,
//                             split, span?} (span: where a planted instruction sits)
//   data/guard/pii-eval.jsonl sentences with labelled PII spans and hard negatives
//                             {id, text, spans: [{type, start, end}]}
//   data/guard/pii-eval-handwritten.jsonl  the same, written by hand sentence by sentence
//                             (scripts/guard-data/pii-eval-handwritten.mjs), not from templates
//   data/guard/pii-names-handwritten.jsonl  person names, street addresses, dates of birth,
//                             passport and licence numbers, and look-alikes, written by hand
// Splits take whole groups: benign recipes alternate between "train" and "holdout" within
// each kind, attacks are split by variant (which override, template or payload). Near
// duplicates are dropped: a prompt whose word set (digits folded) has a Jaccard similarity
// of NEAR_DUPLICATE or more with an earlier prompt of its kind is drawn again.
// Deterministic: the same seed gives the same files.
//   node scripts/generate-guard-data.mjs [--seed=20261123] [--scale=3]
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HARD_RECIPES } from './guard-data/benign-hard.mjs';
import { TASK_RECIPES } from './guard-data/benign-tasks.mjs';
import { TOPIC_RECIPES } from './guard-data/benign-topics.mjs';
import { DIRECT_RECIPES } from './guard-data/attacks-direct.mjs';
import { VARIED_RECIPES } from './guard-data/attacks-varied.mjs';
import { VARIED_BENIGN_RECIPES } from './guard-data/benign-varied.mjs';
import { CHAT_RECIPES } from './guard-data/benign-chat.mjs';
import { INDIRECT_RECIPES } from './guard-data/attacks-indirect.mjs';
import { createKit, hashOf, jaccard, wordSet } from './guard-data/kit.mjs';
import { piiEvalRows } from './guard-data/pii-eval.mjs';
import { handwrittenPiiRows } from './guard-data/pii-eval-handwritten.mjs';
import { handwrittenNameRows } from './guard-data/pii-names-handwritten.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const seed = Number(args.seed ?? 20261123);
const scale = Number(args.scale ?? 3);
const directory = fileURLToPath(new URL('../data/guard/', import.meta.url));
const NEAR_DUPLICATE = 0.6;
const ATTACK_HOLDOUT_PERCENT = 30;
const ATTEMPTS = 40;

const kit = createKit(seed);

/** Draws up to `count` prompts, skipping near-duplicates of what `seen` already holds. */
function draw(count, make, seen, threshold) {
  const rows = [];
  for (let made = 0; made < count; made++) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const row = make();
      const words = wordSet(row.text);
      if (seen.some((other) => jaccard(words, other) >= threshold)) continue;
      seen.push(words);
      rows.push(row);
      break;
    }
  }
  return rows;
}

/** Benign rows of `recipes`, drawn with `from` (a kit), ids numbered from `firstId`. */
function benignRows(recipes, from, firstId = 1) {
  const rows = [];
  const seenByKind = new Map();
  const positionInKind = new Map();
  for (const recipe of recipes) {
    const position = positionInKind.get(recipe.kind) ?? 0;
    positionInKind.set(recipe.kind, position + 1);
    const split = position % 2 === 0 ? 'train' : 'holdout';
    const seen = seenByKind.get(recipe.kind) ?? [];
    seenByKind.set(recipe.kind, seen);
    const made = draw(recipe.count * scale, () => ({ text: recipe.make(from, split) }), seen, NEAR_DUPLICATE);
    for (const row of made) rows.push({ text: row.text, kind: recipe.kind, group: recipe.group, split });
  }
  return rows.map((row, index) => ({ id: `benign-${String(firstId + index).padStart(4, '0')}`, ...row }));
}

function attackSplit(group) {
  return hashOf(group) % 100 < ATTACK_HOLDOUT_PERCENT ? 'holdout' : 'train';
}

function attackRows() {
  const rows = [];
  const seenByCategory = new Map();
  for (const recipe of [...DIRECT_RECIPES, ...INDIRECT_RECIPES, ...VARIED_RECIPES]) {
    const seen = seenByCategory.get(recipe.category) ?? [];
    seenByCategory.set(recipe.category, seen);
    const make = () => {
      // Indirect recipes choose their variant first, then build the carrier from that split's paragraphs.
      const made = recipe.make(kit, (variant) => attackSplit(`${recipe.group}/${variant}`));
      return typeof made === 'string' ? { text: made, variant: 0 } : made;
    };
    for (const row of draw(recipe.count, make, seen, 0.8)) {
      const group = `${recipe.group}/${row.variant}`;
      rows.push({ text: row.text, category: recipe.category, group, split: attackSplit(group), ...(row.span ? { span: row.span } : {}) });
    }
  }
  return rows.map((row, index) => ({ id: `attack-${String(index + 1).padStart(4, '0')}`, ...row }));
}

function write(name, rows) {
  writeFileSync(`${directory}${name}`, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
}

mkdirSync(directory, { recursive: true });
const benign = benignRows([...TASK_RECIPES, ...HARD_RECIPES, ...TOPIC_RECIPES, ...VARIED_BENIGN_RECIPES], kit);
const attacks = attackRows();
// Added later (short chat prompts), from a kit of their own, so the rows above stay as they were.
benign.push(...benignRows(CHAT_RECIPES, createKit(seed + 2), benign.length + 1));
const pii = piiEvalRows(createKit(seed + 1), 1200);
write('benign.jsonl', benign);
write('attacks.jsonl', attacks);
write('pii-eval.jsonl', pii);
const handwritten = handwrittenPiiRows();
write('pii-eval-handwritten.jsonl', handwritten);
const names = handwrittenNameRows();
write('pii-names-handwritten.jsonl', names);
const count = (rows, split) => rows.filter((row) => row.split === split).length;
console.log(`benign.jsonl: ${benign.length} prompts (train ${count(benign, 'train')}, holdout ${count(benign, 'holdout')})`);
console.log(`attacks.jsonl: ${attacks.length} prompts (train ${count(attacks, 'train')}, holdout ${count(attacks, 'holdout')})`);
console.log(`pii-eval.jsonl: ${pii.length} sentences, ${pii.reduce((sum, row) => sum + row.spans.length, 0)} labelled values`);
console.log(`pii-eval-handwritten.jsonl: ${handwritten.length} sentences, ${handwritten.reduce((sum, row) => sum + row.spans.length, 0)} labelled values`);
console.log(`pii-names-handwritten.jsonl: ${names.length} sentences, ${names.reduce((sum, row) => sum + row.spans.length, 0)} labelled values`);
