/**
 * Canonical ChatRequest → Bedrock Converse body (the same body for Converse and
 * ConverseStream; the model is in the path). Converse wants the system prompt apart,
 * alternating user/assistant turns of content blocks, tool results in user turns, images
 * as bytes (data: URLs) or S3 locations, and JSON output through outputConfig.textFormat.
 */
import type { AwsSettings } from '../../config/load.js';
import type { ChatRequest, ContentPart, Message } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);

function imageBlock(part: Extract<ContentPart, { type: 'image' }>, param: string): Block {
  const data = /^data:image\/([a-z]+);base64,(.*)$/s.exec(part.url);
  if (data) {
    const format = data[1] === 'jpg' ? 'jpeg' : (data[1] ?? '');
    if (!IMAGE_FORMATS.has(format)) throw new GatewayError('invalid_request', `Bedrock takes png, jpeg, gif or webp images, not image/${format}.`, { param });
    return { image: { format, source: { bytes: data[2] } } };
  }
  const s3 = /^s3:\/\/[^/]+\/.+\.(png|jpe?g|gif|webp)$/i.exec(part.url);
  if (s3) {
    const extension = (s3[1] ?? '').toLowerCase();
    return { image: { format: extension === 'jpg' ? 'jpeg' : extension, source: { s3Location: { uri: part.url } } } };
  }
  throw new GatewayError('invalid_request', 'Bedrock takes images as base64 data: URLs or s3:// locations, not web URLs.', { param });
}

function blocks(content: Message['content'], param: string): Block[] {
  if (content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part) => (part.type === 'text' ? (part.text === '' ? [] : [{ text: part.text }]) : [imageBlock(part, param)]));
}

function textOf(content: Message['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function toolInput(text: string, param: string): unknown {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new GatewayError('invalid_request', 'Tool call arguments must be a JSON object to be sent to a Bedrock model.', { param });
}

function turnsOf(messages: Message[]): Turn[] {
  const turns: Turn[] = [];
  const push = (role: Turn['role'], content: Block[]): void => {
    if (content.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...content);
    else turns.push({ role, content });
  };
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    if (message.role === 'system' || message.role === 'developer') return;
    if (message.role === 'user') push('user', blocks(message.content, `${param}.content`));
    else if (message.role === 'tool') {
      push('user', [{ toolResult: { toolUseId: message.toolCallId ?? '', content: [{ text: textOf(message.content) }] } }]);
    } else {
      const content = blocks(message.content, `${param}.content`);
      for (const call of message.toolCalls ?? []) content.push({ toolUse: { toolUseId: call.id, name: call.name, input: toolInput(call.arguments, `${param}.tool_calls`) } });
      push('assistant', content);
    }
  });
  return turns;
}

function usesTools(messages: Message[]): boolean {
  return messages.some((message) => message.role === 'tool' || (message.toolCalls?.length ?? 0) > 0);
}

export function toConverseBody(request: ChatRequest, aws: AwsSettings | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { messages: turnsOf(request.messages) };
  const system = request.messages.filter((message) => message.role === 'system' || message.role === 'developer').map((message) => ({ text: textOf(message.content) }));
  if (request.responseFormat?.type === 'json_object') system.push({ text: 'Respond with a single JSON object and nothing else.' });
  if (system.length) body.system = system;
  const inference: Record<string, unknown> = {};
  if (request.maxTokens !== undefined) inference.maxTokens = request.maxTokens;
  if (request.temperature !== undefined) inference.temperature = Math.min(request.temperature, 1);
  if (request.topP !== undefined) inference.topP = request.topP;
  if (request.stop?.length) inference.stopSequences = request.stop;
  if (Object.keys(inference).length) body.inferenceConfig = inference;
  // Converse has no "none": offered tools are left out, unless the conversation already used tools (then Bedrock wants toolConfig).
  const offer = request.tools?.length && (request.toolChoice !== 'none' || usesTools(request.messages));
  if (offer) {
    const toolConfig: Record<string, unknown> = {
      tools: (request.tools ?? []).map((tool) => ({
        toolSpec: { name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), inputSchema: { json: tool.parameters ?? { type: 'object', properties: {} } } },
      })),
    };
    const choice = request.toolChoice;
    if (typeof choice === 'object') toolConfig.toolChoice = { tool: { name: choice.name } };
    else if (choice === 'required') toolConfig.toolChoice = { any: {} };
    else if (choice === 'auto') toolConfig.toolChoice = { auto: {} };
    body.toolConfig = toolConfig;
  }
  if (request.responseFormat?.type === 'json_schema') {
    const format = request.responseFormat;
    body.outputConfig = {
      textFormat: {
        type: 'json_schema',
        structure: { jsonSchema: { schema: JSON.stringify(format.schema), name: format.name, ...(format.description !== undefined ? { description: format.description } : {}) } },
      },
    };
  }
  if (aws?.guardrail) {
    body.guardrailConfig = { guardrailIdentifier: aws.guardrail.identifier, guardrailVersion: aws.guardrail.version, ...(aws.guardrail.trace ? { trace: aws.guardrail.trace } : {}) };
  }
  return body;
}

/** What Converse cannot carry. */
export function converseUnsupported(request: ChatRequest): string[] {
  if (request.n !== undefined && request.n > 1) throw new GatewayError('invalid_request', 'Bedrock Converse returns one choice; n > 1 is not supported.', { param: 'n' });
  if (request.logprobs || request.topLogprobs) throw new GatewayError('invalid_request', 'logprobs are not returned through Bedrock Converse.', { param: 'logprobs' });
  const warnings: string[] = [];
  const dropped = (name: string, present: boolean): void => {
    if (present) warnings.push(`${name} dropped: not supported by Bedrock Converse`);
  };
  dropped('seed', request.seed !== undefined);
  dropped('presence_penalty', request.presencePenalty !== undefined);
  dropped('frequency_penalty', request.frequencyPenalty !== undefined);
  dropped('logit_bias', request.logitBias !== undefined);
  dropped('user', request.user !== undefined);
  dropped('metadata', request.metadata !== undefined);
  dropped('store', request.store !== undefined);
  dropped('service_tier', request.serviceTier !== undefined);
  dropped('reasoning_effort', request.reasoningEffort !== undefined);
  dropped('thinking', request.thinking !== undefined);
  dropped('top_k', request.topK !== undefined);
  dropped('parallel_tool_calls', request.parallelToolCalls === false);
  if (request.temperature !== undefined && request.temperature > 1) warnings.push(`temperature ${request.temperature} lowered to 1, Bedrock's maximum`);
  if (request.toolChoice === 'none' && request.tools?.length && usesTools(request.messages)) {
    warnings.push('tool_choice none sent as auto: Bedrock needs the tools of a conversation that already used them, and has no way to forbid calls');
  }
  return warnings;
}
