/**
 * Cascade routing (strategy `cascade`): the weak model answers first, internally and not
 * streamed; the route's trained verifier scores that answer (missing or inconsistent
 * final answer, cut-off text, hedging, arithmetic that does not check out, … — see
 * learned/cascade-verifier.ts) and the gateway either keeps it or escalates to the strong
 * model. The client only ever receives the answer finally kept; both calls are attempts of
 * the request, billed and logged. This module holds the decision and the replay of a kept
 * answer as a stream; the server's chat pipeline (server/handlers/chat-cascade.ts) runs it.
 */
import type { ModelConfig } from '../config/load.js';
import type { ChatResponse, StreamPart, Usage } from '../core/types.js';
import type { CascadeVerifier } from './learned/cascade-verifier.js';

/** What a cascade route decided before any call: who answers first, who takes over. */
export interface CascadePlan {
  weak: ModelConfig;
  strong: ModelConfig;
  verifier: CascadeVerifier;
  threshold: number;
  /** The text the verifier reads beside the answer: the last user message. */
  prompt: string;
}

export interface CascadeVerdict {
  escalate: boolean;
  score: number;
  threshold: number;
  /** Checks that fired on the answer (they inform the score; the threshold decides). */
  reasons: string[];
  /** Why the weak answer could not be scored at all (the weak call failed, or it answered with tool calls). */
  unusable?: string;
}

/** The text of the weak answer's first choice. */
export function answerText(response: ChatResponse): string {
  return response.choices[0]?.text ?? '';
}

/** Keep or escalate a weak answer. A failed weak call, a refusal, a tool call, an answer cut off at the token limit or an empty one always escalates. */
export function judgeWeakAnswer(plan: CascadePlan, response: ChatResponse | undefined, failure?: string): CascadeVerdict {
  if (!response) return { escalate: true, score: Number.NaN, threshold: plan.threshold, reasons: [], unusable: failure ?? 'the weak call failed' };
  const choice = response.choices[0];
  if (!choice) return { escalate: true, score: Number.NaN, threshold: plan.threshold, reasons: [], unusable: 'no answer' };
  if (choice.toolCalls.length > 0) return { escalate: true, score: Number.NaN, threshold: plan.threshold, reasons: [], unusable: 'the weak model called tools' };
  if (choice.finishReason === 'content_filter' || (choice.refusal ?? '') !== '') return { escalate: true, score: Number.NaN, threshold: plan.threshold, reasons: [], unusable: 'the weak model refused' };
  if (choice.finishReason === 'length') return { escalate: true, score: Number.NaN, threshold: plan.threshold, reasons: [], unusable: 'answer cut off at the token limit' };
  const text = choice.text ?? '';
  if (text.trim() === '') return { escalate: true, score: Number.NaN, threshold: plan.threshold, reasons: [], unusable: 'empty answer' };
  const scored = plan.verifier.shouldEscalate(plan.prompt, text);
  return { escalate: scored.score >= plan.threshold, score: scored.score, threshold: plan.threshold, reasons: scored.reasons };
}

/** The part of x-switchyard-reason the cascade adds, e.g. `cascade(weak score 0.12<0.27, kept)`. */
export function verdictReason(verdict: CascadeVerdict): string {
  if (verdict.unusable) return `cascade(${verdict.unusable}, escalated)`;
  const relation = verdict.escalate ? '>=' : '<';
  return `cascade(weak score ${verdict.score.toFixed(2)}${relation}${verdict.threshold.toFixed(2)}, ${verdict.escalate ? 'escalated' : 'kept'})`;
}

/** A kept non-streamed answer as the parts of a stream, for a streaming client: start, text in small pieces, finish, usage. */
export function replayAsStream(response: ChatResponse, usage: Usage | undefined, pieceChars = 64): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', ...(response.id ? { id: response.id } : {}), model: response.model, created: response.created }];
  for (const choice of response.choices) {
    const text = choice.text ?? '';
    // Split on whitespace boundaries near pieceChars so no word is cut.
    let position = 0;
    while (position < text.length) {
      let end = Math.min(text.length, position + pieceChars);
      if (end < text.length) {
        const space = text.lastIndexOf(' ', end);
        if (space > position) end = space + 1;
      }
      parts.push({ type: 'text-delta', index: choice.index, text: text.slice(position, end) });
      position = end;
    }
    if (choice.refusal) parts.push({ type: 'refusal-delta', index: choice.index, text: choice.refusal });
    parts.push({ type: 'finish', index: choice.index, finishReason: choice.finishReason });
  }
  if (usage) parts.push({ type: 'usage', usage });
  return parts;
}
