import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse, StreamPart } from '../../src/core/types.js';
import { GatewayError } from '../../src/core/errors.js';
import { GuardRun, GuardSet, assertStillJson } from '../../src/guards/pipeline.js';
import { ACTION_RANK, compileGuardPolicy, responsePlan, stricter, type GuardAction, type GuardPolicy } from '../../src/guards/policy.js';
import { StreamGuard, checkAnswer, jsonSchemaProblem } from '../../src/guards/response.js';
import type { RawGuardPolicy } from '../../src/config/schema.js';
import { ALPHANUMERIC, thrownGatewayError, token } from './helpers.js';

function policies(raw: Record<string, RawGuardPolicy>): Map<string, GuardPolicy> {
  return new Map(Object.entries(raw).map(([name, policy]) => [name, compileGuardPolicy(name, policy)]));
}

function chat(content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'auto', stream: false, includeUsage: false, messages: [{ role: 'user', content }], ...extra };
}

function answer(text: string): ChatResponse {
  return { model: 'm', created: 1, choices: [{ index: 0, text, toolCalls: [], finishReason: 'stop' }] };
}

const blocked = thrownGatewayError;

const KEY = `sk-proj-${token(`${ALPHANUMERIC}_-`, 120, 3)}`;

describe('action precedence', () => {
  it('block > redact > route-private > flag, whatever the order', () => {
    const actions: GuardAction[] = ['flag', 'route-private', 'redact', 'block'];
    expect([...actions].sort((left, right) => ACTION_RANK[left] - ACTION_RANK[right])).toEqual(actions);
    for (const left of actions) for (const right of actions) expect(stricter(left, right)).toBe(ACTION_RANK[left] >= ACTION_RANK[right] ? left : right);
  });
});

