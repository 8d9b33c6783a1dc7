/**
 * Protocol-independent answer generation. Deterministic for a given (model, messages,
 * seed): the same inputs give byte-identical content, tool calls and usage.
 */
import { CLASSIFY_INSTRUCTION } from '../../core/categories.js';
import { CONTINUATION_INSTRUCTION } from '../../core/continuation.js';
import type { SimBehaviour, SimulatedModel } from '../types.js';
import { SeededRandom } from '../random.js';
import { countTextTokens, truncateToTokens } from '../tokens.js';
import { findArithmetic, formatNumber, wrongValue } from './arithmetic.js';
import type { ChatAnswer, ChatInput, FinishReason, SimMessage, SimToolCall } from './chat-input.js';
import { valueForSchema, type ValueHint } from './json-values.js';
import { keyedAnswer } from './keyed-answers.js';
import { detectCategory } from './task-category.js';
import { capitalise, joinList, keywordsOf } from './text-features.js';
import { textAnswer } from './text-answers.js';
import { buildToolCall, chooseTools } from './tool-calls.js';
import { nextAgentStep, userRequestOf, withoutHarnessTail } from './agent-task.js';

type AnswerBehaviour = Pick<SimBehaviour, 'maxAnswerTokens' | 'forceCorrect' | 'safetyBlock' | 'answerKey' | 'seed'>;

export function generateChat(model: SimulatedModel, input: ChatInput, behaviour: AnswerBehaviour, promptTokens: number): ChatAnswer {
  const continuation = continuationOf(input.messages);
  if (continuation) return continueAnswer(model, input, behaviour, promptTokens, continuation);
  return freshAnswer(model, input, behaviour, promptTokens);
}

/**
 * A request to continue a partial answer: the conversation ends with the partial
 * assistant turn (prefill), or with it followed by the gateway's continuation instruction.
 */
function continuationOf(messages: readonly SimMessage[]): { base: SimMessage[]; partial: string } | undefined {
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant' && last.toolCalls.length === 0 && last.text.length > 0) return { base: messages.slice(0, -1), partial: last.text };
  const previous = messages[messages.length - 2];
  if (last?.role === 'user' && last.text === CONTINUATION_INSTRUCTION && previous?.role === 'assistant') {
    return { base: messages.slice(0, -2), partial: previous.text };
  }
  return undefined;
}

/** The rest of the answer this model gives to the base conversation, after the partial text (or the whole answer when it would not have started that way). */
function continueAnswer(model: SimulatedModel, input: ChatInput, behaviour: AnswerBehaviour, promptTokens: number, continuation: { base: SimMessage[]; partial: string }): ChatAnswer {
  const { maxTokens, ...unlimited } = input;
  const full = freshAnswer(model, { ...unlimited, messages: continuation.base }, behaviour, promptTokens);
  if (full.content === null) return full;
  const rest = full.content.startsWith(continuation.partial) ? full.content.slice(continuation.partial.length) : full.content;
  const cut = truncateToTokens(rest, maxTokens ?? Number.POSITIVE_INFINITY);
  return { ...full, content: cut.text, finishReason: cut.truncated ? 'length' : full.finishReason, usage: { promptTokens, completionTokens: countTextTokens(cut.text) } };
}

