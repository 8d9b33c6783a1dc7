/**
 * Checks a batch input file line by line, as OpenAI's validation does: each line a JSON
 * object `{custom_id, method: "POST", url: <the batch's endpoint>, body: {...}}`, custom ids
 * unique, no streaming, at most `maxLines` lines of at most `maxLineBytes` each. Every
 * problem is reported with its line number (1-based), up to a hundred of them.
 */
import type { BatchEndpoint, BatchError } from './store.js';

export interface ValidLine {
  line: number;
  customId: string;
  body: string;
}

export type Validation = { ok: true; lines: ValidLine[] } | { ok: false; errors: BatchError[] };

const MAX_REPORTED = 100;

export function validateBatchInput(content: string, endpoint: BatchEndpoint, limits: { maxLines: number; maxLineBytes: number }): Validation {
  const errors: BatchError[] = [];
  const lines: ValidLine[] = [];
  const seen = new Map<string, number>();
  const report = (line: number, code: string, message: string, param: string | null = null): void => {
    if (errors.length < MAX_REPORTED) errors.push({ code, message, param, line });
  };
  const raw = content.split('\n');
  if (raw.length > 0 && raw[raw.length - 1]?.trim() === '') raw.pop();
  if (raw.length === 0) return { ok: false, errors: [{ code: 'empty_file', message: 'The input file has no lines.', param: 'input_file_id', line: null }] };
  if (raw.length > limits.maxLines) {
    return { ok: false, errors: [{ code: 'too_many_requests', message: `The input file has ${raw.length} lines; a batch takes at most ${limits.maxLines} (batch.max_lines).`, param: 'input_file_id', line: null }] };
  }
  raw.forEach((text, index) => {
    const number = index + 1;
    if (text.trim() === '') return report(number, 'invalid_json_line', 'The line is empty.');
    if (Buffer.byteLength(text) > limits.maxLineBytes) return report(number, 'request_too_large', `The line is ${Buffer.byteLength(text)} bytes; at most ${limits.maxLineBytes} are accepted.`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return report(number, 'invalid_json_line', `The line is not valid JSON: ${(error as Error).message}.`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return report(number, 'invalid_json_line', 'The line must be a JSON object.');
    const { custom_id: customId, method, url, body } = parsed as Record<string, unknown>;
    if (typeof customId !== 'string' || customId === '') return report(number, 'missing_required_parameter', 'custom_id must be a non-empty string.', 'custom_id');
    if (customId.length > 512) return report(number, 'invalid_request', 'custom_id is longer than 512 characters.', 'custom_id');
    const earlier = seen.get(customId);
    if (earlier !== undefined) return report(number, 'duplicate_custom_id', `custom_id '${customId}' was already used on line ${earlier}.`, 'custom_id');
    seen.set(customId, number);
    if (method !== 'POST') return report(number, 'invalid_method', `method must be "POST", not ${JSON.stringify(method)}.`, 'method');
    if (url !== endpoint) return report(number, 'invalid_url', `url must be the batch's endpoint "${endpoint}", not ${JSON.stringify(url)}.`, 'url');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return report(number, 'invalid_request', 'body must be a JSON object: the request for the endpoint.', 'body');
    const request = body as Record<string, unknown>;
    if (typeof request.model !== 'string' || request.model === '') return report(number, 'missing_required_parameter', 'body.model must name a model or route.', 'body.model');
    if (request.stream === true) return report(number, 'invalid_request', 'body.stream is not supported in a batch; each answer is stored whole.', 'body.stream');
    lines.push({ line: number, customId, body: JSON.stringify(request) });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, lines };
}

/** Anthropic's rule for a Message Batch request's custom_id. */
const ANTHROPIC_CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** "Field required" for an absent field (Anthropic's wording), else what it must be and what it is. */
function missingOrWrong(value: unknown, expected: string): string {
  if (value === undefined) return 'Field required';
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'string' ? (value === '' ? 'an empty string' : 'a string') : `a ${typeof value}`;
  return `must be ${expected}, not ${got}`;
}

/**
 * Checks the `requests` of an Anthropic Message Batch create call: a non-empty list of
 * `{custom_id, params}` with unique custom ids matching `^[a-zA-Z0-9_-]{1,64}$`, params a
 * Messages request naming a model, not streaming, each at most `maxLineBytes`. The first
 * problem is reported (as Anthropic's API does), naming `requests.<index>`.
 */
export function validateMessageBatchRequests(
  requests: unknown,
  limits: { maxLines: number; maxLineBytes: number },
): { ok: true; lines: ValidLine[] } | { ok: false; message: string; param: string } {
  if (!Array.isArray(requests)) return { ok: false, message: `requests: ${missingOrWrong(requests, 'a list')}; send a list of {custom_id, params}.`, param: 'requests' };
  if (requests.length === 0) return { ok: false, message: 'requests: the list is empty; a batch holds at least one request.', param: 'requests' };
  if (requests.length > limits.maxLines) return { ok: false, message: `requests: ${requests.length} requests; a batch takes at most ${limits.maxLines} (batch.max_lines).`, param: 'requests' };
  const seen = new Map<string, number>();
  const lines: ValidLine[] = [];
  for (const [index, entry] of requests.entries()) {
    const at = `requests.${index}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { ok: false, message: `${at}: each request must be an object {custom_id, params}.`, param: at };
    const { custom_id: customId, params } = entry as Record<string, unknown>;
    if (typeof customId !== 'string' || !ANTHROPIC_CUSTOM_ID.test(customId)) {
      return { ok: false, message: `${at}.custom_id: must be 1 to 64 letters, digits, '-' or '_', not ${JSON.stringify(customId ?? null)}.`, param: `${at}.custom_id` };
    }
    const earlier = seen.get(customId);
    if (earlier !== undefined) return { ok: false, message: `${at}.custom_id: '${customId}' is already used by requests.${earlier}; custom ids must be unique within a batch.`, param: `${at}.custom_id` };
    seen.set(customId, index);
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return { ok: false, message: `${at}.params: ${missingOrWrong(params, 'an object')}; the Messages API request for this entry.`, param: `${at}.params` };
    const request = params as Record<string, unknown>;
    if (typeof request.model !== 'string' || request.model === '') return { ok: false, message: `${at}.params.model: ${missingOrWrong(request.model, 'a non-empty string')}; name a model or route.`, param: `${at}.params.model` };
    if (request.stream === true) return { ok: false, message: `${at}.params.stream: streaming is not supported in a batch; each answer is stored whole.`, param: `${at}.params.stream` };
    const body = JSON.stringify(request);
    if (Buffer.byteLength(body) > limits.maxLineBytes) return { ok: false, message: `${at}.params: ${Buffer.byteLength(body)} bytes; at most ${limits.maxLineBytes} are accepted per request.`, param: `${at}.params` };
    lines.push({ line: index + 1, customId, body });
  }
  return { ok: true, lines };
}
