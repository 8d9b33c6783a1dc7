/**
 * The providers' own batch APIs, as the native forwarder uses them: submit lines, poll,
 * read the results. OpenAI Batches (a JSONL file uploaded to /files, then /batches) and
 * Anthropic Message Batches (/messages/batches with the requests inline). Both answer
 * each line by its custom_id; a line's result is the provider's HTTP status and body as
 * its ordinary endpoint would have answered, or `canceled` / `expired`.
 */
import type { ProviderConfig } from '../config/load.js';

export interface ProviderLine {
  customId: string;
  /** The line's request body, with the upstream model name. */
  body: Record<string, unknown>;
}

export type ProviderResult = { kind: 'answered'; status: number; body: unknown } | { kind: 'canceled' } | { kind: 'expired' } | { kind: 'failed'; message: string };

export interface ProviderBatchApi {
  /** Creates the provider's batch; its id. */
  submit(endpoint: string, lines: readonly ProviderLine[]): Promise<string>;
  /** Whether the provider's batch has ended (its results can be read). */
  ended(id: string): Promise<boolean>;
  /** Every line's result by custom_id; lines the provider does not name have none. */
  results(id: string): Promise<Map<string, ProviderResult>>;
  cancel(id: string): Promise<void>;
}

const ANTHROPIC_VERSION = '2023-06-01';

async function call(url: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok) {
    const text = await response.text();
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return response;
}

function baseOf(provider: ProviderConfig): string {
  if (!provider.baseUrl) throw new Error(`provider ${provider.name} has no base URL`);
  return provider.baseUrl.replace(/\/+$/, '');
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function openaiBatchApi(provider: ProviderConfig): ProviderBatchApi {
  const headers = (): Record<string, string> => ({ ...provider.headers, ...(provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {}) });
  const json = { 'content-type': 'application/json' };
  const retrieve = async (id: string): Promise<{ status: string; output_file_id: string | null; error_file_id: string | null; errors?: { data?: { message?: string }[] } | null }> =>
    (await (await call(`${baseOf(provider)}/batches/${encodeURIComponent(id)}`, { method: 'GET', headers: headers() })).json()) as never;
  const content = async (fileId: string): Promise<Record<string, unknown>[]> => jsonLines(await (await call(`${baseOf(provider)}/files/${encodeURIComponent(fileId)}/content`, { method: 'GET', headers: headers() })).text());
  return {
    async submit(endpoint, lines) {
      const form = new FormData();
      form.set('purpose', 'batch');
      const text = lines.map((line) => JSON.stringify({ custom_id: line.customId, method: 'POST', url: endpoint, body: line.body })).join('\n');
      form.set('file', new Blob([`${text}\n`]), 'switchyard-batch.jsonl');
      const file = (await (await call(`${baseOf(provider)}/files`, { method: 'POST', headers: headers(), body: form })).json()) as { id: string };
      const batch = (await (
        await call(`${baseOf(provider)}/batches`, { method: 'POST', headers: { ...headers(), ...json }, body: JSON.stringify({ input_file_id: file.id, endpoint, completion_window: '24h' }) })
      ).json()) as { id: string };
      return batch.id;
    },
    async ended(id) {
      return ['completed', 'failed', 'expired', 'cancelled'].includes((await retrieve(id)).status);
    },
    async results(id) {
      const batch = await retrieve(id);
      const results = new Map<string, ProviderResult>();
      if (batch.status === 'failed') return results;
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        for (const line of await content(fileId)) {
          const customId = String(line.custom_id);
          const response = line.response as { status_code?: number; body?: unknown } | null;
          const error = line.error as { code?: string; message?: string } | null;
          if (response && typeof response.status_code === 'number') results.set(customId, { kind: 'answered', status: response.status_code, body: response.body });
          else if (error?.code === 'batch_expired') results.set(customId, { kind: 'expired' });
          else if (error?.code === 'batch_cancelled') results.set(customId, { kind: 'canceled' });
          else results.set(customId, { kind: 'failed', message: error?.message ?? 'The provider did not answer this line.' });
        }
      }
      return results;
    },
    async cancel(id) {
      await call(`${baseOf(provider)}/batches/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers: headers() });
    },
  };
}

export function anthropicBatchApi(provider: ProviderConfig): ProviderBatchApi {
  const headers = (): Record<string, string> => ({ 'anthropic-version': ANTHROPIC_VERSION, ...provider.headers, ...(provider.apiKey ? { 'x-api-key': provider.apiKey } : {}) });
  const retrieve = async (id: string): Promise<{ processing_status: string; results_url: string | null }> =>
    (await (await call(`${baseOf(provider)}/messages/batches/${encodeURIComponent(id)}`, { method: 'GET', headers: headers() })).json()) as never;
  return {
    async submit(_endpoint, lines) {
      const body = JSON.stringify({ requests: lines.map((line) => ({ custom_id: line.customId, params: line.body })) });
      const batch = (await (await call(`${baseOf(provider)}/messages/batches`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/json' }, body })).json()) as { id: string };
      return batch.id;
    },
    async ended(id) {
      return (await retrieve(id)).processing_status === 'ended';
    },
    async results(id) {
      const batch = await retrieve(id);
      const url = batch.results_url ?? `${baseOf(provider)}/messages/batches/${encodeURIComponent(id)}/results`;
      const results = new Map<string, ProviderResult>();
      for (const line of jsonLines(await (await call(url, { method: 'GET', headers: headers() })).text())) {
        const result = line.result as { type?: string; message?: unknown; error?: unknown };
        const customId = String(line.custom_id);
        if (result.type === 'succeeded') results.set(customId, { kind: 'answered', status: 200, body: result.message });
        else if (result.type === 'canceled') results.set(customId, { kind: 'canceled' });
        else if (result.type === 'expired') results.set(customId, { kind: 'expired' });
        else results.set(customId, { kind: 'answered', status: errorStatus(result.error), body: result.error });
      }
      return results;
    },
    async cancel(id) {
      await call(`${baseOf(provider)}/messages/batches/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers: headers() });
    },
  };
}

/** The HTTP status an Anthropic error type stands for (results carry the type only). */
function errorStatus(error: unknown): number {
  const type = (error as { error?: { type?: string } } | undefined)?.error?.type;
  const statuses: Record<string, number> = {
    invalid_request_error: 400,
    authentication_error: 401,
    permission_error: 403,
    not_found_error: 404,
    request_too_large: 413,
    rate_limit_error: 429,
    api_error: 500,
    overloaded_error: 529,
  };
  return statuses[type ?? ''] ?? 500;
}

export function providerBatchApi(provider: ProviderConfig): ProviderBatchApi {
  return provider.protocol === 'anthropic' ? anthropicBatchApi(provider) : openaiBatchApi(provider);
}