describe('redacting inside tool-call arguments', () => {
  it('stops the request when a redaction would break valid JSON, and lets valid results and non-JSON through', () => {
    const param = 'messages[1].tool_calls[0].function.arguments';
    let error: unknown;
    try {
      assertStillJson('{"to":"a\\u0040b.example"}', '{"to":"a\\u[EMAIL_1]"}', param);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('guardrail_violation');
    expect((error as GatewayError).param).toBe(param);
    expect(() => assertStillJson('{"to":"jane@example.com"}', '{"to":"[EMAIL_1]"}', param)).not.toThrow();
    // Arguments that were not JSON to begin with are redacted as text.
    expect(() => assertStillJson('to jane@example.com', 'to [EMAIL_1]', param)).not.toThrow();
  });
});

describe('GuardSet.resolve', () => {
  const set = new GuardSet(
    policies({ base: { request: { pii: { action: 'flag' } } }, strict: { request: { pii: { action: 'block' } } }, route: { response: { secrets: { action: 'redact' } } } }),
    new Map([['support', 'route']]),
    'base',
  );

  it('null when no policy applies (no default, no route or key policy)', () => {
    expect(new GuardSet(new Map(), new Map(), undefined).resolve(undefined, 'auto')).toBeNull();
  });

  it('the default for a route without a policy; the route policy and the key policy together; cached', () => {
    expect(set.resolve(undefined, 'gpt-5.4')?.policies.map((policy) => policy.name)).toEqual(['base']);
    expect(set.resolve('strict', 'support')?.policies.map((policy) => policy.name)).toEqual(['strict', 'route']);
    expect(set.resolve('base', 'auto')?.policies.map((policy) => policy.name)).toEqual(['base']);
    expect(set.resolve('strict', 'support')).toBe(set.resolve('strict', 'support'));
  });

  it('an unknown key policy (a virtual key metadata typo) is reported once and gets the default', () => {
    const reported: string[] = [];
    const guarded = new GuardSet(policies({ base: { request: { pii: { action: 'flag' } } } }), new Map(), 'base', (name) => reported.push(name));
    expect(guarded.resolve('typo', 'auto')?.policies.map((policy) => policy.name)).toEqual(['base']);
    guarded.resolve('typo', 'auto');
    expect(reported).toEqual(['typo']);
  });
});

describe('request phase', () => {
  it('merged policies: the strictest action per finding wins', () => {
    const both = policies({ key: { request: { pii: { action: 'flag', types: ['email'] } } }, route: { request: { pii: { action: 'redact', types: ['email', 'phone'] } } } });
    const run = new GuardRun({ policies: [...both.values()], response: undefined });
    const checked = run.checkRequest(chat('Mail jane@example.com'));
    expect(checked.request.messages[0]?.content).toBe('Mail [EMAIL_1]');
    expect(run.verdicts).toEqual([expect.objectContaining({ guard: 'pii', type: 'email', action: 'redact', phase: 'request', spans: [{ start: 5, end: 21, message_index: 0 }] })]);

    const strict = policies({ key: { request: { pii: { action: 'block' } } }, route: { request: { pii: { action: 'redact' } } } });
    const error = blocked(() => new GuardRun({ policies: [...strict.values()], response: undefined }).checkRequest(chat('Mail jane@example.com')));
    expect(error.status).toBe(400);
    expect(error.code).toBe('guardrail_violation');
    expect(error.message).toBe('Request blocked by guard pii (rule email).');
  });

  it('route-private sets the private source; redact leaves the parsed original alone and restores only with restore', () => {
    const [privatePolicy] = policies({ p: { request: { pii: { action: 'route-private' } } } }).values();
    const privateRun = new GuardRun({ policies: [privatePolicy as GuardPolicy], response: undefined });
    expect(privateRun.checkRequest(chat('call +44 20 7946 0958')).privateSource).toBe('guard:pii');

    const [redacting] = policies({ r: { request: { pii: { action: 'redact', restore: true } } } }).values();
    const run = new GuardRun({ policies: [redacting as GuardPolicy], response: undefined });
    const original = chat('x', { messages: [{ role: 'system', content: 'Owner: ops@example.com' }, { role: 'user', content: [{ type: 'text', text: 'Write to ops@example.com' }, { type: 'image', url: 'https://example.com/a.png' }] }] });
    const redacted = run.checkRequest(original).request;
    expect(redacted.messages[0]?.content).toBe('Owner: [EMAIL_1]');
    expect(redacted.messages[1]?.content).toEqual([{ type: 'text', text: 'Write to [EMAIL_1]' }, { type: 'image', url: 'https://example.com/a.png' }]);
    expect(original.messages[0]?.content).toBe('Owner: ops@example.com');
    expect(checkAnswer(run, answer('I wrote to [EMAIL_1].')).choices[0]?.text).toBe('I wrote to ops@example.com.');
  });

  it('the tools allow-list blocks a request offering another tool', () => {
    const [policy] = policies({ a: { request: { allow: { tools: ['search'] } } } }).values();
    const run = new GuardRun({ policies: [policy as GuardPolicy], response: undefined });
    expect(run.checkRequest(chat('hi', { tools: [{ name: 'search' }] })).request.tools).toHaveLength(1);
    const error = blocked(() => run.checkRequest(chat('hi', { tools: [{ name: 'search' }, { name: 'shell' }] })));
    expect(error.message).toBe('Request blocked by guard allow (rule tools).');
    expect(run.verdicts).toEqual([expect.objectContaining({ guard: 'allow', type: 'tool', rule: 'tools', action: 'block', spans: [{ start: 1, end: 2, message_index: -1 }] })]);
    expect(error.param).toBe('tools');
  });

  it('the stored body keeps placeholders for every value a guard saw, whatever the action', () => {
    const [policy] = policies({ f: { request: { pii: { action: 'flag' }, secrets: { action: 'flag' } } } }).values();
    const run = new GuardRun({ policies: [policy as GuardPolicy], response: undefined });
    const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: `mail a@example.com, key ${KEY}` }] });
    run.checkRequest(chat(`mail a@example.com, key ${KEY}`));
    const stored = run.scrubForLog(body) ?? '';
    expect(stored).not.toContain('a@example.com');
    expect(stored).not.toContain(KEY);
    expect(JSON.parse(stored).messages[0].content).toBe('mail [EMAIL_1], key [OPENAI_KEY_1]');
  });
});

