/**
 * A stored answer as stream parts, for a client that asked for a stream: text in natural
 * pieces (a few words each, whitespace kept with the word before it), tool calls with their
 * arguments in pieces, then each choice's finish. The format's renderer adds usage and the end.
 */
import type { ChatResponse, StreamPart } from '../core/types.js';

const WORDS_PER_PIECE = 3;

/** Split text into pieces of a few words; joined they are the text exactly. */
export function textPieces(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let at = 0; at < words.length; at += WORDS_PER_PIECE) pieces.push(words.slice(at, at + WORDS_PER_PIECE).join(''));
  return pieces;
}

export function* replayParts(response: ChatResponse, created: number): Generator<StreamPart> {
  yield { type: 'start', model: response.model, created };
  for (const choice of response.choices) {
    if (choice.refusal) for (const piece of textPieces(choice.refusal)) yield { type: 'refusal-delta', index: choice.index, text: piece };
    if (choice.text) for (const piece of textPieces(choice.text)) yield { type: 'text-delta', index: choice.index, text: piece };
    for (let toolIndex = 0; toolIndex < choice.toolCalls.length; toolIndex++) {
      const call = choice.toolCalls[toolIndex]!;
      yield { type: 'tool-call-start', index: choice.index, toolIndex, id: call.id, name: call.name };
      for (let at = 0; at < call.arguments.length; at += 64) yield { type: 'tool-call-delta', index: choice.index, toolIndex, argumentsDelta: call.arguments.slice(at, at + 64) };
    }
    yield { type: 'finish', index: choice.index, finishReason: choice.finishReason };
  }
}
