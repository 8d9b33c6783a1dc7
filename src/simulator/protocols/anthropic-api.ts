/**
 * The Anthropic Messages request the simulator accepts, validated minimally (unknown
 * fields pass), and its conversion to the protocol-independent ChatInput. A plain
 * conversation converts to exactly the messages the OpenAI protocol produces, so both
 * get the same answer.
 */
import { z } from 'zod';
import type { ChatInput, JsonSchema, SimMessage, SimToolCall, SimToolChoice } from '../generation/chat-input.js';
import type { IssueDescriber } from './exchange.js';

const jsonObject = z.record(z.string(), z.unknown());

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

const imageSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']), data: z.string().min(1) }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) }),
]);
const imageBlock = z.looseObject({ type: z.literal('image'), source: imageSource });

const contentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  z.looseObject({ type: z.literal('document'), source: z.looseObject({ type: z.string() }) }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: jsonObject }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
    is_error: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);
type ContentBlock = z.infer<typeof contentBlock>;

const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

const tool = z.looseObject({
  /** Custom (client) tools only; server tools such as web_search are refused. */
  type: z.literal('custom').optional(),
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  input_schema: jsonObject,
});

const toolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('none') }),
]);

export const messagesRequest = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.number().int().optional() }).optional(),
});

export type MessagesRequest = z.infer<typeof messagesRequest>;

/** count_tokens takes the same body without max_tokens. */
export const countTokensRequest = messagesRequest.omit({ max_tokens: true });

export type CountTokensRequest = z.infer<typeof countTokensRequest>;

/** Anthropic's wording: "max_tokens: Field required", "messages.0.content: …". */
export const describeIssue: IssueDescriber = (issue, missing) => {
  const path = issue.path.map(String).join('.');
  const text = missing ? 'Field required' : issue.message;
  return path ? `${path}: ${text}` : text;
};

/** `maxTokens`: the request's max_tokens (count_tokens requests have none). */
export function toChatInput(request: CountTokensRequest, maxTokens?: number): ChatInput {
  const messages: SimMessage[] = [];
  const system = systemText(request.system);
  if (system !== undefined) messages.push(simMessage('system', system, 0, []));
  for (const entry of request.messages) messages.push(...toSimMessages(entry));
  const choice = request.tool_choice;
  const input: ChatInput = {
    messages,
    tools: (request.tools ?? []).map((entry) => ({ name: entry.name, description: entry.description ?? '', parameters: entry.input_schema as JsonSchema })),
    toolChoice: toToolChoice(request),
    parallelToolCalls: !(choice && choice.type !== 'none' && choice.disable_parallel_tool_use === true),
    responseFormat: { type: 'text' },
  };
  if (maxTokens !== undefined) input.maxTokens = maxTokens;
  if (request.stop_sequences && request.stop_sequences.length > 0) input.stopSequences = request.stop_sequences;
  return input;
}

function systemText(system: CountTokensRequest['system']): string | undefined {
  if (system === undefined) return undefined;
  if (typeof system === 'string') return system.length > 0 ? system : undefined;
  return system.length > 0 ? system.map((block) => block.text).join('\n') : undefined;
}

/** Same key order as the OpenAI conversion: the seed hashes the serialised messages. */
function simMessage(role: SimMessage['role'], text: string, imageCount: number, toolCalls: SimToolCall[]): SimMessage {
  return { role, text, imageCount, toolCalls };
}

/**
 * A user turn's tool_result blocks become tool messages (ahead of any text in the same
 * turn); an assistant turn's tool_use blocks become its tool calls.
 */
function toSimMessages(entry: CountTokensRequest['messages'][number]): SimMessage[] {
  if (typeof entry.content === 'string') return [simMessage(entry.role, entry.content, 0, [])];
  const blocks = entry.content;
  const text = textOf(blocks);
  const images = blocks.filter((block) => block.type === 'image').length;
  if (entry.role === 'assistant') {
    const calls = blocks.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: JSON.stringify(block.input) }] : []));
    return [simMessage('assistant', text, images, calls)];
  }
  const results = blocks.flatMap((block): SimMessage[] => {
    if (block.type !== 'tool_result') return [];
    const content = block.content ?? '';
    const resultText = typeof content === 'string' ? content : content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
    return [{ ...simMessage('tool', resultText, 0, []), toolCallId: block.tool_use_id }];
  });
  const rest = blocks.filter((block) => block.type !== 'tool_result');
  if (results.length > 0 && rest.length === 0) return results;
  return [...results, simMessage('user', text, images, [])];
}

function textOf(blocks: readonly ContentBlock[]): string {
  return blocks.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
}

function toToolChoice(request: CountTokensRequest): SimToolChoice {
  const choice = request.tool_choice;
  const offered = (request.tools ?? []).length > 0;
  if (!choice) return { mode: offered ? 'auto' : 'none' };
  switch (choice.type) {
    case 'auto':
      return { mode: offered ? 'auto' : 'none' };
    case 'any':
      return { mode: 'required' };
    case 'tool':
      return { mode: 'function', name: choice.name };
    case 'none':
      return { mode: 'none' };
  }
}
