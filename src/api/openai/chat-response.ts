/**
 * OpenAI Chat Completions responses and stream chunks, both directions:
 * rendering canonical results for our clients, and reading upstream OpenAI-family
 * answers into canonical form (lenient: only what we need, unknown fields ignored).
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason, StreamPart, Usage } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { usageWith } from '../../core/usage.js';

// ---------- rendering (canonical → wire) ----------

export function renderUsage(usage: Usage): Record<string, unknown> {
  const written = (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0);
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0, audio_tokens: usage.audioInputTokens ?? 0, ...(written ? { cache_write_tokens: written } : {}) },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

export function renderChatResponse(response: ChatResponse, id: string, model: string): Record<string, unknown> {
  return {
    id,
    object: 'chat.completion',
    created: response.created,
    model,
    choices: response.choices.map((choice) => ({
      index: choice.index,
      message: {
        role: 'assistant',
        // A withheld answer is null whichever upstream withheld it (some send "", some null).
        content: choice.finishReason === 'content_filter' && !choice.text ? null : choice.text,
        refusal: choice.refusal ?? null,
        ...(choice.toolCalls.length
          ? { tool_calls: choice.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      },
      logprobs: null,
      finish_reason: choice.finishReason === 'error' ? 'stop' : choice.finishReason,
    })),
    usage: response.usage ? renderUsage(response.usage) : null,
    ...(response.systemFingerprint ? { system_fingerprint: response.systemFingerprint } : {}),
  };
}

/** Turns stream parts into `chat.completion.chunk` objects for one client stream. */
export class ChunkRenderer {
  /** The JSON of a text chunk around its index and its text (built on first use). */
  private textHead: string | undefined;
  private textTail: string | undefined;

  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly created: number,
    private readonly includeUsage: boolean,
  ) {}

  /**
   * The JSON of the text chunk render() makes for a text delta, byte for byte, without
   * building the object: only the text is serialised per chunk (most chunks of a stream).
   */
  textChunk(index: number, text: string): string {
    if (this.textHead === undefined) {
      this.textHead = `{"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${JSON.stringify(this.created)},"model":${JSON.stringify(this.model)},"choices":[{"index":`;
      this.textTail = `},"logprobs":null,"finish_reason":null}]${this.includeUsage ? ',"usage":null' : ''}}`;
    }
    return `${this.textHead}${JSON.stringify(index)},"delta":{"content":${JSON.stringify(text)}${this.textTail}`;
  }

  private chunk(choices: unknown[], usage?: Record<string, unknown>): Record<string, unknown> {
    const chunk: Record<string, unknown> = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
    if (this.includeUsage) chunk.usage = usage ?? null;
    return chunk;
  }

  /** The chunk for one part, or undefined when the part has no client-visible form. */
  render(part: StreamPart): Record<string, unknown> | undefined {
    switch (part.type) {
      case 'start':
        return this.chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]);
      case 'text-delta':
        return this.chunk([{ index: part.index, delta: { content: part.text }, logprobs: null, finish_reason: null }]);
      case 'refusal-delta':
        return this.chunk([{ index: part.index, delta: { refusal: part.text }, logprobs: null, finish_reason: null }]);
      case 'tool-call-start':
        return this.chunk([
          {
            index: part.index,
            delta: { tool_calls: [{ index: part.toolIndex, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] },
            logprobs: null,
            finish_reason: null,
          },
        ]);
      case 'tool-call-delta':
        return this.chunk([
          { index: part.index, delta: { tool_calls: [{ index: part.toolIndex, function: { arguments: part.argumentsDelta } }] }, logprobs: null, finish_reason: null },
        ]);
      case 'finish':
        return this.chunk([{ index: part.index, delta: {}, logprobs: null, finish_reason: part.finishReason === 'error' ? 'stop' : part.finishReason }]);
      case 'usage':
        return this.includeUsage ? this.chunk([], renderUsage(part.usage)) : undefined;
    }
  }
}

// ---------- reading (wire → canonical) ----------

