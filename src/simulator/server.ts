/**
 * The simulator's HTTP server on loopback. It owns connections and per-request abort
 * signals; protocols own the wire formats.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicProtocol } from './protocols/anthropic.js';
import { geminiProtocol } from './protocols/gemini.js';
import { openaiProtocol } from './protocols/openai.js';
import type { SimExchange, SimulatorContext, SimulatorProtocol } from './protocols/protocol.js';
import type { RunningSimulator, SimulatorOptions } from './types.js';

/**
 * First match wins: Anthropic's /v1/messages before OpenAI's /v1/ prefix; Gemini owns
 * /v1beta/.
 */
const PROTOCOLS: readonly SimulatorProtocol[] = [anthropicProtocol, geminiProtocol, openaiProtocol];
const DEFAULT_PROTOCOL = openaiProtocol;

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const context: SimulatorContext = {
    models: new Map(options.models.map((model) => [model.name, model])),
    behaviour: options.behaviour ?? {},
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

  return { url: `http://${urlHost}:${port}`, port, close, stats: () => ({ requests, active }) };
}
