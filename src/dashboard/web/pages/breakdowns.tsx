/** Traffic, errors, latency and cost by model, route, provider, key, team or task category; any column sorts. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { count, ms, percent, usd } from '../format';

const DIMENSIONS = ['model', 'route', 'provider', 'key', 'team', 'category'] as const;
type Dimension = (typeof DIMENSIONS)[number];

interface Row {
  group: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  latencyP50: number | null;
  latencyP95: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const COLUMNS: { key: keyof Row; label: string; format: (row: Row) => string }[] = [
  { key: 'group', label: 'Name', format: (row) => row.group ?? '(none)' },
  { key: 'requests', label: 'Requests', format: (row) => count(row.requests) },
  { key: 'errorRate', label: 'Error rate', format: (row) => percent(row.errorRate) },
  { key: 'latencyP50', label: 'p50', format: (row) => ms(row.latencyP50) },
  { key: 'latencyP95', label: 'p95', format: (row) => ms(row.latencyP95) },
  { key: 'inputTokens', label: 'Input tokens', format: (row) => count(row.inputTokens) },
  { key: 'outputTokens', label: 'Output tokens', format: (row) => count(row.outputTokens) },
  { key: 'costUsd', label: 'Cost', format: (row) => usd(row.costUsd) },
];

export function Breakdowns() {
  const [by, setBy] = useState<Dimension>('model');
  const [range, setRange] = useState('24h');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [sort, setSort] = useState<{ key: keyof Row; descending: boolean }>({ key: 'costUsd', descending: true });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setRows(null);
    api<{ rows: Row[] }>(`breakdown?by=${by}&range=${range}`)
      .then((found) => setRows(found.rows))
      .catch((failure: Error) => setError(failure.message));
  }, [by, range]);

  const sorted = [...(rows ?? [])].sort((a, b) => {
    const left = a[sort.key] ?? -Infinity;
    const right = b[sort.key] ?? -Infinity;
    const order = typeof left === 'string' || typeof right === 'string' ? String(left).localeCompare(String(right)) : (left as number) - (right as number);
    return sort.descending ? -order : order;
  });

  return (
    <section aria-labelledby="breakdowns-title">
      <h1 id="breakdowns-title">Breakdowns</h1>
      <form class="controls" onSubmit={(event) => event.preventDefault()}>
        <label>
          By{' '}
          <select value={by} onChange={(event) => setBy(event.currentTarget.value as Dimension)}>
            {DIMENSIONS.map((dimension) => (
              <option key={dimension} value={dimension}>
                {dimension === 'category' ? 'task category' : dimension}
              </option>
            ))}
          </select>
        </label>
        <label>
          Range{' '}
          <select value={range} onChange={(event) => setRange(event.currentTarget.value)}>
            <option value="1h">last hour</option>
            <option value="24h">last 24 h</option>
            <option value="7d">last 7 days</option>
          </select>
        </label>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!rows ? (
        <p class="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No requests in this range.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Requests by {by}; select a column heading to sort</caption>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column.key} scope="col" aria-sort={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                    <button type="button" class="sort" onClick={() => setSort({ key: column.key, descending: sort.key === column.key ? !sort.descending : column.key !== 'group' })}>
                      {column.label}
                      <span aria-hidden="true">{sort.key === column.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((row) => (
                <tr key={row.group ?? '(none)'}>
                  {COLUMNS.map((column, index) =>
                    index === 0 ? (
                      <th key={column.key} scope="row">
                        {column.format(row)}
                      </th>
                    ) : (
                      <td key={column.key} class="number">
                        {column.format(row)}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
