/**
 * The routing engine end to end: every strategy, every filter, experiments, the
 * explanation headers, the stored decision and the dry-run endpoint, through the real
 * gateway against the simulator. Categories come from keyword/regex rules here, so each
 * expectation follows from the config alone; the trained classifier has its own tests.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, type ConfigError } from '../../src/config/load.js';
import { ModelResolver } from '../../src/router/resolve.js';
import { Router } from '../../src/router/router.js';
import { readSignals } from '../../src/router/signals.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const RULES = `classify:
      classifier: none
      rules:
        - { name: code-words, category: code, keywords: [function, python, sql, typescript] }
        - { name: arithmetic, category: math, pattern: '\\d+\\s*[-+*/]\\s*\\d+' }`;
const CANDIDATES = 'candidates: [cheap, mid, frontier, private-llama]';


const CONFIG = `
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
  stuck: { type: simulator, behaviour: { hang: true } }
models:
  stuck-classifier: { provider: stuck, upstream_model: gpt-5.4-mini }
  cheap:
    provider: sim
    upstream_model: deepseek-v4-flash
    price: { input: 0.14, output: 0.28 }
    context_window: 4000
    capabilities: { vision: false }
    latency_p95_ms: 200
    quality: { code: 0.7, math: 0.8, qa: 0.95, default: 0.8 }
  mid:
    provider: sim
    upstream_model: claude-sonnet-4.6
    price: { input: 3, output: 15 }
    context_window: 200000
    latency_p95_ms: 800
    quality: { code: 0.9, math: 0.9, qa: 0.97, default: 0.9 }
  frontier:
    provider: sim
    upstream_model: claude-opus-4.6
    price: { input: 5, output: 25 }
    context_window: 200000
    latency_p95_ms: 1500
    quality: { code: 0.96, math: 0.97, qa: 0.98, default: 0.95 }
  no-tools:
    provider: sim
    upstream_model: gemini-3.1-flash
    price: { input: 0.3, output: 2.5 }
    context_window: 1000000
    capabilities: { tools: false }
    quality: { default: 0.85 }
  private-llama:
    provider: sim
    upstream_model: llama-4-maverick
    private: true
    price: { input: 0.2, output: 0.6 }
    context_window: 128000
    quality: { default: 0.8 }
routes:
  by-table:
    strategy: table
    ${CANDIDATES}
    ${RULES}
    table: { code: frontier, math: mid, default: cheap }
  by-tier:
    strategy: tiered
    ${CANDIDATES}
    ${RULES}
    tiers: { simple: [cheap], standard: [mid], hard: [frontier] }
  by-cost:
    strategy: cheapest
    candidates: [cheap, mid, frontier]
    quality_floor: 0.85
    ${RULES}
  by-score:
    strategy: weighted
    candidates: [cheap, mid, frontier]
    ${RULES}
  by-price-only:
    strategy: weighted
    candidates: [cheap, mid, frontier]
    weights: { quality: 0, cost: 1, latency: 0 }
    ${RULES}
  small-only:
    strategy: cheapest
    candidates: [cheap]
    ${RULES}
  by-llm:
    strategy: table
    ${CANDIDATES}
    classify: { classifier: none, llm: { model: cheap, when: always } }
    table: { translation: mid, default: cheap }
  by-llm-timeout:
    strategy: table
    ${CANDIDATES}
    classify: { classifier: none, fallback_category: creative, llm: { model: stuck-classifier, when: always, timeout_ms: 200 } }
    table: { creative: mid, default: cheap }
  classified:
    strategy: table
    ${CANDIDATES}
    table: { translation: mid, code: frontier, default: cheap }
  matrix:
    strategy: table
    candidates: [cheap, mid, frontier, private-llama, no-tools]
    table: { code: frontier, long_context: mid, vision: frontier, tool_use: no-tools, default: cheap }
  canary:
    experiment:
      sticky: user
      variants:
        - { name: control, weight: 95, model: mid }
        - { name: candidate, weight: 5, model: frontier }
`;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
});
afterAll(async () => {
  await gateway.stop();
});

