/**
 * Canonical ChatRequest → Gemini generateContent request body.
 * Gemini keeps the system prompt apart (systemInstruction), calls the assistant "model",
 * answers tool calls by function NAME (not id), and accepts an OpenAPI subset of JSON Schema.
 */
import type { ChatRequest, ContentPart, Message, ToolChoice } from '../../core/types.js';
import { EFFORT_BUDGETS } from '../../core/reasoning.js';
import { GatewayError } from '../../core/errors.js';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

/** JSON Schema keys Gemini's schema subset accepts; others ($schema, additionalProperties, strict, $defs, …) are dropped. */
const SCHEMA_KEYS = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'items',
  'anyOf', 'propertyOrdering', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'default', 'example', 'minProperties', 'maxProperties',
]);

export function toGeminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGeminiSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_KEYS.has(key)) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, toGeminiSchema(child)]));
    } else if (key === 'type' && Array.isArray(value)) {
      // ["string", "null"] → type string, nullable
      const types = value.filter((type) => type !== 'null');
      out.type = types[0];
      if (types.length !== value.length) out.nullable = true;
    } else out[key] = key === 'items' || key === 'anyOf' ? toGeminiSchema(value) : value;
  }
  return out;
}

function imagePart(part: Extract<ContentPart, { type: 'image' }>): Part {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(part.url);
  if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
  const extension = /\.(png|jpe?g|gif|webp|heic|heif)(?:$|\?)/i.exec(part.url)?.[1]?.toLowerCase();
  const mimeType = extension === 'jpg' || extension === 'jpeg' ? 'image/jpeg' : extension ? `image/${extension}` : 'image/jpeg';
  return { fileData: { mimeType, fileUri: part.url } };
}

function parts(content: Message['content']): Part[] {
  if (content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.map((part) => (part.type === 'text' ? { text: part.text } : imagePart(part)));
}

function textOf(content: Message['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function objectOf(text: string, param: string, allowText: boolean): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    if (allowText) return { content: value };
  } catch {
    if (allowText) return { content: text };
  }
  throw new GatewayError('invalid_request', 'Tool call arguments must be a JSON object to be sent to a Gemini model.', { param });
}

function contentsOf(messages: Message[]): Content[] {
  const contents: Content[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: Content['role'], newParts: Part[]): void => {
    if (newParts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...newParts);
    else contents.push({ role, parts: newParts });
  };
  messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') return;
    if (message.role === 'user') push('user', parts(message.content));
    else if (message.role === 'assistant') {
      const modelParts = parts(message.content);
      for (const call of message.toolCalls ?? []) {
        toolNames.set(call.id, call.name);
        modelParts.push({ functionCall: { name: call.name, args: objectOf(call.arguments, `messages[${index}].tool_calls`, false) } });
      }
      push('model', modelParts);
    } else {
      const name = toolNames.get(message.toolCallId ?? '');
      if (!name) throw new GatewayError('invalid_request', 'A tool message must answer a tool call made earlier in the conversation.', { param: `messages[${index}].tool_call_id` });
      push('user', [{ functionResponse: { name, response: objectOf(textOf(message.content), `messages[${index}].content`, true) } }]);
    }
  });
  return contents;
}

function toolConfigOf(choice: ToolChoice): Record<string, unknown> {
  if (typeof choice === 'object') return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  return { functionCallingConfig: { mode: choice === 'required' ? 'ANY' : choice === 'none' ? 'NONE' : 'AUTO' } };
}

export function toGeminiBody(request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { contents: contentsOf(request.messages) };
  const system = request.messages.filter((message) => message.role === 'system' || message.role === 'developer').map((message) => textOf(message.content));
  if (system.length) body.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          ...(tool.parameters !== undefined ? { parameters: toGeminiSchema(tool.parameters) } : {}),
        })),
      },
    ];
  }
  if (request.toolChoice !== undefined) body.toolConfig = toolConfigOf(request.toolChoice);
  const generation: Record<string, unknown> = {};
  if (request.temperature !== undefined) generation.temperature = request.temperature;
  if (request.topP !== undefined) generation.topP = request.topP;
  if (request.maxTokens !== undefined) generation.maxOutputTokens = request.maxTokens;
  if (request.stop?.length) generation.stopSequences = request.stop;
  if (request.seed !== undefined) generation.seed = request.seed;
  if (request.presencePenalty !== undefined) generation.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) generation.frequencyPenalty = request.frequencyPenalty;
  if (request.topK !== undefined) generation.topK = request.topK;
  // OpenAI reasoning_effort as Gemini's thinking budget (the same numbers as Anthropic's; none turns thinking off);
  // an Anthropic thinking budget as it is (both count tokens; disabled is 0).
  if (request.reasoningEffort !== undefined) generation.thinkingConfig = { thinkingBudget: request.reasoningEffort === 'none' ? 0 : EFFORT_BUDGETS[request.reasoningEffort] };
  else if (request.thinking !== undefined) generation.thinkingConfig = { thinkingBudget: request.thinking.type === 'enabled' ? request.thinking.budgetTokens : 0 };
  if (request.responseFormat?.type === 'json_object') generation.responseMimeType = 'application/json';
  if (request.responseFormat?.type === 'json_schema') {
    generation.responseMimeType = 'application/json';
    generation.responseSchema = toGeminiSchema(request.responseFormat.schema);
  }
  if (Object.keys(generation).length) body.generationConfig = generation;
  return body;
}

/** What Gemini cannot express here: harmless drops are warnings; wrong results are 400s. */
export function geminiUnsupported(request: ChatRequest): string[] {
  if (request.n !== undefined && request.n > 1) throw new GatewayError('invalid_request', 'Only one choice is supported through the Gemini adapter; n > 1 is not.', { param: 'n' });
  if (request.logprobs || request.topLogprobs) throw new GatewayError('invalid_request', 'logprobs are not returned through the Gemini adapter.', { param: 'logprobs' });
  const warnings: string[] = [];
  const dropped = (name: string, present: boolean): void => {
    if (present) warnings.push(`${name} dropped: not supported by Gemini`);
  };
  dropped('logit_bias', request.logitBias !== undefined);
  dropped('user', request.user !== undefined);
  dropped('metadata', request.metadata !== undefined);
  dropped('store', request.store !== undefined);
  dropped('service_tier', request.serviceTier !== undefined);
  dropped('parallel_tool_calls', request.parallelToolCalls === false);
  return warnings;
}
