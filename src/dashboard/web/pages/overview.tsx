/** Overview of a time range: numbers and charts, kept up to date over server-sent events. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, query } from '../api';
import { Chart } from '../chart';
import { count, duration, fromLocalInput, ms, percent, toLocalInput, usd } from '../format';

interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface OverviewData {
  since: number;
  until: number;
  bucketMs: number;
  totals: {
    requests: number;
    errors: number;
    errorRate: number;
    latencyMs: Percentiles;
    ttftMs: Percentiles;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    cacheHits: number;
    cacheLookups: number;
    cacheHitRate: number | null;
    guards: { requests: number; verdicts: number; byAction: Record<string, number> };
  };
  series: Record<'time' | 'requests' | 'errors' | 'costUsd' | 'tokens' | 'cacheHits' | 'guardVerdicts', number[]> & Record<'latencyP50' | 'latencyP95' | 'ttftP95', (number | null)[]>;
  savings: { baseline: string; actualUsd: number; baselineUsd: number; savedUsd: number; savedShare: number } | null;
  queryMs: number;
}

interface Meta {
  baselines: string[];
  default_baseline: string | null;
}

type Range = '1h' | '24h' | '7d' | 'custom';

/** One number; data-value holds it unformatted (for tests and for copying). */
function Stat({ label, value, detail, id, raw }: { label: string; value: string; detail?: string; id: string; raw?: number | null }) {
  return (
    <div class="stat" data-stat={id} data-value={raw ?? undefined}>
      <dt>{label}</dt>
      <dd>
        <span class="value">{value}</span>
        {detail && <span class="detail">{detail}</span>}
      </dd>
    </div>
  );
}