function freshAnswer(model: SimulatedModel, asked: ChatInput, behaviour: AnswerBehaviour, promptTokens: number): ChatAnswer {
  if (asked.messages[0]?.role === 'system' && asked.messages[0].text === CLASSIFY_INSTRUCTION) return classification(asked, promptTokens);
  const random = SeededRandom.fromText(model.name, JSON.stringify(asked.messages), String(asked.seed ?? behaviour.seed ?? ''));
  // Agents wrap the user's words in harness text: answer the words, as if asked bare.
  const input = { ...asked, messages: withoutHarnessTail(asked.messages) };
  const request = userRequestOf(input.messages);
  const lastUser = input.messages[request.index];
  const lastUserText = request.text;
  const agentStep = nextAgentStep(input, request);
  // An evaluation case says which category it tests; otherwise the simulator guesses from the prompt.
  const category =
    behaviour.answerKey?.category ??
    detectCategory({
      lastUserText,
      hasImages: (lastUser?.imageCount ?? 0) > 0,
      toolsOffered: input.tools.length > 0 && input.toolChoice.mode !== 'none' && (agentStep?.kind === 'call' || !isAgentRequest(input)),
      promptTokens: conversationTokens(input, promptTokens),
    });
  const draw = random.next();
  const correct = behaviour.forceCorrect ?? draw < model.quality[category];
  const limit = Math.min(input.maxTokens ?? Number.POSITIVE_INFINITY, model.maxOutputTokens > 0 ? model.maxOutputTokens : Number.POSITIVE_INFINITY);
  if (behaviour.safetyBlock) {
    return { category, correct, content: null, toolCalls: [], finishReason: 'content_filter', usage: { promptTokens, completionTokens: 0 } };
  }
  if (agentStep?.kind === 'call') {
    const call = { id: `call_${random.identifier(24)}`, name: agentStep.tool.name, arguments: JSON.stringify(agentStep.arguments) };
    return toolCallAnswer([call], category, correct, promptTokens, limit);
  }
  if (agentStep?.kind === 'answer') return textOnly(agentStep.text, category, correct, promptTokens, limit);

  const tools = isAgentRequest(input) && input.toolChoice.mode === 'auto' ? [] : chooseTools(input, lastUserText);
  if (tools.length > 0) {
    const calls = tools.map((tool) => buildToolCall(tool, lastUserText, correct, random));
    return toolCallAnswer(calls, category, correct, promptTokens, limit);
  }

  const content = contentFor(input, lastUserText, category, correct, random, behaviour);
  // Structured output is never stopped mid-document by the natural cap; max_tokens still cuts it.
  const structured = input.responseFormat.type !== 'text';
  const natural = structured ? { text: content, truncated: false } : truncateToTokens(content, behaviour.maxAnswerTokens);
  const stopped = cutAtStopSequence(natural.text, input.stopSequences ?? []);
  const cut = truncateToTokens(stopped.text, limit);
  const finishReason: FinishReason = cut.truncated || (natural.truncated && !stopped.sequence) ? 'length' : 'stop';
  const answer: ChatAnswer = {
    category,
    correct,
    content: cut.text,
    toolCalls: [],
    finishReason,
    usage: { promptTokens, completionTokens: countTextTokens(cut.text) },
  };
  if (stopped.sequence !== undefined && !cut.truncated) answer.stopSequence = stopped.sequence;
  return answer;
}

/**
 * A coding agent's request: a system prompt of thousands of tokens and a dozen tools. It
 * answers questions directly and uses tools only for the file tasks it recognises
 * (agent-task.ts): a made-up call to a shell or sub-agent tool would run for real.
 */
function isAgentRequest(input: ChatInput): boolean {
  const system = input.messages.find((message) => message.role === 'system');
  return input.tools.length >= 5 && (system?.text.length ?? 0) > 4_000;
}

/** Prompt size for choosing the task: an agent's own system prompt does not make a question a long-context task. */
function conversationTokens(input: ChatInput, promptTokens: number): number {
  if (!isAgentRequest(input)) return promptTokens;
  return input.messages.reduce((sum, message) => sum + (message.role === 'system' ? 0 : countTextTokens(message.text)), 0);
}

function textOnly(text: string, category: ChatAnswer['category'], correct: boolean, promptTokens: number, limit: number): ChatAnswer {
  const cut = truncateToTokens(text, limit);
  return { category, correct, content: cut.text, toolCalls: [], finishReason: cut.truncated ? 'length' : 'stop', usage: { promptTokens, completionTokens: countTextTokens(cut.text) } };
}

/** Asked to name a task category (the gateway's LLM classifier), the simulator answers with the one it detects. */
function classification(input: ChatInput, promptTokens: number): ChatAnswer {
  const user = input.messages.find((message) => message.role === 'user');
  const category = detectCategory({ lastUserText: user?.text ?? '', hasImages: (user?.imageCount ?? 0) > 0, toolsOffered: false, promptTokens });
  return { category, correct: true, content: category, toolCalls: [], finishReason: 'stop', usage: { promptTokens, completionTokens: 1 } };
}

/** The text up to the earliest stop sequence, and which sequence matched. */
function cutAtStopSequence(text: string, sequences: readonly string[]): { text: string; sequence?: string } {
  let earliest: { index: number; sequence: string } | undefined;
  for (const sequence of sequences) {
    if (sequence.length === 0) continue;
    const index = text.indexOf(sequence);
    if (index >= 0 && (!earliest || index < earliest.index)) earliest = { index, sequence };
  }
  return earliest ? { text: text.slice(0, earliest.index), sequence: earliest.sequence } : { text };
}

