/**
 * A scripted upstream on loopback that records every request and answers what a test tells
 * it, over the OpenAI Chat Completions protocol (`…/chat/completions`, `…/embeddings`) and
 * the Anthropic Messages protocol (`…/messages`). The simulator generates its own answers;
 * this one echoes, answers a fixed text in chosen pieces, breaks a stream after N pieces,
 * paces its pieces, and — like Anthropic's API — refuses an assistant prefill that ends in
 * whitespace, so tests can assert exactly what the gateway sent and when.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamMessage {
  role: string;
  content: string | null | { type: string; text?: string }[];
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
}

export interface UpstreamBody {
  model: string;
  stream?: boolean;
  messages: UpstreamMessage[];
  /** Embedding requests. */
  input?: string[];
  [parameter: string]: unknown;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/** The text of a message, whichever protocol's shape its content has. */
export function messageText(message: UpstreamMessage | undefined): string {
  if (!message || message.content === null) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => part.text ?? '').join('');
}

const USAGE = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };

export class ScriptedUpstream {
  /** Every request body, in arrival order. */
  received: UpstreamBody[] = [];
  /** Every request with its path and headers. */
  requests: ReceivedRequest[] = [];
  answer: (body: UpstreamBody) => string = (body) => `You said: ${messageText(body.messages.filter((message) => message.role === 'user').at(-1))}`;
  /** When set, the answer is this tool call instead of text (arguments streamed in `chunkSize` pieces; OpenAI protocol). */
  toolCall: ((body: UpstreamBody) => { name: string; arguments: string }) | undefined;
  /** When set, the answer is this refusal (`message.refusal`, content null) instead of text (OpenAI protocol). */
  refusal: ((body: UpstreamBody) => string) | undefined;
  chunkSize = 5;
  /** How a streamed answer is cut into pieces; default `chunkSize` characters each. */
  split: ((text: string) => string[]) | undefined;
  /** The next streamed answer breaks (socket destroyed) after this many content pieces. */
  breakNextAfter: number | undefined;
  /** Per request: break after this many content pieces (undefined: do not break). */
  breakAfter: ((body: UpstreamBody, index: number) => number | undefined) | undefined;
  /** Per request: wait this long before each content piece. */
  pieceDelayMs: ((body: UpstreamBody, index: number) => number) | undefined;
  url = '';
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as UpstreamBody;
        const index = this.received.length;
        this.received.push(body);
        this.requests.push({ path: request.url ?? '', headers: request.headers, body });
        const path = request.url ?? '';
        if (path.endsWith('/embeddings')) {
          const data = (body.input ?? []).map((_, position) => ({ object: 'embedding', index: position, embedding: [0.1, 0.2, 0.3] }));
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 3, total_tokens: 3 } }));
          return;
        }
        if (path.endsWith('/messages')) {
          void this.answerAnthropic(response, body, index);
          return;
        }
        void this.answerOpenAi(response, body, index);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Clears what was received and every script back to the defaults. */
  reset(): void {
    this.received = [];
    this.requests = [];
    this.chunkSize = 5;
    this.split = undefined;
    this.breakNextAfter = undefined;
    this.breakAfter = undefined;
    this.pieceDelayMs = undefined;
    this.toolCall = undefined;
    this.refusal = undefined;
    this.answer = (body) => `You said: ${messageText(body.messages.filter((message) => message.role === 'user').at(-1))}`;
  }

  private pieces(text: string): string[] {
    if (this.split) return this.split(text);
    const out: string[] = [];
    for (let at = 0; at < text.length; at += this.chunkSize) out.push(text.slice(at, at + this.chunkSize));
    return out;
  }

  /** Where this request's stream breaks, if it does. */
  private breakPoint(body: UpstreamBody, index: number): number | undefined {
    const once = this.breakNextAfter;
    this.breakNextAfter = undefined;
    return once ?? this.breakAfter?.(body, index);
  }

  /** Writes the pieces, pacing them; false when the stream was broken on purpose. */
  private async writePieces(response: ServerResponse, body: UpstreamBody, index: number, pieces: string[], event: (piece: string) => string): Promise<boolean> {
    const breakAfter = this.breakPoint(body, index);
    for (let sent = 0; sent < pieces.length; sent++) {
      if (sent === breakAfter) {
        setTimeout(() => response.destroy(), 5);
        return false;
      }
      const delay = this.pieceDelayMs?.(body, index) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (response.destroyed) return false;
      response.write(event(pieces[sent] as string));
    }
    return true;
  }

  private async answerOpenAi(response: ServerResponse, body: UpstreamBody, index: number): Promise<void> {
    const base = { id: 'chatcmpl-test', created: 1, model: body.model };
    const call = this.toolCall?.(body);
    if (call) {
      this.answerToolCall(response, body, base, call);
      return;
    }
    const refusal = this.refusal?.(body);
    if (refusal !== undefined) {
      this.answerRefusal(response, body, base, refusal);
      return;
    }
    const text = this.answer(body);
    if (!body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: USAGE }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;
    const chunk = (delta: unknown, finish: string | null = null): string => event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
    response.write(chunk({ role: 'assistant', content: '' }));
    if (!(await this.writePieces(response, body, index, this.pieces(text), (piece) => chunk({ content: piece })))) return;
    response.write(chunk({}, 'stop'));
    response.write(event({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE }));
    response.end('data: [DONE]\n\n');
  }

  private async answerAnthropic(response: ServerResponse, body: UpstreamBody, index: number): Promise<void> {
    const last = body.messages.at(-1);
    if (last?.role === 'assistant' && /\s$/.test(messageText(last))) {
      // Anthropic's API refuses such a prefill.
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'messages: final assistant content cannot end with trailing whitespace' } }));
      return;
    }
    const text = this.answer(body);
    const usage = { input_tokens: 10, output_tokens: 10 };
    if (!body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'msg_test', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    response.write(event('message_start', { message: { id: 'msg_test', type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } }));
    response.write(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    if (!(await this.writePieces(response, body, index, this.pieces(text), (piece) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } })))) return;
    response.write(event('content_block_stop', { index: 0 }));
    response.write(event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 10 } }));
    response.end(event('message_stop', {}));
  }

  private answerRefusal(response: ServerResponse, body: UpstreamBody, base: Record<string, unknown>, refusal: string): void {
    if (!body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' });
      const message = { role: 'assistant', content: null, refusal };
      response.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'stop' }], usage: USAGE }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (delta: unknown, finish: string | null = null): string => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    response.write(event({ role: 'assistant', content: null, refusal: '' }));
    for (let at = 0; at < refusal.length; at += this.chunkSize) response.write(event({ refusal: refusal.slice(at, at + this.chunkSize) }));
    response.write(event({}, 'stop'));
    response.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE })}\n\n`);
    response.end('data: [DONE]\n\n');
  }

  private answerToolCall(response: ServerResponse, body: UpstreamBody, base: Record<string, unknown>, call: { name: string; arguments: string }): void {
    if (!body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' });
      const message = { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: call }] };
      response.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'tool_calls' }], usage: USAGE }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (delta: unknown, finish: string | null = null): string => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    response.write(event({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (let at = 0; at < call.arguments.length; at += this.chunkSize) {
      response.write(event({ tool_calls: [{ index: 0, function: { arguments: call.arguments.slice(at, at + this.chunkSize) } }] }));
    }
    response.write(event({}, 'tool_calls'));
    response.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE })}\n\n`);
    response.end('data: [DONE]\n\n');
  }
}
