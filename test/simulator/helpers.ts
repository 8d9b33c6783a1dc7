/** Shared helpers for simulator tests: a fast simulator and a raw SSE reader. */
import OpenAI from 'openai';
import { SIMULATED_CATALOG, startSimulator, type RunningSimulator, type SimBehaviour } from '../../src/simulator/index.js';

/** No waiting: the tests assert behaviour, not timings. */
export const FAST: Partial<SimBehaviour> = { ttftMs: 0, tokensPerSecond: 1_000_000 };

export function startFastSimulator(behaviour: Partial<SimBehaviour> = {}): Promise<RunningSimulator> {
  return startSimulator({ models: SIMULATED_CATALOG, behaviour: { ...FAST, ...behaviour } });
}

export function clientFor(simulator: RunningSimulator, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: `${simulator.url}/v1`, apiKey: 'x', maxRetries: 0, defaultHeaders: headers });
}

export function postJson(simulator: RunningSimulator, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test', ...headers },
    body: JSON.stringify(body),
  });
}

export interface RawStream {
  /** Parsed `data:` payloads, without the final [DONE]. */
  events: Array<Record<string, unknown>>;
  done: boolean;
  /** The body ended with a network error (socket destroyed). */
  broken: boolean;
}

export async function readRawStream(response: Response): Promise<RawStream> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  let broken = false;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    broken = true;
  }
  const payloads = text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
  const done = payloads[payloads.length - 1] === '[DONE]';
  const events = payloads.filter((payload) => payload !== '[DONE]').map((payload) => JSON.parse(payload) as Record<string, unknown>);
  return { events, done, broken };
}

/** The whole body as text; `broken` when the socket was cut before the response ended. */
export async function readBodyText(response: Response): Promise<{ text: string; broken: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broken: true };
  }
  return { text, broken: false };
}
