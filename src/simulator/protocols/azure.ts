/**
 * Azure OpenAI: /openai/deployments/{deployment}/chat/completions and /embeddings, with
 * the api-version query parameter required and checked, auth by `api-key` header (any
 * value) or a bearer token this simulator's Entra ID endpoint issued and that has not
 * expired. Bodies are OpenAI's (the deployment names the model); answers add Azure's
 * content-filter annotations, and a safety block is Azure's 400 content_filter refusal.
 * Errors are {"error":{"code","message"}}.
 */
import { SimHeaderError } from '../behaviour.js';
import { embedText } from '../generation/embeddings.js';
import { sendJson } from '../http-io.js';
import { countTextTokens } from '../tokens.js';
import { chatModel, embeddingModel, prepareAnswer } from './answer-steps.js';
import { awaitGeneration, injectFaults, readJsonBody, resolveBehaviour, retryAfterHeader, SimRequestError } from './exchange.js';
import { chatCompletionRequest, embeddingsRequest, paramOf, toChatInput } from './openai-api.js';
import { completionBody, completionMeta } from './openai-render.js';
import { streamAnswer } from './openai-stream.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;
/** GA versions; any dated -preview version from 2024 on is accepted too. */
const GA_VERSIONS = new Set(['2023-05-15', '2024-02-01', '2024-06-01', '2024-10-21']);

const FILTER_RESULTS = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

class AzureError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const azureProtocol: SimulatorProtocol = {
  name: 'azure-openai',
  handles: (url) => url.pathname.startsWith('/openai/'),
  async handle(exchange) {
    try {
      await route(exchange);
    } catch (error) {
      if (error instanceof AzureError) sendJson(exchange.response, error.status, { error: { code: error.code, message: error.message, ...error.extra } });
      else if (error instanceof SimRequestError) sendJson(exchange.response, error.status, { error: { code: error.status === 404 ? 'DeploymentNotFound' : 'BadRequest', message: error.message } });
      else if (error instanceof SimHeaderError) sendJson(exchange.response, 400, { error: { code: 'BadRequest', message: error.message } });
      else sendJson(exchange.response, 500, { error: { code: 'InternalServerError', message: `Simulator failure: ${error instanceof Error ? error.message : String(error)}` } });
    }
  },
};

async function route(exchange: SimExchange): Promise<void> {
  const match = DEPLOYMENT_PATH.exec(exchange.url.pathname);
  if (!match || exchange.request.method !== 'POST') throw new AzureError(404, '404', 'Resource not found');
  const version = exchange.url.searchParams.get('api-version');
  if (!version) throw new AzureError(404, '404', 'Resource not found');
  if (!GA_VERSIONS.has(version) && !/^20(2[4-9])-\d{2}-\d{2}-preview$/.test(version)) throw new AzureError(400, 'BadRequest', 'API version not supported');
  authenticate(exchange);
  const deployment = decodeURIComponent(match[1] ?? '');
  if (match[2] === 'embeddings') return embeddings(exchange, deployment);
  return chat(exchange, deployment);
}

function authenticate(exchange: SimExchange): void {
  const key = exchange.request.headers['api-key'];
  if (typeof key === 'string' && key.trim() !== '') return;
  const bearer = /^Bearer\s+(\S+)/i.exec(exchange.request.headers.authorization ?? '')?.[1];
  const state = exchange.context.auth.checkToken(bearer);
  if (state === 'valid') return;
  if (bearer === undefined) {
    throw new AzureError(401, '401', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.');
  }
  throw new AzureError(401, '401', 'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.');
}

const notFound = (name: string): string => `The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again. (deployment ${name})`;

function renderFault(exchange: SimExchange) {
  return (status: number, retryAfter: number | undefined): void => {
    const message = status === 429 ? `Requests to the ChatCompletions_Create Operation have exceeded the token rate limit of your current pricing tier. Please retry after ${Math.ceil(retryAfter ?? 1)} seconds. (simulated)` : `Simulated error ${status}.`;
    const headers = { ...retryAfterHeader(retryAfter), ...(retryAfter !== undefined ? { 'retry-after-ms': String(Math.round(retryAfter * 1000)) } : {}) };
    sendJson(exchange.response, status, { error: { code: String(status), message } }, headers);
  };
}

async function chat(exchange: SimExchange, deployment: string): Promise<void> {
  const { body, raw } = await readJsonBody(
    exchange,
    chatCompletionRequest,
    (issue) => `Invalid value at '${paramOf(issue.path)}': ${issue.message}`,
    (parsed) => (parsed !== null && typeof parsed === 'object' ? { ...parsed, model: deployment } : parsed),
  );
  const model = chatModel(exchange, deployment, notFound);
  const input = toChatInput(body);
  if (input.tools.length > 0 && !model.capabilities.tools) throw new AzureError(400, 'BadRequest', `The deployment ${deployment} does not support tools.`);
  const prepared = await prepareAnswer(exchange, model, input, raw, {
    tooLong: (tokens, window) => `This model's maximum context length is ${window} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
    renderFault: renderFault(exchange),
  });
  if (!prepared) return;
  const { answer, behaviour, headers } = prepared;
  if (answer.finishReason === 'content_filter') {
    throw new AzureError(400, 'content_filter', "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. (simulated)", {
      param: 'prompt',
      status: 400,
      innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { ...FILTER_RESULTS, violence: { filtered: true, severity: 'high' } } },
    });
  }
  const meta = completionMeta(model.name);
  const azureHeaders = { ...headers, 'apim-request-id': crypto.randomUUID(), 'x-ms-region': 'Sweden Central' };
  if (body.stream) {
    await streamAnswer(exchange.response, answer, { meta, includeUsage: body.stream_options?.include_usage === true, behaviour, signal: exchange.signal, headers: azureHeaders });
    return;
  }
  if (!(await awaitGeneration(exchange, behaviour, answer.usage.completionTokens))) return;
  const completion = completionBody(meta, answer);
  const choices = (completion.choices as Array<Record<string, unknown>>).map((choice) => ({ ...choice, content_filter_results: FILTER_RESULTS }));
  sendJson(exchange.response, 200, { ...completion, choices, prompt_filter_results: [{ prompt_index: 0, content_filter_results: FILTER_RESULTS }] }, azureHeaders);
}

async function embeddings(exchange: SimExchange, deployment: string): Promise<void> {
  const { body, raw } = await readJsonBody(
    exchange,
    embeddingsRequest,
    (issue) => `Invalid value at '${paramOf(issue.path)}': ${issue.message}`,
    (parsed) => (parsed !== null && typeof parsed === 'object' ? { ...parsed, model: deployment } : parsed),
  );
  const model = embeddingModel(exchange, deployment, notFound);
  const behaviour = resolveBehaviour(exchange, model);
  const inputs = typeof body.input === 'string' ? [body.input] : body.input.every((item) => typeof item === 'string') ? (body.input as string[]) : undefined;
  if (!inputs || inputs.some((text) => text === '')) throw new AzureError(400, 'BadRequest', "'input' must be a non-empty string or an array of non-empty strings.");
  const dimensions = body.dimensions ?? model.dimensions ?? 1536;
  if (await injectFaults(exchange, behaviour, raw, renderFault(exchange))) return;
  if (!(await awaitGeneration(exchange, behaviour, 0))) return;
  const tokens = inputs.reduce((sum, text) => sum + countTextTokens(text), 0);
  sendJson(exchange.response, 200, {
    object: 'list',
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: embedText(text, dimensions) })),
    model: model.name,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
