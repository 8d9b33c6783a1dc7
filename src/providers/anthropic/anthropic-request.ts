/**
 * Canonical ChatRequest → Anthropic Messages request body.
 * Anthropic wants the system prompt apart, strictly alternating user/assistant turns,
 * tool results as user turns, and max_tokens always. JSON output uses the documented
 * technique: one forced tool whose input schema is the wanted shape.
 */
import type { ChatRequest, ContentPart, Message, NativeRequest, ToolChoice } from '../../core/types.js';
import { GatewayError } from '../../core/errors.js';
import { EFFORT_BUDGETS } from '../../core/reasoning.js';

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

/** max_tokens when the client sets none: a generous share of the model family's output limit. */
export function defaultMaxTokens(model: string): number {
  if (/opus/.test(model)) return 32_000;
  if (/sonnet/.test(model)) return 64_000;
  if (/haiku/.test(model)) return 8_192;
  return 4_096;
}

/** The name of the forced tool that carries json_schema output, when there is one. */
export function jsonToolName(request: ChatRequest): string | undefined {
  return request.responseFormat?.type === 'json_schema' ? request.responseFormat.name : undefined;
}

function imageBlock(part: Extract<ContentPart, { type: 'image' }>): Block {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(part.url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  return { type: 'image', source: { type: 'url', url: part.url } };
}

function contentBlocks(content: Message['content']): Block[] {
  if (content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : imageBlock(part)));
}

function toolInput(argumentsText: string, index: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argumentsText === '' ? '{}' : argumentsText);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new GatewayError('invalid_request', 'Tool call arguments must be a JSON object to be sent to an Anthropic model.', { param: `messages[${index}].tool_calls` });
}

function turnsOf(messages: Message[]): Turn[] {
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: Block[]): void => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') return;
    if (message.role === 'user') push('user', contentBlocks(message.content));
    else if (message.role === 'tool') {
      const text = typeof message.content === 'string' ? message.content : contentBlocks(message.content).map((block) => String(block.text ?? '')).join('');
      push('user', [{ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: text }]);
    } else {
      const blocks = contentBlocks(message.content);
      for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments, index) });
      push('assistant', blocks);
    }
  });
  return turns;
}

function systemOf(request: ChatRequest): string | undefined {
  const parts = request.messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => (typeof message.content === 'string' ? message.content : contentBlocks(message.content).map((block) => String(block.text ?? '')).join('\n')));
  if (request.responseFormat?.type === 'json_object') parts.push('Respond with a single JSON object and nothing else.');
  return parts.length ? parts.join('\n\n') : undefined;
}

function toolChoiceOf(choice: ToolChoice, parallel: boolean | undefined): Block {
  const base: Block = typeof choice === 'object' ? { type: 'tool', name: choice.name } : { type: choice === 'required' ? 'any' : choice };
  if (parallel === false && base.type !== 'none') base.disable_parallel_tool_use = true;
  return base;
}

export function effortBudget(request: ChatRequest): number | undefined {
  const effort = request.reasoningEffort;
  return effort === undefined || effort === 'none' ? undefined : EFFORT_BUDGETS[effort];
}

/** Why reasoning_effort cannot become thinking on Anthropic for this request, or undefined when it can. */
function thinkingConflict(request: ChatRequest): string | undefined {
  if (request.responseFormat?.type === 'json_schema') return 'json_schema output forces a tool, which Anthropic does not allow with thinking';
  if (request.toolChoice === 'required' || typeof request.toolChoice === 'object') return 'a forced tool_choice is not allowed with thinking on Anthropic';
  if (request.maxTokens !== undefined && request.maxTokens <= 1024) return `max_tokens ${request.maxTokens} leaves no room for Anthropic's minimum thinking budget of 1024`;
  return undefined;
}

