// Response-cache benchmarks (run after `npm run build`; numbers go to docs/cache.md):
//   lookup   semantic lookup with the built-in embedder at N entries in ONE scope (default
//            100,000): embedding the question, then the index search with the near-miss check,
//            p50 / p99 of each over Q questions (half reworded stored questions, half new ones),
//            and the index's recall: the first R questions also answered by scoring every entry
//            exactly (nearestExhaustive), the hits the index lost counted;
//   memory   heap per entry: the semantic index alone, and index + stored answer (a 600-character
//            answer) in the memory store, measured with --expose-gc;
//   latency  exact hit against the gateway's own miss overhead, over loopback, sequentially:
//            direct = the mock upstream alone; miss = through the gateway with the cache on but
//            `x-switchyard-cache: off` (routing, logging, the upstream call), overhead = miss − direct;
//            hit = the same request answered from the exact cache (no upstream call).
//   compare  the lookup's CPU time with the pair scorer against the fixed mix it replaced (half
//            cosine, half alignment, LocalEmbedder(vectors, null)), each over its own index of the
//            same questions, question by question in alternating order in one process (a paired
//            comparison: the machine's load hits both alike).
// Usage: node --expose-gc bench/cache.mjs [--entries=100000] [--questions=2000] [--requests=2000] [--recall=50] [--only=lookup,memory,latency,compare]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { HOST, freePort, machineInfo, round, startProcess, summarize } from './lib.mjs';

const options = Object.fromEntries(process.argv.slice(2).map((argument) => argument.replace(/^--/, '').split('=')));
const entries = Number(options.entries ?? 100_000);
const questions = Number(options.questions ?? 2000);
const requests = Number(options.requests ?? 2000);
const recallQuestions = Number(options.recall ?? 50);
const only = (options.only ?? 'lookup,memory,latency').split(',');
const dist = new URL('../dist/', import.meta.url);
const { LocalEmbedder } = await import(new URL('cache/local-embedder.js', dist));
const { SemanticMatcher } = await import(new URL('cache/semantic.js', dist));
const { MemoryCacheStore } = await import(new URL('cache/memory-store.js', dist));
const { entryBytes } = await import(new URL('cache/types.js', dist));
const { shippedWordVectors } = await import(new URL('cache/word-vectors.js', dist));

// Deterministic questions from a vocabulary of common words: a subject, a verb, objects, details.
let seed = 42;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = (list) => list[Math.floor(random() * list.length)];
const nouns = 'dataset model table column file folder server client request answer budget key route cache token image audio text batch metric report user team project service library function method class parameter option setting error log index query record field value network account invoice order payment product customer message queue worker job schedule backup database cluster node region price policy rule'.split(' ');
const verbs = 'load save delete create update read write split merge filter sort share download upload export import convert check validate configure install remove rename copy move cache stream train evaluate compare measure monitor restart stop start'.split(' ');
const adjectives = 'large small new old private public local remote shared default custom empty broken slow fast daily monthly nested encrypted compressed temporary'.split(' ');
const templates = [
  (n) => `How do I ${pick(verbs)} a ${pick(adjectives)} ${pick(nouns)} in the ${pick(nouns)} ${n}?`,
  (n) => `What is the best way to ${pick(verbs)} the ${pick(nouns)} of a ${pick(adjectives)} ${pick(nouns)} ${n}?`,
  (n) => `Can I ${pick(verbs)} ${pick(adjectives)} ${pick(nouns)}s with the ${pick(nouns)} ${pick(nouns)} ${n}?`,
  (n) => `Why does the ${pick(nouns)} fail when I ${pick(verbs)} a ${pick(nouns)} ${n}?`,
];
/** A question; the trailing code makes each one distinct, as real questions name their own things. */
const question = (index) => pick(templates)(`for ${pick(nouns)} v${index}`);
const stored = Array.from({ length: entries }, (_, index) => question(index));
const reword = (text) => text.replace(/^How do I/, 'How can I').replace(/^What is the best way to/, 'How should I').replace(/^Can I/, 'Is it possible to').replace(/^Why does/, 'For what reason does');
const asked = Array.from({ length: questions }, (_, index) => (index % 2 === 0 ? reword(stored[Math.floor(random() * entries)]) : question(entries + index)));

const results = { machine: machineInfo(), entries, questions };
const embedder = new LocalEmbedder();
const scope = 'bench';

function heap() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