function contentFor(
  input: ChatInput,
  lastUserText: string,
  category: ChatAnswer['category'],
  correct: boolean,
  random: SeededRandom,
  behaviour: AnswerBehaviour,
): string {
  const last = input.messages[input.messages.length - 1];
  if (last?.role === 'tool') return toolResultAnswer(last, input.messages);
  const format = input.responseFormat;
  const key = behaviour.answerKey;
  if (key && (format.type === 'text' || key.kind === 'json' || key.kind === 'contains')) {
    const wantsJson = format.type !== 'text' || /\bjson\b/i.test(lastUserText);
    const keyed = keyedAnswer(key, { text: lastUserText, correct, random, wantsJson });
    if (keyed !== undefined) return keyed;
  }
  if (format.type === 'json_schema') {
    const hint = key?.kind === 'number' ? numberHint(correct ? key.value : wrongValue(key.value, random)) : arithmeticHint(lastUserText, correct, random);
    const context = { root: format.schema, random, keywords: keywordsOf(lastUserText), hint };
    return JSON.stringify(valueForSchema(format.schema, context, format.name));
  }
  if (format.type === 'json_object') return JSON.stringify(jsonObjectAnswer(lastUserText, correct, random));
  return textAnswer({ category, text: lastUserText, correct, random, maxAnswerTokens: behaviour.maxAnswerTokens });
}

function toolCallAnswer(calls: SimToolCall[], category: ChatAnswer['category'], correct: boolean, promptTokens: number, limit: number): ChatAnswer {
  const tokensOf = (call: SimToolCall): number => countTextTokens(call.name) + countTextTokens(call.arguments);
  let completionTokens = calls.reduce((sum, call) => sum + tokensOf(call), 0);
  let finishReason: FinishReason = 'tool_calls';
  if (completionTokens > limit) {
    const first = calls[0] as SimToolCall;
    const budget = Math.max(0, limit - countTextTokens(first.name));
    calls = [{ ...first, arguments: truncateToTokens(first.arguments, budget).text }];
    completionTokens = tokensOf(calls[0] as SimToolCall);
    finishReason = 'length';
  }
  return { category, correct, content: null, toolCalls: calls, finishReason, usage: { promptTokens, completionTokens } };
}

/** A text answer that uses the tool's result. */
function toolResultAnswer(result: SimMessage, messages: readonly SimMessage[]): string {
  const call = messages.flatMap((message) => message.toolCalls).find((candidate) => candidate.id === result.toolCallId);
  const source = call?.name ?? result.name ?? 'tool';
  let facts: string;
  try {
    const parsed: unknown = JSON.parse(result.text);
    facts = describe(parsed);
  } catch {
    facts = result.text.trim().slice(0, 300) || 'no data';
  }
  return `According to the ${source} result, ${facts}. Let me know if you need anything else.`;
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const entries = Array.isArray(value) ? value.slice(0, 6).map((item, index) => [`item ${index + 1}`, item] as const) : Object.entries(value).slice(0, 6);
  const parts = entries.map(([key, item]) => `${key.replace(/_/g, ' ')} is ${typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item)}`);
  return joinList(parts) || 'it returned no data';
}

function jsonObjectAnswer(text: string, correct: boolean, random: SeededRandom): Record<string, unknown> {
  const problem = findArithmetic(text);
  if (problem) return { answer: correct ? problem.value : wrongValue(problem.value, random) };
  const keywords = keywordsOf(text);
  return { answer: `${capitalise(joinList(keywords.slice(0, 3)) || 'The request')} is addressed here.`, topics: keywords };
}

/** Puts the arithmetic result into "answer"/"result"-like fields of a structured output. */
function arithmeticHint(text: string, correct: boolean, random: SeededRandom): ValueHint | undefined {
  const problem = findArithmetic(text);
  if (!problem) return undefined;
  return numberHint(correct ? problem.value : wrongValue(problem.value, random));
}

/** Puts `value` into "answer"/"result"-like fields of a structured output. */
function numberHint(value: number): ValueHint {
  return (propertyName, schema) => {
    if (!/answer|result|value|total|solution/i.test(propertyName)) return undefined;
    if (schema.type === 'number') return value;
    if (schema.type === 'integer') return Math.round(value);
    if (schema.type === 'string') return formatNumber(value);
    return undefined;
  };
}