export function toAnthropicBody(request: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const effort = effortBudget(request);
  const thinking = effort !== undefined && thinkingConflict(request) === undefined ? effort : undefined;
  // Thinking counts against max_tokens: without a client limit, leave room for the answer after it.
  const maxTokens = request.maxTokens ?? Math.max(defaultMaxTokens(upstreamModel), (thinking ?? 0) + 4096);
  const body: Record<string, unknown> = {
    model: upstreamModel,
    max_tokens: maxTokens,
    messages: turnsOf(request.messages),
  };
  if (thinking !== undefined) body.thinking = { type: 'enabled', budget_tokens: Math.min(thinking, maxTokens - 1) };
  // An Anthropic client's own thinking, as it wrote it (on Vertex AI too).
  else if (request.thinking !== undefined) body.thinking = request.thinking.type === 'enabled' ? { type: 'enabled', budget_tokens: request.thinking.budgetTokens } : { type: 'disabled' };
  const system = systemOf(request);
  if (system !== undefined) body.system = system;
  const tools: Block[] = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    input_schema: tool.parameters ?? { type: 'object', properties: {} },
  }));
  const jsonTool = jsonToolName(request);
  if (jsonTool && request.responseFormat?.type === 'json_schema') {
    tools.push({ name: jsonTool, description: request.responseFormat.description ?? 'Answer with this JSON shape.', input_schema: request.responseFormat.schema });
    body.tool_choice = { type: 'tool', name: jsonTool };
  } else if (request.toolChoice !== undefined) {
    body.tool_choice = toolChoiceOf(request.toolChoice, request.parallelToolCalls);
  } else if (request.parallelToolCalls === false && tools.length) {
    body.tool_choice = { type: 'auto', disable_parallel_tool_use: true };
  }
  if (tools.length) body.tools = tools;
  if (request.stop?.length) body.stop_sequences = request.stop;
  // With thinking Anthropic takes no temperature, and top_p only from 0.95 (anthropicUnsupported warns).
  if (request.temperature !== undefined && thinking === undefined) body.temperature = Math.min(request.temperature, 1);
  if (request.topP !== undefined && (thinking === undefined || request.topP >= 0.95)) body.top_p = request.topP;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.topK !== undefined) body.top_k = request.topK;
  const tier = anthropicTier(request.serviceTier);
  if (tier !== undefined) body.service_tier = tier;
  if (request.stream) body.stream = true;
  return body;
}

/** OpenAI's service tiers in Anthropic's words, where there is one: auto is auto, default is standard_only. */
function anthropicTier(tier: string | undefined): string | undefined {
  return tier === 'auto' ? 'auto' : tier === 'default' ? 'standard_only' : undefined;
}

/** What Anthropic cannot express: harmless drops are warnings; wrong results are 400s. */
export function anthropicUnsupported(request: ChatRequest): string[] {
  if (request.n !== undefined && request.n > 1) throw new GatewayError('invalid_request', 'Anthropic models return one choice; n > 1 is not supported.', { param: 'n' });
  if (request.logprobs || request.topLogprobs) throw new GatewayError('invalid_request', 'Anthropic models do not return logprobs.', { param: 'logprobs' });
  const warnings: string[] = [];
  const dropped = (name: string, present: boolean): void => {
    if (present) warnings.push(`${name} dropped: not supported by Anthropic`);
  };
  dropped('seed', request.seed !== undefined);
  dropped('presence_penalty', request.presencePenalty !== undefined);
  dropped('frequency_penalty', request.frequencyPenalty !== undefined);
  dropped('logit_bias', request.logitBias !== undefined);
  dropped('metadata', request.metadata !== undefined);
  dropped('store', request.store !== undefined);
  if (request.serviceTier !== undefined && anthropicTier(request.serviceTier) === undefined) warnings.push(`service_tier ${request.serviceTier} dropped: Anthropic has only auto and standard_only`);
  const effort = effortBudget(request);
  const conflict = effort !== undefined ? thinkingConflict(request) : undefined;
  if (conflict) warnings.push(`reasoning_effort dropped: ${conflict}`);
  const thinking = effort !== undefined && conflict === undefined;
  if (thinking && request.maxTokens !== undefined && (effort as number) >= request.maxTokens) warnings.push(`reasoning_effort: thinking budget cut to ${request.maxTokens - 1}, below max_tokens`);
  if (thinking && request.temperature !== undefined) warnings.push('temperature dropped: Anthropic takes none with thinking');
  if (thinking && request.topP !== undefined && request.topP < 0.95) warnings.push('top_p dropped: Anthropic takes only 0.95 to 1 with thinking');
  if (!thinking && request.temperature !== undefined && request.temperature > 1) warnings.push(`temperature ${request.temperature} lowered to 1, Anthropic's maximum`);
  if (request.responseFormat?.type === 'json_schema' && request.tools?.length) warnings.push('tools ignored for this call: json_schema output forces its own tool');
  return warnings;
}

