/**
 * Routes with `strategy: learned` and `strategy: cascade`, end to end through the real
 * gateway and the simulator, with the shipped GSM8K routers (models/router-gsm8k*.json):
 * the pre-call router sends a multi-step word problem to the strong model and a one-line
 * sum to the weak one; the cascade keeps a complete weak answer and escalates a cut-off one
 * (forced with the simulator's `answer_tokens`), streaming and not, with both calls logged
 * and billed. Plus config validation with paths, and the explanation on /v1/route/explain.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, type ConfigError } from '../../src/config/load.js';
import { LearnedRouter } from '../../src/router/learned/learned-router.js';
import { CascadeVerifier } from '../../src/router/learned/cascade-verifier.js';
import { SHIPPED_ROUTER_FILES } from '../../src/router/learned/route-policy.js';
import { judgeWeakAnswer, replayAsStream, verdictReason } from '../../src/router/cascade.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const HARD = 'John has twice as many marbles as Mary. Mary has 3 fewer marbles than Tom, who has 1/4 of the 96 marbles in the jar. After John gives away 40% of his marbles and Mary buys 7 more, how many marbles do John and Mary have together?';
const EASY = 'What is 2 + 2?';
const PRE_CALL = SHIPPED_ROUTER_FILES.learned;
const CASCADE = SHIPPED_ROUTER_FILES.cascade;

const CONFIG = `
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim: { type: simulator, behaviour: { ttft_ms: 0, tokens_per_second: 100000 } }
models:
  small: { provider: sim, upstream_model: deepseek-v4-flash, price: { input: 0.14, output: 0.28 } }
  big: { provider: sim, upstream_model: claude-opus-4.6, price: { input: 5, output: 25 } }
  local: { provider: sim, upstream_model: llama-4-maverick, private: true, price: { input: 0.2, output: 0.6 } }
routes:
  private-learned:
    strategy: learned
    learned: { strong: big, weak: local }
  private-cascade:
    strategy: cascade
    learned: { strong: big, weak: local }
  math-learned:
    strategy: learned
    learned: { router_file: ${JSON.stringify(PRE_CALL)}, strong: big, weak: small }
  math-cascade:
    strategy: cascade
    learned: { strong: big, weak: small }
  math-cascade-strict:
    strategy: cascade
    learned: { router_file: ${JSON.stringify(CASCADE)}, strong: big, weak: small, threshold: -100 }
`;

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(CONFIG);
});
afterAll(async () => {
  await gateway.stop();
});

async function post(model: string, content: string, options: { stream?: boolean; sim?: string } = {}) {
  const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.sim ? { 'x-switchyard-sim': options.sim } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...(options.stream ? { stream: true } : {}) }),
  });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers, id: response.headers.get('x-request-id') ?? '' };
}

function logged(id: string) {
  const log = gateway.running.log;
  log.flush();
  const row = log.recent({ last: 1000 }).find((entry) => entry.id === id);
  return { row, attempts: log.attemptsOf(id) };
}

/** The text a client assembles from OpenAI SSE chunks, and whether the stream ended cleanly. */
function streamed(body: string): { text: string; done: boolean } {
  let text = '';
  let done = false;
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice(6);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string } }[] };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return { text, done };
}

