/** Guard policies compiled from the config: defaults, deny rules, model stages, and merged response checks. */
import { describe, expect, it } from 'vitest';
import type { RawGuardPolicy } from '../../src/config/schema.js';
import { PII_TYPES } from '../../src/guards/pii.js';
import { compileDenyRule, compileGuardPolicy, policyModelSources, responsePlan, type GuardPolicy } from '../../src/guards/policy.js';
import type { Finding } from '../../src/guards/types.js';

function compiled(raw: Record<string, RawGuardPolicy>): GuardPolicy[] {
  return Object.entries(raw).map(([name, policy]) => compileGuardPolicy(name, policy));
}

function found(guard: Finding['guard'], type: string, rule = type): Finding {
  return { guard, type, rule, start: 0, end: 1, score: 1 };
}

describe('deny rules', () => {
  it('match keywords as whole words, any case, with regex characters taken literally', () => {
    const rule = compileDenyRule({ name: 'codenames', keywords: ['secret plan', 'a.b'], action: 'block' });
    expect(rule).toMatchObject({ name: 'codenames', action: 'block' });
    const spans = (text: string): Array<[number, number]> => rule.detector.scan(text).map((finding) => [finding.start, finding.end]);
    expect(spans('The Secret Plan, and a.b too')).toEqual([
      [4, 15],
      [21, 24],
    ]);
    expect(spans('topsecret plan, secret planning, axb, a.b_c, a.b2')).toEqual([]);
    expect(rule.detector.scan('see a.b')).toEqual([{ guard: 'deny', type: 'codenames', rule: 'codenames', start: 4, end: 7, score: 1 }]);
    // The detector can be run again (its pattern is global: the search restarts each time).
    expect(spans('secret plan')).toEqual([[0, 11]]);
    expect(spans('secret plan')).toEqual([[0, 11]]);
  });

  it('match patterns next to keywords, and skip empty matches without looping', () => {
    const rule = compileDenyRule({ name: 'mixed', keywords: ['alpha'], patterns: ['ticket-\\d+', 'x*'], action: 'route-private' });
    expect(rule.detector.scan('alpha, ticket-42 and xx').map((finding) => [finding.start, finding.end])).toEqual([
      [0, 5],
      [7, 16],
      [21, 23],
    ]);
  });
});

describe('compileGuardPolicy', () => {
  it('fills in the defaults: injection blocks user and tool text, PII all types, nothing restored, hold-back 256', () => {
    const [policy] = compiled({ p: { request: { injection: {}, pii: { action: 'redact' }, secrets: { action: 'flag' } }, response: { pii: { action: 'flag' } } } });
    const request = policy?.request;
    expect(request?.injection?.action).toBe('block');
    expect([...(request?.injection?.roles ?? [])]).toEqual(['user', 'tool']);
    expect(request?.injection?.model).toBeUndefined();
    expect([...(request?.pii?.types ?? [])]).toEqual([...PII_TYPES]);
    expect(request?.pii?.restore).toBe(false);
    expect(request?.pii?.model).toBeUndefined();
    expect(request?.secrets).toMatchObject({ action: 'flag', restore: false });
    expect(request?.deny).toEqual([]);
    expect(request?.allowTools).toBeUndefined();
    expect(policy?.response?.holdBack).toBe(256);
    expect([...(policy?.response?.pii?.types ?? [])]).toEqual([...PII_TYPES]);
    expect(policy?.response?.secrets).toBeUndefined();
    expect(policy?.response?.jsonSchema).toBeUndefined();
    expect(policy?.response?.deny).toEqual([]);
  });

  it('keeps what the config sets', () => {
    const [policy] = compiled({
      p: {
        request: {
          injection: { action: 'flag', scan: ['system'], threshold: 0.9 },
          pii: { action: 'redact', types: ['email'], restore: true },
          secrets: { action: 'redact', restore: true },
          deny: [{ name: 'd', keywords: ['x'], action: 'block' }],
          allow: { tools: ['search'] },
        },
        response: { secrets: { action: 'block' }, json_schema: { on_invalid: 'retry' }, hold_back: 64 },
      },
    });
    const request = policy?.request;
    expect(request?.injection?.action).toBe('flag');
    expect([...(request?.injection?.roles ?? [])]).toEqual(['system']);
    expect(request?.injection?.detector.threshold).toBe(0.9);
    expect([...(request?.pii?.types ?? [])]).toEqual(['email']);
    expect(request?.pii?.restore).toBe(true);
    // The detector looks for the configured types only.
    expect(request?.pii?.detector.scan('mail jane@example.com or call +44 20 7946 0958').map((finding) => finding.type)).toEqual(['email']);
    expect(request?.secrets?.restore).toBe(true);
    expect(request?.deny.map((rule) => rule.name)).toEqual(['d']);
    expect([...(request?.allowTools ?? [])]).toEqual(['search']);
    expect(policy?.response).toMatchObject({ secrets: { action: 'block' }, jsonSchema: { onInvalid: 'retry' }, holdBack: 64, pii: undefined });
    expect(compiled({ empty: {} })[0]).toEqual({ name: 'empty', request: undefined, response: undefined });
  });

  it('builds model stages from a folder name or from their options, and lists their sources for the config check', () => {
    const raw: RawGuardPolicy = {
      request: {
        injection: { model: { path: 'onnx:/nonexistent/injection', threshold: 0.7, unsure: [0.1, 0.95], timeout_ms: 80, labels: ['INJECTION'] } },
        pii: { action: 'redact', model: { path: 'onnx:/nonexistent/ner', timeout_ms: 30, min_score: 0.8 } },
      },
    };
    const [policy] = compiled({ m: raw });
    expect(policy?.request?.injection?.model).toMatchObject({ threshold: 0.7, unsure: [0.1, 0.95], timeoutMs: 80 });
    expect(policy?.request?.pii?.model).toMatchObject({ timeoutMs: 30, minScore: 0.8 });
    const [plain] = compiled({ s: { request: { injection: { model: 'onnx:/nonexistent/injection' }, pii: { action: 'flag', model: 'onnx:/nonexistent/ner' } } } });
    expect(plain?.request?.injection?.model).toMatchObject({ threshold: 0.5, unsure: [0.2, 0.9], timeoutMs: 50 });
    expect(plain?.request?.pii?.model).toMatchObject({ timeoutMs: 50, minScore: 0.5 });
    expect(policyModelSources('m', raw)).toEqual([
      { path: 'guards.policies.m.request.injection.model', source: 'onnx:/nonexistent/injection' },
      { path: 'guards.policies.m.request.pii.model', source: 'onnx:/nonexistent/ner' },
    ]);
    expect(policyModelSources('s', { request: { injection: { model: 'onnx:a' }, pii: { action: 'flag', model: 'onnx:b' } } })).toEqual([
      { path: 'guards.policies.s.request.injection.model', source: 'onnx:a' },
      { path: 'guards.policies.s.request.pii.model', source: 'onnx:b' },
    ]);
    expect(policyModelSources('none', { request: { pii: { action: 'flag' } } })).toEqual([]);
    expect(policyModelSources('answers', { response: { pii: { action: 'flag' } } })).toEqual([]);
  });
});

