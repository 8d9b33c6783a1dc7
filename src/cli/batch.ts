/**
 * `switchyard batch`: a client of a running gateway's Files and Batches APIs — submit a
 * JSONL file, follow its progress, list, cancel, and download the results.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BATCH_ENDPOINTS } from '../batch/endpoints.js';
import { CliError, UsageError } from './arguments.js';
import type { Values } from './help.js';

interface BatchJson {
  id: string;
  status: string;
  endpoint: string;
  created_at: number;
  request_counts: { total: number; completed: number; failed: number };
  output_file_id: string | null;
  error_file_id: string | null;
  errors: { data: { code: string; message: string; line?: number | null }[] } | null;
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

interface Client {
  call(method: string, path: string, body?: string | FormData, headers?: Record<string, string>): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
}

function client(values: Values): Client {
  const base = String(values.url ?? process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:4040').replace(/\/+$/, '');
  const key = typeof values.key === 'string' ? values.key : process.env.SWITCHYARD_API_KEY;
  const call = async (method: string, path: string, body?: string | FormData, headers: Record<string, string> = {}): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(key ? { authorization: `Bearer ${key}` } : {}) }, ...(body !== undefined ? { body } : {}) });
    } catch (error) {
      throw new CliError(`cannot reach the gateway at ${base} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); is it running? Set --url or SWITCHYARD_URL.`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        // not JSON: the text as it is
      }
      throw new CliError(`${method} ${path}: ${response.status} ${message}`);
    }
    return response;
  };
  return {
    call,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await call(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' });
      return (await response.json()) as T;
    },
  };
}

function bar(batch: BatchJson, width = 30): string {
  const { total, completed, failed } = batch.request_counts;
  const done = completed + failed;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${failed} failed) ${batch.status}`;
}

function summary(batch: BatchJson): string {
  const lines = [`${batch.id}  ${batch.status}  ${batch.endpoint}`, `  ${bar(batch)}`];
  if (batch.output_file_id) lines.push(`  output: ${batch.output_file_id}`);
  if (batch.error_file_id) lines.push(`  errors: ${batch.error_file_id}`);
  for (const error of batch.errors?.data ?? []) lines.push(`  ${error.line ? `line ${error.line}: ` : ''}${error.code}: ${error.message}`);
  return lines.join('\n');
}

async function follow(api: Client, id: string): Promise<BatchJson> {
  const tty = process.stderr.isTTY;
  let last = '';
  for (;;) {
    const batch = await api.json<BatchJson>('GET', `/v1/batches/${encodeURIComponent(id)}`);
    const line = bar(batch);
    if (tty) process.stderr.write(`\r${line}`);
    else if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
    if (TERMINAL.has(batch.status)) {
      if (tty) process.stderr.write('\n');
      return batch;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function onlyId(positionals: string[], what: string): string {
  const id = positionals[1];
  if (!id || positionals.length > 2) throw new UsageError(`batch ${positionals[0]} takes one ${what}`);
  return id;
}

export async function runBatch(values: Values, positionals: string[]): Promise<number> {
  const sub = positionals[0];
  const api = client(values);
  const print = (batch: BatchJson): void => {
    process.stdout.write(values.json ? `${JSON.stringify(batch)}\n` : `${summary(batch)}\n`);
  };
  switch (sub) {
    case 'submit': {
      const path = positionals[1];
      if (!path || positionals.length > 2) throw new UsageError('batch submit takes one FILE.jsonl');
      const endpoint = String(values.endpoint ?? '/v1/chat/completions');
      if (!(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) throw new UsageError(`--endpoint must be one of ${BATCH_ENDPOINTS.join(', ')}, got "${endpoint}"`);
      let content: Buffer;
      try {
        content = readFileSync(path);
      } catch (error) {
        throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const form = new FormData();
      form.set('purpose', 'batch');
      form.set('file', new Blob([content]), basename(path));
      const file = (await (await api.call('POST', '/v1/files', form)).json()) as { id: string };
      const created = await api.json<BatchJson>('POST', '/v1/batches', { input_file_id: file.id, endpoint, completion_window: '24h' });
      if (!values.wait) {
        print(created);
        return 0;
      }
      const finished = await follow(api, created.id);
      print(finished);
      return finished.status === 'completed' ? 0 : 1;
    }
    case 'status': {
      const id = onlyId(positionals, 'BATCH_ID');
      const batch = values.wait ? await follow(api, id) : await api.json<BatchJson>('GET', `/v1/batches/${encodeURIComponent(id)}`);
      print(batch);
      return 0;
    }
    case 'list': {
      const list = await api.json<{ data: BatchJson[] }>('GET', '/v1/batches?limit=100');
      if (values.json) {
        for (const batch of list.data) process.stdout.write(`${JSON.stringify(batch)}\n`);
        return 0;
      }
      if (list.data.length === 0) {
        process.stdout.write('No batches.\n');
        return 0;
      }
      const rows = list.data.map((batch) => [batch.id, batch.status, `${batch.request_counts.completed + batch.request_counts.failed}/${batch.request_counts.total}`, String(batch.request_counts.failed), new Date(batch.created_at * 1000).toISOString().slice(0, 19).replace('T', ' ')]);
      const header = ['ID', 'STATUS', 'DONE', 'FAILED', 'CREATED (UTC)'];
      const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
      for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`);
      return 0;
    }
    case 'cancel': {
      print(await api.json<BatchJson>('POST', `/v1/batches/${encodeURIComponent(onlyId(positionals, 'BATCH_ID'))}/cancel`));
      return 0;
    }
    case 'results': {
      const batch = await api.json<BatchJson>('GET', `/v1/batches/${encodeURIComponent(onlyId(positionals, 'BATCH_ID'))}`);
      const fileId = values.errors ? batch.error_file_id : batch.output_file_id;
      if (!fileId) throw new CliError(`${batch.id} (${batch.status}) has no ${values.errors ? 'error' : 'output'} file${TERMINAL.has(batch.status) ? '' : ' yet'}`);
      const content = Buffer.from(await (await api.call('GET', `/v1/files/${encodeURIComponent(fileId)}/content`)).arrayBuffer());
      if (typeof values.output === 'string') {
        writeFileSync(values.output, content);
        process.stderr.write(`wrote ${content.length} bytes to ${values.output}\n`);
      } else process.stdout.write(content);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown batch subcommand "${sub}"` : 'batch needs a subcommand: submit, status, list, cancel or results');
  }
}