describe('response phases', () => {
  it('responsePlan merges the response checks of several policies', () => {
    const merged = responsePlan([...policies({ a: { response: { pii: { action: 'flag', types: ['email'] }, hold_back: 64 } }, b: { response: { pii: { action: 'block', types: ['phone'] }, secrets: { action: 'redact' } } } }).values()]);
    expect(merged?.holdBack).toBe(256);
    expect(merged?.actionFor({ guard: 'pii', type: 'email', rule: 'email', start: 0, end: 1, score: 1 })).toBe('flag');
    expect(merged?.actionFor({ guard: 'pii', type: 'phone', rule: 'phone.nanp', start: 0, end: 1, score: 1 })).toBe('block');
    expect(merged?.actionFor({ guard: 'pii', type: 'iban', rule: 'iban', start: 0, end: 1, score: 1 })).toBeUndefined();
    expect(merged?.actionFor({ guard: 'secrets', type: 'openai_key', rule: 'openai_key', start: 0, end: 1, score: 1 })).toBe('redact');
  });

  it('a stream with a key split in 1-character chunks never releases a prefix of it', () => {
    const applied = { policies: [...policies({ r: { response: { secrets: { action: 'redact' }, hold_back: 32 } } }).values()] };
    const run = new GuardRun({ ...applied, response: responsePlan(applied.policies) });
    const guard = new StreamGuard(run);
    const text = `Use ${KEY} now. `.repeat(3);
    let client = '';
    for (const character of text) for (const part of guard.filter({ type: 'text-delta', index: 0, text: character })) if (part.type === 'text-delta') client += part.text;
    for (const part of guard.filter({ type: 'finish', index: 0, finishReason: 'stop' } satisfies StreamPart)) if (part.type === 'text-delta') client += part.text;
    expect(client).toBe('Use [OPENAI_KEY_1] now. '.repeat(3));
    expect(run.verdicts).toEqual([expect.objectContaining({ guard: 'secrets', action: 'redact', phase: 'stream' })]);
  });

  it('deny rules on the answer block with a 502', () => {
    const applied = { policies: [...policies({ d: { response: { deny: [{ name: 'no-intranet', patterns: ['https://intranet\\.[a-z]+'], action: 'block' }] } } }).values()] };
    const run = new GuardRun({ ...applied, response: responsePlan(applied.policies) });
    const error = blocked(() => checkAnswer(run, answer('See https://intranet.corp/wiki')));
    expect(error.status).toBe(502);
    expect(error.message).toBe('Response blocked by guard deny (rule no-intranet).');
  });

  it('refusal text gets the answer checks: redacted, blocked, restored, its spans marked', () => {
    const applied = { policies: [...policies({ r: { response: { secrets: { action: 'redact' }, deny: [{ name: 'no-intranet', patterns: ['https://intranet\\.[a-z]+'], action: 'block' }] } } }).values()] };
    const run = new GuardRun({ ...applied, response: responsePlan(applied.policies) });
    const refused: ChatResponse = { model: 'm', created: 1, choices: [{ index: 0, text: null, refusal: `I will not use ${KEY} for that.`, toolCalls: [], finishReason: 'stop' }] };
    expect(checkAnswer(run, refused).choices[0]?.refusal).toBe('I will not use [OPENAI_KEY_1] for that.');
    expect(run.verdicts).toEqual([expect.objectContaining({ guard: 'secrets', action: 'redact', phase: 'response', spans: [{ start: 15, end: 15 + KEY.length, message_index: 0, refusal: true }] })]);
    const error = blocked(() => checkAnswer(run, { ...refused, choices: [{ index: 0, text: null, refusal: 'See https://intranet.corp/wiki instead.', toolCalls: [], finishReason: 'stop' }] }));
    expect(error.status).toBe(502);
    expect(error.message).toBe('Response blocked by guard deny (rule no-intranet).');

    const [redacting] = policies({ p: { request: { pii: { action: 'redact', restore: true } } } }).values();
    const restoring = new GuardRun({ policies: [redacting as GuardPolicy], response: undefined });
    restoring.checkRequest(chat('Write to ops@example.com'));
    expect(checkAnswer(restoring, { ...refused, choices: [{ index: 0, text: null, refusal: 'I cannot write to [EMAIL_1].', toolCalls: [], finishReason: 'stop' }] }).choices[0]?.refusal).toBe('I cannot write to ops@example.com.');
  });

  it('streamed refusal deltas are held back and redacted like text, with their own offsets', () => {
    const applied = { policies: [...policies({ r: { response: { secrets: { action: 'redact' }, hold_back: 32 } } }).values()] };
    const run = new GuardRun({ ...applied, response: responsePlan(applied.policies) });
    const guard = new StreamGuard(run);
    const refusal = `I cannot share ${KEY}.`;
    let client = '';
    const take = (parts: StreamPart[]): void => {
      for (const part of parts) {
        expect(part.type).not.toBe('text-delta');
        if (part.type === 'refusal-delta') client += part.text;
      }
    };
    for (let at = 0; at < refusal.length; at += 3) take(guard.filter({ type: 'refusal-delta', index: 0, text: refusal.slice(at, at + 3) }));
    take(guard.filter({ type: 'finish', index: 0, finishReason: 'stop' }));
    expect(client).toBe('I cannot share [OPENAI_KEY_1].');
    expect(run.verdicts).toEqual([expect.objectContaining({ guard: 'secrets', action: 'redact', phase: 'stream', spans: [{ start: 15, end: 15 + KEY.length, message_index: 0, refusal: true }] })]);

    const blocking = { policies: [...policies({ b: { response: { secrets: { action: 'block' } } } }).values()] };
    const blockingGuard = new StreamGuard(new GuardRun({ ...blocking, response: responsePlan(blocking.policies) }));
    const error = blocked(() => {
      for (let at = 0; at < refusal.length; at += 3) for (const part of blockingGuard.filter({ type: 'refusal-delta', index: 0, text: refusal.slice(at, at + 3) })) expect(part.type === 'refusal-delta' ? part.text : '').not.toContain(KEY.slice(0, 12));
      blockingGuard.end();
    });
    expect(error.message).toBe('Response blocked by guard secrets (rule openai_key).');
  });

  it('streamed json_schema: each choice is validated when it finishes (or at the end); a block is noted', () => {
    const applied = { policies: [...policies({ j: { response: { json_schema: { on_invalid: 'retry' } } } }).values()] };
    const request = chat('x', { stream: true, responseFormat: { type: 'json_schema', name: 'p', schema: { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] } } });
    const stream = (texts: string[], finish = true): { run: GuardRun; guard: StreamGuard } => {
      const run = new GuardRun({ ...applied, response: responsePlan(applied.policies) });
      const guard = new StreamGuard(run, request);
      for (const text of texts) guard.filter({ type: 'text-delta', index: 0, text });
      if (finish) guard.filter({ type: 'finish', index: 0, finishReason: 'stop' });
      guard.end();
      return { run, guard };
    };
    expect(stream(['{"ag', 'e":', '3}']).run.verdicts).toEqual([]);
    const invalid = blocked(() => stream(['{"age":', '"three"}']));
    expect(invalid.status).toBe(502);
    expect(invalid.message).toBe('Response blocked by guard json_schema (rule json_schema): /age fails type.');
    expect(blocked(() => stream(['{"age":3'], false)).message).toContain('the answer is not JSON');
    const run = new GuardRun({ ...applied, response: responsePlan(applied.policies) });
    const guard = new StreamGuard(run, request);
    guard.filter({ type: 'text-delta', index: 0, text: 'no' });
    blocked(() => guard.filter({ type: 'finish', index: 0, finishReason: 'stop' }));
    expect(run.verdicts).toEqual([{ guard: 'json_schema', type: 'invalid', rule: 'json_schema', score: 1, phase: 'stream', action: 'block', spans: [] }]);
    // A refusal or a tool call instead of text is not checked; a request without json_schema neither.
    const refusing = new StreamGuard(new GuardRun({ ...applied, response: responsePlan(applied.policies) }), request);
    refusing.filter({ type: 'refusal-delta', index: 0, text: 'I cannot help with that.' });
    expect(() => refusing.filter({ type: 'finish', index: 0, finishReason: 'stop' })).not.toThrow();
    const plain = new StreamGuard(new GuardRun({ ...applied, response: responsePlan(applied.policies) }), chat('x', { stream: true }));
    plain.filter({ type: 'text-delta', index: 0, text: 'not JSON' });
    expect(() => plain.filter({ type: 'finish', index: 0, finishReason: 'stop' })).not.toThrow();
  });

  it('jsonSchemaProblem: valid, not JSON, wrong shape', () => {
    const request = chat('x', { responseFormat: { type: 'json_schema', name: 'p', schema: { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] } } });
    expect(jsonSchemaProblem(request, answer('{"age":3}'))).toBeUndefined();
    expect(jsonSchemaProblem(request, answer('age: 3'))).toBe('the answer is not JSON');
    expect(jsonSchemaProblem(request, answer('{}'))).toBe('/ fails required');
    expect(jsonSchemaProblem(chat('x'), answer('age: 3'))).toBeUndefined();
    // A refusal stands in for the object (as in OpenAI's structured outputs): not checked.
    expect(jsonSchemaProblem(request, { model: 'm', created: 1, choices: [{ index: 0, text: null, refusal: 'I cannot help with that.', toolCalls: [], finishReason: 'stop' }] })).toBeUndefined();
  });
});
