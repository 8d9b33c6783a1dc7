/**
 * A loopback server that replays recorded wire fixtures and records what it was sent,
 * so adapter tests assert on both the outbound request and the canonical result.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One AWS event-stream frame: [message type, event or exception type, JSON payload]. */
function eventFrame([messageType, type, payload]: [string, string, unknown]): Uint8Array {
  return codec.encode({
    headers: {
      [messageType === 'exception' ? ':exception-type' : ':event-type']: { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: messageType },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export interface Replay {
  status?: number;
  headers?: Record<string, string>;
  /** A fixture file name under test/fixtures/; `.chunks.txt` files are streamed as SSE, `.events.json` as AWS event-stream frames. */
  fixture: string;
  /** For streams: close the socket after writing this many SSE events (no clean end). */
  destroyAfterEvents?: number;
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export class FixtureServer {
  private server: Server | undefined;
  replay: Replay | undefined;
  received: Received[] = [];
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: text ? JSON.parse(text) : undefined });
        const replay = this.replay;
        if (!replay) {
          response.writeHead(500).end('no replay set');
          return;
        }
        const content = readFileSync(fixturePath(replay.fixture), 'utf8');
        if (replay.fixture.endsWith('.events.json')) {
          response.writeHead(replay.status ?? 200, { 'content-type': 'application/vnd.amazon.eventstream', ...replay.headers });
          for (const event of JSON.parse(content) as [string, string, unknown][]) response.write(eventFrame(event));
          response.end();
          return;
        }
        if (replay.fixture.endsWith('.chunks.txt')) {
          response.writeHead(replay.status ?? 200, { 'content-type': 'text/event-stream', ...replay.headers });
          const events = content.split('\n\n').filter((event) => event.trim() !== '');
          const limit = replay.destroyAfterEvents ?? events.length;
          for (const event of events.slice(0, limit)) response.write(`${event}\n\n`);
          if (replay.destroyAfterEvents !== undefined) setTimeout(() => response.destroy(), 5);
          else response.end();
          return;
        }
        response.writeHead(replay.status ?? 200, { 'content-type': 'application/json', ...replay.headers });
        response.end(content);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  last(): Received {
    const last = this.received[this.received.length - 1];
    if (!last) throw new Error('the fixture server received nothing');
    return last;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
