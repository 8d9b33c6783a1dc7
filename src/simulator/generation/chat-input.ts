/**
 * Protocol-independent chat request and answer. Each protocol (OpenAI, Anthropic, Gemini)
 * converts its wire format to ChatInput and renders ChatAnswer, so the same conversation
 * gets the same answer whichever protocol asks.
 */
import type { TaskCategory } from '../../core/categories.js';

/** A JSON Schema document, read defensively. */
export type JsonSchema = Record<string, unknown>;

export interface SimToolCall {
  id: string;
  name: string;
  /** JSON text. */
  arguments: string;
}

export interface SimMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  text: string;
  imageCount: number;
  toolCalls: SimToolCall[];
  /** Tool results: the call they answer. */
  toolCallId?: string;
  name?: string;
}

export interface SimTool {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export type SimToolChoice = { mode: 'auto' } | { mode: 'none' } | { mode: 'required' } | { mode: 'function'; name: string };

export type SimResponseFormat = { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; name: string; schema: JsonSchema };

export interface ChatInput {
  messages: SimMessage[];
  tools: SimTool[];
  toolChoice: SimToolChoice;
  parallelToolCalls: boolean;
  responseFormat: SimResponseFormat;
  /** The request's max_tokens / max_completion_tokens. */
  maxTokens?: number;
  seed?: number;
  /** Text answers end before the first of these (OpenAI stop, Anthropic stop_sequences, Gemini stopSequences). */
  stopSequences?: string[];
}

/** content_filter: the simulated safety filter (behaviour.safetyBlock) withheld the answer. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatAnswer {
  category: TaskCategory;
  correct: boolean;
  /** Null when the answer is tool calls. */
  content: string | null;
  toolCalls: SimToolCall[];
  finishReason: FinishReason;
  /** The stop sequence that ended the answer (finishReason "stop"). */
  stopSequence?: string;
  usage: { promptTokens: number; completionTokens: number };
}