describe('responsePlan', () => {
  it('is undefined when no policy checks answers', () => {
    expect(responsePlan(compiled({ a: { request: { pii: { action: 'flag' } } } }))).toBeUndefined();
    expect(responsePlan([])).toBeUndefined();
  });

  it('runs one detector per kind for the union of types, the longest hold-back, and one detector per deny rule name', () => {
    const plan = responsePlan(
      compiled({
        a: { response: { pii: { action: 'flag', types: ['email'] }, hold_back: 64, deny: [{ name: 'intranet', keywords: ['intranet'], action: 'flag' }] } },
        b: { response: { pii: { action: 'redact', types: ['phone'] }, hold_back: 512, deny: [{ name: 'intranet', keywords: ['intranet'], action: 'block' }] } },
        c: { response: { secrets: { action: 'flag' } } },
      }),
    );
    expect(plan?.holdBack).toBe(512);
    expect(plan?.detectors.map((detector) => detector.name)).toEqual(['pii', 'secrets', 'deny']);
    const pii = plan?.detectors[0];
    expect(pii?.scan('mail jane@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111').map((finding) => finding.type)).toEqual(['email', 'phone']);
    // The same rule in two policies: the stricter action.
    expect(plan?.actionFor(found('deny', 'intranet'))).toBe('block');
    expect(plan?.actionFor(found('deny', 'other'))).toBeUndefined();
    expect(plan?.actionFor(found('pii', 'email'))).toBe('flag');
    expect(plan?.actionFor(found('pii', 'phone'))).toBe('redact');
    expect(plan?.actionFor(found('secrets', 'openai_key'))).toBe('flag');
    expect(plan?.actionFor(found('injection', 'injection'))).toBeUndefined();
  });

  it('runs no PII or secrets detector that no policy asked for', () => {
    const plan = responsePlan(compiled({ d: { response: { deny: [{ name: 'x', keywords: ['x'], action: 'flag' }] } } }));
    expect(plan?.detectors.map((detector) => detector.name)).toEqual(['deny']);
    expect(plan?.actionFor(found('secrets', 'openai_key'))).toBeUndefined();
    expect(plan?.actionFor(found('pii', 'email'))).toBeUndefined();
  });

  it('merges json_schema checks: error over retry, none when no policy checks', () => {
    const plan = (...modes: Array<'retry' | 'error' | undefined>) =>
      responsePlan(modes.map((mode, index) => compileGuardPolicy(`p${index}`, { response: mode ? { json_schema: { on_invalid: mode } } : { hold_back: 32 } })))?.jsonSchema;
    expect(plan('retry')).toEqual({ onInvalid: 'retry' });
    expect(plan('retry', undefined)).toEqual({ onInvalid: 'retry' });
    expect(plan('error')).toEqual({ onInvalid: 'error' });
    expect(plan('retry', 'error')).toEqual({ onInvalid: 'error' });
    expect(plan('error', 'retry')).toEqual({ onInvalid: 'error' });
    expect(plan(undefined)).toBeUndefined();
  });
});