describe('strategy: learned', () => {
  it('the shipped router scores the word problem above its threshold and the one-line sum below', () => {
    const router = LearnedRouter.load(PRE_CALL);
    expect(router.scorePrompt(HARD)).toBeGreaterThanOrEqual(router.threshold);
    expect(router.scorePrompt(EASY)).toBeLessThan(router.threshold);
  });

  it('sends the hard prompt to the strong model and the easy one to the weak, explained and stored', async () => {
    const hard = await post('math-learned', HARD);
    expect(hard.status).toBe(200);
    expect(hard.headers.get('x-switchyard-model')).toBe('big');
    expect(hard.headers.get('x-switchyard-reason')).toMatch(/^learned\(-?\d+\.\d\d>=-?\d+\.\d\d\)->big$/);
    const easy = await post('math-learned', EASY);
    expect(easy.headers.get('x-switchyard-model')).toBe('small');
    expect(easy.headers.get('x-switchyard-reason')).toMatch(/^learned\(-?\d+\.\d\d<-?\d+\.\d\d\)->small$/);
    const { row, attempts } = logged(hard.id);
    expect(row?.details?.decision).toMatchObject({ route: 'math-learned', strategy: 'learned', model: 'big' });
    expect(attempts.map((attempt) => attempt.model)).toEqual(['big']);
  });

  it('POST /v1/route/explain shows the learned decision without calling a model', async () => {
    const response = await fetch(`${gateway.running.url}/v1/route/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'math-learned', messages: [{ role: 'user', content: HARD }] }),
    });
    const body = (await response.json()) as { strategy: string; model: string; reason: string; candidates: { model: string; score?: number }[] };
    expect(body).toMatchObject({ strategy: 'learned', model: 'big' });
    expect(body.reason).toMatch(/^learned\(/);
    expect(typeof body.candidates.find((candidate) => candidate.model === 'big')?.score).toBe('number');
  });
});

describe('strategy: cascade', () => {
  it('keeps a complete weak answer: one attempt, the weak model serves', async () => {
    const kept = await post('math-cascade', 'What is 17 * 23?');
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-switchyard-model')).toBe('small');
    expect(kept.headers.get('x-switchyard-reason')).toMatch(/cascade\(weak score -?\d+\.\d\d<\d+\.\d\d, kept\)$/);
    expect(kept.headers.get('x-switchyard-attempts')).toBe('1');
    const answer = JSON.parse(kept.text) as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]?.message.content).toMatch(/The answer is -?\d+/);
    const { row, attempts } = logged(kept.id);
    expect(attempts.map((attempt) => attempt.model)).toEqual(['small']);
    expect(row?.details?.decision).toMatchObject({ strategy: 'cascade', cascade: { weak: 'small', strong: 'big', kept: true } });
  });

  it('escalates a weak answer the verifier scores at or above the threshold: two attempts, both billed, the strong model serves', async () => {
    const escalated = await post('math-cascade-strict', 'What is 17 * 23?');
    expect(escalated.status).toBe(200);
    expect(escalated.headers.get('x-switchyard-model')).toBe('big');
    expect(escalated.headers.get('x-switchyard-reason')).toMatch(/cascade\(weak score -?\d+\.\d\d>=-100\.00, escalated\)->big$/);
    expect(escalated.headers.get('x-switchyard-attempts')).toBe('2');
    const { row, attempts } = logged(escalated.id);
    expect(attempts.map((attempt) => [attempt.model, attempt.status])).toEqual([
      ['small', 200],
      ['big', 200],
    ]);
    for (const attempt of attempts) expect(attempt.costUsd).toBeGreaterThan(0);
    expect(row?.costUsd).toBeCloseTo((attempts[0]?.costUsd ?? 0) + (attempts[1]?.costUsd ?? 0), 10);
    expect(Number(escalated.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(row?.costUsd ?? 0, 6);
    expect(row?.details?.decision).toMatchObject({ cascade: { weak: 'small', strong: 'big', kept: false, threshold: -100 } });
  });

  it('escalates a weak answer cut off at the token limit without scoring it', async () => {
    const escalated = await post('math-cascade', 'What is 17 * 23?', { sim: 'answer_tokens=2' });
    expect(escalated.headers.get('x-switchyard-model')).toBe('big');
    expect(escalated.headers.get('x-switchyard-reason')).toMatch(/cascade\(answer cut off at the token limit, escalated\)->big$/);
    expect(logged(escalated.id).attempts.map((attempt) => attempt.model)).toEqual(['small', 'big']);
  });

  it('streams a kept weak answer as a proper stream, and an escalated answer from the strong model only', async () => {
    const kept = await post('math-cascade', 'What is 17 * 23?', { stream: true });
    expect(kept.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(kept.headers.get('x-switchyard-model')).toBe('small');
    const keptText = streamed(kept.text);
    expect(keptText.done).toBe(true);
    expect(keptText.text).toMatch(/17 \* 23 = -?\d+[\s\S]*The answer is -?\d+\./);
    expect(logged(kept.id).attempts).toHaveLength(1);

    const escalated = await post('math-cascade-strict', 'What is 17 * 23?', { stream: true });
    expect(escalated.headers.get('x-switchyard-model')).toBe('big');
    const escalatedText = streamed(escalated.text);
    expect(escalatedText.done).toBe(true);
    const { attempts, row } = logged(escalated.id);
    expect(attempts.map((attempt) => attempt.model)).toEqual(['small', 'big']);
    expect(row?.stream).toBe(true);
    // The client saw one answer (the strong model's), not the weak one followed by another.
    expect(escalatedText.text.match(/The answer is/g)).toHaveLength(1);
  });

  it('replays a kept answer in the Anthropic format too (/v1/messages), as events an Anthropic client reads', async () => {
    const response = await fetch(`${gateway.running.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'math-cascade', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'What is 17 * 23?' }] }),
    });
    expect(response.headers.get('x-switchyard-model')).toBe('small');
    expect(response.headers.get('x-switchyard-reason')).toMatch(/kept\)$/);
    const body = await response.text();
    const events = body.split('\n').filter((line) => line.startsWith('event: ')).map((line) => line.slice(7));
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_delta');
    expect(events[events.length - 1]).toBe('message_stop');
    const text = body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; delta?: { text?: string } })
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => event.delta?.text ?? '')
      .join('');
    expect(text).toMatch(/The answer is -?\d+\./);
  });

  it('route explain names the plan: weak first, escalation threshold', async () => {
    const response = await fetch(`${gateway.running.url}/v1/route/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'math-cascade', messages: [{ role: 'user', content: 'What is 17 * 23?' }] }),
    });
    const body = (await response.json()) as { strategy: string; model: string; reason: string; cascade: unknown };
    expect(body).toMatchObject({ strategy: 'cascade', model: 'small', cascade: { weak: 'small', strong: 'big' } });
    expect(body.reason).toMatch(/^cascade\(small first, escalate to big at score>=\d+\.\d\d\)->small$/);
  });
});

describe('when the filters remove one of the two models', () => {
  it('learned serves the other one and says so; cascade turns itself off', async () => {
    const headers = { 'x-switchyard-private': 'true' };
    const ask = (model: string) =>
      fetch(`${gateway.running.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model, messages: [{ role: 'user', content: HARD }] }) });
    const learned = await ask('private-learned');
    expect(learned.headers.get('x-switchyard-model')).toBe('local');
    expect(learned.headers.get('x-switchyard-reason')).toMatch(/^learned\(\d+\.\d\d>=\d+\.\d\d\)->local \(big filtered out\) filtered=private$/);
    const cascade = await ask('private-cascade');
    expect(cascade.headers.get('x-switchyard-model')).toBe('local');
    expect(cascade.headers.get('x-switchyard-reason')).toBe('cascade(off: big filtered out)->local filtered=private');
    expect(cascade.headers.get('x-switchyard-attempts')).toBe('1');
  });
});

