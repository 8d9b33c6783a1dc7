/** Config for Azure OpenAI, Bedrock, Vertex AI, Mistral and Cohere: zero-config from the SDKs' variables, and clear errors. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config/load.js';

const directory = mkdtempSync(join(tmpdir(), 'switchyard-cloud-config-'));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const keyFile = join(directory, 'key.json');
writeFileSync(keyFile, JSON.stringify({ type: 'service_account', project_id: 'proj-from-key', private_key: privateKey, client_email: 'sa@proj-from-key.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token' }));

function issuesOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, env, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('zero-config from the environment', () => {
  it('configures every cloud and native provider from its SDK variables', () => {
    const env = {
      AZURE_OPENAI_API_KEY: 'azure-key-123456',
      AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-123456',
      AWS_SESSION_TOKEN: 'aws-session-123456',
      AWS_REGION: 'eu-west-1',
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      GOOGLE_CLOUD_LOCATION: 'europe-west4',
      MISTRAL_API_KEY: 'mistral-key-123456',
      COHERE_API_KEY: 'cohere-key-123456',
    };
    const config = loadConfig({ env, cwd: directory });
    expect(config.providers.get('azure')).toMatchObject({ type: 'azure-openai', protocol: 'azure-openai', baseUrl: 'https://res.openai.azure.com', apiKey: 'azure-key-123456', azure: { apiVersion: '2024-10-21' } });
    expect(config.providers.get('bedrock')).toMatchObject({
      protocol: 'bedrock',
      baseUrl: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
      aws: { region: 'eu-west-1', credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'aws-secret-123456', sessionToken: 'aws-session-123456' } },
    });
    expect(config.providers.get('vertex')).toMatchObject({
      protocol: 'vertex',
      baseUrl: 'https://europe-west4-aiplatform.googleapis.com/v1',
      vertex: { project: 'proj-from-key', location: 'europe-west4', serviceAccount: { clientEmail: 'sa@proj-from-key.iam.gserviceaccount.com' } },
    });
    expect(config.providers.get('mistral')).toMatchObject({ protocol: 'mistral', baseUrl: 'https://api.mistral.ai/v1', apiKey: 'mistral-key-123456' });
    expect(config.providers.get('cohere')).toMatchObject({ protocol: 'cohere', baseUrl: 'https://api.cohere.com', apiKey: 'cohere-key-123456' });
    // Every secret is known, so logs and errors can scrub it.
    for (const secret of ['azure-key-123456', 'aws-secret-123456', 'aws-session-123456', privateKey, 'mistral-key-123456', 'cohere-key-123456']) expect(config.secrets).toContain(secret);
    // Azure deployments named like the models serve the OpenAI family when there is no OpenAI key.
    expect(config.models.get('gpt-5.4')?.deployments[0]?.provider.name).toBe('azure');
  });
});

describe('config errors name the path and what is missing', () => {
  it('Azure: an endpoint, and exactly one of api_key or entra', () => {
    expect(issuesOf('providers:\n  az: { type: azure-openai, api_key: env:K }\nmodels: {}\n', { K: 'x' })).toEqual(['providers.az.endpoint: an Azure OpenAI provider needs its resource endpoint (endpoint, or AZURE_OPENAI_ENDPOINT)']);
    expect(issuesOf('providers:\n  az: { type: azure-openai, endpoint: "https://r.openai.azure.com" }\nmodels: {}\n')[0]).toMatch(/^providers.az.api_key: .*api_key.*entra/);
    expect(issuesOf('providers:\n  az:\n    type: azure-openai\n    endpoint: "https://r.openai.azure.com"\n    api_key: env:K\n    entra: { tenant_id: t, client_id: c, client_secret: env:S }\nmodels: {}\n', { K: 'x', S: 'y' })).toEqual(['providers.az.entra: give either api_key or entra, not both']);
    expect(issuesOf('providers:\n  az: { type: azure-openai, endpoint: "https://r.openai.azure.com", api_key: env:K, api_version: latest }\nmodels: {}\n', { K: 'x' })[0]).toMatch(/^providers.az.api_version: an api-version looks like/);
  });

  it('Bedrock: a region and credentials; a role ARN that looks like one', () => {
    expect(issuesOf('providers:\n  br: { type: bedrock }\nmodels: {}\n')).toEqual(['providers.br.region: a Bedrock provider needs a region (region, or AWS_REGION)']);
    expect(issuesOf('providers:\n  br: { type: bedrock, region: us-east-1 }\nmodels: {}\n')[0]).toMatch(/^providers.br.access_key_id: a Bedrock provider needs AWS credentials/);
    expect(issuesOf('providers:\n  br: { type: bedrock, region: us-east-1, access_key_id: env:A }\nmodels: {}\n', { A: 'x' })).toEqual(['providers.br.secret_access_key: access_key_id and secret_access_key go together']);
    expect(issuesOf('providers:\n  br: { type: bedrock, region: us-east-1, role_arn: "my-role" }\nmodels: {}\n')[0]).toMatch(/^providers.br.role_arn: a role ARN looks like/);
  });

  it('Vertex AI: a key file that exists and is a service-account key, never quoting its contents', () => {
    expect(issuesOf(`providers:\n  vx: { type: vertex, project: p, credentials_file: ${join(directory, 'missing.json')} }\nmodels: {}\n`)[0]).toMatch(/providers.vx.credentials_file: service-account key .*missing.json: file not found/);
    const notKey = join(directory, 'not-key.json');
    writeFileSync(notKey, JSON.stringify({ type: 'authorized_user', refresh_token: 'very-secret-token' }));
    const issue = issuesOf(`providers:\n  vx: { type: vertex, project: p, credentials_file: ${notKey} }\nmodels: {}\n`)[0] ?? '';
    expect(issue).toMatch(/expected a JSON key with "type": "service_account"/);
    expect(issue).not.toContain('very-secret-token');
    expect(issuesOf('providers:\n  vx: { type: vertex, access_token: env:T }\nmodels: {}\n', { T: 'tok' })).toEqual(['providers.vx.project: a Vertex AI provider needs its project (project, GOOGLE_CLOUD_PROJECT, or a key file with project_id)']);
  });
});
