/** Gemini response bodies: GenerateContentResponse, candidates, usage and google.rpc errors. */
import type { ChatAnswer } from '../generation/chat-input.js';
import { parseArguments, randomIdentifier } from './exchange.js';

export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> };
}

/** google.rpc.Code names by HTTP status; unlisted statuses fall back by class. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function statusNameFor(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

export function errorBody(status: number, message: string, details?: Array<Record<string, unknown>>): GeminiErrorBody {
  const error: GeminiErrorBody['error'] = { code: status, message, status: statusNameFor(status) };
  if (details && details.length > 0) error.details = details;
  return { error };
}

/** The google.rpc.RetryInfo detail Google attaches to throttling errors. */
export function retryInfo(seconds: number): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${Number.parseFloat(seconds.toFixed(3))}s` };
}

/** The message Google sends with each drawn status, marked as simulated. */
export function simulatedErrorMessage(status: number): string {
  switch (statusNameFor(status)) {
    case 'INVALID_ARGUMENT':
      return 'Request contains an invalid argument. (simulated)';
    case 'UNAUTHENTICATED':
      return 'Request had invalid authentication credentials. (simulated)';
    case 'PERMISSION_DENIED':
      return 'The caller does not have permission. (simulated)';
    case 'NOT_FOUND':
      return 'Requested entity was not found. (simulated)';
    case 'RESOURCE_EXHAUSTED':
      return 'Resource has been exhausted (e.g. check quota). (simulated)';
    case 'UNAVAILABLE':
      return 'The model is overloaded. Please try again later. (simulated)';
    case 'DEADLINE_EXCEEDED':
      return 'Deadline expired before operation could complete. (simulated)';
    case 'INTERNAL':
      return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting (simulated)';
    default:
      return `Simulated error ${status}.`;
  }
}

export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY';

export function finishReasonOf(answer: ChatAnswer): GeminiFinishReason {
  switch (answer.finishReason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'stop':
    case 'tool_calls':
      return 'STOP';
  }
}

/** The parts of a complete answer: function calls (whole, never partial) or its text. */
export function answerParts(answer: ChatAnswer): Array<Record<string, unknown>> {
  if (answer.toolCalls.length > 0) {
    // A call cut by maxOutputTokens has no valid args and is left out, as Gemini never sends partial calls.
    return answer.toolCalls.flatMap((call) => {
      const args = parseArguments(call.arguments);
      return args ? [{ functionCall: { name: call.name, args } }] : [];
    });
  }
  return answer.content ? [{ text: answer.content }] : [];
}

const BLOCKED_RATINGS = [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
];

/**
 * One candidate. Like Google's proto JSON, empty fields are left out: a SAFETY block has
 * no content at all, an empty answer a content without parts.
 */
export function candidateBody(parts: Array<Record<string, unknown>>, finishReason?: GeminiFinishReason): Record<string, unknown> {
  if (finishReason === 'SAFETY') return { finishReason, index: 0, safetyRatings: BLOCKED_RATINGS };
  const candidate: Record<string, unknown> = { content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' } };
  if (finishReason) candidate.finishReason = finishReason;
  candidate.index = 0;
  return candidate;
}

export function usageBody(promptTokens: number, candidatesTokens: number): Record<string, number> {
  return { promptTokenCount: promptTokens, candidatesTokenCount: candidatesTokens, totalTokenCount: promptTokens + candidatesTokens };
}

export interface ResponseMeta {
  modelVersion: string;
  responseId: string;
}

export function responseMeta(model: string): ResponseMeta {
  return { modelVersion: model, responseId: randomIdentifier(23) };
}

export function responseBody(meta: ResponseMeta, candidate: Record<string, unknown>, usage: Record<string, number>): Record<string, unknown> {
  return { candidates: [candidate], usageMetadata: usage, modelVersion: meta.modelVersion, responseId: meta.responseId };
}

export function generateContentBody(meta: ResponseMeta, answer: ChatAnswer): Record<string, unknown> {
  return responseBody(meta, candidateBody(answerParts(answer), finishReasonOf(answer)), usageBody(answer.usage.promptTokens, answer.usage.completionTokens));
}
