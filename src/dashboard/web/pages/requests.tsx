/** The request log, newest first: filters kept in the address (so a filtered view can be shared), pages by cursor. */
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api';
import { count, fromLocalInput, ms, time, usd } from '../format';

export interface RequestRow {
  id: string;
  createdAt: number;
  endpoint: string;
  keyId: string | null;
  route: string | null;
  requestedModel: string;
  model: string | null;
  provider: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  attempts: number;
  cursor: string;
}

interface Filters {
  status: string;
  model: string;
  route: string;
  key: string;
  since: string;
  until: string;
  q: string;
}

const EMPTY: Filters = { status: '', model: '', route: '', key: '', since: '', until: '', q: '' };
const PAGE = 50;

function filtersFromHash(): Filters {
  const parameters = new URLSearchParams(location.hash.split('?')[1] ?? '');
  return { ...EMPTY, ...Object.fromEntries([...parameters].filter(([name]) => name in EMPTY)) };
}

export function Requests() {
  const [filters, setFilters] = useState<Filters>(filtersFromHash);
  const [draft, setDraft] = useState<Filters>(filters);
  const [pages, setPages] = useState<string[]>(['']);
  const [result, setResult] = useState<{ data: RequestRow[]; next: string | null } | null>(null);
  const [meta, setMeta] = useState<{ models: string[]; routes: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = pages[pages.length - 1] ?? '';

  useEffect(() => {
    api<{ models: string[]; routes: string[] }>('meta')
      .then(setMeta)
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    setError(null);
    const search = query({
      status: filters.status,
      model: filters.model,
      route: filters.route,
      key: filters.key,
      q: filters.q,
      since: fromLocalInput(filters.since),
      until: fromLocalInput(filters.until),
      limit: PAGE,
      before: cursor,
    });
    api<{ data: RequestRow[]; next: string | null }>(`requests${search}`)
      .then(setResult)
      .catch((failure: Error) => setError(failure.message));
  }, [filters, cursor]);

  const apply = (event: Event): void => {
    event.preventDefault();
    setFilters(draft);
    setPages(['']);
    const search = query({ ...draft });
    history.replaceState(null, '', `#/requests${search}`);
  };
  const field = (name: keyof Filters) => ({
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Requests</h1>
      <form class="controls filters" onSubmit={apply} aria-label="Filter requests">
        <label>
          Status
          <select {...field('status')} onChange={(event) => setDraft({ ...draft, status: event.currentTarget.value })}>
            <option value="">any</option>
            <option value="ok">succeeded</option>
            <option value="error">failed</option>
            <option value="429">429</option>
            <option value="400">400</option>
            <option value="502">502</option>
          </select>
        </label>
        <label>
          Model
          <input list="models" {...field('model')} placeholder="any" />
        </label>
        <label>
          Route
          <input list="routes" {...field('route')} placeholder="any" />
        </label>
        <label>
          Key id
          <input {...field('key')} placeholder="any" />
        </label>
        <label>
          From
          <input type="datetime-local" {...field('since')} onChange={(event) => setDraft({ ...draft, since: event.currentTarget.value })} />
        </label>
        <label>
          To
          <input type="datetime-local" {...field('until')} onChange={(event) => setDraft({ ...draft, until: event.currentTarget.value })} />
        </label>
        <label class="grow">
          Text
          <input type="search" {...field('q')} placeholder="id, model, error, body…" />
        </label>
        <button type="submit">Filter</button>
        <datalist id="models">{meta?.models.map((name) => <option key={name} value={name} />)}</datalist>
        <datalist id="routes">{meta?.routes.map((name) => <option key={name} value={name} />)}</datalist>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!result ? (
        <p class="loading">Loading…</p>
      ) : result.data.length === 0 ? (
        <p>No requests match.</p>
      ) : (
        <div class="table-wrap">
          <table class="requests">
            <caption class="sr-only">Requests, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">Model</th>
                <th scope="col">Route</th>
                <th scope="col">Key</th>
                <th scope="col">Latency</th>
                <th scope="col">Tokens</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {result.data.map((row) => (
                <tr key={row.id} data-request={row.id}>
                  <td>
                    <a href={`#/requests/${encodeURIComponent(row.id)}`}>{time(row.createdAt)}</a>
                  </td>
                  <td class={row.status === 200 ? 'ok' : 'bad'}>
                    {row.status}
                    {row.errorCode ? ` ${row.errorCode}` : ''}
                  </td>
                  <td>
                    {row.model ?? row.requestedModel}
                    {row.attempts > 1 && <span class="muted"> ({row.attempts} attempts)</span>}
                  </td>
                  <td>{row.route ?? '–'}</td>
                  <td>{row.keyId ?? '–'}</td>
                  <td class="number">{ms(row.latencyMs)}</td>
                  <td class="number">{count(row.inputTokens + row.outputTokens)}</td>
                  <td class="number">{usd(row.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages of requests">
        <button type="button" disabled={pages.length === 1} onClick={() => setPages(['']) }>
          Newest
        </button>
        <button type="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          Newer
        </button>
        <span>Page {pages.length}</span>
        <button type="button" disabled={!result?.next} onClick={() => result?.next && setPages([...pages, result.next])}>
          Older
        </button>
      </nav>
    </section>
  );
}
