/**
 * The simulator's HTTP server on loopback. It owns connections and per-request abort
 * signals; protocols own the wire formats.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimAuth } from './auth.js';
import { anthropicProtocol } from './protocols/anthropic.js';
import { batchStateOf, batchesProtocol } from './protocols/batches.js';
import { stsProtocol } from './protocols/aws-sts.js';
import { azureProtocol } from './protocols/azure.js';
import { bedrockProtocol } from './protocols/bedrock.js';
import { cohereProtocol } from './protocols/cohere.js';
import { geminiProtocol } from './protocols/gemini.js';
import { mistralProtocol } from './protocols/mistral.js';
import { oauthProtocol } from './protocols/oauth.js';
import { openaiProtocol } from './protocols/openai.js';
import { vertexProtocol } from './protocols/vertex.js';
import type { SimExchange, SimulatorContext, SimulatorProtocol } from './protocols/protocol.js';
import type { RunningSimulator, SimulatorOptions } from './types.js';

/**
 * First match wins: the batch APIs (OpenAI's files and batches, Anthropic's message batches), Anthropic's /v1/messages and Vertex AI's /v1/projects/ before OpenAI's
 * /v1/ prefix; Gemini owns /v1beta/, Azure /openai/, Bedrock /model/, Mistral /mistral/v1/,
 * Cohere /v2/; the token endpoints and STS their own paths.
 */
const PROTOCOLS: readonly SimulatorProtocol[] = [
  batchesProtocol,
  anthropicProtocol,
  geminiProtocol,
  vertexProtocol,
  azureProtocol,
  bedrockProtocol,
  mistralProtocol,
  cohereProtocol,
  oauthProtocol,
  stsProtocol,
  openaiProtocol,
];
const DEFAULT_PROTOCOL = openaiProtocol;

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const context: SimulatorContext = {
    models: new Map(options.models.map((model) => [model.name, model])),
    behaviour: options.behaviour ?? {},
    auth: new SimAuth(options.credentials),
    promptCache: new Map(),
  };
  const inFlight = new Set<AbortController>();
  let requests = 0;
  let active = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests += 1;
    const controller = new AbortController();
    inFlight.add(controller);
    // 'close' fires when the response is done or the connection went away first.
    response.once('close', () => {
      controller.abort();
      inFlight.delete(controller);
    });
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const exchange: SimExchange = { request, response, url, signal: controller.signal, requestNumber: requests, context };
    const method = request.method ?? 'GET';
    const protocol = PROTOCOLS.find((candidate) => candidate.handles(url, method));
    if (!protocol) {
      DEFAULT_PROTOCOL.notFound?.(exchange);
      return;
    }
    active += 1;
    protocol
      .handle(exchange)
      .catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      })
      .finally(() => {
        active -= 1;
      });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const controller of inFlight) controller.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return { url: `http://${urlHost}:${port}`, port, close, stats: () => {
      const batches = batchStateOf(context);
      return { requests, active, tokensIssued: context.auth.issued, batchesCreated: { ...batches.created }, batchLinesAnswered: new Map(batches.answered) };
    }, expireTokens: () => context.auth.expireAll() };
}