/** The top-level fields whose native form replaces the canonical one only when the client's messages and tools are still its own. */
const STRUCTURAL = new Set(['model', 'stream', 'messages', 'system', 'tools', 'tool_choice']);

function nativeAnthropic(request: ChatRequest): NativeRequest | undefined {
  return request.native?.protocol === 'anthropic-messages' ? request.native : undefined;
}

/**
 * An Anthropic client's request to an Anthropic upstream: the canonical body, with the
 * client's own messages, system blocks and tools (cache_control marks, new block types,
 * `defer_loading`) while no guard or recovery step replaced them, and every other field it
 * sent that the canonical body lacks (`thinking`, `context_management`, `output_config`, …).
 * Canonical values win for the fields the gateway sets itself (model, stream, max_tokens).
 */
export function withNativeFields(body: Record<string, unknown>, request: ChatRequest): Record<string, unknown> {
  const native = nativeAnthropic(request);
  if (!native) return body;
  const sent = native.body;
  if (nativeMessagesUsable(request, native)) {
    body.messages = sent.messages;
    if (sent.system !== undefined) body.system = sent.system;
    else delete body.system;
  }
  if (request.tools === native.tools && request.responseFormat === undefined) {
    if (sent.tools !== undefined) body.tools = sent.tools;
    if (sent.tool_choice !== undefined) body.tool_choice = sent.tool_choice;
  }
  for (const [key, value] of Object.entries(sent)) {
    if (STRUCTURAL.has(key)) continue;
    if (key === 'metadata' && typeof value === 'object' && value !== null) body.metadata = { ...(value as Record<string, unknown>), ...(body.metadata as Record<string, unknown> | undefined) };
    else if (!(key in body)) body[key] = value;
  }
  return body;
}

/**
 * Whether the client's own messages can go upstream: not when a guard or recovery step
 * replaced them, nor when they hold `system` turns (sent by Claude Code to models it does
 * not know as Claude), which the canonical conversion moves into the system prompt.
 */
function nativeMessagesUsable(request: ChatRequest, native: NativeRequest): boolean {
  if (request.messages !== native.messages) return false;
  const sent = native.body.messages;
  return Array.isArray(sent) && !sent.some((message) => (message as { role?: unknown }).role === 'system');
}

/** What of an Anthropic client's own request cannot reach the Anthropic upstream (a guard replaced its messages or tools). */
export function nativeAnthropicLoss(request: ChatRequest): string[] {
  const native = nativeAnthropic(request);
  if (!native) return [];
  const lost = new Set<string>();
  for (const field of native.passed) {
    const part = field.path[0];
    if ((part === 'messages' || part === 'system') && !nativeMessagesUsable(request, native)) lost.add(`${String(part)} fields the gateway does not model`);
    if ((part === 'tools' || part === 'tool_choice') && request.tools !== native.tools) lost.add(`${String(part)} fields the gateway does not model`);
  }
  return [...lost].map((what) => `${what} dropped: the gateway rewrote that part of the request`);
}