describe('cascade decisions and replay', () => {
  const verifier = CascadeVerifier.load(CASCADE);
  const plan = { weak: {} as never, strong: {} as never, verifier, threshold: verifier.threshold, prompt: 'What is 17 * 23?' };
  const response = (text: string, extra: Record<string, unknown> = {}) => ({ model: 'm', created: 1, choices: [{ index: 0, text, toolCalls: [], finishReason: 'stop' as const, ...extra }] });

  it('escalates without scoring when there is nothing to verify', () => {
    expect(judgeWeakAnswer(plan, undefined, 'weak call failed: upstream_error')).toMatchObject({ escalate: true, unusable: 'weak call failed: upstream_error' });
    expect(judgeWeakAnswer(plan, response('   '))).toMatchObject({ escalate: true, unusable: 'empty answer' });
    expect(judgeWeakAnswer(plan, response('', { toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] }))).toMatchObject({ escalate: true, unusable: 'the weak model called tools' });
    expect(verdictReason({ escalate: true, score: Number.NaN, threshold: 0.3, reasons: [], unusable: 'empty answer' })).toBe('cascade(empty answer, escalated)');
  });

  it('scores an answer against the threshold either way', () => {
    const good = judgeWeakAnswer(plan, response("17 * 23 = 391.\n\nThe answer is 391."));
    const cut = judgeWeakAnswer(plan, response("Let's work"));
    expect(good.score).toBeLessThan(cut.score);
    expect(judgeWeakAnswer({ ...plan, threshold: good.score }, response("17 * 23 = 391.\n\nThe answer is 391.")).escalate).toBe(true);
    expect(judgeWeakAnswer({ ...plan, threshold: cut.score + 1e-9 }, response("Let's work")).escalate).toBe(false);
    expect(verdictReason({ escalate: false, score: 0.1234, threshold: 0.5, reasons: [] })).toBe('cascade(weak score 0.12<0.50, kept)');
  });

  it('replays an answer as start, text pieces that join to it, finish and usage', () => {
    const text = 'word '.repeat(40).trim();
    const parts = replayAsStream({ id: 'r1', model: 'm', created: 5, choices: [{ index: 0, text, toolCalls: [], finishReason: 'stop' }] }, { inputTokens: 3, outputTokens: 40 }, 16);
    expect(parts[0]).toEqual({ type: 'start', id: 'r1', model: 'm', created: 5 });
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(text);
    expect(parts.slice(-2)).toEqual([
      { type: 'finish', index: 0, finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 40 } },
    ]);
  });
});

