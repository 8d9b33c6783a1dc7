/**
 * Gemini GenerateContentResponse (whole, or one stream chunk) → canonical. Lenient: empty
 * fields are often left out by Google (a SAFETY candidate has no content at all).
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason, StreamPart, ToolCall, Usage } from '../../core/types.js';
import { derivedToolCallId } from '../../core/ids.js';
import { GatewayError } from '../../core/errors.js';
import { usageWith } from '../../core/usage.js';

const partSchema = z.object({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  functionCall: z.object({ id: z.string().nullish(), name: z.string(), args: z.unknown().optional() }).nullish(),
});

const modalityCounts = z.array(z.object({ modality: z.string().nullish(), tokenCount: z.number().nullish() })).nullish();

const usageSchema = z.object({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
  promptTokensDetails: modalityCounts,
});

export const responseSchema = z.object({
  candidates: z
    .array(z.object({ content: z.object({ parts: z.array(partSchema).nullish() }).nullish(), finishReason: z.string().nullish() }))
    .nullish(),
  promptFeedback: z.object({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: usageSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});

type GeminiResponse = z.infer<typeof responseSchema>;

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

export function mapFinishReason(reason: string | null | undefined, calledTools: boolean): FinishReason {
  if (reason && FILTERED.has(reason)) return 'content_filter';
  if (reason === 'MAX_TOKENS') return 'length';
  return calledTools ? 'tool_calls' : 'stop';
}

/**
 * promptTokenCount includes the cached part; thoughts and tool-use prompts are counted apart
 * from candidates and prompt, so they are added to the totals here.
 */
export function readUsage(usage: z.infer<typeof usageSchema> | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const reasoning = usage.thoughtsTokenCount ?? 0;
  const modality = (name: string): number => (usage.promptTokensDetails ?? []).reduce((sum, entry) => sum + (entry.modality === name ? (entry.tokenCount ?? 0) : 0), 0);
  return usageWith((usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0), (usage.candidatesTokenCount ?? 0) + reasoning, {
    cachedInputTokens: usage.cachedContentTokenCount,
    audioInputTokens: modality('AUDIO'),
    imageInputTokens: modality('IMAGE'),
    reasoningTokens: reasoning,
  });
}

export function parseChunk(body: unknown, provider: string): GeminiResponse {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) throw new GatewayError('upstream_bad_response', `provider ${provider} answered with a malformed Gemini response (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
  return parsed.data;
}

/** What identifies a response for derived tool-call ids: Gemini's responseId, else the response itself. */
function idSeedOf(response: GeminiResponse, body: unknown): string {
  return response.responseId ?? JSON.stringify(body);
}

function callsOf(response: GeminiResponse, firstIndex: number, idSeed: string): ToolCall[] {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts.flatMap((part) => (part.functionCall ? [part.functionCall] : [])).map((call, offset) => ({
    id: call.id ?? derivedToolCallId(idSeed, firstIndex + offset),
    name: call.name,
    arguments: JSON.stringify(call.args ?? {}),
  }));
}

function textOf(response: GeminiResponse): string {
  return (response.candidates?.[0]?.content?.parts ?? []).map((part) => (part.thought ? '' : (part.text ?? ''))).join('');
}

export function parseGeminiResponse(body: unknown, fallbackModel: string, provider: string): ChatResponse {
  const response = parseChunk(body, provider);
  const candidate = response.candidates?.[0];
  const toolCalls = callsOf(response, 0, idSeedOf(response, body));
  // A blocked prompt has no candidate: a content-filter finish, not an error.
  const finishReason: FinishReason = candidate ? mapFinishReason(candidate.finishReason, toolCalls.length > 0) : response.promptFeedback?.blockReason ? 'content_filter' : 'stop';
  const text = textOf(response);
  const result: ChatResponse = {
    model: response.modelVersion ?? fallbackModel,
    created: Math.floor(Date.now() / 1000),
    choices: [{ index: 0, text: text === '' && toolCalls.length ? null : text, toolCalls, finishReason }],
  };
  if (response.responseId) result.id = response.responseId;
  const usage = readUsage(response.usageMetadata);
  if (usage) result.usage = usage;
  return result;
}

/** Reads the chunks of one alt=sse stream; complete once a chunk carried a finish reason. */
export class GeminiChunkReader {
  complete = false;
  private started = false;
  private toolCount = 0;
  private usage: Usage | undefined;
  /** Set by the first chunk: every derived tool-call id of this stream comes from it. */
  private idSeed = '';

  constructor(
    private readonly fallbackModel: string,
    private readonly provider: string,
  ) {}

  read(body: unknown): StreamPart[] {
    const response = parseChunk(body, this.provider);
    const out: StreamPart[] = [];
    if (!this.started) {
      this.started = true;
      this.idSeed = idSeedOf(response, body);
      const prompt = readUsage(response.usageMetadata);
      out.push({
        type: 'start',
        ...(response.responseId ? { id: response.responseId } : {}),
        model: response.modelVersion ?? this.fallbackModel,
        created: Math.floor(Date.now() / 1000),
        ...(prompt && prompt.inputTokens > 0 ? { prompt: { inputTokens: prompt.inputTokens, ...(prompt.cachedInputTokens !== undefined ? { cachedInputTokens: prompt.cachedInputTokens } : {}) } } : {}),
      });
    }
    const text = textOf(response);
    if (text) out.push({ type: 'text-delta', index: 0, text });
    for (const call of callsOf(response, this.toolCount, this.idSeed)) {
      const toolIndex = this.toolCount++;
      out.push({ type: 'tool-call-start', index: 0, toolIndex, id: call.id, name: call.name });
      out.push({ type: 'tool-call-delta', index: 0, toolIndex, argumentsDelta: call.arguments });
    }
    // usageMetadata is cumulative: the last one counts.
    this.usage = readUsage(response.usageMetadata) ?? this.usage;
    const candidate = response.candidates?.[0];
    if (candidate?.finishReason || (!candidate && response.promptFeedback?.blockReason)) {
      out.push({ type: 'finish', index: 0, finishReason: candidate ? mapFinishReason(candidate.finishReason, this.toolCount > 0) : 'content_filter' });
      this.complete = true;
    }
    return out;
  }

  /** The usage part that closes a complete stream. */
  finalUsage(): StreamPart[] {
    return this.usage ? [{ type: 'usage', usage: this.usage }] : [];
  }
}

/** Seconds from a google.rpc.RetryInfo detail (retryDelay "7s" or "1.5s"). */
export function retryDelayOf(body: unknown): number | undefined {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    if (typeof delay === 'string' && /^\d+(\.\d+)?s$/.test(delay)) return Number(delay.slice(0, -1));
  }
  return undefined;
}