async function ask(model: string, content: string, extra: { headers?: Record<string, string>; user?: string; metadata?: Record<string, string> } = {}) {
  const { data, response } = await gateway.client.chat.completions
    .create({ model, messages: [{ role: 'user', content }], ...(extra.user ? { user: extra.user } : {}), ...(extra.metadata ? { metadata: extra.metadata } : {}) }, { headers: extra.headers ?? {} })
    .withResponse();
  return { data, model: response.headers.get('x-switchyard-model'), reason: response.headers.get('x-switchyard-reason') ?? '', route: response.headers.get('x-switchyard-route'), id: response.headers.get('x-request-id') };
}

function storedDecision(requestId: string | null): Record<string, unknown> | undefined {
  const log = gateway.running.log;
  log.flush();
  return log.recent({ last: 1000 }).find((row) => row.id === requestId)?.details?.decision;
}

describe('strategies', () => {
  it('table: category → model, explained in x-switchyard-reason and stored with the request', async () => {
    const code = await ask('by-table', 'Write a python function that reverses a list.');
    expect(code.model).toBe('frontier');
    expect(code.route).toBe('by-table');
    expect(code.reason).toBe('category=code(rule:code-words) table->frontier');
    expect((await ask('by-table', 'What is 17 * 23?')).model).toBe('mid');
    expect((await ask('by-table', 'Tell me about the history of Lisbon.')).model).toBe('cheap');
    const decision = storedDecision(code.id);
    expect(decision).toMatchObject({ route: 'by-table', strategy: 'table', model: 'frontier', category: { category: 'code', source: 'rule', rule: 'code-words' } });
    expect((decision?.candidates as { model: string }[]).map((candidate) => candidate.model)).toEqual(['cheap', 'mid', 'frontier', 'private-llama']);
  });

  it('tiered: an easy question goes to the simple tier, a demanding one to the hard tier', async () => {
    const easy = await ask('by-tier', 'What is the capital of France?');
    expect(easy.model).toBe('cheap');
    expect(easy.reason).toMatch(/difficulty=simple\(0\.\d\d\) tier=simple->cheap/);
    const hard = await ask(
      'by-tier',
      'Design a distributed rate limiter in TypeScript and prove it is correct under concurrency: analyze the race conditions, the edge cases and the complexity, optimize the hot path, and compare the trade-offs of three designs step by step. It must not use locks, must be rigorous, and must handle clock skew.',
    );
    expect(hard.model).toBe('frontier');
    expect(hard.reason).toMatch(/category=code\(rule:code-words\) difficulty=hard/);
  });

  it('cheapest: the cheapest model per correct answer that clears the floor; the floor can be raised per request', async () => {
    const code = await ask('by-cost', 'Write a python function that parses ISO dates.');
    expect(code.model).toBe('mid'); // cheap's 0.7 for code is under 0.85; mid costs less than frontier
    expect(code.reason).toBe('category=code(rule:code-words) cheapest>=0.85->mid');
    const qa = await ask('by-cost', 'Who wrote Pride and Prejudice?');
    expect(qa.model).toBe('cheap');
    expect((await ask('by-cost', 'Who wrote Pride and Prejudice?', { headers: { 'x-switchyard-quality-floor': '0.96' } })).model).toBe('mid');
    expect((await ask('by-cost', 'Who wrote Pride and Prejudice?', { metadata: { quality_floor: '0.975' } })).model).toBe('frontier');
    const decision = storedDecision(code.id);
    const candidates = decision?.candidates as { model: string; costPerCorrectUsd?: number; quality?: number }[];
    const cheap = candidates.find((candidate) => candidate.model === 'cheap');
    const mid = candidates.find((candidate) => candidate.model === 'mid');
    expect(cheap?.quality).toBe(0.7);
    expect(mid?.costPerCorrectUsd).toBeGreaterThan(0);
  });

  it('a malformed routing hint is a 400 naming it', async () => {
    const error = await ask('by-cost', 'hi', { headers: { 'x-switchyard-quality-floor': 'high' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(String((error as Error).message)).toContain('x-switchyard-quality-floor');
  });

  it('weighted: the highest weighted score wins; with all the weight on cost, the cheapest model', async () => {
    const scored = await ask('by-score', 'Write a python function that merges two sorted lists.');
    const decision = storedDecision(scored.id);
    const candidates = decision?.candidates as { model: string; score: number }[];
    const best = [...candidates].sort((a, b) => b.score - a.score)[0];
    expect(scored.model).toBe(best?.model);
    expect(scored.reason).toMatch(new RegExp(`weighted->${scored.model}\\(0\\.\\d\\d\\)`));
    expect((await ask('by-price-only', 'Write a python function that merges two sorted lists.')).model).toBe('cheap');
  });
});

describe('the shipped local classifier', () => {
  it('decides the category when no rule does, with its confidence in the reason', async () => {
    const translated = await ask('classified', "Please translate 'see you tomorrow at the station' into Italian.");
    expect(translated.model).toBe('mid');
    expect(translated.reason).toMatch(/^category=translation\([01]\.\d\d\) table->mid$/);
    const decision = storedDecision(translated.id);
    expect(decision?.category).toMatchObject({ category: 'translation', source: 'classifier' });
    expect((await ask('classified', 'My Go service panics with a nil map assignment, how do I fix it?')).model).toBe('frontier');
  });
});

describe('LLM classifier', () => {
  it('asks the configured model for the category; its call is an attempt of the request with its own cost', async () => {
    const routed = await ask('by-llm', "Translate 'good morning, see you tomorrow' into French.");
    expect(routed.model).toBe('mid');
    expect(routed.reason).toBe('category=translation(llm) table->mid');
    gateway.running.log.flush();
    const attempts = gateway.running.log.attemptsOf(routed.id ?? '');
    expect(attempts.map((attempt) => attempt.model)).toEqual(['cheap', 'mid']);
    expect(attempts[0]?.costUsd).toBeGreaterThan(0);
  });

  it('falls back to the local decision when the LLM does not answer in time', async () => {
    const started = Date.now();
    const routed = await ask('by-llm-timeout', 'Tell me something.');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(routed.model).toBe('mid');
    const decision = storedDecision(routed.id);
    expect((decision?.category as { llmNote?: string }).llmNote).toMatch(/LLM classifier failed/);
  });
});

describe('filters', () => {
  it('a private request only reaches private models; a concrete public model refuses it', async () => {
    const routed = await ask('by-table', 'Write a python function for our payroll system.', { headers: { 'x-switchyard-private': 'true' } });
    expect(routed.model).toBe('private-llama');
    expect(routed.reason).toContain('filtered=private');
    const direct = await ask('mid', 'hello', { metadata: { private: 'true' } }).catch((caught: unknown) => caught);
    expect(direct).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(String((direct as Error).message)).toContain('not private');
  });

  it('capabilities: an image never goes to a model without vision', async () => {
    const { response } = await gateway.client.chat.completions
      .create({
        model: 'by-table',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Tell me what is in this picture.' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
      })
      .withResponse();
    expect(response.headers.get('x-switchyard-model')).not.toBe('cheap');
    expect(response.headers.get('x-switchyard-reason')).toContain('category=vision(rule:has-images)');
    expect(response.headers.get('x-switchyard-reason')).toContain('filtered=capabilities');
  });

  it('latency budget: models whose p95 does not fit are removed', async () => {
    const quick = await ask('by-cost', 'Write a python function that sums a list.', { headers: { 'x-switchyard-latency-budget-ms': '500' } });
    expect(quick.model).toBe('cheap');
    expect(quick.reason).toContain('filtered=latency');
  });

  it('context window: a conversation too long for the candidates goes to a longer-context model', async () => {
    const long = 'The quarterly report covers revenue, costs and hiring in detail. '.repeat(700);
    const routed = await ask('small-only', `${long}\nWho wrote this?`);
    expect(routed.model).not.toBe('cheap');
    const decision = storedDecision(routed.id);
    expect(decision?.note).toMatch(/widened to longer-context models/);
    expect(decision?.prompt_tokens).toBeGreaterThan(4000);
  });
});

describe('each kind of request reaches the right model (local classifier + structural rules + filters)', () => {
  const tool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

  it('a code prompt goes to the table\'s code model', async () => {
    const routed = await ask('matrix', 'Write a TypeScript function that parses an ISO 8601 date and returns the weekday, with unit tests.');
    expect(routed.model).toBe('frontier');
    expect(routed.reason).toMatch(/^category=code\(0\.\d\d\) table->frontier$/);
  });

  it('a private prompt reaches only the private model', async () => {
    const routed = await ask('matrix', 'Write a TypeScript function that parses an ISO 8601 date.', { headers: { 'x-switchyard-private': 'true' } });
    expect(routed.model).toBe('private-llama');
    expect(routed.reason).toContain('filtered=private');
  });

  it('a 150k-token prompt goes to a model whose window holds it', async () => {
    const paragraph = 'The audit covers every invoice, purchase order and contract signed by the regional offices during the fiscal year. ';
    const document = paragraph.repeat(Math.ceil(150_000 / 20));
    const routed = await ask('matrix', `${document}\nList the three largest risks in this audit.`);
    expect(routed.model).toBe('mid');
    expect(routed.reason).toMatch(/category=long_context\(rule:long-prompt\) table->mid/);
    const decision = storedDecision(routed.id) as { prompt_tokens?: number; candidates: { model: string; removedBy?: string }[] } | undefined;
    expect(decision?.prompt_tokens).toBeGreaterThan(150_000);
    const removed = Object.fromEntries((decision?.candidates ?? []).map((candidate) => [candidate.model, candidate.removedBy]));
    expect(removed).toMatchObject({ cheap: 'context', 'private-llama': 'context' });
    expect(removed.mid).toBeUndefined();
  });

  it('an image prompt goes to a vision model', async () => {
    const { response } = await gateway.client.chat.completions
      .create({
        model: 'matrix',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What breed is this dog?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
      })
      .withResponse();
    expect(response.headers.get('x-switchyard-model')).toBe('frontier');
    expect(response.headers.get('x-switchyard-reason')).toContain('category=vision(rule:has-images) table->frontier');
  });

  it('a prompt with tools never reaches a model without tool support', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create({ model: 'matrix', tools: [tool], messages: [{ role: 'user', content: 'What is the weather in Lisbon right now?' }] })
      .withResponse();
    const reason = response.headers.get('x-switchyard-reason') ?? '';
    expect(reason).toContain('category=tool_use(rule:offers-tools)');
    // The table names no-tools for tool use, but the capability filter removed it first.
    expect(reason).toContain('filtered=capabilities');
    expect(response.headers.get('x-switchyard-model')).not.toBe('no-tools');
    const call = data.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
  });
});

describe('POST /v1/feedback', () => {
  const feedback = (body: unknown) =>
    fetch(`${gateway.running.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('is stored with the request and moves the quality estimate the cheapest strategy uses', async () => {
    const question = 'Who painted the Mona Lisa?';
    const first = await ask('by-cost', question);
    expect(first.model, first.reason).toBe('cheap');
    const answered = [];
    for (let index = 0; index < 30; index++) answered.push(await ask('by-cost', `${question} (${index})`));
    expect(answered.every((answer) => answer.model === 'cheap')).toBe(true);
    for (const answer of answered) {
      const response = await feedback({ request_id: answer.id, thumbs: 'down', comment: 'wrong painter' });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ model: 'cheap', category: 'qa', score: 0 });
    }
    // 0.95 configured (weight 20) and 30 thumbs down: (0.95 * 20 + 0) / 50 = 0.38, under the 0.85 floor.
    expect((await ask('by-cost', question)).model).toBe('mid');
    expect(gateway.running.log.feedbackSummary()).toContainEqual({ model: 'cheap', category: 'qa', count: 30, scoreSum: 0 });
  });

  it('rejects unknown requests and malformed bodies clearly', async () => {
    const unknown = await feedback({ request_id: 'no-such-request', score: 1 });
    expect(unknown.status).toBe(404);
    const both = await feedback({ request_id: 'x', score: 1, thumbs: 'up' });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { message: string } }).error.message).toContain('exactly one of score');
    const range = await feedback({ request_id: 'x', score: 7 });
    expect(range.status).toBe(400);
    expect(((await range.json()) as { error: { param: string } }).error.param).toBe('score');
  });
});

describe('experiments', () => {
  it('splits by weight, sticky per user', async () => {
    const variants: string[] = [];
    for (let index = 0; index < 200; index++) variants.push((await ask('canary', 'Say hello.', { user: `user-${index}` })).model ?? '');
    const candidate = variants.filter((model) => model === 'frontier').length;
    expect(candidate).toBeGreaterThanOrEqual(2);
    expect(candidate).toBeLessThanOrEqual(25);
    const someCandidate = variants.indexOf('frontier');
    for (let repeat = 0; repeat < 5; repeat++) {
      expect((await ask('canary', `Question ${repeat}`, { user: `user-${someCandidate}` })).model).toBe('frontier');
      expect((await ask('canary', `Question ${repeat}`, { user: 'user-0' })).model).toBe(variants[0]);
    }
    const tagged = await ask('canary', 'Say hello.', { user: `user-${someCandidate}` });
    expect(tagged.reason).toBe('experiment=candidate(user-sticky)->frontier');
    expect(storedDecision(tagged.id)).toMatchObject({ variant: 'candidate', strategy: 'experiment' });
    const metrics = await (await fetch(`${gateway.running.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_route_decisions_total\{route="canary",strategy="experiment",category="",variant="candidate",model="frontier",status="200"\} \d+/);
  });
});

describe('experiment split over 10,000 decisions', () => {
  it('stays within ±2 % of each weight, and every user keeps their variant', async () => {
    const config = parseConfigText(CONFIG, {}, 'experiment.yaml');
    const router = new Router(config, new ModelResolver(config), { localClassifier: () => undefined, latencyP95: () => undefined });
    const decide = async (user: string) => {
      const request = { model: 'canary', messages: [{ role: 'user' as const, content: 'Say hello.' }], stream: false, includeUsage: false, user };
      return (await router.decide(request, readSignals(request, {}))).model.name;
    };
    const first = new Map<string, string>();
    for (let index = 0; index < 10_000; index++) first.set(`user-${index}`, await decide(`user-${index}`));
    const share = [...first.values()].filter((model) => model === 'frontier').length / first.size;
    expect(share).toBeGreaterThanOrEqual(0.03);
    expect(share).toBeLessThanOrEqual(0.07);
    for (let index = 0; index < 10_000; index += 97) expect(await decide(`user-${index}`)).toBe(first.get(`user-${index}`));
  });
});

describe('POST /v1/route/explain', () => {
  it('explains a decision without calling a model', async () => {
    const before = gateway.running.simulators.reduce((sum, simulator) => sum + simulator.stats().requests, 0);
    const response = await fetch(`${gateway.running.url}/v1/route/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-private': 'true' },
      body: JSON.stringify({ model: 'by-table', messages: [{ role: 'user', content: 'Write a SQL query that lists late invoices.' }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; reason: string; candidates: { model: string; removedBy?: string }[] };
    expect(body.model).toBe('private-llama');
    expect(body.candidates.find((candidate) => candidate.model === 'frontier')?.removedBy).toBe('private');
    const after = gateway.running.simulators.reduce((sum, simulator) => sum + simulator.stats().requests, 0);
    expect(after).toBe(before);
  });

  it('answers malformed requests with a 400 in OpenAI format', async () => {
    const response = await fetch(`${gateway.running.url}/v1/route/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "auto"}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('messages');
  });
});

describe('context trimming and refusal', () => {
  const trimConfig = (trim: boolean) => `
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  small: { provider: sim, upstream_model: deepseek-v4-flash, context_window: 3000, quality: { default: 0.9 } }
routes:
  auto:
    strategy: cheapest
    classify: { classifier: none }
    context: { trim: ${trim}, output_reserve_tokens: 500 }
`;
  const history = Array.from({ length: 12 }, (_, turn) => [
    { role: 'user' as const, content: `Turn ${turn}: ${'please remember these facts about the warehouse inventory. '.repeat(30)}` },
    { role: 'assistant' as const, content: `Noted turn ${turn}.` },
  ]).flat();

  it('drops the oldest turns when the route allows it, keeping the system prompt and the last question', async () => {
    const trimming = await startTestGateway(trimConfig(true));
    try {
      const { response } = await trimming.client.chat.completions
        .create({ model: 'auto', messages: [{ role: 'system', content: 'You are a warehouse assistant.' }, ...history, { role: 'user', content: 'What was in turn 11?' }] })
        .withResponse();
      expect(response.headers.get('x-switchyard-reason')).toMatch(/trimmed=\d+/);
      trimming.running.log.flush();
      const row = trimming.running.log.recent({ last: 1 })[0];
      expect(row?.details?.decision?.trimmed_turns).toBeGreaterThan(0);
      expect(row?.inputTokens).toBeLessThanOrEqual(2500);
    } finally {
      await trimming.stop();
    }
  });

  it('otherwise refuses with a 400 context_length_exceeded that says what to do', async () => {
    const strict = await startTestGateway(trimConfig(false));
    try {
      const error = await strict.client.chat.completions.create({ model: 'auto', messages: [...history, { role: 'user', content: 'And now?' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as { code?: string }).code).toBe('context_length_exceeded');
      expect(String((error as Error).message)).toContain('context.trim');
    } finally {
      await strict.stop();
    }
  });
});

describe('per-key model lists', () => {
  it('routes only among a key’s allowed models and refuses a denied model', async () => {
    const keyed = await startTestGateway(
      `server:\n  api_keys:\n    - { key: env:TEAM_KEY, name: team-a, allow_models: [cheap, private-llama] }\n    - { key: env:OTHER_KEY, name: team-b, deny_models: [frontier] }\n${CONFIG}`,
      { TEAM_KEY: 'sy-team-a-secret-1', OTHER_KEY: 'sy-team-b-secret-2' },
    );
    try {
      const teamA = new OpenAI({ baseURL: `${keyed.running.url}/v1`, apiKey: 'sy-team-a-secret-1', maxRetries: 0 });
      const { response } = await teamA.chat.completions.create({ model: 'by-table', messages: [{ role: 'user', content: 'Write a python function.' }] }).withResponse();
      expect(['cheap', 'private-llama']).toContain(response.headers.get('x-switchyard-model'));
      expect(response.headers.get('x-switchyard-reason')).toContain('filtered=key');
      const teamB = new OpenAI({ baseURL: `${keyed.running.url}/v1`, apiKey: 'sy-team-b-secret-2', maxRetries: 0 });
      const denied = await teamB.chat.completions.create({ model: 'frontier', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    } finally {
      await keyed.stop();
    }
  });
});

describe('route config errors', () => {
  const issues = (routes: string) => {
    try {
      parseConfigText(`providers:\n  s: { type: simulator }\nmodels:\n  a: { provider: s }\n  e: { provider: s, kind: embedding }\nroutes:\n${routes}`, {}, 't');
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
  };

  it('names what is wrong and where', () => {
    expect(issues('  r: { strategy: table }')).toEqual(['routes.r.table: strategy table needs table (category → model)']);
    expect(issues('  r: { strategy: table, table: { code: ghost } }')).toEqual(['routes.r.table.code: unknown model "ghost"']);
    expect(issues('  r: { strategy: table, table: { poetry: a } }')).toEqual(['routes.r.table: unknown key "poetry"']);
    expect(issues('  r: { strategy: cheapest, candidates: [a, e] }')).toEqual(['routes.r.candidates[1]: "e" is an embedding model']);
    expect(issues("  r: { classify: { rules: [{ name: x, category: code, pattern: '(' }] } }")[0]).toMatch(/^routes\.r\.classify\.rules\[0\]\.pattern: not a valid regular expression/);
    expect(issues('  r: { classify: { rules: [{ name: x, category: code, pattern: a, keywords: [b] }] } }')[0]).toMatch(/give exactly one of keywords, pattern or when/);
    expect(issues('  r: { experiment: { variants: [{ name: x, weight: 1, route: ghost }, { name: y, weight: 1, model: a }] } }')).toEqual([
      'routes.r.experiment.variants[0].route: unknown route "ghost"',
    ]);
    expect(issues('  r: { experiment: { variants: [{ name: x, weight: 1, route: s2 }, { name: y, weight: 1, model: a }] } }\n  s2: { model: r }')).toContain(
      'routes.r.experiment.variants[0].route: route cycle: r → s2 → r',
    );
    expect(issues('  r: { strategy: tiered, tiers: { simple: [a], standard: [a], hard: [a] }, difficulty: { standard_from: 0.8, hard_from: 0.5 } }')).toEqual([
      'routes.r.difficulty.standard_from: standard_from must be below hard_from',
    ]);
  });
});