describe('learned and cascade config errors', () => {
  const issues = (routes: string) => {
    try {
      parseConfigText(`providers:\n  s: { type: simulator }\nmodels:\n  a: { provider: s }\n  b: { provider: s }\n  e: { provider: s, kind: embedding }\nroutes:\n${routes}`, {}, 't');
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
  };

  it('names what is wrong and where', () => {
    expect(issues('  r: { strategy: learned }')).toEqual(['routes.r.learned: strategy learned needs learned (the router file and its strong and weak models)']);
    expect(issues('  r: { strategy: cascade, learned: { strong: ghost, weak: e } }')).toEqual(['routes.r.learned.strong: unknown model "ghost"', 'routes.r.learned.weak: "e" is an embedding model']);
    expect(issues('  r: { strategy: learned, learned: { strong: a, weak: a } }')).toEqual(['routes.r.learned.weak: the weak model must differ from the strong one ("a")']);
    expect(issues('  r: { strategy: cheapest, learned: { strong: a, weak: b } }')).toEqual(['routes.r.learned: learned is for strategies learned and cascade, not cheapest']);
    expect(issues('  r: { strategy: learned, candidates: [a], learned: { strong: a, weak: b } }')).toEqual(['routes.r.candidates: strategy learned chooses between learned.strong and learned.weak; leave out candidates']);
    expect(issues('  r: { strategy: learned, learned: { router_file: /nonexistent/router.json, strong: a, weak: b } }')).toEqual(['routes.r.learned.router_file: /nonexistent/router.json: file not found']);
  });

  it('refuses a router file of the wrong mode, or not a router file at all', () => {
    expect(issues(`  r: { strategy: cascade, learned: { router_file: ${JSON.stringify(PRE_CALL)}, strong: a, weak: b } }`)[0]).toMatch(/^routes\.r\.learned\.router_file: .*a pre-call router cannot verify answers; train one with `switchyard router train --cascade`$/);
    expect(issues(`  r: { strategy: learned, learned: { router_file: ${JSON.stringify(CASCADE)}, strong: a, weak: b } }`)[0]).toMatch(/^routes\.r\.learned\.router_file: .*a cascade router scores answers, not prompts/);
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-router-'));
    const bogus = join(directory, 'bogus.json');
    writeFileSync(bogus, '{"format": "something-else"}');
    expect(issues(`  r: { strategy: learned, learned: { router_file: ${JSON.stringify(bogus)}, strong: a, weak: b } }`)).toEqual([`routes.r.learned.router_file: ${bogus}: not a Switchyard learned router (format "something-else")`]);
  });

  it('takes the threshold from the route over the file', () => {
    const config = parseConfigText(`providers:\n  s: { type: simulator }\nmodels:\n  a: { provider: s }\n  b: { provider: s }\nroutes:\n  r: { strategy: learned, learned: { strong: a, weak: b, threshold: 0.42 } }\n  d: { strategy: learned, learned: { strong: a, weak: b } }`, {}, 't');
    expect(config.routes.get('r')?.learned).toMatchObject({ threshold: 0.42, thresholdSource: 'route', mode: 'pre-call' });
    expect(config.routes.get('d')?.learned).toMatchObject({ threshold: LearnedRouter.load(PRE_CALL).threshold, thresholdSource: 'file' });
    expect(config.routes.get('d')?.candidates.map((model) => model.name)).toEqual(['a', 'b']);
  });
});
