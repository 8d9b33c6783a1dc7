import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { parseConfigText, type ConfigError } from '../../src/config/load.js';
import { GatewayError } from '../../src/core/errors.js';
import { backoffMs, failureClass } from '../../src/resilience/failover.js';
import { startTestGateway } from '../helpers/gateway.js';

const policy = { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 1000, on: [] };

describe('failure classes and backoff', () => {
  it('classifies upstream failures; client errors are not retryable', () => {
    expect(failureClass(new GatewayError('upstream_rate_limited', 'x'))).toBe('rate_limit');
    expect(failureClass(new GatewayError('upstream_error', 'x'))).toBe('server_error');
    expect(failureClass(new GatewayError('upstream_timeout', 'x'))).toBe('timeout');
    expect(failureClass(new GatewayError('upstream_connection_error', 'x'))).toBe('connection');
    expect(failureClass(new GatewayError('invalid_request', 'x'))).toBeUndefined();
    expect(failureClass(new Error('x'))).toBeUndefined();
  });

  it('waits exactly Retry-After when it fits, skips when it does not, else full jitter under the exponential ceiling', () => {
    expect(backoffMs(policy, 0, 0.5, () => 0.9)).toBe(500);
    expect(backoffMs(policy, 0, 5, () => 0.9)).toBeUndefined();
    expect(backoffMs(policy, 2, undefined, () => 0.999)).toBe(399);
    expect(backoffMs(policy, 9, undefined, () => 0.5)).toBe(500);
    expect(backoffMs(policy, 0, undefined, () => 0)).toBe(0);
  });
});

