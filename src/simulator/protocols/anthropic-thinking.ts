/**
 * Extended thinking on the simulated Anthropic API: with `thinking: {type: "enabled",
 * budget_tokens}` an answer starts with a thinking block (deterministic text within the
 * budget) signed by the simulator, and thinking blocks handed back in later turns must carry
 * the signature they were given — as Anthropic checks them — so a gateway that loses or
 * alters one is caught. Thinking tokens count in output_tokens.
 */
import { createHmac } from 'node:crypto';
import type { ChatInput } from '../generation/chat-input.js';
import { countTextTokens, truncateToTokens } from '../tokens.js';
import { SimRequestError } from './exchange.js';

/** Fixed: signatures stay valid across simulator restarts, like a provider's across requests. */
const SIGNING_KEY = 'switchyard-simulator-thinking';

export interface SimThinking {
  text: string;
  signature: string;
  tokens: number;
}

export function signThinking(text: string): string {
  return createHmac('sha256', SIGNING_KEY).update(text).digest('base64');
}

/** The budget asked for, checked as Anthropic does; undefined without thinking. */
export function thinkingBudget(thinking: { type: string; budget_tokens?: number } | undefined, maxTokens: number): number | undefined {
  if (!thinking || thinking.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens ?? 0;
  if (budget < 1024) throw new SimRequestError(400, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
  if (budget >= maxTokens) throw new SimRequestError(400, '`max_tokens` must be greater than `thinking.budget_tokens`.');
  return budget;
}

/** Every thinking block of the conversation must carry the signature the simulator gave it. */
export function checkSignatures(messages: readonly { role: string; content: unknown }[]): void {
  messages.forEach((message, index) => {
    if (message.role !== 'assistant' || !Array.isArray(message.content)) return;
    message.content.forEach((block: { type?: unknown; thinking?: unknown; signature?: unknown }, blockIndex) => {
      if (block.type !== 'thinking') return;
      if (typeof block.thinking !== 'string' || block.signature !== signThinking(block.thinking)) {
        throw new SimRequestError(400, `messages.${index}.content.${blockIndex}: Invalid \`signature\` in \`thinking\` block`);
      }
    });
  });
}

/** The thinking shown before an answer to `input`, cut to the budget. */
export function thinkAbout(input: ChatInput, budget: number): SimThinking {
  const lastUser = [...input.messages].reverse().find((message) => message.role === 'user');
  const question = (lastUser?.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
  const full = [
    `The user asks: "${question}".`,
    input.tools.length > 0 ? `Tools on offer: ${input.tools.map((tool) => tool.name).join(', ')}; I should use one if the question needs it.` : 'No tools are needed; I can answer from what I know.',
    'Let me work out the answer step by step and then state it plainly.',
  ].join(' ');
  const text = truncateToTokens(full, budget).text;
  return { text, signature: signThinking(text), tokens: countTextTokens(text) };
}