export function Overview() {
  const [range, setRange] = useState<Range>('24h');
  const [since, setSince] = useState(() => toLocalInput(Date.now() - 86_400_000));
  const [until, setUntil] = useState(() => toLocalInput(Date.now()));
  const [baseline, setBaseline] = useState<string>('');
  const [meta, setMeta] = useState<Meta | null>(null);
  const [data, setData] = useState<OverviewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);

  useEffect(() => {
    api<Meta>('meta')
      .then((found) => {
        setMeta(found);
        setBaseline((current) => current || found.default_baseline || '');
      })
      .catch(() => undefined);
  }, []);

  const search = useMemo(() => {
    const custom = range === 'custom' ? { since: fromLocalInput(since), until: fromLocalInput(until) } : { range };
    return query({ ...custom, baseline: baseline || undefined });
  }, [range, since, until, baseline]);

  useEffect(() => {
    setError(null);
    const source = new EventSource(`/ui/api/overview/live${search}`);
    source.addEventListener('overview', (event) => {
      setData(JSON.parse((event as MessageEvent<string>).data) as OverviewData);
      setLive(true);
    });
    source.addEventListener('failure', (event) => setError((JSON.parse((event as MessageEvent<string>).data) as { message: string }).message));
    source.onerror = () => {
      setLive(false);
      // A refused stream (bad range, session ended) says why on a plain request.
      api<OverviewData>(`overview${search}`)
        .then(setData)
        .catch((failure: Error) => setError(failure.message));
    };
    return () => source.close();
  }, [search]);

  const totals = data?.totals;
  const series = data?.series;
  const lines = useMemo(() => {
    if (!series) return null;
    return {
      traffic: [
        { label: 'requests', values: series.requests, color: '#2563eb' },
        { label: 'errors', values: series.errors, color: '#dc2626' },
      ],
      latency: [
        { label: 'p50 latency', values: series.latencyP50, color: '#059669', format: ms },
        { label: 'p95 latency', values: series.latencyP95, color: '#d97706', format: ms },
        { label: 'p95 TTFT', values: series.ttftP95, color: '#7c3aed', format: ms },
      ],
      cost: [{ label: 'cost', values: series.costUsd, color: '#0891b2', format: usd }],
      tokens: [{ label: 'tokens', values: series.tokens, color: '#475569', format: count }],
      activity: [
        { label: 'cache hits', values: series.cacheHits, color: '#65a30d' },
        { label: 'guard verdicts', values: series.guardVerdicts, color: '#db2777' },
      ],
    };
  }, [series]);

  return (
    <section aria-labelledby="overview-title" data-loaded={data ? 'true' : 'false'}>
      <div class="page-head">
        <h1 id="overview-title">Overview</h1>
        <span class={live ? 'live on' : 'live'} aria-live="polite">
          {live ? 'live' : 'not live'}
        </span>
      </div>
      <form class="controls" onSubmit={(event) => event.preventDefault()}>
        <fieldset class="segmented">
          <legend>Time range</legend>
          {(['1h', '24h', '7d', 'custom'] as const).map((choice) => (
            <label key={choice}>
              <input type="radio" name="range" value={choice} checked={range === choice} onChange={() => setRange(choice)} />
              {choice === 'custom' ? 'Custom' : `Last ${choice}`}
            </label>
          ))}
        </fieldset>
        {range === 'custom' && (
          <>
            <label>
              From <input type="datetime-local" value={since} onChange={(event) => setSince(event.currentTarget.value)} />
            </label>
            <label>
              To <input type="datetime-local" value={until} onChange={(event) => setUntil(event.currentTarget.value)} />
            </label>
          </>
        )}
        {meta && meta.baselines.length > 0 && (
          <label>
            Savings against{' '}
            <select value={baseline} onChange={(event) => setBaseline(event.currentTarget.value)}>
              {meta.baselines.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        )}
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!totals ? (
        <p class="loading">Loading…</p>
      ) : (
        <>
          <dl class="stats">
            <Stat id="requests" label="Requests" value={count(totals.requests)} raw={totals.requests} />
            <Stat id="error-rate" raw={totals.errors} label="Error rate" value={percent(totals.errorRate)} detail={`${count(totals.errors)} errors`} />
            <Stat id="latency" raw={totals.latencyMs.p50} label="Latency p50 / p95 / p99" value={ms(totals.latencyMs.p50)} detail={`${ms(totals.latencyMs.p95)} / ${ms(totals.latencyMs.p99)}`} />
            <Stat id="ttft" label="Time to first token p50 / p95 / p99" value={ms(totals.ttftMs.p50)} detail={`${ms(totals.ttftMs.p95)} / ${ms(totals.ttftMs.p99)}`} />
            <Stat id="tokens" raw={totals.inputTokens + totals.outputTokens} label="Tokens in / out" value={count(totals.inputTokens + totals.outputTokens)} detail={`${count(totals.inputTokens)} / ${count(totals.outputTokens)}`} />
            <Stat id="cost" label="Cost" value={usd(totals.costUsd)} raw={totals.costUsd} />
            {data.savings && (
              <Stat id="savings" raw={data.savings.savedUsd} label={`Saved against ${data.savings.baseline}`} value={usd(data.savings.savedUsd)} detail={`${percent(data.savings.savedShare)} of ${usd(data.savings.baselineUsd)}`} />
            )}
            <Stat id="cache" raw={totals.cacheHits} label="Cache hit rate" value={percent(totals.cacheHitRate)} detail={`${count(totals.cacheHits)} of ${count(totals.cacheLookups)} lookups`} />
            <Stat
              id="guards"
              label="Guard verdicts"
              value={count(totals.guards.verdicts)}
              detail={
                Object.entries(totals.guards.byAction)
                  .map(([action, number]) => `${action} ${count(number)}`)
                  .join(', ') || 'none'
              }
            />
          </dl>
          {lines && series && (
            <div class="charts">
              <Chart title="Requests and errors" time={series.time} lines={lines.traffic} />
              <Chart title="Latency and time to first token" time={series.time} lines={lines.latency} />
              <Chart title="Cost" time={series.time} lines={lines.cost} />
              <Chart title="Tokens" time={series.time} lines={lines.tokens} />
              <Chart title="Cache hits and guard verdicts" time={series.time} lines={lines.activity} />
            </div>
          )}
          <p class="muted small">
            Buckets of {duration(data.bucketMs)}; queried in {ms(data.queryMs)}. Percentiles over successful requests, within 2 %.
          </p>
        </>
      )}
    </section>
  );
}
