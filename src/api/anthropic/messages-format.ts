/** The Anthropic Messages API as an inbound format of the chat pipeline. */
import type { InboundChatFormat } from '../inbound-format.js';
import { renderAnthropicError } from './errors.js';
import { parseAnthropicMessagesRequest } from './messages-request.js';
import { AnthropicStreamRenderer, renderAnthropicMessage } from './messages-response.js';

export const anthropicMessagesFormat: InboundChatFormat = {
  name: 'anthropic',
  parseRequest: parseAnthropicMessagesRequest,
  renderResponse: renderAnthropicMessage,
  createStreamRenderer: ({ requestId, fallbackModel, request }) => new AnthropicStreamRenderer(requestId, fallbackModel, request),
  renderError: renderAnthropicError,
};
