// Writes data/guard/pii-tune.jsonl, the set the PII detectors' rules were tuned on: sentences
// from the templates of scripts/guard-data/pii-faker.mjs with names, addresses, phones, cards,
// dates of birth, passport and licence numbers from @faker-js/faker in seven locales, plus hard
// negatives. Deterministic for a seed.
//   node scripts/generate-pii-tuning-set.mjs [--seed=20261207] [--positives=1500] [--negatives=500]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomKit } from './random-kit.mjs';
import { piiFakerSet } from './guard-data/pii-faker.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const kit = randomKit(Number(args.seed ?? 20261207));
const rows = piiFakerSet(kit, Number(args.positives ?? 1500), Number(args.negatives ?? 500));
const out = fileURLToPath(new URL('../data/guard/pii-tune.jsonl', import.meta.url));
writeFileSync(out, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
const counts = {};
for (const row of rows) for (const span of row.spans) counts[span.type] = (counts[span.type] ?? 0) + 1;
console.log(`pii-tune.jsonl: ${rows.length} sentences`, counts);
