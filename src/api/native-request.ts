/**
 * What happens to the client's own fields (ChatRequest.native) on an upstream that does not
 * speak the client's protocol: each is dropped with a warning, except a content block of a
 * user turn, whose loss would have the model answer a question it never saw (a 400).
 */
import { GatewayError } from '../core/errors.js';
import type { NativeRequest, WirePath, WireProtocol } from '../core/types.js';
import { wirePathName } from './tolerant-reader.js';

const PROTOCOL_NAMES: Record<WireProtocol, string> = {
  'anthropic-messages': 'Anthropic Messages',
  'openai-chat': 'OpenAI Chat Completions',
  'openai-responses': 'OpenAI Responses',
};

export function protocolName(protocol: WireProtocol): string {
  return PROTOCOL_NAMES[protocol];
}

/** Warnings for what `provider` (another protocol) will not receive; throws when a loss would change the answer. */
export function crossProtocolLoss(native: NativeRequest, provider: string): string[] {
  const dropped = new Set<string>();
  for (const field of native.passed) {
    if (isUserContent(native, field.path)) {
      const name = wirePathName(field.path);
      const type = typeof field.value === 'object' && field.value !== null && 'type' in field.value ? ` (${String((field.value as { type: unknown }).type)})` : '';
      throw new GatewayError(
        'invalid_request',
        `The ${field.path.length === 2 && field.path[0] === 'input' ? 'input item' : 'content block'} '${name}'${type} cannot be sent to provider ${provider}, which does not speak the ${protocolName(native.protocol)} API; the model would answer without it.`,
        { param: name },
      );
    }
    const type = typeof field.path.at(-1) === 'number' && typeof field.value === 'object' && field.value !== null ? (field.value as { type?: unknown }).type : undefined;
    dropped.add(typeof type === 'string' ? `${pathPattern(field.path)} (${type})` : pathPattern(field.path));
  }
  for (const name of native.knownElsewhere) dropped.add(name);
  return [...dropped].map((name) => `${name} dropped: not supported by provider ${provider}`);
}

/** `tools[*].defer_loading`: one warning for a field every tool carries. */
function pathPattern(path: WirePath): string {
  return path.map((part, index) => (typeof part === 'number' ? '[*]' : index === 0 ? part : `.${part}`)).join('');
}

/**
 * A block of a user turn's content (or of a tool result inside it); for the Responses API
 * also a whole input item of a type only it knows (a hosted tool's call, a custom tool's
 * output): either is part of the conversation the model must see.
 */
function isUserContent(native: NativeRequest, path: WirePath): boolean {
  if (native.protocol === 'openai-responses') return isResponsesConversation(native, path);
  if (path[0] !== 'messages' || path[2] !== 'content' || typeof path[1] !== 'number' || typeof path[3] !== 'number') return false;
  if (path.length !== 4 && !(path.length === 6 && path[4] === 'content')) return false;
  const messages = native.body.messages;
  const message = Array.isArray(messages) ? (messages[path[1]] as { role?: unknown } | undefined) : undefined;
  return message?.role === 'user' || message?.role === 'tool';
}

function isResponsesConversation(native: NativeRequest, path: WirePath): boolean {
  if (path[0] !== 'input' || typeof path[1] !== 'number') return false;
  if (path.length === 2) return true;
  if (path.length !== 4 || path[2] !== 'content' || typeof path[3] !== 'number') return false;
  const input = native.body.input;
  const item = Array.isArray(input) ? (input[path[1]] as { role?: unknown } | undefined) : undefined;
  return item?.role === 'user';
}
