/**
 * The cloud providers' own auth, end to end through the gateway against the simulator:
 * Vertex AI service-account tokens, Azure Entra ID tokens and Bedrock assumed-role keys
 * are fetched once, reused, and — when the upstream says they expired — fetched once more
 * without failing the request; wrong credentials are a clear 502 that never echoes the secret.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_CATALOG, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const account = pair();
const stranger = pair();
const clientEmail = 'gateway@test-project.iam.gserviceaccount.com';
const AWS = { accessKeyId: 'AKIATESTKEY0001', secretAccessKey: `aws-${randomBytes(20).toString('hex')}` };
const ENTRA = { tenantId: 'tenant-1', clientId: 'client-1', clientSecret: `entra-${randomBytes(20).toString('hex')}` };

let simulator: RunningSimulator;
let directory: string;

function keyFile(name: string, privateKey: string): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify({ type: 'service_account', project_id: 'test-project', private_key_id: 'k1', private_key: privateKey, client_email: clientEmail, token_uri: `${simulator.url}/token` }));
  return path;
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'switchyard-cloud-auth-'));
  simulator = await startSimulator({
    models: SIMULATED_CATALOG,
    behaviour: { ttftMs: 0, tokensPerSecond: 100_000 },
    credentials: { aws: [AWS], serviceAccounts: [{ clientEmail, publicKey: account.publicKey }], entraClients: [ENTRA] },
  });
});
afterAll(async () => {
  await simulator.close();
});

const model = (provider: string) => `  ${provider}-model:\n    provider: ${provider}\n    upstream_model: gpt-5.4\n    price: { input: 1, output: 2 }`;

async function gatewayFor(providers: string, env: Record<string, string>): Promise<TestGateway> {
  const names = [...providers.matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1]!);
  return startTestGateway(`resilience:\n  circuit_breaker: { enabled: false }\nproviders:\n${providers}\nmodels:\n${names.map(model).join('\n')}\n`, env);
}

async function ask(client: OpenAI, name: string, stream = false): Promise<string> {
  if (!stream) return (await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'Explain why the sky is blue.' }] })).choices[0]?.message.content ?? '';
  let text = '';
  for await (const chunk of await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'Explain why the sky is blue.' }], stream: true })) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('token refresh: expired → one refresh, no failed request', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await gatewayFor(
      [
        `  vertex:\n    type: vertex\n    base_url: ${simulator.url}/v1\n    location: us-central1\n    credentials_file: ${keyFile('good.json', account.privateKey)}`,
        `  azure:\n    type: azure-openai\n    endpoint: ${simulator.url}\n    entra: { tenant_id: ${ENTRA.tenantId}, client_id: ${ENTRA.clientId}, client_secret: env:ENTRA_SECRET, authority_host: ${simulator.url} }`,
        `  bedrock:\n    type: bedrock\n    region: us-east-1\n    base_url: ${simulator.url}\n    access_key_id: env:AWS_KEY\n    secret_access_key: env:AWS_SECRET\n    role_arn: arn:aws:iam::123456789012:role/gateway\n    sts_url: ${simulator.url}`,
      ].join('\n'),
      { ENTRA_SECRET: ENTRA.clientSecret, AWS_KEY: AWS.accessKeyId, AWS_SECRET: AWS.secretAccessKey },
    );
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it.each(['vertex', 'azure', 'bedrock'])('%s: one credential serves many calls; after it expires the next call refreshes once and succeeds', async (provider) => {
    const before = simulator.stats().tokensIssued;
    const first = await ask(gateway.client, `${provider}-model`);
    expect(first.length).toBeGreaterThan(20);
    await ask(gateway.client, `${provider}-model`, true);
    await ask(gateway.client, `${provider}-model`);
    expect(simulator.stats().tokensIssued - before).toBe(1);
    simulator.expireTokens();
    // The gateway still holds a token it thinks is good: the upstream's 401/403 triggers exactly one refresh.
    expect(await ask(gateway.client, `${provider}-model`)).toBe(first);
    expect(simulator.stats().tokensIssued - before).toBe(2);
    simulator.expireTokens();
    expect((await ask(gateway.client, `${provider}-model`, true)).length).toBeGreaterThan(20);
    expect(simulator.stats().tokensIssued - before).toBe(3);
  });
});

describe('bad credentials: a clear 502 that never echoes the secret', () => {
  const wrongAws = `wrong-${randomBytes(20).toString('hex')}`;
  const wrongEntra = `wrong-${randomBytes(20).toString('hex')}`;
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await gatewayFor(
      [
        `  vertex:\n    type: vertex\n    base_url: ${simulator.url}/v1\n    credentials_file: ${keyFile('stranger.json', stranger.privateKey)}`,
        `  azure:\n    type: azure-openai\n    endpoint: ${simulator.url}\n    entra: { tenant_id: ${ENTRA.tenantId}, client_id: ${ENTRA.clientId}, client_secret: env:ENTRA_SECRET, authority_host: ${simulator.url} }`,
        `  bedrock:\n    type: bedrock\n    region: us-east-1\n    base_url: ${simulator.url}\n    access_key_id: env:AWS_KEY\n    secret_access_key: env:AWS_SECRET`,
        `  bedrock-unknown:\n    type: bedrock\n    region: us-east-1\n    base_url: ${simulator.url}\n    access_key_id: env:OTHER_KEY\n    secret_access_key: env:AWS_SECRET`,
      ].join('\n'),
      { ENTRA_SECRET: wrongEntra, AWS_KEY: AWS.accessKeyId, OTHER_KEY: 'AKIANOBODYKNOWS01', AWS_SECRET: wrongAws },
    );
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it.each([
    ['vertex', /could not get an OAuth token for service account gateway@test-project.*Invalid JWT Signature/],
    ['azure', /could not get a Microsoft Entra ID token.*invalid_client.*AADSTS7000215/],
    ['bedrock', /rejected the gateway's AWS credentials \(HTTP 403 InvalidSignatureException/],
    ['bedrock-unknown', /rejected the gateway's AWS credentials \(HTTP 403 UnrecognizedClientException/],
  ])('%s', async (provider, message) => {
    for (const stream of [false, true]) {
      const response = await fetch(`${gateway.running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: `${provider}-model`, messages: [{ role: 'user', content: 'hi' }], stream }),
      });
      const text = await response.text();
      expect(response.status).toBe(502);
      const body = JSON.parse(text) as { error: { message: string; type: string } };
      expect(body.error.type).toBe('upstream_error');
      expect(body.error.message).toMatch(message);
      for (const secret of [wrongAws, wrongEntra, stranger.privateKey, AWS.secretAccessKey, 'BEGIN PRIVATE KEY']) expect(text).not.toContain(secret);
    }
  });
});
