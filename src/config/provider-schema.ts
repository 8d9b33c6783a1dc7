/**
 * The `providers:` entries, one strict object per upstream family. Credentials are secret
 * references (`env:NAME`); the cloud families (Azure OpenAI, Bedrock, Vertex AI) take their
 * own auth settings.
 */
import { z } from 'zod';
import { secretReference, timeoutsSchema } from './schema-common.js';

const simBehaviourSchema = z
  .strictObject({
    ttft_ms: z.number().nonnegative().optional(),
    tokens_per_second: z.number().positive().optional(),
    max_answer_tokens: z.number().int().positive().optional(),
    error_rate: z.number().min(0).max(1).optional(),
    error_status: z.number().int().min(400).max(599).optional(),
    retry_after_seconds: z.number().nonnegative().optional(),
    break_after_tokens: z.number().int().nonnegative().optional().describe('Cut every stream after this many tokens (fault scripting for recovery tests and demos).'),
    hang: z.boolean().optional().describe('Accept requests and never answer (fault scripting).'),
    slow_rate: z.number().min(0).max(1).optional().describe('Share of requests (0..1) that wait slow_ttft_ms instead of ttft_ms: a slow tail.'),
    slow_ttft_ms: z.number().nonnegative().optional().describe('Time to first token of the slow tail.'),
    safety_block: z.boolean().optional().describe("Answer every request with the protocol's content-filter refusal (fault scripting)."),
  })
  .describe('Simulator behaviour applied to every simulated model of this provider.');

export const PROTOCOLS = ['openai', 'anthropic', 'gemini', 'azure-openai', 'bedrock', 'vertex', 'mistral', 'cohere'] as const;

const headers = z.record(z.string(), z.string()).optional().describe('Extra headers sent upstream.');

const azureSchema = z
  .strictObject({
    type: z.literal('azure-openai'),
    endpoint: z.url().optional().describe('The resource endpoint, https://<resource>.openai.azure.com (default AZURE_OPENAI_ENDPOINT). Models name their deployment in upstream_model.'),
    api_version: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'an api-version looks like 2024-10-21 or 2025-04-01-preview')
      .optional()
      .describe('The api-version query parameter (default 2024-10-21, or OPENAI_API_VERSION).'),
    api_key: secretReference.optional().describe('Sent as the api-key header. Give this or entra.'),
    entra: z
      .strictObject({
        tenant_id: z.string().min(1).describe('The Microsoft Entra tenant (directory) id.'),
        client_id: z.string().min(1).describe('The app registration (service principal) client id.'),
        client_secret: secretReference.describe('The client secret.'),
        authority_host: z.url().optional().describe('Default https://login.microsoftonline.com.'),
        scope: z.string().min(1).optional().describe('Default https://cognitiveservices.azure.com/.default.'),
      })
      .optional()
      .describe('Microsoft Entra ID client credentials: bearer tokens are fetched, cached and refreshed before they expire.'),
    headers,
    timeouts: timeoutsSchema.optional(),
  })
  .describe('Azure OpenAI: deployments under a resource endpoint, with api-version, an api-key or Entra ID tokens.');

const bedrockSchema = z
  .strictObject({
    type: z.literal('bedrock'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region looks like us-east-1').optional().describe('Default AWS_REGION, then AWS_DEFAULT_REGION.'),
    base_url: z.url().optional().describe('Default https://bedrock-runtime.<region>.amazonaws.com.'),
    access_key_id: secretReference.optional().describe('Default AWS_ACCESS_KEY_ID.'),
    secret_access_key: secretReference.optional().describe('Default AWS_SECRET_ACCESS_KEY.'),
    session_token: secretReference.optional().describe('Default AWS_SESSION_TOKEN, when set.'),
    role_arn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'a role ARN looks like arn:aws:iam::123456789012:role/name').optional().describe('Assume this role (STS AssumeRole, signed with the credentials above); its temporary credentials are cached and renewed before they expire.'),
    role_session_name: z.string().regex(/^[\w+=,.@-]{2,64}$/).optional().describe('Default switchyard.'),
    external_id: z.string().min(2).optional(),
    sts_url: z.url().optional().describe('Default https://sts.<region>.amazonaws.com.'),
    guardrail: z
      .strictObject({
        identifier: z.string().min(1),
        version: z.string().min(1),
        trace: z.enum(['enabled', 'disabled']).optional(),
      })
      .optional()
      .describe('A Bedrock guardrail applied to every call; an intervention ends the answer with finish_reason content_filter.'),
    headers,
    timeouts: timeoutsSchema.optional(),
  })
  .describe('Amazon Bedrock over the Converse / ConverseStream APIs (Claude, Llama, Mistral, Nova…), signed with AWS Signature V4; embeddings through InvokeModel (Titan, Cohere).');