describe('fallback config', () => {
  const base = 'providers:\n  s: { type: simulator }\nmodels:\n  a: { provider: s, fallbacks: [FALLBACKS] }\n  b: { provider: s }\n  e: { provider: s, kind: embedding }\n';
  const issues = (fallbacks: string) => {
    try {
      parseConfigText(base.replace('FALLBACKS', fallbacks), {}, 't');
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
  };
  it('rejects unknown, self, duplicate and wrong-kind fallbacks with paths', () => {
    expect(issues('b')).toEqual([]);
    expect(issues('ghost')).toEqual(['models.a.fallbacks[0]: unknown model "ghost"']);
    expect(issues('a')).toEqual(['models.a.fallbacks[0]: a model cannot be its own fallback']);
    expect(issues('b, b')).toEqual(['models.a.fallbacks[1]: "b" is listed twice']);
    expect(issues('e')).toEqual(['models.a.fallbacks[0]: "e" is a embedding model; a is a chat model']);
  });
  it('rejects bad retry settings', () => {
    const text = 'providers:\n  s: { type: simulator }\nmodels:\n  a: { provider: s, retry: { attempts: -1, initial_backoff_ms: 0 } }\n';
    expect(() => parseConfigText(text, {}, 't')).toThrow(/models\.a\.retry\.attempts: Too small[\s\S]*models\.a\.retry\.initial_backoff_ms/);
  });
  it('rejects negative and zero timeouts with paths', () => {
    const text = 'providers:\n  s: { type: simulator, timeouts: { connect_ms: -5 } }\nmodels:\n  a: { provider: s, timeouts: { first_token_ms: 0 } }\n';
    expect(() => parseConfigText(text, {}, 't')).toThrow(/providers\.s\.timeouts\.connect_ms: Too small[\s\S]*models\.a\.timeouts\.first_token_ms: Too small/);
  });
  it('accepts mutual fallbacks: a chain is the primary and its own list, not followed transitively, so it cannot loop', () => {
    const text = 'providers:\n  s: { type: simulator }\nmodels:\n  a: { provider: s, fallbacks: [b] }\n  b: { provider: s, fallbacks: [a] }\n';
    expect(() => parseConfigText(text, {}, 't')).not.toThrow();
  });
});

const FAST = 'behaviour: { ttft_ms: 0, tokens_per_second: 100000 }';
const CONFIG = `
resilience:
  circuit_breaker: { enabled: false }
providers:
  good: { type: simulator, ${FAST} }
  broken: { type: simulator, behaviour: { ttft_ms: 0, error_rate: 1, error_status: 500 } }
  limited: { type: simulator, behaviour: { ttft_ms: 0, error_rate: 1, error_status: 429, retry_after_seconds: 1 } }
  refusing: { type: simulator, behaviour: { ttft_ms: 0, error_rate: 1, error_status: 400 } }
  hanging: { type: simulator, behaviour: { ttft_ms: 5000 }, timeouts: { first_token_ms: 300 } }
  closing: { type: simulator, behaviour: { ttft_ms: 0, break_after_tokens: 0 } }
  filtering: { type: simulator, behaviour: { ttft_ms: 0, safety_block: true } }
  slowish: { type: simulator, behaviour: { ttft_ms: 3000 } }
models:
  steady: { provider: good, upstream_model: gpt-5.4, price: { input: 1, output: 1 } }
  flaky: { provider: broken, upstream_model: gpt-5.4, fallbacks: [steady], price: { input: 1, output: 1 } }
  throttled: { provider: limited, upstream_model: gpt-5.4, fallbacks: [steady], retry: { attempts: 1, max_backoff_ms: 2000 } }
  invalid: { provider: refusing, upstream_model: gpt-5.4, fallbacks: [steady], retry: { attempts: 3 } }
  stuck: { provider: hanging, upstream_model: gpt-5.4, fallbacks: [steady] }
  no-fallback-on-5xx: { provider: broken, upstream_model: gpt-5.4, fallbacks: [steady], fallback_on: [rate_limit] }
  hangs-up: { provider: closing, upstream_model: gpt-5.4, fallbacks: [steady] }
  alone: { provider: broken, upstream_model: gpt-5.4 }
  refuses: { provider: filtering, upstream_model: gpt-5.4, fallbacks: [steady], fallback_on: [content_filter, server_error] }
  refuses-alone: { provider: filtering, upstream_model: gpt-5.4, fallback_on: [content_filter] }
  tiny: { provider: good, upstream_model: tiny-model, context_window: 300, fallbacks: [small, roomy], fallback_on: [context_length] }
  small: { provider: good, upstream_model: small-model, context_window: 200 }
  roomy: { provider: good, upstream_model: roomy-model, context_window: 100000 }
  sluggish: { provider: slowish, upstream_model: gpt-5.4 }
routes:
  resilient: { model: alone, fallbacks: [steady] }
  impatient: { model: sluggish, fallbacks: [steady], timeouts: { first_token_ms: 200 } }
`;

describe('fallbacks and retries end to end', () => {
  it('every request succeeds through the fallback, each call an attempt row', async () => {
    const gateway = await startTestGateway(CONFIG);
    try {
      const ask = (model: string) => gateway.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'What is 2 + 2?' }] }).withResponse();

      for (let index = 0; index < 10; index++) {
        const { data, response } = await ask('flaky');
        expect(data.choices[0]?.message.content).toBeTruthy();
        expect(response.headers.get('x-switchyard-model')).toBe('steady');
        expect(response.headers.get('x-switchyard-attempts')).toBe('2');
      }

      const started = Date.now();
      const throttled = await ask('throttled');
      expect(Date.now() - started, 'Retry-After of 1 s is honoured before the retry').toBeGreaterThanOrEqual(950);
      expect(throttled.response.headers.get('x-switchyard-attempts')).toBe('3');
      expect(throttled.response.headers.get('x-switchyard-model')).toBe('steady');

      const stuck = await ask('stuck');
      expect(stuck.response.headers.get('x-switchyard-model')).toBe('steady');

      for (let index = 0; index < 5; index++) {
        const hungUp = await ask('hangs-up');
        expect(hungUp.response.headers.get('x-switchyard-model'), 'a primary that closes the connection').toBe('steady');
        const routed = await ask('resilient');
        expect(routed.response.headers.get('x-switchyard-model'), "the route's own fallback list").toBe('steady');
        expect(routed.response.headers.get('x-switchyard-route')).toBe('resilient');
      }

      const stream = await gateway.client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'Tell me about tides.' }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text.length).toBeGreaterThan(10);

      const filtered = await ask('refuses');
      expect(filtered.response.headers.get('x-switchyard-model'), 'a content-filter refusal falls back when fallback_on says so').toBe('steady');
      expect(filtered.data.choices[0]?.finish_reason).toBe('stop');
      const alone = await ask('refuses-alone');
      expect(alone.data.choices[0]?.finish_reason, 'with nothing to fall back to, the refusal itself').toBe('content_filter');
      const filteredStream = await gateway.client.chat.completions.create({ model: 'refuses', messages: [{ role: 'user', content: 'Tell me about tides.' }], stream: true });
      let streamedText = '';
      for await (const chunk of filteredStream) streamedText += chunk.choices[0]?.delta.content ?? '';
      expect(streamedText.length).toBeGreaterThan(10);

      const long = 'The committee reviewed every line item of the budget in detail. '.repeat(40);
      const tooLong = await gateway.client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: long }] }).withResponse();
      expect(tooLong.response.headers.get('x-switchyard-model'), 'context_length skips fallbacks with a window no longer than the failed one').toBe('roomy');
      expect(tooLong.response.headers.get('x-switchyard-attempts')).toBe('2');

      const impatientStarted = Date.now();
      const impatient = await ask('impatient');
      expect(impatient.response.headers.get('x-switchyard-model'), "the route's first_token_ms applies").toBe('steady');
      expect(Date.now() - impatientStarted).toBeLessThan(2000);

      const refused = await gateway.client.chat.completions.create({ model: 'invalid', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
      expect(refused, 'a 400 is neither retried nor sent to a fallback').toBeInstanceOf(OpenAI.BadRequestError);
      const notEligible = await gateway.client.chat.completions.create({ model: 'no-fallback-on-5xx', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
      expect(notEligible).toBeInstanceOf(OpenAI.InternalServerError);

      gateway.running.log.flush();
      const database = new Database(gateway.dbPath, { readonly: true });
      const rows = database
        .prepare(`SELECT r.requested_model AS requested, COUNT(a.attempt) AS attempts, SUM(a.status = 200) AS ok FROM requests r JOIN attempts a ON a.request_id = r.id GROUP BY r.id`)
        .all() as { requested: string; attempts: number; ok: number }[];
      database.close();
      const of = (model: string) => rows.filter((row) => row.requested === model);
      expect(of('flaky').every((row) => row.attempts === 2 && row.ok === 1)).toBe(true);
      expect(of('invalid').map((row) => row.attempts)).toEqual([1]);
      expect(of('no-fallback-on-5xx').map((row) => row.attempts)).toEqual([1]);
    } finally {
      await gateway.stop();
    }
  });
});
