/** Prompt token count the way OpenAI frames a conversation (~3 tokens per message). */
import { countTextTokens } from '../tokens.js';
import type { ChatInput } from './chat-input.js';

const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
/** A low-detail image costs 85 tokens at OpenAI. */
const PER_IMAGE = 85;

export function countPromptTokens(input: ChatInput): number {
  let total = REPLY_PRIMING;
  for (const message of input.messages) {
    total += PER_MESSAGE + countTextTokens(message.text) + message.imageCount * PER_IMAGE;
    for (const call of message.toolCalls) total += countTextTokens(call.name) + countTextTokens(call.arguments);
    if (message.name) total += 1;
  }
  if (input.tools.length > 0) total += countTextTokens(JSON.stringify(input.tools));
  if (input.responseFormat.type === 'json_schema') total += countTextTokens(JSON.stringify(input.responseFormat.schema));
  return total;
}
