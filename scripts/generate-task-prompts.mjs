// Generates data/task-prompts.jsonl, the labelled prompts the shipped task classifier is
// trained on. Every prompt is composed from hand-written fragments in scripts/task-prompts/
// (one module per category: recipes that combine phrasings, subjects, pasted texts and
// languages), then given a tone (as written, polite, terse lower-case, typos, chat
// abbreviations, a chatty preamble). Near-duplicates are dropped: a prompt whose set of
// words (digits folded) has a Jaccard similarity of 0.6 or more with an earlier prompt of
// the same category is regenerated, so a random held-out split is not the training set again.
// Deterministic: the same seed gives the same file.
//   node scripts/generate-task-prompts.mjs [--seed=20261122] [--per-category=660] [--out=FILE]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createKit } from './task-prompts/kit.mjs';
import { CATEGORY_MODULES } from './task-prompts/index.mjs';
import { applyTone } from './task-prompts/tone.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const seed = Number(args.seed ?? 20261122);
const perCategory = Number(args['per-category'] ?? 660);
const out = args.out ?? fileURLToPath(new URL('../data/task-prompts.jsonl', import.meta.url));
const kit = createKit(seed);

/** Words of the parts of a prompt that carry the request (its start and end), digits folded. */
function signature(text) {
  const visible = text.length > 600 ? `${text.slice(0, 300)} ${text.slice(-300)}` : text;
  const words = visible.toLowerCase().replace(/\d+/g, '#').match(/[\p{L}\p{N}#_]+/gu) ?? [];
  // Scripts without spaces: character pairs stand in for words.
  const units = new Set();
  for (const word of words) {
    if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u.test(word) && word.length > 2) for (let index = 0; index + 1 < word.length; index++) units.add(word.slice(index, index + 2));
    else units.add(word);
  }
  return units;
}

/** Jaccard similarity of two sets of words. */
function similarity(a, b) {
  let shared = 0;
  for (const unit of a) if (b.has(unit)) shared++;
  return shared / Math.max(1, a.size + b.size - shared);
}

const rows = [];
const counts = {};
const seenTexts = new Set();
for (const [category, module] of Object.entries(CATEGORY_MODULES)) {
  const recipes = module.recipes;
  /** Signatures of this category's prompts so far, and how many each recipe made. */
  const signatures = [];
  const madeBy = new Map(recipes.map((recipe) => [recipe.name, 0]));
  const exhausted = new Set();
  let made = 0;
  let turn = 0;
  while (made < perCategory && exhausted.size < recipes.length) {
    const recipe = recipes[turn++ % recipes.length];
    if (exhausted.has(recipe.name)) continue;
    if (madeBy.get(recipe.name) >= (recipe.max ?? 40)) {
      exhausted.add(recipe.name);
      continue;
    }
    let accepted = false;
    for (let attempt = 0; attempt < 12 && !accepted; attempt++) {
      const result = recipe.make(kit);
      const language = typeof result === 'string' ? (recipe.language ?? 'en') : result.language;
      const text = applyTone(kit, typeof result === 'string' ? result : result.text, language).trim();
      if (text.includes('⟨') || text.includes('{@')) throw new Error(`unfilled template in ${category}/${recipe.name}: ${text}`);
      if (seenTexts.has(text)) continue;
      const units = signature(text);
      if (signatures.some((other) => similarity(units, other) >= 0.6)) continue;
      signatures.push(units);
      madeBy.set(recipe.name, madeBy.get(recipe.name) + 1);
      seenTexts.add(text);
      rows.push({ text, category, group: `${category}/${recipe.name}` });
      made++;
      accepted = true;
    }
    if (!accepted) exhausted.add(recipe.name);
  }
  counts[category] = made;
}

// A fixed interleaving (not sorted by category), so a file read in part is still mixed.
for (let index = rows.length - 1; index > 0; index--) {
  const other = Math.floor(kit.random() * (index + 1));
  [rows[index], rows[other]] = [rows[other], rows[index]];
}
writeFileSync(out, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
console.log(`wrote ${rows.length} prompts to ${out}`);
console.log(counts);