if (only.includes('compare')) {
  const embedders = { scorer: embedder, mix: new LocalEmbedder(shippedWordVectors(), null) };
  const matchers = {};
  for (const [name, each] of Object.entries(embedders)) {
    matchers[name] = new SemanticMatcher(each);
    for (let at = 0; at < entries; at += 1000) {
      const batch = stored.slice(at, at + 1000);
      const vectors = await each.embed(batch);
      batch.forEach((text, index) => matchers[name].remember({ key: `k${at + index}`, semanticScope: scope, question: text, embedding: vectors[index] }));
    }
  }
  const cpu = { scorer: [], mix: [] };
  const hits = { scorer: 0, mix: 0 };
  for (let round_ = 0; round_ < 2; round_++) {
    for (const [index, text] of asked.entries()) {
      const order = index % 2 === 0 ? ['scorer', 'mix'] : ['mix', 'scorer'];
      for (const name of order) {
        const [vector] = await embedders[name].embed([text]);
        const before = process.cpuUsage();
        const found = matchers[name].findEmbedded(scope, text, vector, { threshold: undefined, nearMiss: true });
        const used = process.cpuUsage(before);
        if (round_ === 1) {
          cpu[name].push((used.user + used.system) / 1000);
          if (found.candidates.length > 0) hits[name]++;
        }
      }
    }
  }
  const ms = (values) => Object.fromEntries(Object.entries(summarize(values)).map(([key, value]) => [key, round(value, 3)]));
  results.compare = Object.fromEntries(Object.keys(embedders).map((name) => [name, { searchCpuMs: ms(cpu[name]), hitRate: round(hits[name] / asked.length, 3), threshold: embedders[name].defaultThreshold }]));
}

if (only.includes('lookup') || only.includes('memory')) {
  const before = heap();
  const matcher = new SemanticMatcher(embedder);
  const started = performance.now();
  for (let at = 0; at < entries; at += 1000) {
    const batch = stored.slice(at, at + 1000);
    const vectors = await embedder.embed(batch);
    batch.forEach((text, index) => matcher.remember({ key: `k${at + index}`, semanticScope: scope, question: text, embedding: vectors[index] }));
  }
  results.indexBuildMs = round(performance.now() - started, 0);
  const indexBytes = heap() - before;
  results.indexBytesPerEntry = round(indexBytes / entries, 0);
  if (only.includes('lookup')) {
    const embed = [];
    const search = [];
    const total = [];
    const searchCpu = [];
    let hits = 0;
    for (let round_ = 0; round_ < 2; round_++) {
      for (const text of asked) {
        const t0 = performance.now();
        const [vector] = await embedder.embed([text]);
        const t1 = performance.now();
        const cpu = process.cpuUsage();
        const found = matcher.findEmbedded(scope, text, vector, { threshold: undefined, nearMiss: true });
        const t2 = performance.now();
        const used = process.cpuUsage(cpu);
        // The first round warms the JIT; the second is measured.
        if (round_ === 1) {
          embed.push(t1 - t0);
          search.push(t2 - t1);
          searchCpu.push((used.user + used.system) / 1000);
          total.push(t2 - t0);
          if (found.candidates.length > 0) hits++;
        }
      }
    }
    const ms = (values) => Object.fromEntries(Object.entries(summarize(values)).map(([key, value]) => [key, round(value, 3)]));
    // searchCpuMs: the process's CPU time during each search (its own work, whatever else the machine runs; GC threads included).
    results.lookup = { embedMs: ms(embed), searchMs: ms(search), searchCpuMs: ms(searchCpu), totalMs: ms(total), hitRate: round(hits / asked.length, 3) };
    // Recall of the index against scoring every entry exactly (same threshold, same near-miss
    // check): a lost hit is a question the exhaustive search answers and the index does not
    // (or answers with another entry).
    const sample = asked.slice(0, recallQuestions);
    const vectors = await embedder.embed(sample);
    let exhaustiveHits = 0;
    let same = 0;
    let lost = 0;
    const exhaustiveMs = [];
    sample.forEach((text, index) => {
      const indexed = matcher.findEmbedded(scope, text, vectors[index], { threshold: undefined, nearMiss: true }).candidates[0];
      const t0 = performance.now();
      const reference = matcher.findEmbedded(scope, text, vectors[index], { threshold: undefined, nearMiss: true }, { exhaustive: true }).candidates[0];
      exhaustiveMs.push(performance.now() - t0);
      if (reference) exhaustiveHits++;
      if (reference && indexed?.key === reference.key) same++;
      else if (reference) lost++;
    });
    results.lookup.recall = { questions: sample.length, exhaustiveHits, indexFoundSame: same, lost, recall: exhaustiveHits ? round(same / exhaustiveHits, 4) : null, exhaustiveMs: ms(exhaustiveMs) };
  }
  if (only.includes('memory')) {
    const answer = 'The answer to that question, in a few sentences. '.repeat(12);
    const store = new MemoryCacheStore(entries + 1, 2 ** 40);
    const beforeStore = heap();
    const vectors = [];
    for (let at = 0; at < entries; at += 1000) vectors.push(...(await embedder.embed(stored.slice(at, at + 1000))));
    const now = Date.now();
    for (let index = 0; index < entries; index++) {
      const entry = {
        key: `exact-${index}-${'x'.repeat(48)}`,
        semanticScope: scope,
        tenant: 'key:bench',
        keyId: 'bench',
        target: 'gpt-5.4-mini',
        model: 'gpt-5.4-mini',
        response: { model: 'gpt-5.4-mini', created: 0, choices: [{ index: 0, text: `${answer}${index}`, toolCalls: [], finishReason: 'stop' }], usage: { inputTokens: 20, outputTokens: 120 } },
        costUsd: 0.0001,
        createdAt: now,
        expiresAt: now + 3_600_000,
        question: stored[index],
        embedding: vectors[index],
      };
      await store.put({ ...entry, bytes: entryBytes(entry) });
    }
    const storeBytes = heap() - beforeStore;
    const estimated = (await store.stats(now)).bytes;
    results.memory = { indexBytesPerEntry: results.indexBytesPerEntry, storedEntryBytesPerEntry: round(storeBytes / entries, 0), estimatedBytesPerEntry: round(estimated / entries, 0), answerCharacters: answer.length + 5 };
    vectors.length = 0;
  }
}

