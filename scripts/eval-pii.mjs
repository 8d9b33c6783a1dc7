// Per-type precision and recall of the PII detector on data/guard/pii-eval.jsonl (sentences
// with labelled values, and hard negatives; see scripts/guard-data/pii-eval.mjs) or another
// file of the same shape (--data: the hand-written set, the tuning set, a public set
// converted by scripts/prepare-pii-eval-sets.mjs). Labelled types the detector does not
// report are listed with recall 0. A found
// value counts as correct when it has the labelled type and overlaps the labelled span by
// at least half of their union. Uses the built code: run `npm run build` first.
//   node scripts/eval-pii.mjs [--data=FILE] [--show-errors] [--json] [--words]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PII_TYPES, PiiDetector } from '../dist/guards/pii.js';

const argv = process.argv.slice(2);
const root = fileURLToPath(new URL('..', import.meta.url));
const data = resolve(root, argv.find((arg) => arg.startsWith('--data='))?.slice(7) ?? 'data/guard/pii-eval.jsonl');
const rows = readFileSync(data, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const detector = new PiiDetector();

const overlap = (left, right) => {
  const shared = Math.min(left.end, right.end) - Math.max(left.start, right.start);
  return shared <= 0 ? 0 : shared / (Math.max(left.end, right.end) - Math.min(left.start, right.start));
};

// Only the types a file labels somewhere are scored: a set written before names were a type
// says nothing about the names in it (--all-types scores every type the detector reports).
const labelledTypes = new Set(rows.flatMap((row) => row.spans.map((span) => span.type)));
const types = argv.includes('--all-types') ? [...new Set([...PII_TYPES, ...labelledTypes])] : [...labelledTypes];
const stats = Object.fromEntries(types.map((type) => [type, { truePositives: 0, predicted: 0, labelled: 0 }]));
const errors = [];
for (const row of rows) {
  const found = detector.scan(row.text).filter((finding) => stats[finding.type]);
  const matched = new Set();
  for (const span of row.spans) stats[span.type].labelled++;
  for (const finding of found) {
    stats[finding.type].predicted++;
    const index = row.spans.findIndex((span, position) => !matched.has(position) && span.type === finding.type && overlap(span, finding) >= 0.5);
    if (index >= 0) {
      matched.add(index);
      stats[finding.type].truePositives++;
    } else errors.push(`false positive ${finding.type} "${row.text.slice(finding.start, finding.end)}" in: ${row.text}`);
  }
  row.spans.forEach((span, index) => {
    if (!matched.has(index)) errors.push(`missed ${span.type} "${row.text.slice(span.start, span.end)}" in: ${row.text}`);
  });
}

// --words: the same sets scored word by word, as Presidio's own evaluator does: every
// whitespace-separated word inside a labelled span is a positive of its type, and a word counts as
// found when a finding of that type covers part of it. It does not care how a labeller cut an
// address into pieces (Presidio labels "20789 Allika 46 / Suite 501 / … 62488" as four spans), nor
// how a finding is cut: what a redactor hides is what it measures.
if (argv.includes('--words')) {
  for (const entry of Object.values(stats)) Object.assign(entry, { truePositives: 0, predicted: 0, labelled: 0 });
  for (const row of rows) {
    const found = detector.scan(row.text).filter((finding) => stats[finding.type]);
    for (const word of row.text.matchAll(/\S+/g)) {
      const start = word.index;
      const end = start + word[0].length;
      const label = row.spans.find((span) => span.start < end && start < span.end);
      const finding = found.find((item) => item.start < end && start < item.end);
      if (label) stats[label.type].labelled++;
      if (finding) {
        stats[finding.type].predicted++;
        if (label && label.type === finding.type) stats[finding.type].truePositives++;
      }
    }
  }
}
const result = Object.fromEntries(
  Object.entries(stats).map(([type, entry]) => [type, { ...entry, precision: entry.predicted ? entry.truePositives / entry.predicted : 1, recall: entry.labelled ? entry.truePositives / entry.labelled : 1 }]),
);
if (argv.includes('--json')) console.log(JSON.stringify({ data, sentences: rows.length, result }));
else {
  if (argv.includes('--words')) console.log('scored word by word (--words): counts below are words, not values');
  console.log(`${rows.length} sentences, ${rows.reduce((sum, row) => sum + row.spans.length, 0)} labelled values (${rows.filter((row) => row.spans.length === 0).length} sentences are hard negatives)`);
  console.log('type          labelled  found  precision  recall');
  for (const [type, entry] of Object.entries(result)) if (entry.labelled + entry.predicted > 0) console.log(`${type.padEnd(13)} ${String(entry.labelled).padStart(8)} ${String(entry.predicted).padStart(6)} ${(entry.precision * 100).toFixed(1).padStart(9)} % ${(entry.recall * 100).toFixed(1).padStart(6)} %`);
  if (argv.includes('--show-errors')) for (const error of errors) console.log(`  ${error}`);
}