const usageSchema = z
  .object({
    prompt_tokens: z.number().nullish(),
    completion_tokens: z.number().nullish(),
    prompt_tokens_details: z
      .object({ cached_tokens: z.number().nullish(), cache_write_tokens: z.number().nullish(), audio_tokens: z.number().nullish(), image_tokens: z.number().nullish() })
      .nullish(),
    completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
    /** DeepSeek reports its cache hits here rather than in prompt_tokens_details. */
    prompt_cache_hit_tokens: z.number().nullish(),
  })
  .nullish();

const toolCallSchema = z.object({
  id: z.string(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});

const completionSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: z.number().nullish(),
  system_fingerprint: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema,
});

const chunkSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: z.number().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        delta: z
          .object({
            role: z.string().nullish(),
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().nullish(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema,
});

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** prompt_tokens and completion_tokens are totals; cached, cache-write, audio, image and reasoning counts are parts of them. */
function readUsage(usage: z.infer<typeof usageSchema>): Usage | undefined {
  if (!usage || (usage.prompt_tokens == null && usage.completion_tokens == null)) return undefined;
  const prompt = usage.prompt_tokens_details;
  return usageWith(usage.prompt_tokens ?? 0, usage.completion_tokens ?? 0, {
    cachedInputTokens: prompt?.cached_tokens || usage.prompt_cache_hit_tokens,
    // OpenAI's cache writes have one lifetime: the default (5-minute) write class.
    cacheWrite5mTokens: prompt?.cache_write_tokens,
    audioInputTokens: prompt?.audio_tokens,
    imageInputTokens: prompt?.image_tokens,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens,
  });
}

export function parseOpenAIChatResponse(body: unknown, fallbackModel: string): ChatResponse {
  let wire: z.infer<typeof completionSchema>;
  if (isPlainCompletion(body)) wire = body;
  else {
    const parsed = completionSchema.safeParse(body);
    if (!parsed.success) {
      throw new GatewayError('upstream_bad_response', `upstream answered with a malformed chat completion (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
    }
    wire = parsed.data;
  }
  const response: ChatResponse = {
    model: wire.model ?? fallbackModel,
    created: wire.created ?? Math.floor(Date.now() / 1000),
    choices: wire.choices.map((choice, position) => ({
      index: choice.index ?? position,
      text: choice.message.content ?? null,
      refusal: choice.message.refusal ?? null,
      toolCalls: (choice.message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments ?? '' })),
      finishReason: mapFinishReason(choice.finish_reason),
    })),
  };
  if (wire.id) response.id = wire.id;
  if (wire.system_fingerprint) response.systemFingerprint = wire.system_fingerprint;
  const usage = readUsage(wire.usage);
  if (usage) response.usage = usage;
  return response;
}

const nullishString = (value: unknown): boolean => value == null || typeof value === 'string';
const nullishNumber = (value: unknown): boolean => value == null || typeof value === 'number';
/** What z.number() takes: a number, not NaN and not infinite (JSON's 1e999 parses to Infinity). */
const nullishFinite = (value: unknown): boolean => value == null || (typeof value === 'number' && Number.isFinite(value));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `usage` is what usageSchema takes (checked by hand: see isPlainCompletion). */
function isPlainUsage(usage: unknown): boolean {
  if (usage == null) return true;
  if (!isRecord(usage)) return false;
  if (!nullishFinite(usage.prompt_tokens) || !nullishFinite(usage.completion_tokens) || !nullishFinite(usage.prompt_cache_hit_tokens)) return false;
  const prompt = usage.prompt_tokens_details;
  if (prompt != null) {
    if (!isRecord(prompt)) return false;
    if (!nullishFinite(prompt.cached_tokens) || !nullishFinite(prompt.cache_write_tokens) || !nullishFinite(prompt.audio_tokens) || !nullishFinite(prompt.image_tokens)) return false;
  }
  const completion = usage.completion_tokens_details;
  return completion == null || (isRecord(completion) && nullishFinite(completion.reasoning_tokens));
}

/**
 * Whether a chat completion is the common kind — no tool calls — with every field
 * completionSchema reads of the type it asks for: then it is read as is, without zod (a
 * few per cent of a request's CPU). Anything else goes through completionSchema, which
 * also names what is wrong.
 */
function isPlainCompletion(body: unknown): body is z.infer<typeof completionSchema> {
  if (!isRecord(body)) return false;
  if (!nullishString(body.id) || !nullishString(body.model) || !nullishFinite(body.created) || !nullishString(body.system_fingerprint)) return false;
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const choice of choices as unknown[]) {
    if (!isRecord(choice) || !nullishFinite(choice.index) || !nullishString(choice.finish_reason)) return false;
    const message = choice.message;
    if (!isRecord(message) || !nullishString(message.content) || !nullishString(message.refusal) || message.tool_calls != null) return false;
  }
  return isPlainUsage(body.usage);
}

/**
 * Whether a chunk is the common kind — text deltas, a role, a finish reason, no tool calls
 * and no usage — with every field chunkSchema reads of the type it asks for. Such a chunk
 * is read as is: validating it with zod cost more than everything else a relayed chunk
 * costs the adapter. Anything else (tool calls, usage, a field of the wrong type) goes
 * through chunkSchema, which also names what is wrong.
 */
function isPlainChunk(data: unknown): data is z.infer<typeof chunkSchema> {
  if (!isRecord(data)) return false;
  const chunk = data;
  if (!nullishString(chunk.id) || !nullishString(chunk.model) || !nullishNumber(chunk.created) || chunk.usage != null) return false;
  const choices = chunk.choices;
  if (choices == null) return true;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices as unknown[]) {
    if (!isRecord(choice)) return false;
    const { index, delta, finish_reason: finishReason } = choice;
    if (!nullishNumber(index) || !nullishString(finishReason)) return false;
    if (delta == null) continue;
    if (!isRecord(delta)) return false;
    const { role, content, refusal, tool_calls: toolCalls } = delta;
    if (toolCalls != null || !nullishString(role) || !nullishString(content) || !nullishString(refusal)) return false;
  }
  return true;
}

/** Templates learned per stream at most this often: a server whose chunks all differ costs a few probes, not one per chunk. */
const MAX_TEMPLATES = 4;
const PROBE = '\u0001probe"\\';

/**
 * A text chunk of one stream with its text cut out: `head` + a JSON string + `tail`. A
 * server repeats everything but the text from one chunk to the next (id, model, created,
 * index, finish_reason null), so a later chunk that starts with `head` and ends with `tail`,
 * with exactly one JSON string between them, is that chunk with another text — read by
 * parsing only the string (JSON is compositional: the string sits where the text sat).
 */
interface TextTemplate {
  head: string;
  tail: string;
  index: number;
}

/** Where the one `"content"` value of `raw` starts and ends (its quotes included), or undefined. */
function contentLiteral(raw: string): { start: number; end: number } | undefined {
  const key = raw.indexOf('"content"');
  if (key === -1 || raw.indexOf('"content"', key + 1) !== -1) return undefined;
  let at = key + 9;
  while (raw.charCodeAt(at) === 32) at++;
  if (raw.charCodeAt(at) !== 58) return undefined; // ':'
  at++;
  while (raw.charCodeAt(at) === 32) at++;
  if (raw.charCodeAt(at) !== 34) return undefined; // '"'
  const start = at;
  for (at = start + 1; at < raw.length; at++) {
    const code = raw.charCodeAt(at);
    if (code === 92) at++; // a backslash escapes the next character
    else if (code === 34) return { start, end: at + 1 };
  }
  return undefined;
}

/** Reads upstream chunks of one stream into parts; keeps the per-stream state. */
export class ChunkReader {
  private started = false;
  private readonly toolCallsSeen = new Set<string>();
  private template: TextTemplate | undefined;
  private templatesLearned = 0;

  constructor(private readonly fallbackModel: string) {}

  /**
   * The parts of a chunk that is the learned text chunk but for its text (see TextTemplate):
   * a text delta, null for an empty text, or undefined when it is not (then parse it whole
   * and call read).
   */
  readTemplated(raw: string): StreamPart | null | undefined {
    const template = this.template;
    if (!template) return undefined;
    const { head, tail } = template;
    // Slices compared with === (a flat memory compare): several times cheaper than startsWith and endsWith.
    if (raw.length < head.length + tail.length + 2 || raw.slice(0, head.length) !== head || raw.slice(raw.length - tail.length) !== tail) return undefined;
    const literal = raw.slice(head.length, raw.length - tail.length);
    if (literal.length < 2 || literal.charCodeAt(0) !== 34 || literal.charCodeAt(literal.length - 1) !== 34) return undefined;
    let text: unknown;
    try {
      // Throws unless `literal` is exactly one JSON value (`"a","x":"b"` is not).
      text = JSON.parse(literal);
    } catch {
      return undefined;
    }
    if (typeof text !== 'string') return undefined;
    return text ? { type: 'text-delta', index: template.index, text } : null;
  }

  /**
   * Remember a whole-parsed chunk (`data` is JSON.parse(raw)) as the template of later
   * ones when it is a plain text chunk of one choice: text only, no finish, no usage, no
   * error. The template is checked by parsing it with a probe text, which must come back
   * as that choice's text.
   */
  private learn(raw: string, data: z.infer<typeof chunkSchema>): void {
    if (this.templatesLearned >= MAX_TEMPLATES) return;
    const choice = data.choices?.length === 1 ? data.choices[0] : undefined;
    const delta = choice?.delta;
    if (!choice || choice.finish_reason != null || typeof delta?.content !== 'string' || delta.refusal != null || delta.tool_calls != null) return;
    if ((data as { error?: unknown }).error != null) return;
    const at = contentLiteral(raw);
    if (!at) return;
    this.templatesLearned++;
    const head = raw.slice(0, at.start);
    const tail = raw.slice(at.end);
    let probe: unknown;
    try {
      probe = JSON.parse(`${head}${JSON.stringify(PROBE)}${tail}`);
    } catch {
      return;
    }
    if (!isPlainChunk(probe) || (probe as { error?: unknown }).error != null || probe.choices?.length !== 1) return;
    const probed = probe.choices[0];
    if (probed?.delta?.content !== PROBE || probed.delta.refusal != null || probed.finish_reason != null || (probed.index ?? 0) !== (choice.index ?? 0)) return;
    this.template = { head, tail, index: choice.index ?? 0 };
  }

  /** The parts of one parsed chunk; with its `raw` text, a plain text chunk becomes the template of later ones. */
  read(data: unknown, raw?: string): StreamPart[] {
    let chunk: z.infer<typeof chunkSchema>;
    if (isPlainChunk(data)) chunk = data;
    else {
      const parsed = chunkSchema.safeParse(data);
      if (!parsed.success) {
        throw new GatewayError('upstream_bad_response', `upstream sent a malformed stream chunk (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
      }
      chunk = parsed.data;
    }
    const parts: StreamPart[] = [];
    if (!this.started) {
      this.started = true;
      parts.push({ type: 'start', ...(chunk.id ? { id: chunk.id } : {}), model: chunk.model ?? this.fallbackModel, created: chunk.created ?? Math.floor(Date.now() / 1000) });
    }
    for (const choice of chunk.choices ?? []) {
      const index = choice.index ?? 0;
      const delta = choice.delta;
      if (delta?.content) parts.push({ type: 'text-delta', index, text: delta.content });
      if (delta?.refusal) parts.push({ type: 'refusal-delta', index, text: delta.refusal });
      for (const call of delta?.tool_calls ?? []) {
        const toolIndex = call.index ?? 0;
        const key = `${index}:${toolIndex}`;
        if (!this.toolCallsSeen.has(key)) {
          this.toolCallsSeen.add(key);
          parts.push({ type: 'tool-call-start', index, toolIndex, id: call.id ?? `call_${index}_${toolIndex}`, name: call.function?.name ?? '' });
        }
        const argumentsDelta = call.function?.arguments;
        if (argumentsDelta) parts.push({ type: 'tool-call-delta', index, toolIndex, argumentsDelta });
      }
      if (choice.finish_reason) parts.push({ type: 'finish', index, finishReason: mapFinishReason(choice.finish_reason) });
    }
    const usage = readUsage(chunk.usage);
    if (usage) parts.push({ type: 'usage', usage });
    if (raw !== undefined && this.started && usage === undefined) this.learn(raw, chunk);
    return parts;
  }
}
