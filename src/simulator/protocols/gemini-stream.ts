/**
 * Streams a ChatAnswer as Gemini server-sent events (`?alt=sse`): every event is a whole
 * GenerateContentResponse written as `data: <json>\r\n\r\n` (Google's frontends end
 * events with CRLF), with cumulative usageMetadata. The last chunk carries the
 * finishReason; there is no [DONE]. Text arrives in token groups at the behaviour's pace;
 * function calls arrive whole in the last chunk, after the time their arguments take.
 * break_after cuts the socket before the finishReason chunk.
 */
import type { ServerResponse } from 'node:http';
import type { ChatAnswer } from '../generation/chat-input.js';
import { countTextTokens, tokenPieces } from '../tokens.js';
import type { SimBehaviour } from '../types.js';
import { paceStream } from './exchange.js';
import { answerParts, candidateBody, finishReasonOf, responseBody, usageBody, type ResponseMeta } from './gemini-render.js';

export interface GeminiStreamSettings {
  meta: ResponseMeta;
  behaviour: SimBehaviour;
  signal: AbortSignal;
  headers: Record<string, string>;
}

export async function streamGenerateContent(response: ServerResponse, answer: ChatAnswer, settings: GeminiStreamSettings): Promise<void> {
  const { meta } = settings;
  const { promptTokens, completionTokens } = answer.usage;
  const send = (body: Record<string, unknown>): void => {
    if (!response.destroyed) response.write(`data: ${JSON.stringify(body)}\r\n\r\n`);
  };
  const sendFinal = (parts: Array<Record<string, unknown>>): void => {
    send(responseBody(meta, candidateBody(parts, finishReasonOf(answer)), usageBody(promptTokens, completionTokens)));
  };
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...settings.headers });

  const calls = answer.toolCalls.length > 0;
  const pieces = calls ? [] : tokenPieces(answer.content ?? '');
  // Function calls are paced by their argument tokens but sent whole at the end.
  const count = calls ? answer.toolCalls.reduce((sum, call) => sum + Math.max(1, countTextTokens(call.arguments)), 0) : pieces.length;
  let finished = false;
  const completed = await paceStream(response, count, settings.behaviour, settings.signal, (from, to, last) => {
    if (last) {
      sendFinal(calls ? answerParts(answer) : [{ text: pieces.slice(from, to).join('') }]);
      finished = true;
    } else if (!calls) {
      const usage = usageBody(promptTokens, Math.min(to, completionTokens));
      send(responseBody(meta, candidateBody([{ text: pieces.slice(from, to).join('') }]), usage));
    }
  });
  if (!completed) return;
  if (!finished) sendFinal([]);
  response.end();
}
