/**
 * An API format clients speak to us (OpenAI Chat Completions, Anthropic Messages). The
 * chat pipeline is the same for all of them; a format only parses requests into the
 * canonical type and renders canonical results, streams and errors back.
 */
import type { GatewayError } from '../core/errors.js';
import type { ChatRequest, ChatResponse, StreamPart, Usage } from '../core/types.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ResponseContext {
  /** Our id for this request (also x-request-id). */
  requestId: string;
  usage: Usage | undefined;
  costUsd: number;
}

/** Renders one client stream; created once the upstream stream has started. */
export interface StreamRenderer {
  /** SSE text for one part, or undefined when the part has no client-visible form. */
  part(part: StreamPart): string | undefined;
  /** The closing events of a complete stream (usage, cost, end marker). */
  finish(usage: Usage, costUsd: number): string;
  /** The event that ends a broken stream: explicit, never mistakable for a clean end. */
  error(error: GatewayError): string;
}

export interface InboundChatFormat {
  name: string;
  /** `strict` (server.strict_params) refuses fields and values the gateway does not model, instead of passing them on. */
  parseRequest(body: unknown, options: { strict: boolean }): ChatRequest;
  renderResponse(response: ChatResponse, context: ResponseContext): string;
  createStreamRenderer(context: { requestId: string; request: ChatRequest; fallbackModel: string }): StreamRenderer;
  renderError(error: GatewayError): RenderedError;
}
