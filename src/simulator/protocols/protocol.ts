/**
 * A wire protocol the simulator speaks (OpenAI, Anthropic, Gemini: sibling files). The
 * server picks the first protocol that handles a URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAuth } from '../auth.js';
import type { SimBehaviour, SimulatedModel } from '../types.js';

export interface SimulatorContext {
  models: ReadonlyMap<string, SimulatedModel>;
  /** The server-wide behaviour override (options.behaviour). */
  behaviour: Partial<SimBehaviour>;
  /** Accepted credentials and issued tokens of the cloud protocols. */
  auth: SimAuth;
  /** Anthropic prompt caching: cached prefixes (by hash) and when each expires (ms since epoch). */
  promptCache: Map<string, number>;
}

export interface SimExchange {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  /** Aborts when the client disconnects or the simulator closes. */
  signal: AbortSignal;
  /** 1-based sequence number of this request on this simulator. */
  requestNumber: number;
  context: SimulatorContext;
}

export interface SimulatorProtocol {
  name: string;
  handles(url: URL, method: string): boolean;
  handle(exchange: SimExchange): Promise<void>;
  /** Renders a request no protocol handles (the default protocol only). */
  notFound?(exchange: SimExchange): void;
}
