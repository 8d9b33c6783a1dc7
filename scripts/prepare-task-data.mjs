// Public prompts for the task classifier, mapped onto our categories, split by source: whole
// sources are either trained on (bench/.tmp/task-public/train.jsonl) or held out from training
// and from every choice of options (bench/.tmp/task-public/heldout.jsonl, and the committed
// data/task-prompts-public.jsonl that test/router/classifier.test.ts reads).
//
// Sources (raw files in bench/.tmp/task-raw/, git-ignored; each fetched with `git show` from a
// mirror of the repository at the commit named):
//   - P3 / T0 prompts: yizhongw/self-instruct @ 0b26cca (Apache-2.0),
//     data/finetuning/t0_train_50k/data_per_template/<dataset>_<template>.jsonl — prompts written
//     with promptsource templates over public datasets (XSum, CNN/DailyMail, Gigaword, SAMSum,
//     Multi-News, CommonGen, AdversarialQA, CommonsenseQA, CosmosQA, DREAM, DuoRC, HotpotQA,
//     Quoref, ROPES, SciQ, Social IQa, WikiQA, WikiBio, QASC, QuaRel, QuaRTz). Each template is
//     mapped by hand below (TEMPLATES); templates that ask for a classification, a question or a
//     yes/no judgement are left out (none of our categories). Raw: the per-template files, as
//     bench/.tmp/task-raw/t0/<name>.jsonl.
//   - HumanEval: openai/human-eval as copied in LlamaEnjoyer/human-eval @ 312c5e5 (MIT),
//     data/HumanEval.jsonl.gz — 164 Python functions to complete (code). Raw: bench/.tmp/task-raw/HumanEval.jsonl.gz
//   - Berkeley Function Calling Leaderboard: ShishirPatil/gorilla @ 6ea5797 (Apache-2.0),
//     berkeley-function-call-leaderboard/bfcl_eval/data/BFCL_v4_live_simple.json and
//     BFCL_v4_live_multiple.json — user requests sent to function-calling models (tool_use); the
//     first user turn of each. Raw: bench/.tmp/task-raw/BFCL_v4_live_{simple,multiple}.json
//   - GSM8K grade-school maths questions from ../shared/data/routing/gsm8k-train.jsonl (RouteLLM's
//     copy, Apache-2.0; read at training time, never copied; math), when that folder is there.
//   - MT-Bench and the Vicuna benchmark: lm-sys/FastChat @ 0e6d3e4 (Apache-2.0),
//     fastchat/llm_judge/data/{mt_bench,vicuna_bench}/question.jsonl — 160 questions written by
//     the benchmarks' authors with their own categories (the first turn; categories mapped in
//     BENCH_CATEGORIES). Raw: bench/.tmp/task-raw/{mt_bench,vicuna_bench}-question.jsonl
//   - Self-Instruct's human-written tasks: yizhongw/self-instruct @ 0b26cca (Apache-2.0),
//     data/seed_tasks.jsonl (175 seed tasks) and human_eval/user_oriented_instructions.jsonl (252
//     expert-written instructions for everyday apps) — the instruction and its first instance's
//     input. Their authors gave them no categories of ours: each was labelled by hand here
//     (SEED_LABELS, USER_LABELS, one letter per line: c creative, q qa, x extraction, s
//     summarization, t translation, m math, k code, - left out: classification, grammar fixes,
//     rewrites and tasks that fit no category), once, before any model was trained on them. The
//     seed tasks are trained on; the user-oriented ones are held out (validation), and committed
//     with their labels as data/task-prompts-user-oriented.jsonl.
//     Raw: bench/.tmp/task-raw/self-instruct-{seed_tasks,user_oriented_instructions}.jsonl
//   - Google's IFEval prompts (instruction-following evaluation): google-research/google-research,
//     instruction_following_eval/data/input_data.jsonl (Apache-2.0), as packaged in
//     josejg/instruction_following_eval @ 0c495b2 (Apache-2.0, the same 541 prompts, 207,111
//     bytes) — written by the benchmark's authors: essays, poems, blog posts, letters, ads and
//     questions, each with formatting constraints. They have no categories; labelled here by the
//     request's head (ifevalLabel below: a verb of making first → creative, a summary asked for →
//     summarization, a question or "explain / describe / list" → qa; code and everything else
//     left out), not by hand. Trained on. Raw: bench/.tmp/task-raw/ifeval-input_data.jsonl
//   - WizardLM's Evol-Instruct test set: nlpxucan/WizardLM @ cd4b4cc, WizardLM/data/WizardLM_testset.jsonl
//     — 218 instructions with the authors' skill labels (data licence CC BY-NC 4.0: measured on,
//     never trained on, never committed; skills mapped in WIZARDLM_SKILLS, mixed skills left out).
//     Raw: bench/.tmp/task-raw/WizardLM_testset.jsonl
//   - BELLE's evaluation set: LianjiaTech/BELLE @ 645084d, eval/eval_set.json — 1,000 Chinese
//     requests with the authors' classes (research-use data: measured on, never trained on, never
//     committed; classes mapped in BELLE_CLASSES). Raw: bench/.tmp/task-raw/belle-eval_set.json
// Held out: MT-Bench, Vicuna, WizardLM, BELLE, BFCL live_multiple, and the P3 datasets in HELD_OUT_P3 (every
// template of each). Near-duplicates (word-set Jaccard ≥ 0.8 with a kept prompt of the same
// source) are dropped, and at most MAX_PER_GROUP prompts are kept per source dataset, of them at
// most MAX_QA_PER_GROUP qa prompts if that is set (not for the hand-labelled Self-Instruct tasks).
// bench/.tmp/task-public/validation.jsonl is the held-out set without MT-Bench and Vicuna: options
// were chosen on it (and on data/task-prompts-wild.jsonl), never on the benchmarks' questions.
//   node scripts/prepare-task-data.mjs [--max-per-group=150] [--ifeval-max=150] [--shared=../shared/data] [--user-oriented=train|validation]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomKit } from './random-kit.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const raw = `${root}bench/.tmp/task-raw/`;
const out = `${root}bench/.tmp/task-public/`;
const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const MAX_PER_GROUP = Number(option('max-per-group') ?? 150);
// qa prompts of one trained source: at most this many (off by default). A cap of 60 raised the
// validation sets but lowered both untouched ones (docs/routing.md): their mix is qa-heavy, as
// real traffic is, and the P3 validation sources are not.
const MAX_QA_PER_GROUP = Number(option('max-qa-per-group') ?? Number.POSITIVE_INFINITY);
const shared = resolve(root, option('shared') ?? '../shared/data');
const HELD_OUT_P3 = new Set(['xsum', 'quoref', 'sciq', 'wiki_bio', 'common_gen']);

