/**
 * Calls the gateway the way any client does: POST /v1/chat/completions and
 * /v1/embeddings over HTTP (undici), reading the x-switchyard-* headers for the served
 * model and the cost. Never throws for a failed call: the failure is the outcome.
 */
import { performance } from 'node:perf_hooks';
import { request } from 'undici';

export interface ChatOutcome {
  /** HTTP status; 0 when the connection failed. */
  status: number;
  latencyMs: number;
  answer: string;
  finishReason: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** x-switchyard-model: the model that answered (for a route, the one it chose). */
  servedModel: string | null;
  error: string | null;
}

export interface EmbeddingOutcome {
  status: number;
  vectors: number[][];
  costUsd: number;
  error: string | null;
}

interface ChatBody {
  choices?: Array<{ message?: { content?: unknown; tool_calls?: unknown; refusal?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  error?: { message?: unknown; code?: unknown };
}

interface EmbeddingBody {
  data?: Array<{ embedding?: unknown; index?: unknown }>;
  error?: { message?: unknown };
}

const REQUEST_TIMEOUT_MS = 15 * 60_000;

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function errorText(body: { error?: { message?: unknown; code?: unknown } } | undefined, status: number): string {
  const message = typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${status}`;
  const code = typeof body?.error?.code === 'string' ? ` (${body.error.code})` : '';
  return `${message}${code}`;
}

export class GatewayClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private async post(path: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
    const response = await request(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...extraHeaders, 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
      body: JSON.stringify(body),
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    const text = await response.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = { error: { message: `not JSON: ${text.slice(0, 200)}` } };
    }
    return { status: response.statusCode, headers: response.headers, json };
  }

  /** `simulatorHeader`: the case's answer key for simulated upstreams (x-switchyard-sim; real providers never get it). */
  async chat(body: Record<string, unknown>, simulatorHeader?: string): Promise<ChatOutcome> {
    const started = performance.now();
    const failed = (status: number, error: string): ChatOutcome => ({
      status,
      latencyMs: performance.now() - started,
      answer: '',
      finishReason: null,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      servedModel: null,
      error,
    });
    let response: Awaited<ReturnType<GatewayClient['post']>>;
    try {
      response = await this.post('/v1/chat/completions', { ...body, stream: false }, simulatorHeader ? { 'x-switchyard-sim': simulatorHeader } : {});
    } catch (error) {
      return failed(0, `connection failed: ${(error as Error).message}`);
    }
    const latencyMs = performance.now() - started;
    const json = response.json as ChatBody;
    const costUsd = Number(headerOf(response.headers, 'x-switchyard-cost-usd') ?? 0) || 0;
    const servedModel = headerOf(response.headers, 'x-switchyard-model') || null;
    if (response.status < 200 || response.status >= 300) return { ...failed(response.status, errorText(json, response.status)), latencyMs, costUsd, servedModel };
    const choice = json.choices?.[0];
    const message = choice?.message;
    let answer = typeof message?.content === 'string' ? message.content : '';
    if (answer === '' && typeof message?.refusal === 'string') answer = message.refusal;
    if (answer === '' && message?.tool_calls !== undefined) answer = JSON.stringify(message.tool_calls);
    return {
      status: response.status,
      latencyMs,
      answer,
      finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
      inputTokens: numberOf(json.usage?.prompt_tokens),
      outputTokens: numberOf(json.usage?.completion_tokens),
      costUsd,
      servedModel,
      error: null,
    };
  }

  async embed(model: string, inputs: string[]): Promise<EmbeddingOutcome> {
    let response: Awaited<ReturnType<GatewayClient['post']>>;
    try {
      response = await this.post('/v1/embeddings', { model, input: inputs });
    } catch (error) {
      return { status: 0, vectors: [], costUsd: 0, error: `connection failed: ${(error as Error).message}` };
    }
    const json = response.json as EmbeddingBody;
    const costUsd = Number(headerOf(response.headers, 'x-switchyard-cost-usd') ?? 0) || 0;
    if (response.status < 200 || response.status >= 300) return { status: response.status, vectors: [], costUsd, error: errorText(json, response.status) };
    const vectors: number[][] = [];
    for (const item of json.data ?? []) {
      const index = numberOf(item.index);
      if (Array.isArray(item.embedding)) vectors[index] = item.embedding.map(numberOf);
    }
    if (vectors.length !== inputs.length) return { status: response.status, vectors: [], costUsd, error: `expected ${inputs.length} embeddings, got ${vectors.length}` };
    return { status: response.status, vectors, costUsd, error: null };
  }
}