const vertexSchema = z
  .strictObject({
    type: z.literal('vertex'),
    project: z.string().min(1).optional().describe("The Google Cloud project (default GOOGLE_CLOUD_PROJECT, then the service account's project_id)."),
    location: z.string().min(1).optional().describe('The region, e.g. us-central1, or global (default GOOGLE_CLOUD_LOCATION, then us-central1).'),
    base_url: z.url().optional().describe('Default https://<location>-aiplatform.googleapis.com/v1 (https://aiplatform.googleapis.com/v1 for global).'),
    credentials_file: z.string().min(1).optional().describe('Path of a service-account JSON key (default GOOGLE_APPLICATION_CREDENTIALS): a signed JWT is exchanged for OAuth tokens, cached and refreshed.'),
    access_token: secretReference.optional().describe('An OAuth access token to send as is (e.g. from `gcloud auth print-access-token`), instead of a key file.'),
    headers,
    timeouts: timeoutsSchema.optional(),
  })
  .describe('Google Vertex AI: Gemini models (generateContent) and Anthropic models (rawPredict) on the regional endpoint, with service-account or token auth.');

const mistralSchema = z
  .strictObject({
    type: z.literal('mistral'),
    base_url: z.url().optional().describe('Default https://api.mistral.ai/v1 (or MISTRAL_BASE_URL).'),
    api_key: secretReference.optional(),
    headers,
    timeouts: timeoutsSchema.optional(),
  })
  .describe("Mistral's own API: chat completions with its tool-call and JSON modes, and embeddings.");

const cohereSchema = z
  .strictObject({
    type: z.literal('cohere'),
    base_url: z.url().optional().describe('Default https://api.cohere.com (or COHERE_BASE_URL); the adapter calls /v2/chat and /v2/embed.'),
    api_key: secretReference.optional(),
    headers,
    timeouts: timeoutsSchema.optional(),
  })
  .describe('Cohere: Chat v2 and Embed v2.');

const openaiApi = z
  .enum(['chat_completions', 'responses'])
  .describe('Which OpenAI API the gateway calls: chat_completions (default) or responses (for models served only there; requests of every client format are translated).');

export const providerSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('openai'),
      base_url: z.url().optional().describe('Default https://api.openai.com/v1 (or OPENAI_BASE_URL).'),
      api_key: secretReference.optional(),
      organization: z.string().optional(),
      project: z.string().optional(),
      api: openaiApi.optional(),
      headers: z.record(z.string(), z.string()).optional().describe('Extra headers sent upstream.'),
      timeouts: timeoutsSchema.optional(),
    })
    .describe('OpenAI, over the Chat Completions API or the Responses API.'),
  z
    .strictObject({
      type: z.literal('openai-compatible'),
      base_url: z.url().describe('The server base URL including /v1, e.g. http://127.0.0.1:8000/v1 for vLLM.'),
      api_key: secretReference.optional(),
      headers: z.record(z.string(), z.string()).optional(),
      timeouts: timeoutsSchema.optional(),
      stream_usage: z
        .boolean()
        .optional()
        .describe('Whether the server understands stream_options.include_usage (default true).'),
    })
    .describe('Any server speaking the OpenAI Chat Completions protocol: DeepSeek, Mistral, Groq, Together, OpenRouter, vLLM, Ollama, LM Studio.'),
  z
    .strictObject({
      type: z.literal('anthropic'),
      base_url: z.url().optional().describe('Default https://api.anthropic.com/v1 (or ANTHROPIC_BASE_URL).'),
      api_key: secretReference.optional(),
      headers: z.record(z.string(), z.string()).optional().describe('Extra headers sent upstream (e.g. anthropic-beta).'),
      timeouts: timeoutsSchema.optional(),
    })
    .describe('Anthropic, over the Messages API.'),
  z
    .strictObject({
      type: z.literal('gemini'),
      base_url: z.url().optional().describe('Default https://generativelanguage.googleapis.com/v1beta (or GEMINI_BASE_URL).'),
      api_key: secretReference.optional(),
      headers: z.record(z.string(), z.string()).optional(),
      timeouts: timeoutsSchema.optional(),
    })
    .describe('Google Gemini, over generateContent / streamGenerateContent.'),
  z
    .strictObject({
      type: z.literal('simulator'),
      protocol: z.enum(PROTOCOLS).optional().describe('Wire protocol the gateway speaks to this simulator (default openai); the cloud protocols get simulated credentials (SigV4 keys, a service account, an api-key).'),
      api: openaiApi.optional().describe('With protocol openai: which OpenAI API the gateway calls on the simulator (default chat_completions).'),
      behaviour: simBehaviourSchema.optional(),
      timeouts: timeoutsSchema.optional(),
    })
    .describe('The built-in simulator: a loopback HTTP server speaking the provider wire protocol, started with the gateway.'),
  azureSchema,
  bedrockSchema,
  vertexSchema,
  mistralSchema,
  cohereSchema,
]);

export type RawProvider = z.infer<typeof providerSchema>;