/** P3 template name prefixes → category (the first matching prefix wins; unlisted templates are left out). */
const TEMPLATES = [
  ['cnn_dailymail_3_0_0_generate_story', 'creative'],
  ['cnn_dailymail_3_0_0_spice_up_story', 'creative'],
  ['cnn_dailymail_3_0_0_write_an_outline', 'summarization'],
  ['cnn_dailymail', 'summarization'],
  ['gigaword_write_an_article', 'creative'],
  ['gigaword_reverse_writing', 'creative'],
  ['gigaword_write_its_sentence', 'creative'],
  ['gigaword_first_sentence_title', 'summarization'],
  ['gigaword', 'summarization'],
  ['samsum_Write_a_dialogue_that_match_this_summary', 'creative'],
  ['samsum', 'summarization'],
  ['multi_news_expand_reverse_task_', 'creative'],
  ['multi_news', 'summarization'],
  ['xsum', 'summarization'],
  ['common_gen_sentence_to_concepts', null],
  ['common_gen_topics_from_the_sentence', null],
  ['common_gen', 'creative'],
  ['duorc_ParaphraseRC_build_story_around_qa', 'creative'],
  ['duorc_SelfRC_build_story_around_qa', 'creative'],
  ['duorc_ParaphraseRC_extract_answer', 'extraction'],
  ['duorc_SelfRC_extract_answer', 'extraction'],
  ['duorc_ParaphraseRC_answer_question', 'qa'],
  ['duorc_SelfRC_answer_question', 'qa'],
  ['duorc_ParaphraseRC_question_answering', 'qa'],
  ['duorc_SelfRC_question_answering', 'qa'],
  ['duorc_ParaphraseRC_movie_director', 'qa'],
  ['duorc_SelfRC_movie_director', 'qa'],
  ['wiki_bio_key_content', 'extraction'],
  ['wiki_bio_what_content', 'extraction'],
  ['wiki_bio_comprehension', 'extraction'],
  ['quoref_Read_And_Extract_', 'extraction'],
  ['quoref_Guess_Title_For_Context', null],
  ['quoref_Context_Contains_Answer', null],
  ['quoref_Found_Context_Online', null],
  ['quoref', 'qa'],
  ['adversarial_qa_dbert_generate_question', null],
  ['adversarial_qa_dbidaf_generate_question', null],
  ['adversarial_qa_droberta_generate_question', null],
  ['adversarial_qa', 'qa'],
  ['commonsense_qa_question_to_answer_index', null],
  ['commonsense_qa', 'qa'],
  ['cosmos_qa_context_answer_to_question', null],
  ['cosmos_qa_description_context_question_text', 'qa'],
  ['cosmos_qa_context_description_question_text', 'qa'],
  ['cosmos_qa_context_question_description_text', 'qa'],
  ['cosmos_qa_only_question_answer', 'qa'],
  ['cosmos_qa_no_prompt_text', 'qa'],
  ['dream_answer_to_dialogue', null],
  ['dream_generate', null],
  ['dream', 'qa'],
  ['kilt_tasks_hotpotqa', 'qa'],
  ['ropes', 'qa'],
  ['sciq', 'qa'],
  ['social_i_qa_Generate_answer', 'qa'],
  ['social_i_qa_I_was_wondering', 'qa'],
  ['social_i_qa_Show_choices_and_generate_answer', 'qa'],
  ['wiki_qa_Direct_Answer_to_Question', 'qa'],
  ['wiki_qa_Jeopardy_style', 'qa'],
  ['wiki_hop_original_generate_object', 'qa'],
  ['qasc', 'qa'],
  ['quarel', 'qa'],
  ['quartz', 'qa'],
];
const DATASETS = ['cnn_dailymail', 'gigaword', 'samsum', 'multi_news', 'xsum', 'common_gen', 'duorc', 'wiki_bio', 'quoref', 'adversarial_qa', 'commonsense_qa', 'cosmos_qa', 'dream', 'kilt_tasks_hotpotqa', 'ropes', 'sciq', 'social_i_qa', 'wiki_qa', 'wiki_hop', 'qasc', 'quarel', 'quartz'];