if (only.includes('latency')) {
  const upstream = await startProcess({ name: 'mock-upstream', args: [new URL('./mock-upstream.mjs', import.meta.url).pathname, '0'], readyLine: true });
  const upstreamUrl = `http://${HOST}:${upstream.port}`;
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-bench-cache-'));
  const { writeFileSync } = await import('node:fs');
  const config = join(directory, 'switchyard.yaml');
  writeFileSync(
    config,
    `store:\n  sqlite: { path: ${JSON.stringify(join(directory, 'log.db'))} }\ncache:\n  mode: exact\nproviders:\n  mock: { type: openai, base_url: ${upstreamUrl}/v1, api_key: env:BENCH_UPSTREAM_KEY }\nmodels:\n  gpt-bench: { provider: mock, price: { input: 1, output: 2 } }\n`,
  );
  const port = await freePort();
  const gatewayUrl = `http://${HOST}:${port}`;
  const gateway = await startProcess({ name: 'switchyard', args: [new URL('../bin/switchyard.js', import.meta.url).pathname, 'serve', '--config', config, '--port', String(port), '--host', HOST], readyUrl: `${gatewayUrl}/health`, env: { ...process.env, BENCH_UPSTREAM_KEY: 'sk-bench' } });
  const body = JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'user', content: 'Summarise the three main risks of moving the build pipeline.' }], max_tokens: 64 });
  const time = async (url, headers) => {
    const t0 = performance.now();
    const response = await request(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
    return { ms: performance.now() - t0, cache: response.headers['x-switchyard-cache'] };
  };
  // Warm-up, and the answer stored.
  for (let index = 0; index < 200; index++) {
    await time(upstreamUrl, {});
    await time(gatewayUrl, { 'x-switchyard-cache': 'off' });
    await time(gatewayUrl, {});
  }
  const direct = [];
  const miss = [];
  const hit = [];
  for (let index = 0; index < requests; index++) {
    direct.push((await time(upstreamUrl, {})).ms);
    miss.push((await time(gatewayUrl, { 'x-switchyard-cache': 'off' })).ms);
    const served = await time(gatewayUrl, {});
    if (served.cache !== 'hit-exact') throw new Error(`expected an exact hit, got ${served.cache}`);
    hit.push(served.ms);
  }
  const ms = (values) => Object.fromEntries(Object.entries(summarize(values)).map(([key, value]) => [key, round(value, 3)]));
  const [d, m, h] = [ms(direct), ms(miss), ms(hit)];
  results.latency = { requests, directMs: d, missMs: m, hitMs: h, missOverheadP50Ms: round(m.p50 - d.p50, 3), missOverheadP99Ms: round(m.p99 - d.p99, 3) };
  await gateway.stop();
  await upstream.stop();
}

console.log(JSON.stringify(results, null, 2));
process.exit(0);
