/**
 * Resolution of the providers with their own auth and endpoints — Azure OpenAI, Bedrock,
 * Vertex AI — and of Mistral and Cohere: config values first, then the environment
 * variables their own SDKs read. Every problem becomes a config issue with its path.
 */
import { readFileSync } from 'node:fs';
import type { RawProvider } from './provider-schema.js';
import type { ConfigIssue, Environment } from './load.js';

export interface EntraSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  scope: string;
}

export interface AzureSettings {
  apiVersion: string;
  /** Microsoft Entra ID client credentials; without them the api-key header is used. */
  entra?: EntraSettings;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsSettings {
  region: string;
  /** The base credentials (signing Bedrock calls, or the AssumeRole call when a role is set). */
  credentials: AwsCredentials;
  assumeRole?: { roleArn: string; sessionName: string; externalId?: string; stsUrl: string };
  guardrail?: { identifier: string; version: string; trace?: 'enabled' | 'disabled' };
}

export interface GoogleServiceAccount {
  clientEmail: string;
  /** PEM PKCS#8 private key. */
  privateKey: string;
  tokenUri: string;
  privateKeyId?: string;
}

export interface VertexSettings {
  project: string;
  location: string;
  serviceAccount?: GoogleServiceAccount;
  /** A ready OAuth access token, used as is. */
  accessToken?: string;
}

export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
export const DEFAULT_ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
export const AZURE_COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** What resolving one cloud or native provider produces; load.ts adds the shared fields. */
export interface ResolvedEndpoint {
  baseUrl: string;
  apiKey: string | undefined;
  azure?: AzureSettings;
  aws?: AwsSettings;
  vertex?: VertexSettings;
}

type CloudRaw = Extract<RawProvider, { type: 'azure-openai' | 'bedrock' | 'vertex' | 'mistral' | 'cohere' }>;

export interface ResolveTools {
  env: Environment;
  issues: ConfigIssue[];
  /** Resolves an env:NAME reference (recording the value as a secret); undefined and an issue when unset. */
  secret(reference: string | undefined, path: string): string | undefined;
  /** Records a value read from the environment or a file as a secret. */
  remember(value: string): void;
}

export function resolveCloudEndpoint(raw: CloudRaw, path: string, tools: ResolveTools): ResolvedEndpoint | undefined {
  switch (raw.type) {
    case 'azure-openai':
      return resolveAzure(raw, path, tools);
    case 'bedrock':
      return resolveBedrock(raw, path, tools);
    case 'vertex':
      return resolveVertex(raw, path, tools);
    case 'mistral':
      return { baseUrl: raw.base_url ?? tools.env.MISTRAL_BASE_URL ?? 'https://api.mistral.ai/v1', apiKey: tools.secret(raw.api_key, `${path}.api_key`) };
    case 'cohere':
      return { baseUrl: raw.base_url ?? tools.env.COHERE_BASE_URL ?? 'https://api.cohere.com', apiKey: tools.secret(raw.api_key, `${path}.api_key`) };
  }
}

function resolveAzure(raw: Extract<CloudRaw, { type: 'azure-openai' }>, path: string, tools: ResolveTools): ResolvedEndpoint | undefined {
  const endpoint = raw.endpoint ?? tools.env.AZURE_OPENAI_ENDPOINT;
  if (!endpoint) {
    tools.issues.push({ path: `${path}.endpoint`, message: 'an Azure OpenAI provider needs its resource endpoint (endpoint, or AZURE_OPENAI_ENDPOINT)' });
    return undefined;
  }
  if (raw.api_key && raw.entra) {
    tools.issues.push({ path: `${path}.entra`, message: 'give either api_key or entra, not both' });
    return undefined;
  }
  if (!raw.api_key && !raw.entra) {
    tools.issues.push({ path: `${path}.api_key`, message: 'an Azure OpenAI provider needs api_key (env:NAME) or entra client credentials' });
    return undefined;
  }
  const apiVersion = raw.api_version ?? tools.env.OPENAI_API_VERSION ?? DEFAULT_AZURE_API_VERSION;
  const azure: AzureSettings = { apiVersion };
  if (raw.entra) {
    const clientSecret = tools.secret(raw.entra.client_secret, `${path}.entra.client_secret`);
    if (clientSecret === undefined) return undefined;
    azure.entra = {
      tenantId: raw.entra.tenant_id,
      clientId: raw.entra.client_id,
      clientSecret,
      authorityHost: (raw.entra.authority_host ?? DEFAULT_ENTRA_AUTHORITY).replace(/\/+$/, ''),
      scope: raw.entra.scope ?? AZURE_COGNITIVE_SCOPE,
    };
  }
  return { baseUrl: endpoint, apiKey: tools.secret(raw.api_key, `${path}.api_key`), azure };
}

function resolveBedrock(raw: Extract<CloudRaw, { type: 'bedrock' }>, path: string, tools: ResolveTools): ResolvedEndpoint | undefined {
  const { env } = tools;
  const region = raw.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    tools.issues.push({ path: `${path}.region`, message: 'a Bedrock provider needs a region (region, or AWS_REGION)' });
    return undefined;
  }
  const fromConfig = raw.access_key_id !== undefined || raw.secret_access_key !== undefined;
  const accessKeyId = fromConfig ? tools.secret(raw.access_key_id, `${path}.access_key_id`) : env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = fromConfig ? tools.secret(raw.secret_access_key, `${path}.secret_access_key`) : env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = raw.session_token ? tools.secret(raw.session_token, `${path}.session_token`) : fromConfig ? undefined : env.AWS_SESSION_TOKEN;
  if (fromConfig && (raw.access_key_id === undefined || raw.secret_access_key === undefined)) {
    tools.issues.push({ path: `${path}.${raw.access_key_id === undefined ? 'access_key_id' : 'secret_access_key'}`, message: 'access_key_id and secret_access_key go together' });
    return undefined;
  }
  if (!accessKeyId || !secretAccessKey) {
    if (!fromConfig) tools.issues.push({ path: `${path}.access_key_id`, message: 'a Bedrock provider needs AWS credentials: access_key_id and secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment' });
    return undefined;
  }
  if (!fromConfig) {
    tools.remember(secretAccessKey);
    if (sessionToken) tools.remember(sessionToken);
  }
  const aws: AwsSettings = { region, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
  if (raw.role_arn) {
    aws.assumeRole = {
      roleArn: raw.role_arn,
      sessionName: raw.role_session_name ?? 'switchyard',
      ...(raw.external_id ? { externalId: raw.external_id } : {}),
      stsUrl: (raw.sts_url ?? `https://sts.${region}.amazonaws.com`).replace(/\/+$/, ''),
    };
  }
  if (raw.guardrail) aws.guardrail = { identifier: raw.guardrail.identifier, version: raw.guardrail.version, ...(raw.guardrail.trace ? { trace: raw.guardrail.trace } : {}) };
  return { baseUrl: raw.base_url ?? `https://bedrock-runtime.${region}.amazonaws.com`, apiKey: undefined, aws };
}

function resolveVertex(raw: Extract<CloudRaw, { type: 'vertex' }>, path: string, tools: ResolveTools): ResolvedEndpoint | undefined {
  const { env } = tools;
  let serviceAccount: (GoogleServiceAccount & { projectId?: string }) | undefined;
  let accessToken: string | undefined;
  if (raw.access_token) {
    accessToken = tools.secret(raw.access_token, `${path}.access_token`);
    if (accessToken === undefined) return undefined;
  } else {
    const file = raw.credentials_file ?? env.GOOGLE_APPLICATION_CREDENTIALS;
    if (!file) {
      tools.issues.push({ path: `${path}.credentials_file`, message: 'a Vertex AI provider needs a service-account key (credentials_file, or GOOGLE_APPLICATION_CREDENTIALS) or access_token' });
      return undefined;
    }
    serviceAccount = readServiceAccount(file, `${path}.credentials_file`, tools.issues);
    if (!serviceAccount) return undefined;
    tools.remember(serviceAccount.privateKey);
  }
  const project = raw.project ?? env.GOOGLE_CLOUD_PROJECT ?? serviceAccount?.projectId;
  if (!project) {
    tools.issues.push({ path: `${path}.project`, message: 'a Vertex AI provider needs its project (project, GOOGLE_CLOUD_PROJECT, or a key file with project_id)' });
    return undefined;
  }
  const location = raw.location ?? env.GOOGLE_CLOUD_LOCATION ?? 'us-central1';
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  const vertex: VertexSettings = { project, location };
  if (serviceAccount) {
    const { projectId: _projectId, ...account } = serviceAccount;
    vertex.serviceAccount = account;
  }
  if (accessToken) vertex.accessToken = accessToken;
  return { baseUrl: raw.base_url ?? `https://${host}/v1`, apiKey: undefined, vertex };
}

/** A service-account JSON key file; its path is named in every problem, its contents never. */
export function readServiceAccount(file: string, path: string, issues: ConfigIssue[]): (GoogleServiceAccount & { projectId?: string }) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : error instanceof SyntaxError ? 'not JSON' : 'unreadable';
    issues.push({ path, message: `service-account key ${file}: ${reason}` });
    return undefined;
  }
  const key = parsed as Record<string, unknown>;
  if (key.type !== 'service_account' || typeof key.client_email !== 'string' || typeof key.private_key !== 'string' || !key.private_key.includes('PRIVATE KEY')) {
    issues.push({ path, message: `service-account key ${file}: expected a JSON key with "type": "service_account", client_email and private_key` });
    return undefined;
  }
  return {
    clientEmail: key.client_email,
    privateKey: key.private_key,
    tokenUri: typeof key.token_uri === 'string' ? key.token_uri : GOOGLE_TOKEN_URI,
    ...(typeof key.private_key_id === 'string' ? { privateKeyId: key.private_key_id } : {}),
    ...(typeof key.project_id === 'string' ? { projectId: key.project_id } : {}),
  };
}
