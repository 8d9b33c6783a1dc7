// Measures the injection detector (rules + shipped classifier, default threshold) and the
// classifier alone on:
//   - the held-out splits of data/guard/attacks.jsonl and data/guard/benign.jsonl (never
//     trained on),
//   - data/task-prompts*.jsonl, benign prompts written for the task classifier by another
//     generator (never trained on),
//   - public sets converted by scripts/prepare-injection-eval-sets.mjs (never trained on):
//     every bench/.tmp/guard-eval/*.jsonl, or the files given with --set=name=path.
// Prints recall on attacks and the false-positive rate on benign prompts, per source.
// Uses the built code: run `npm run build` first.
//   node scripts/eval-injection.mjs [--set=name=path ...] [--model=FILE] [--threshold=0.6] [--json]
//   node scripts/eval-injection.mjs --thresholds=0.5,0.6,0.7   a Markdown table: recall or false
//        positives per source at each threshold (a text is flagged at t when its highest
//        finding score is at least t), with the pooled public attacks and the benign bar set
//        (own held-out benign + data/task-prompts*.jsonl)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InjectionDetector } from '../dist/guards/injection.js';
import { InjectionModel } from '../dist/guards/injection-model.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const option = (name) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const model = option('model') ? InjectionModel.load(resolve(option('model'))) : InjectionModel.load();
const threshold = option('threshold') ? Number(option('threshold')) : undefined;
const detector = new InjectionDetector({ model, threshold });
const classifier = new InjectionDetector({ model, threshold, rules: false });
const rulesOnly = new InjectionDetector({ model: null, threshold });

const readJsonl = (path) => readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));

const sources = [];
const attacks = readJsonl(join(root, 'data/guard/attacks.jsonl')).filter((row) => row.split === 'holdout');
const benign = readJsonl(join(root, 'data/guard/benign.jsonl')).filter((row) => row.split === 'holdout');
sources.push({ name: 'own attacks (held out)', rows: attacks.map((row) => ({ text: row.text, label: 1, note: row.category })) });
sources.push({ name: 'own benign (held out)', rows: benign.map((row) => ({ text: row.text, label: 0, note: row.kind })) });
for (const file of ['data/task-prompts.jsonl', 'data/task-prompts-wild.jsonl']) {
  if (existsSync(join(root, file))) sources.push({ name: `${file} (benign, other generator)`, rows: readJsonl(join(root, file)).map((row) => ({ text: row.text, label: 0 })) });
}
const sets = argv.filter((arg) => arg.startsWith('--set=')).map((arg) => arg.slice(6).split('='));
if (sets.length === 0) {
  const directory = join(root, 'bench/.tmp/guard-eval');
  if (existsSync(directory)) for (const file of readdirSync(directory).filter((name) => name.endsWith('.jsonl')).sort()) sets.push([basename(file, '.jsonl'), join(directory, file)]);
}
for (const [name, path] of sets) sources.push({ name: `public: ${name}`, rows: readJsonl(resolve(path)) });

const thresholdList = option('thresholds')?.split(',').map(Number);
if (thresholdList) {
  // One scan per text at a threshold near 0 gives every finding's score; the text is flagged
  // at t when the highest of them reaches t (scores do not depend on the threshold).
  const scoring = new InjectionDetector({ model, threshold: 1e-9 });
  const maxScore = (text) => scoring.scan(text).reduce((best, finding) => Math.max(best, finding.score), 0);
  const lines = [`| source | texts | ${thresholdList.map((t) => `t = ${t}`).join(' | ')} |`, `|---|---:|${thresholdList.map(() => '---:').join('|')}|`];
  const pooled = { public: [], bar: [] };
  const row = (name, scores, label) => {
    const cells = thresholdList.map((t) => `${((scores.filter((score) => score >= t).length / scores.length) * 100).toFixed(1)} %`);
    lines.push(`| ${name} (${label === 1 ? 'recall' : 'false positives'}) | ${scores.length} | ${cells.join(' | ')} |`);
  };
  for (const source of sources) {
    for (const label of [1, 0]) {
      const scores = source.rows.filter((entry) => entry.label === label).map((entry) => maxScore(entry.text));
      if (scores.length === 0) continue;
      row(source.name, scores, label);
      if (label === 1 && source.name.startsWith('public:')) pooled.public.push(...scores);
      if (label === 0 && !source.name.startsWith('public:')) pooled.bar.push(...scores);
    }
  }
  if (pooled.public.length > 0) row('all public attack sets pooled', pooled.public, 1);
  row('benign bar set: own held-out + task prompts', pooled.bar, 0);
  console.log(lines.join('\n'));
  process.exit(0);
}

function measure(rows) {
  const result = { attacks: 0, caught: 0, caughtByClassifier: 0, caughtByRules: 0, benign: 0, flagged: 0, flaggedByClassifier: 0, notes: new Map() };
  for (const row of rows) {
    const hit = detector.scan(row.text).length > 0;
    const classifierHit = classifier.scan(row.text).length > 0;
    const rulesHit = rulesOnly.scan(row.text).length > 0;
    if (row.label === 1) {
      result.attacks++;
      result.caught += Number(hit);
      result.caughtByClassifier += Number(classifierHit);
      result.caughtByRules += Number(rulesHit);
    } else {
      result.benign++;
      result.flagged += Number(hit);
      result.flaggedByClassifier += Number(classifierHit);
    }
    if (row.note) {
      const key = String(row.note).replace(/^.* \/ /, '');
      const entry = result.notes.get(key) ?? { total: 0, hit: 0 };
      entry.total++;
      entry.hit += Number(hit);
      result.notes.set(key, entry);
    }
  }
  return result;
}

const percent = (part, whole) => (whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)} %`);
const report = [];
for (const source of sources) {
  const result = measure(source.rows);
  report.push({ source: source.name, ...result, notes: Object.fromEntries(result.notes) });
  if (argv.includes('--json')) continue;
  const parts = [];
  if (result.attacks > 0) parts.push(`recall ${percent(result.caught, result.attacks)} of ${result.attacks} attacks (classifier alone ${percent(result.caughtByClassifier, result.attacks)}, rules alone ${percent(result.caughtByRules, result.attacks)})`);
  if (result.benign > 0) parts.push(`false positives ${percent(result.flagged, result.benign)} of ${result.benign} benign (classifier alone ${percent(result.flaggedByClassifier, result.benign)})`);
  console.log(`${source.name}: ${parts.join('; ')}`);
  if (/bipia|own/.test(source.name) && result.notes.size > 1) console.log(`    ${[...result.notes].map(([note, entry]) => `${note} ${percent(entry.hit, entry.total)} (${entry.total})`).join(', ')}`);
}
if (argv.includes('--json')) console.log(JSON.stringify({ threshold: detector.threshold, report }));
