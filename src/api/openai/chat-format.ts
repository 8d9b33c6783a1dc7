/** The OpenAI Chat Completions format as an inbound format of the chat pipeline. */
import type { InboundChatFormat, StreamRenderer } from '../inbound-format.js';
import type { ChatRequest, StreamPart } from '../../core/types.js';
import { parseOpenAIChatRequest } from './chat-request.js';
import { ChunkRenderer, renderChatResponse, renderUsage } from './chat-response.js';
import { renderOpenAIError, renderOpenAIStreamError } from './errors.js';

const sse = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

class OpenAIStreamRenderer implements StreamRenderer {
  private renderer: ChunkRenderer | undefined;

  constructor(
    private readonly id: string,
    private readonly request: ChatRequest,
    private readonly fallbackModel: string,
  ) {}

  private chunks(): ChunkRenderer {
    this.renderer ??= new ChunkRenderer(this.id, this.fallbackModel, Math.floor(Date.now() / 1000), this.request.includeUsage);
    return this.renderer;
  }

  part(part: StreamPart): string | undefined {
    if (part.type === 'start') this.renderer = new ChunkRenderer(this.id, part.model, part.created, this.request.includeUsage);
    if (part.type === 'usage') return undefined; // sent by finish(), with its cost
    if (part.type === 'text-delta') return `data: ${this.chunks().textChunk(part.index, part.text)}\n\n`;
    const chunk = this.chunks().render(part);
    return chunk ? sse(chunk) : undefined;
  }

  finish(usage: Parameters<StreamRenderer['finish']>[0], costUsd: number): string {
    let text = '';
    if (this.request.includeUsage) {
      const chunk = this.chunks().render({ type: 'usage', usage });
      if (chunk) {
        chunk.usage = { ...renderUsage(usage), cost_usd: costUsd };
        text += sse(chunk);
      }
    }
    return `${text}data: [DONE]\n\n`;
  }

  error(error: Parameters<StreamRenderer['error']>[0]): string {
    return `data: ${renderOpenAIStreamError(error)}\n\n`;
  }
}

export const openAIChatFormat: InboundChatFormat = {
  name: 'openai',
  parseRequest: parseOpenAIChatRequest,
  renderResponse(response, context) {
    const wire = renderChatResponse({ ...response, ...(context.usage ? { usage: context.usage } : {}) }, `chatcmpl-${context.requestId}`, response.model);
    if (wire.usage) (wire.usage as Record<string, unknown>).cost_usd = context.costUsd;
    return JSON.stringify(wire);
  },
  createStreamRenderer: ({ requestId, request, fallbackModel }) => new OpenAIStreamRenderer(`chatcmpl-${requestId}`, request, fallbackModel),
  renderError: renderOpenAIError,
};
