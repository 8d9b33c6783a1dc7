/**
 * What the upstream received: every sampling and request parameter an OpenAI or an
 * Anthropic client sends reaches every provider in that provider's own wire format, or is
 * named in x-switchyard-warnings (or refused with a 400) as docs/api.md and
 * docs/providers.md say — streamed and not. A recording proxy sits between the real gateway
 * and the simulator (which checks each protocol's auth), so the test reads the bytes the
 * adapters really sent.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATED_CATALOG, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { RecordingProxy, type ProxiedRequest } from '../helpers/recording-proxy.js';

const PROVIDERS = ['openai', 'anthropic', 'gemini', 'azure-openai', 'bedrock', 'vertex', 'vertex-claude', 'mistral', 'cohere'] as const;
type Provider = (typeof PROVIDERS)[number];

const account = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const clientEmail = 'gateway@wire-test.iam.gserviceaccount.com';
const AWS = { accessKeyId: 'AKIAWIRETEST00001', secretAccessKey: 'wire-test-secret-access-key-0123456789' };

let simulator: RunningSimulator;
let proxy: RecordingProxy;
let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

function config(url: string, keyFile: string): string {
  const providers = [
    `  p-openai: { type: openai, base_url: ${url}/v1, api_key: env:SIM_KEY }`,
    `  p-anthropic: { type: anthropic, base_url: ${url}/v1, api_key: env:SIM_KEY }`,
    `  p-gemini: { type: gemini, base_url: ${url}/v1beta, api_key: env:SIM_KEY }`,
    `  p-azure-openai: { type: azure-openai, endpoint: ${url}, api_key: env:SIM_KEY }`,
    `  p-bedrock: { type: bedrock, region: us-east-1, base_url: ${url}, access_key_id: env:AWS_KEY, secret_access_key: env:AWS_SECRET }`,
    `  p-vertex: { type: vertex, base_url: ${url}/v1, location: us-central1, credentials_file: ${keyFile} }`,
    `  p-mistral: { type: mistral, base_url: ${url}/mistral/v1, api_key: env:SIM_KEY }`,
    `  p-cohere: { type: cohere, base_url: ${url}, api_key: env:SIM_KEY }`,
  ];
  const model = (provider: Provider): string => {
    const [source, upstream] = provider === 'vertex-claude' ? ['vertex', 'anthropic/gpt-5.4'] : [provider, 'gpt-5.4'];
    return `  via-${provider}: { provider: p-${source}, upstream_model: ${upstream}, price: { input: 1, output: 2 } }`;
  };
  return `resilience:\n  circuit_breaker: { enabled: false }\nproviders:\n${providers.join('\n')}\nmodels:\n${PROVIDERS.map(model).join('\n')}\n`;
}

beforeAll(async () => {
  simulator = await startSimulator({ models: SIMULATED_CATALOG, behaviour: { ttftMs: 0, tokensPerSecond: 100_000 }, credentials: { aws: [AWS], serviceAccounts: [{ clientEmail, publicKey: account.publicKey }] } });
  proxy = await new RecordingProxy(simulator.url).start();
  const keyFile = join(mkdtempSync(join(tmpdir(), 'switchyard-wire-')), 'key.json');
  writeFileSync(keyFile, JSON.stringify({ type: 'service_account', project_id: 'wire-test', private_key_id: 'k1', private_key: account.privateKey, client_email: clientEmail, token_uri: `${proxy.url}/token` }));
  gateway = await startTestGateway(config(proxy.url, keyFile), { SIM_KEY: 'sim-key-wire-test', AWS_KEY: AWS.accessKeyId, AWS_SECRET: AWS.secretAccessKey });
  openai = new OpenAI({ baseURL: `${gateway.running.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 15_000 });
  anthropic = new Anthropic({ baseURL: gateway.running.url, apiKey: 'unused', maxRetries: 0, timeout: 15_000 });
});

afterAll(async () => {
  await gateway.stop();
  await proxy.stop();
  await simulator.close();
});

beforeEach(() => {
  proxy.received = [];
});

/** The one model call the gateway made (token requests aside). */
function modelCall(): ProxiedRequest {
  const calls = proxy.received.filter((request) => !request.path.startsWith('/token'));
  expect(calls).toHaveLength(1);
  return calls[0] as ProxiedRequest;
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

/** The canonical parameters as each provider spells them on the wire. */
interface Wire {
  temperature: unknown;
  topP: unknown;
  maxTokens: unknown;
  stop: unknown;
  seed: unknown;
  presencePenalty: unknown;
  frequencyPenalty: unknown;
  user: unknown;
}

function readWire(provider: Provider, body: Json): Wire {
  switch (provider) {
    case 'openai':
    case 'azure-openai':
      return { temperature: body.temperature, topP: body.top_p, maxTokens: body.max_completion_tokens ?? body.max_tokens, stop: body.stop, seed: body.seed, presencePenalty: body.presence_penalty, frequencyPenalty: body.frequency_penalty, user: body.user };
    case 'anthropic':
    case 'vertex-claude':
      return { temperature: body.temperature, topP: body.top_p, maxTokens: body.max_tokens, stop: body.stop_sequences, seed: body.seed, presencePenalty: body.presence_penalty, frequencyPenalty: body.frequency_penalty, user: object(body.metadata).user_id };
    case 'gemini':
    case 'vertex': {
      const generation = object(body.generationConfig);
      return { temperature: generation.temperature, topP: generation.topP, maxTokens: generation.maxOutputTokens, stop: generation.stopSequences, seed: generation.seed, presencePenalty: generation.presencePenalty, frequencyPenalty: generation.frequencyPenalty, user: body.user ?? body.labels };
    }
    case 'bedrock': {
      const inference = object(body.inferenceConfig);
      return { temperature: inference.temperature, topP: inference.topP, maxTokens: inference.maxTokens, stop: inference.stopSequences, seed: body.seed, presencePenalty: body.presence_penalty, frequencyPenalty: body.frequency_penalty, user: body.user };
    }
    case 'mistral':
      return { temperature: body.temperature, topP: body.top_p, maxTokens: body.max_tokens, stop: body.stop, seed: body.random_seed, presencePenalty: body.presence_penalty, frequencyPenalty: body.frequency_penalty, user: body.user };
    case 'cohere':
      return { temperature: body.temperature, topP: body.p, maxTokens: body.max_tokens, stop: body.stop_sequences, seed: body.seed, presencePenalty: body.presence_penalty, frequencyPenalty: body.frequency_penalty, user: body.user };
  }
}

/** The wire name of each canonical parameter, for warnings. */
const WIRE_NAME: Record<keyof Wire, string> = { temperature: 'temperature', topP: 'top_p', maxTokens: 'max_tokens', stop: 'stop', seed: 'seed', presencePenalty: 'presence_penalty', frequencyPenalty: 'frequency_penalty', user: 'user' };

/** What each provider cannot take (docs/api.md, docs/providers.md): dropped with a warning. */
const DROPPED: Record<Provider, (keyof Wire)[]> = {
  openai: [],
  'azure-openai': [],
  anthropic: ['seed', 'presencePenalty', 'frequencyPenalty'],
  'vertex-claude': ['seed', 'presencePenalty', 'frequencyPenalty'],
  gemini: ['user'],
  vertex: ['user'],
  bedrock: ['seed', 'presencePenalty', 'frequencyPenalty', 'user'],
  mistral: ['user'],
  cohere: ['user'],
};

const SENT: Wire = { temperature: 0.5, topP: 0.9, maxTokens: 123, stop: ['END', 'STOP'], seed: 7, presencePenalty: 0.25, frequencyPenalty: 0.5, user: 'user-42' };

function expectArrived(provider: Provider, sent: Partial<Wire>, warnings: string, extraWarnings: string[] = []): void {
  const call = modelCall();
  const wire = readWire(provider, object(call.body));
  const expectedWarnings = [...extraWarnings];
  for (const [name, value] of Object.entries(sent) as [keyof Wire, unknown][]) {
    if (DROPPED[provider].includes(name)) {
      expect(wire[name], `${provider}: ${name} must not be sent`).toBeUndefined();
      expectedWarnings.push(`${WIRE_NAME[name]} dropped`);
    } else expect(wire[name], `${provider}: ${name}`).toEqual(value);
  }
  for (const warning of expectedWarnings) expect(warnings, `${provider}: warnings`).toContain(warning);
  if (expectedWarnings.length === 0) expect(warnings, `${provider}: no warnings`).toBe('');
}

describe.each([false, true])('stream: %s', (stream) => {
  describe('from an OpenAI client', () => {
    it.each(PROVIDERS)('every parameter reaches %s in its wire format, or is warned about', async (provider) => {
      const request = {
        model: `via-${provider}`,
        messages: [{ role: 'user' as const, content: 'Describe the sea in one sentence.' }],
        temperature: SENT.temperature as number,
        top_p: SENT.topP as number,
        max_tokens: SENT.maxTokens as number,
        stop: SENT.stop as string[],
        seed: SENT.seed as number,
        presence_penalty: SENT.presencePenalty as number,
        frequency_penalty: SENT.frequencyPenalty as number,
        user: SENT.user as string,
      };
      let warnings: string;
      if (stream) {
        const { data, response } = await openai.chat.completions.create({ ...request, stream: true }).withResponse();
        let text = '';
        for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
        expect(text.length).toBeGreaterThan(0);
        warnings = response.headers.get('x-switchyard-warnings') ?? '';
      } else {
        const { data, response } = await openai.chat.completions.create(request).withResponse();
        expect(data.choices[0]?.message.content).toBeTruthy();
        warnings = response.headers.get('x-switchyard-warnings') ?? '';
      }
      expectArrived(provider, SENT, warnings);
    });
  });

  describe('from an Anthropic client', () => {
    it.each(PROVIDERS)('every parameter reaches %s in its wire format; top_k to Anthropic and Gemini, warned about elsewhere', async (provider) => {
      const request = {
        model: `via-${provider}`,
        max_tokens: SENT.maxTokens as number,
        messages: [{ role: 'user' as const, content: 'Describe the sea in one sentence.' }],
        temperature: SENT.temperature as number,
        top_p: SENT.topP as number,
        top_k: 5,
        stop_sequences: SENT.stop as string[],
        metadata: { user_id: SENT.user as string },
      };
      let warnings: string;
      if (stream) {
        const { data, response } = await anthropic.messages.create({ ...request, stream: true }).withResponse();
        let text = '';
        for await (const event of data) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
        expect(text.length).toBeGreaterThan(0);
        warnings = response.headers.get('x-switchyard-warnings') ?? '';
      } else {
        const { data, response } = await anthropic.messages.create(request).withResponse();
        expect(data.content[0]?.type).toBe('text');
        warnings = response.headers.get('x-switchyard-warnings') ?? '';
      }
      const { seed: _seed, presencePenalty: _presence, frequencyPenalty: _frequency, ...sent } = SENT;
      // top_k: Anthropic (also on Vertex AI) takes it as sent, Gemini (also on Vertex AI) as topK; the others drop it and say so.
      if (provider === 'anthropic' || provider === 'vertex-claude') {
        expectArrived(provider, sent, warnings);
        expect(object(modelCall().body).top_k).toBe(5);
      } else if (provider === 'gemini' || provider === 'vertex') {
        expectArrived(provider, sent, warnings);
        expect(object(object(modelCall().body).generationConfig).topK).toBe(5);
      } else {
        expectArrived(provider, sent, warnings, ['top_k dropped']);
        expect(object(modelCall().body)).not.toHaveProperty('top_k');
      }
    });
  });
});

describe('temperature above 1', () => {
  /** Anthropic's scale ends at 1 (as Bedrock's does for its models); the others take 2. */
  const LOWERED: Provider[] = ['anthropic', 'vertex-claude', 'bedrock'];

  it.each(PROVIDERS)('%s: sent as is, or lowered to 1 with a warning', async (provider) => {
    const { response } = await openai.chat.completions.create({ model: `via-${provider}`, temperature: 1.5, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const wire = readWire(provider, object(modelCall().body));
    const warnings = response.headers.get('x-switchyard-warnings') ?? '';
    if (LOWERED.includes(provider)) {
      expect(wire.temperature).toBe(1);
      expect(warnings).toMatch(/temperature 1\.5 lowered to 1/);
    } else {
      expect(wire.temperature).toBe(1.5);
      expect(warnings).toBe('');
    }
  });
});

describe('Anthropic thinking and service_tier, mapped where a provider has an equivalent', () => {
  /** What each provider received for thinking {enabled, 2048} and service_tier standard_only, or the warnings naming them. */
  const EXPECTED: Record<Provider, { thinking: (body: Json) => unknown; tier: (body: Json) => unknown; dropped: string[] }> = {
    openai: { thinking: (body) => body.reasoning_effort, tier: (body) => body.service_tier, dropped: [] },
    'azure-openai': { thinking: (body) => body.reasoning_effort, tier: () => 'default', dropped: ['service_tier dropped'] },
    anthropic: { thinking: (body) => (object(body.thinking).type === 'enabled' ? 'low' : undefined), tier: (body) => (body.service_tier === 'standard_only' ? 'default' : body.service_tier), dropped: [] },
    'vertex-claude': { thinking: (body) => (object(body.thinking).budget_tokens === 2048 ? 'low' : undefined), tier: (body) => (body.service_tier === 'standard_only' ? 'default' : body.service_tier), dropped: [] },
    gemini: { thinking: (body) => (object(object(body.generationConfig).thinkingConfig).thinkingBudget === 2048 ? 'low' : undefined), tier: () => 'default', dropped: ['service_tier dropped'] },
    vertex: { thinking: (body) => (object(object(body.generationConfig).thinkingConfig).thinkingBudget === 2048 ? 'low' : undefined), tier: () => 'default', dropped: ['service_tier dropped'] },
    bedrock: { thinking: () => 'low', tier: () => 'default', dropped: ['thinking dropped', 'service_tier dropped'] },
    mistral: { thinking: () => 'low', tier: () => 'default', dropped: ['thinking dropped', 'service_tier dropped'] },
    cohere: { thinking: () => 'low', tier: () => 'default', dropped: ['thinking dropped', 'service_tier dropped'] },
  };

  it.each(PROVIDERS)('%s: a 2048-token budget is reasoning_effort low or the same budget; standard_only is the default tier', async (provider) => {
    const { response } = await anthropic.messages
      .create({ model: `via-${provider}`, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, service_tier: 'standard_only', messages: [{ role: 'user', content: 'What is 17 * 23?' }] })
      .withResponse();
    const body = object(modelCall().body);
    const expected = EXPECTED[provider];
    expect(expected.thinking(body), `${provider} thinking`).toBe('low');
    expect(expected.tier(body), `${provider} service_tier`).toBe('default');
    const warnings = response.headers.get('x-switchyard-warnings') ?? '';
    for (const warning of expected.dropped) expect(warnings, provider).toContain(warning);
    if (expected.dropped.length === 0) expect(warnings, provider).not.toMatch(/thinking|service_tier/);
  });
});

describe('parameters a provider cannot honour without a wrong answer', () => {
  /**
   * docs/api.md and docs/providers.md: n > 1 and logprobs are sent to OpenAI-protocol
   * upstreams, n to Mistral too; elsewhere they are refused with a 400 naming them, before
   * any call. (The simulator itself answers n = 1 only, so for n the test reads the wire.)
   */
  const SENT_AS_IS: Record<Provider, ('n' | 'logprobs')[]> = {
    openai: ['n', 'logprobs'],
    'azure-openai': ['n', 'logprobs'],
    mistral: ['n'],
    anthropic: [],
    'vertex-claude': [],
    gemini: [],
    vertex: [],
    bedrock: [],
    cohere: [],
  };

  it.each(PROVIDERS)('%s: n = 2 and logprobs are sent, or refused with a 400 naming them before any call', async (provider) => {
    for (const [param, extra] of [
      ['n', { n: 2 }],
      ['logprobs', { logprobs: true, top_logprobs: 2 }],
    ] as const) {
      proxy.received = [];
      const outcome = await openai.chat.completions.create({ model: `via-${provider}`, messages: [{ role: 'user', content: 'hi' }], ...extra }).then(
        (completion) => completion,
        (error: unknown) => error,
      );
      if (SENT_AS_IS[provider].includes(param)) {
        const body = object(modelCall().body);
        for (const [key, value] of Object.entries(extra)) expect(body[key], `${provider} ${key}`).toEqual(value);
      } else {
        expect(outcome, `${provider} ${param}`).toBeInstanceOf(OpenAI.BadRequestError);
        expect((outcome as InstanceType<typeof OpenAI.BadRequestError>).param, `${provider} ${param}`).toBe(param);
        expect(proxy.received.filter((request) => !request.path.startsWith('/token'))).toHaveLength(0);
      }
    }
  });
});