/** MT-Bench and Vicuna categories → ours. */
const BENCH_CATEGORIES = { writing: 'creative', roleplay: 'creative', reasoning: 'qa', math: 'math', coding: 'code', extraction: 'extraction', stem: 'qa', humanities: 'qa', generic: 'qa', knowledge: 'qa', 'common-sense': 'qa', fermi: 'qa', counterfactual: 'qa' };

/** WizardLM test-set skills → ours; skills that mix categories (Computer Science, Complex Format) and Toxicity are left out. */
const WIZARDLM_SKILLS = { Math: 'math', 'Code Generation': 'code', 'Code Debug': 'code', Writting: 'creative', 'Academic Writing': 'creative', Roleplay: 'creative', Multilingual: 'translation', Reasoning: 'qa', 'Common-Sense': 'qa', Counterfactual: 'qa', Biology: 'qa', Technology: 'qa', Ethics: 'qa', TruthfulQA: 'qa', Sport: 'qa', Law: 'qa', Medicine: 'qa', Literature: 'qa', Entertainment: 'qa', Art: 'qa', Music: 'qa', Economy: 'qa', Physics: 'qa', History: 'qa', Chemistry: 'qa', Philosophy: 'qa' };
/** BELLE evaluation classes → ours; rewrite and classification are left out (none of our categories). */
const BELLE_CLASSES = { 'open qa': 'qa', 'closed qa': 'qa', brainstorming: 'creative', generation: 'creative', math: 'math', code: 'code', summarization: 'summarization', extract: 'extraction' };

const LETTERS = { c: 'creative', q: 'qa', x: 'extraction', s: 'summarization', t: 'translation', m: 'math', k: 'code' };
const SEED_LABELS = 'qq-q-qcqcqqqq--qq-cqcc-q-m-qkcqkqcqm-kqx-k---m-cqck-q-qc-cmcq-scs----kq-kqc-c--ccqqmcxccqc--qc-q---qctqqq--q-mmqc---qtqc---cc--q-cqq-q--mskkkkqqm--q-------------q-q-----------';
const USER_LABELS = '-----c-c-c--kkkm-q-m----ccqqxcqqc-qqqqk-k-q--qqqqc-qccccccccccc--cc-cqqqcccccq-c-sqqqqcqqk---kqqk-s-t-q-qqq-qq--qqmqqqq-q---t-q-qqqqq---q-q-mmmmm---qm----c--x-ss-x-----q-qqq--qqqkx-s----c---k-q--k---s--sqckcc-qkcx-qq-----q-c---k-qck-q-----q--k--qcx-c-q';
/** Where the user-oriented instructions go: validation (the default: held out, they choose options) or train (measured: it lowered the P3 validation sources, docs/routing.md). */
const USER_ORIENTED = option('user-oriented') ?? 'validation';

