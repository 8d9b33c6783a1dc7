/**
 * The Bedrock Converse request the simulator accepts (validated minimally, with Converse's
 * own rules: turns alternate and start with the user; toolConfig whenever tool blocks
 * appear) and its conversion to the protocol-independent ChatInput, message for message
 * the same as the other protocols produce.
 */
import { z } from 'zod';
import type { ChatInput, JsonSchema, SimMessage, SimResponseFormat, SimToolCall, SimToolChoice } from '../generation/chat-input.js';
import { SimRequestError } from './exchange.js';

const block = z.looseObject({
  text: z.string().optional(),
  image: z.looseObject({ format: z.enum(['png', 'jpeg', 'gif', 'webp']), source: z.looseObject({}) }).optional(),
  toolUse: z.looseObject({ toolUseId: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), name: z.string().min(1), input: z.unknown() }).optional(),
  toolResult: z
    .looseObject({ toolUseId: z.string().min(1), content: z.array(z.looseObject({ text: z.string().optional(), json: z.unknown().optional() })), status: z.enum(['success', 'error']).optional() })
    .optional(),
});
type Block = z.infer<typeof block>;

const message = z.looseObject({ role: z.enum(['user', 'assistant']), content: z.array(block).min(1) });

const toolSpec = z.looseObject({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), description: z.string().optional(), inputSchema: z.looseObject({ json: z.record(z.string(), z.unknown()) }) });

export const converseRequest = z.looseObject({
  messages: z.array(message).min(1),
  system: z.array(z.looseObject({ text: z.string().optional() })).optional(),
  inferenceConfig: z
    .looseObject({ maxTokens: z.number().int().positive().optional(), temperature: z.number().min(0).max(1).optional(), topP: z.number().min(0).max(1).optional(), stopSequences: z.array(z.string()).max(4).optional() })
    .optional(),
  toolConfig: z
    .looseObject({
      tools: z.array(z.looseObject({ toolSpec: toolSpec.optional() })).min(1),
      toolChoice: z.looseObject({ auto: z.looseObject({}).optional(), any: z.looseObject({}).optional(), tool: z.looseObject({ name: z.string() }).optional() }).optional(),
    })
    .optional(),
  outputConfig: z
    .looseObject({
      textFormat: z.looseObject({ type: z.literal('json_schema'), structure: z.looseObject({ jsonSchema: z.looseObject({ schema: z.string(), name: z.string().optional() }) }) }),
    })
    .optional(),
  guardrailConfig: z.looseObject({ guardrailIdentifier: z.string().min(1), guardrailVersion: z.string().min(1) }).optional(),
});

export type ConverseRequest = z.infer<typeof converseRequest>;

/** Converse's ValidationException wording for the first schema problem. */
export function describeConverseIssue(issue: z.core.$ZodIssue, missing: boolean): string {
  const path = issue.path.map(String).join('.');
  return missing ? `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null` : `1 validation error detected: Value at '${path}' failed to satisfy constraint: ${issue.message}`;
}

function simMessage(role: SimMessage['role'], text: string, imageCount: number, toolCalls: SimToolCall[]): SimMessage {
  return { role, text, imageCount, toolCalls };
}

function textOf(blocks: readonly Block[]): string {
  return blocks.flatMap((entry) => (typeof entry.text === 'string' ? [entry.text] : [])).join('\n');
}

function toSimMessages(entry: ConverseRequest['messages'][number]): SimMessage[] {
  const images = entry.content.filter((item) => item.image).length;
  if (entry.role === 'assistant') {
    const calls = entry.content.flatMap((item) => (item.toolUse ? [{ id: item.toolUse.toolUseId, name: item.toolUse.name, arguments: JSON.stringify(item.toolUse.input ?? {}) }] : []));
    return [simMessage('assistant', textOf(entry.content), images, calls)];
  }
  const results = entry.content.flatMap((item): SimMessage[] => {
    if (!item.toolResult) return [];
    const text = item.toolResult.content.map((part) => (typeof part.text === 'string' ? part.text : JSON.stringify(part.json))).join('\n');
    return [{ ...simMessage('tool', text, 0, []), toolCallId: item.toolResult.toolUseId }];
  });
  const rest = entry.content.filter((item) => !item.toolResult);
  if (results.length > 0 && rest.length === 0) return results;
  return [...results, simMessage('user', textOf(rest), images, [])];
}

/** Converse's own rules, checked as Bedrock does. */
export function checkConversation(request: ConverseRequest): void {
  const refuse = (message: string): never => {
    throw new SimRequestError(400, message);
  };
  if (request.messages[0]?.role !== 'user') refuse('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  request.messages.forEach((entry, index) => {
    if (index > 0 && request.messages[index - 1]?.role === entry.role) refuse('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
  });
  const usesTools = request.messages.some((entry) => entry.content.some((item) => item.toolUse || item.toolResult));
  if (usesTools && !request.toolConfig) refuse('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  const named = request.toolConfig?.toolChoice?.tool?.name;
  if (named !== undefined && !(request.toolConfig?.tools ?? []).some((tool) => tool.toolSpec?.name === named)) refuse(`The tool ${named} in toolChoice was not found in the toolConfig.`);
}

export function toChatInput(request: ConverseRequest): ChatInput {
  const messages: SimMessage[] = [];
  const system = (request.system ?? []).flatMap((entry) => (typeof entry.text === 'string' ? [entry.text] : [])).join('\n');
  if (system.length > 0) messages.push(simMessage('system', system, 0, []));
  for (const entry of request.messages) messages.push(...toSimMessages(entry));
  const tools = (request.toolConfig?.tools ?? []).flatMap((entry) => (entry.toolSpec ? [{ name: entry.toolSpec.name, description: entry.toolSpec.description ?? '', parameters: entry.toolSpec.inputSchema.json as JsonSchema }] : []));
  const input: ChatInput = { messages, tools, toolChoice: toolChoiceOf(request, tools.length > 0), parallelToolCalls: true, responseFormat: responseFormatOf(request) };
  const config = request.inferenceConfig;
  if (config?.maxTokens !== undefined) input.maxTokens = config.maxTokens;
  if (config?.stopSequences?.length) input.stopSequences = config.stopSequences;
  return input;
}

function toolChoiceOf(request: ConverseRequest, offered: boolean): SimToolChoice {
  const choice = request.toolConfig?.toolChoice;
  if (!offered) return { mode: 'none' };
  if (choice?.tool) return { mode: 'function', name: choice.tool.name };
  if (choice?.any) return { mode: 'required' };
  return { mode: 'auto' };
}

function responseFormatOf(request: ConverseRequest): SimResponseFormat {
  const structure = request.outputConfig?.textFormat.structure.jsonSchema;
  if (!structure) return { type: 'text' };
  let schema: unknown;
  try {
    schema = JSON.parse(structure.schema);
  } catch {
    throw new SimRequestError(400, 'The JSON schema in outputConfig.textFormat is not valid JSON.');
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new SimRequestError(400, 'The JSON schema in outputConfig.textFormat must be an object.');
  return { type: 'json_schema', name: structure.name ?? 'response', schema: schema as JsonSchema };
}
