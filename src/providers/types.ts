/**
 * The small spec every upstream family implements. Adapters convert canonical requests
 * to their wire format and answers back; the shared UpstreamClient does the I/O.
 */
import type { Deployment, Timeouts } from '../config/load.js';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamPart, WireProtocol } from '../core/types.js';

export interface CallContext {
  deployment: Deployment;
  /** Aborted when the client disconnects; the upstream call is cancelled. */
  signal: AbortSignal;
  /** This call's timeouts: the deployment's, with the total cut to the request deadline. */
  timeouts: Timeouts;
  /** Fault-scripting header for the simulator; never sent to a real provider. */
  simulatorHeader?: string;
  /** W3C trace context of this call's span (tracing on): sent upstream as `traceparent`. */
  traceparent?: string;
}

export interface ProviderAdapter {
  /**
   * The client protocol this upstream speaks natively, if any: a request in that protocol
   * reaches it with the fields the gateway does not model (ChatRequest.native), and every
   * other adapter gets them dropped with a warning before it is called.
   */
  readonly protocol?: WireProtocol;
  chat(request: ChatRequest, context: CallContext): Promise<ChatResponse>;
  /**
   * Resolves once the upstream accepted the stream (2xx headers), so failures before the
   * first byte surface as a thrown GatewayError; later failures are thrown by the iterator.
   * The iterator throws rather than ending cleanly when the upstream stream is truncated.
   */
  chatStream(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>>;
  embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResponse>;
  /**
   * What this upstream cannot express. Settings that can be dropped harmlessly come back
   * as warnings (sent to the client in x-switchyard-warnings); settings whose result would
   * be wrong without them make this throw a 400 GatewayError naming the param.
   */
  unsupported?(request: ChatRequest): string[];
  /**
   * The prompt's input tokens as the upstream itself counts them (Anthropic's
   * /v1/messages/count_tokens), for upstreams that offer it; no answer is generated.
   */
  countTokens?(request: ChatRequest, context: CallContext): Promise<number>;
}