function requireFile(path) {
  if (!existsSync(path)) {
    console.error(`missing ${path} (see this script's header for where it comes from)`);
    process.exit(1);
  }
  return path;
}

const kit = randomKit(20261207);
const train = [];
const heldout = [];
const bench = [];

function words(text) {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** Adds up to MAX_PER_GROUP rows of one source, without near-duplicates. */
function add(target, rows, group, trainCap = MAX_PER_GROUP) {
  const kept = [];
  const seen = [];
  // Held-out sources keep up to 300 prompts whatever the training cap, so the measurement stays the same.
  const cap = target === train ? trainCap : 300;
  const qaCap = target === train && !group.startsWith('self-instruct') ? MAX_QA_PER_GROUP : cap;
  let qa = 0;
  for (const row of kit.shuffle(rows)) {
    if (kept.length >= cap) break;
    if (row.category === 'qa' && qa >= qaCap) continue;
    const set = words(row.text);
    const duplicate = seen.some((other) => {
      let shared = 0;
      for (const word of set) if (other.has(word)) shared++;
      return shared / (set.size + other.size - shared) >= 0.8;
    });
    if (duplicate) continue;
    seen.push(set);
    if (row.category === 'qa') qa++;
    kept.push({ text: row.text, category: row.category, group });
  }
  target.push(...kept);
  return kept;
}

// P3 / T0
const t0 = `${raw}t0/`;
requireFile(t0);
const byDataset = new Map();
for (const file of readdirSync(t0).sort()) {
  const name = file.replace(/\.jsonl$/, '');
  const category = TEMPLATES.find(([prefix]) => name.startsWith(prefix))?.[1];
  if (!category) continue;
  const dataset = DATASETS.find((prefix) => name.startsWith(prefix));
  const rows = readFileSync(`${t0}${file}`, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const list = byDataset.get(dataset) ?? [];
  for (const row of rows) list.push({ text: row.prompt.trim(), category });
  byDataset.set(dataset, list);
}
for (const [dataset, rows] of byDataset) add(HELD_OUT_P3.has(dataset) ? heldout : train, rows, `p3/${dataset}`);

// GSM8K questions from the shared data folder (trained on only, never copied into the project).
const gsm8k = `${shared}/routing/gsm8k-train.jsonl`;
if (existsSync(gsm8k)) add(train, readFileSync(gsm8k, 'utf8').split('\n').filter(Boolean).map((line) => ({ text: JSON.parse(line).prompt.trim(), category: 'math' })), 'gsm8k');
else console.error(`note: ${gsm8k} not found; trained without GSM8K questions`);

// HumanEval
const humanEval = gunzipSync(readFileSync(requireFile(`${raw}HumanEval.jsonl.gz`))).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
add(train, humanEval.map((row) => ({ text: row.prompt.trim(), category: 'code' })), 'humaneval');

// BFCL live requests
for (const [file, target] of [['BFCL_v4_live_simple.json', train], ['BFCL_v4_live_multiple.json', heldout]]) {
  const rows = readFileSync(requireFile(`${raw}${file}`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map((row) => row.question?.[0]?.find((turn) => turn.role === 'user')?.content)
    .filter((text) => typeof text === 'string' && text.trim().length > 0)
    .map((text) => ({ text: text.trim(), category: 'tool_use' }));
  add(target, rows, `bfcl/${file.replace(/^BFCL_v4_|\.json$/g, '')}`);
}

// Self-Instruct's hand-labelled tasks (at most MAX_PER_GROUP each, like every source).
const selfInstruct = (file, labels) => {
  const rows = readFileSync(requireFile(`${raw}${file}`), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  if (rows.length !== labels.length) throw new Error(`${file}: ${rows.length} tasks for ${labels.length} labels`);
  return rows
    .map((row, index) => {
      const input = row.instances?.[0]?.input?.trim() ?? '';
      return { text: input ? `${row.instruction.trim()}\n\n${input}` : row.instruction.trim(), category: LETTERS[labels[index]] };
    })
    .filter((row) => row.category);
};
add(train, selfInstruct('self-instruct-seed_tasks.jsonl', SEED_LABELS), 'self-instruct/seed');
const userOriented = selfInstruct('self-instruct-user_oriented_instructions.jsonl', USER_LABELS);
if (USER_ORIENTED === 'train') add(train, userOriented, 'self-instruct/user-oriented');

// IFEval prompts, labelled by their head (see the header); at most IFEVAL_MAX of them.
const IFEVAL_MAX = Number(option('ifeval-max') ?? 150);
const IFEVAL_LEAD = /^(?:(?:please|can you|could you|would you|i want you to|i would like you to|help me|now|hey|hi)[\s,]+)*/i;
function ifevalLabel(text) {
  const request = text.replace(IFEVAL_LEAD, '');
  const head = request.split(/(?<=[.?!])\s|\n/)[0];
  if (/^(?:write|give|provide|generate|create)\b[^.?!\n]{0,40}\bsummar/i.test(request) || /^summari[sz]e\b/i.test(request)) return 'summarization';
  if (/^translate\b/i.test(request)) return 'translation';
  if (/\b(?:code|program|function|python|java|sql|script|regex|html|css|javascript)\b/i.test(head)) return null;
  if (/^(?:write|compose|draft|create|make|generate|craft|come up with|pen|design|invent)\b/i.test(request)) return 'creative';
  if (/^(?:what|why|how|who|when|where|which|is|are|was|were|do|does|did|can|could|should|would|will)\b[^\n]*\?/i.test(head) || /^(?:explain|describe|tell me|list|name|give me (?:some|a list|\d+|two|three|five))\b/i.test(request)) return 'qa';
  return null;
}
if (IFEVAL_MAX > 0) {
  const ifeval = readFileSync(requireFile(`${raw}ifeval-input_data.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).prompt.trim())
    .map((text) => ({ text, category: ifevalLabel(text) }))
    .filter((row) => row.category);
  add(train, ifeval, 'ifeval', IFEVAL_MAX);
}

// MT-Bench and Vicuna (held out, and committed for the test)
for (const name of ['mt_bench', 'vicuna_bench']) {
  const rows = readFileSync(requireFile(`${raw}${name}-question.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map((row) => ({ text: row.turns[0].trim(), category: BENCH_CATEGORIES[row.category] }));
  for (const row of rows) if (!row.category) throw new Error(`unmapped category in ${name}`);
  bench.push(...rows.map((row) => ({ ...row, group: name })));
}
heldout.push(...bench);

// WizardLM and BELLE: held out, measured on only (their licences do not allow training shipped weights on them).
const wizardlm = readFileSync(requireFile(`${raw}WizardLM_testset.jsonl`), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line))
  .map((row) => ({ text: row.Instruction.trim(), category: WIZARDLM_SKILLS[row.Skill], group: 'wizardlm' }))
  .filter((row) => row.category);
const belle = JSON.parse(`[${readFileSync(requireFile(`${raw}belle-eval_set.json`), 'utf8').trim().split('\n').join(',')}]`)
  .map((row) => ({ text: row.question.trim(), category: BELLE_CLASSES[row.class.replace(/\s+/g, ' ')], group: 'belle' }))
  .filter((row) => row.category);

mkdirSync(out, { recursive: true });
const write = (path, rows) => writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
write(`${out}train.jsonl`, train);
write(`${out}heldout.jsonl`, heldout);
write(`${out}validation.jsonl`, heldout.filter((row) => !bench.includes(row)));
write(`${out}train-combined.jsonl`, [...readFileSync(`${root}data/task-prompts.jsonl`, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)), ...train]);
write(`${root}data/task-prompts-public.jsonl`, bench);
write(`${out}wizardlm.jsonl`, wizardlm);
write(`${out}belle.jsonl`, belle);
write(`${out}user-oriented.jsonl`, USER_ORIENTED === 'train' ? [] : userOriented.map((row) => ({ ...row, group: 'self-instruct/user-oriented' })));
// Committed for the test (Apache-2.0, like the rest of Self-Instruct), with the labels given here.
write(`${root}data/task-prompts-user-oriented.jsonl`, userOriented);
const count = (rows) => Object.entries(rows.reduce((counts, row) => ({ ...counts, [row.category]: (counts[row.category] ?? 0) + 1 }), {})).map(([category, n]) => `${category} ${n}`).join(', ');
console.log(`train.jsonl: ${train.length} (${count(train)})`);
console.log(`heldout.jsonl: ${heldout.length} (${count(heldout)})`);
console.log(`data/task-prompts-public.jsonl: ${bench.length} (${count(bench)})`);
console.log(`wizardlm.jsonl: ${wizardlm.length} (${count(wizardlm)})`);
console.log(`belle.jsonl: ${belle.length} (${count(belle)})`);
