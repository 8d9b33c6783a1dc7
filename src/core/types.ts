/**
 * The canonical request, response and stream-part types.
 *
 * Every inbound API format (OpenAI Chat Completions today, Anthropic Messages next)
 * converts into these, and every provider adapter converts out of them, so N inbound
 * formats and M upstream families cost N + M converters instead of N × M.
 */

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A prompt-cache breakpoint (Anthropic's cache_control): cache everything up to here, for 5 minutes (default) or 1 hour. */
export interface CacheControl {
  ttl?: '5m' | '1h';
}

export type ContentPart =
  | { type: 'text'; text: string; cacheControl?: CacheControl }
  | { type: 'image'; url: string; detail?: 'auto' | 'low' | 'high'; cacheControl?: CacheControl };

/**
 * Reasoning a model showed before answering (Anthropic thinking blocks). The signature
 * (or the redacted data) is the upstream's proof of the block: it goes back to the same
 * family verbatim, and to no other.
 */
export type ReasoningBlock = { type: 'thinking'; text: string; signature?: string } | { type: 'redacted'; data: string };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text exactly as the model produced it. */
  arguments: string;
}

export interface Message {
  role: Role;
  /** Plain text, or parts when the message mixes text and images. */
  content: string | ContentPart[] | null;
  name?: string;
  /** Assistant turns that called tools. */
  toolCalls?: ToolCall[];
  /** Tool-result turns: which call this answers. */
  toolCallId?: string;
  /** Assistant turns: the reasoning shown before the content, to be handed back to the same model family. */
  reasoning?: ReasoningBlock[];
  /** A cache breakpoint after this whole message (tool results, tool calls, string content). */
  cacheControl?: CacheControl;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
  strict?: boolean;
  /** A cache breakpoint after the tool definitions up to this one. */
  cacheControl?: CacheControl;
}

/** Extended thinking with a budget of tokens (Anthropic `thinking`, Gemini `thinkingBudget`). */
export type Thinking = { type: 'enabled'; budgetTokens: number } | { type: 'disabled' };

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export interface ChatRequest {
  /** What the client asked for: a model name, a route name, or `provider/model`. */
  model: string;
  messages: Message[];
  stream: boolean;
  /** Ask for a final usage part on streams (OpenAI `stream_options.include_usage`). */
  includeUsage: boolean;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  user?: string;
  metadata?: Record<string, string>;
  n?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  logitBias?: Record<string, number>;
  logprobs?: boolean;
  topLogprobs?: number;
  reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high' | 'none';
  /** Extended thinking as Anthropic-format clients ask for it; reasoningEffort is the OpenAI-format way. */
  thinking?: Thinking;
  topK?: number;
  serviceTier?: string;
  store?: boolean;
  /** Settings the inbound format accepted but could not carry; sent back as x-switchyard-warnings. */
  warnings?: string[];
  /** The client's own request, for an upstream that speaks the same protocol (see NativeRequest). */
  native?: NativeRequest;
}

/** A place in a wire body: `['tools', 10, 'defer_loading']`. */
export type WirePath = (string | number)[];

/** A field (or a block, or a new value of a known field) the canonical request does not carry. */
export interface PassedField {
  path: WirePath;
  value: unknown;
}

/** The wire protocols a client speaks to us, and that an adapter may speak upstream. */
export type WireProtocol = 'anthropic-messages' | 'openai-chat' | 'openai-responses';

/**
 * What the client sent beyond the canonical request. An adapter whose upstream speaks
 * `protocol` forwards `passed` unchanged (the provider accepts or rejects them as its own API
 * does); any other adapter drops them with a warning, or refuses the request when `reject`
 * says losing a field would give a wrong answer.
 */
export interface NativeRequest {
  protocol: WireProtocol;
  /** The body as the client sent it (already validated); adapters of the same protocol start from it. */
  body: Record<string, unknown>;
  passed: PassedField[];
  /** The canonical messages and tools as parsed: when a guard replaced them, the client's own versions no longer apply. */
  messages: Message[];
  tools: ToolDefinition[] | undefined;
  /** Known fields the canonical request has no place for (`top_k`, `thinking`): forwarded natively, a warning elsewhere. */
  knownElsewhere: string[];
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

/**
 * Tokens of one call by the class they are billed at. `inputTokens` and `outputTokens` are
 * the totals; every other class is a part of one of them (so a provider that reports only
 * totals is still billed right, at the plain input and output prices).
 */
export interface Usage {
  /** Every input token, of whatever class. */
  inputTokens: number;
  /** Every output token, reasoning included. */
  outputTokens: number;
  /** Of the input: read from the provider's prompt cache. */
  cachedInputTokens?: number;
  /** Of the input: written to the prompt cache for 5 minutes (Anthropic's default cache lifetime). */
  cacheWrite5mTokens?: number;
  /** Of the input: written to the prompt cache for 1 hour. */
  cacheWrite1hTokens?: number;
  /** Of the input: audio. */
  audioInputTokens?: number;
  /** Of the input: images. */
  imageInputTokens?: number;
  /** Of the output: reasoning (thinking) the model did before answering. */
  reasoningTokens?: number;
}

/** Every class of a Usage as a number: the token columns of the request log. */
export type TokenCounts = Required<Usage>;

/** The prompt's tokens by class, when the upstream reports them as its stream starts (Anthropic's message_start). */
export type PromptUsage = Omit<Usage, 'outputTokens' | 'reasoningTokens'>;

export interface ChatChoice {
  index: number;
  text: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  refusal?: string | null;
  /** Thinking shown before the answer (Anthropic thinking blocks), in order. */
  reasoning?: ReasoningBlock[];
}

export interface ChatResponse {
  /** The upstream's response id, when it gave one. */
  id?: string;
  /** The model name the upstream reported. */
  model: string;
  created: number;
  choices: ChatChoice[];
  usage?: Usage;
  systemFingerprint?: string;
}

/**
 * A stream is a sequence of these parts. Adapters turn upstream events into parts;
 * inbound formats turn parts into their own event format.
 */
export type StreamPart =
  | { type: 'start'; id?: string; model: string; created: number; prompt?: PromptUsage }
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'refusal-delta'; index: number; text: string }
  /** Thinking text; a thinking block ends with its signature part (Anthropic) or when other content starts. */
  | { type: 'reasoning-delta'; index: number; text: string }
  | { type: 'reasoning-signature'; index: number; signature: string }
  | { type: 'reasoning-redacted'; index: number; data: string }
  | { type: 'tool-call-start'; index: number; toolIndex: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; toolIndex: number; argumentsDelta: string }
  | { type: 'finish'; index: number; finishReason: FinishReason }
  | { type: 'usage'; usage: Usage };

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  encodingFormat: 'float' | 'base64';
  user?: string;
}

export interface EmbeddingResponse {
  model: string;
  vectors: number[][];
  usage: { inputTokens: number };
}
