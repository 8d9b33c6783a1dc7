/** Deployments, circuits, in-flight calls and TTFT as the gateway sees them now, and the evaluation runs with their reports. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { count, ms, time } from '../format';

interface Health {
  status: string;
  simulated: boolean;
  in_flight: number;
  providers: { name: string; type: string; simulated: boolean }[];
  open_circuits: { deployment: string; state: string; consecutiveFailures: number }[];
  deployments: { provider: string; upstreamModel: string; outstanding: number; ewmaTtftMs: number | null; p95TtftMs: number | null }[];
  request_log: { writing: string; error: string | null; unwritten_rows: number; dropped_rows: number };
  eval_runs: { id: string; name: string; status: string; created_at: number; dataset: string; cases: number; targets: string[]; runs: number }[];
}

const REFRESH_MS = 5000;

export function Health() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = (): void => {
      api<Health>('health')
        .then((found) => {
          setHealth(found);
          setError(null);
        })
        .catch((failure: Error) => setError(failure.message));
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  if (!health) return error ? <p role="alert" class="error">{error}</p> : <p class="loading">Loading…</p>;
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Health</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <dl class="stats">
        <div class="stat">
          <dt>Status</dt>
          <dd>
            <span class="value">{health.status}</span>
            {health.simulated && <span class="detail">simulated providers only</span>}
          </dd>
        </div>
        <div class="stat" data-stat="in-flight">
          <dt>In flight</dt>
          <dd>
            <span class="value">{count(health.in_flight)}</span>
          </dd>
        </div>
        <div class="stat">
          <dt>Request log</dt>
          <dd>
            <span class="value">{health.request_log.writing}</span>
            <span class="detail">
              {count(health.request_log.unwritten_rows)} waiting, {count(health.request_log.dropped_rows)} dropped
            </span>
          </dd>
        </div>
        <div class="stat">
          <dt>Open circuits</dt>
          <dd>
            <span class="value">{count(health.open_circuits.length)}</span>
          </dd>
        </div>
      </dl>
      <h2>Deployments</h2>
      {health.deployments.length === 0 ? (
        <p>No deployment has been called yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Upstream model</th>
                <th scope="col">Circuit</th>
                <th scope="col">In flight</th>
                <th scope="col">TTFT (moving average)</th>
                <th scope="col">TTFT p95</th>
              </tr>
            </thead>
            <tbody>
              {health.deployments.map((deployment) => {
                const circuit = health.open_circuits.find((open) => open.deployment.includes(deployment.provider) && open.deployment.includes(deployment.upstreamModel));
                return (
                  <tr key={`${deployment.provider}/${deployment.upstreamModel}`}>
                    <th scope="row">{deployment.provider}</th>
                    <td>{deployment.upstreamModel}</td>
                    <td class={circuit ? 'bad' : 'ok'}>{circuit ? `${circuit.state} (${circuit.consecutiveFailures} failures)` : 'closed'}</td>
                    <td class="number">{count(deployment.outstanding)}</td>
                    <td class="number">{ms(deployment.ewmaTtftMs)}</td>
                    <td class="number">{ms(deployment.p95TtftMs)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {health.open_circuits.length > 0 && (
        <>
          <h2>Open circuits</h2>
          <ul>
            {health.open_circuits.map((circuit) => (
              <li key={circuit.deployment}>
                {circuit.deployment}: {circuit.state}, {circuit.consecutiveFailures} consecutive failures
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Providers</h2>
      <ul class="inline">
        {health.providers.map((provider) => (
          <li key={provider.name}>
            {provider.name} <span class="muted">({provider.type}{provider.simulated ? ', simulated' : ''})</span>
          </li>
        ))}
      </ul>
      <h2>Evaluation runs</h2>
      {health.eval_runs.length === 0 ? (
        <p>No evaluation runs in this log (see switchyard eval run).</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Dataset</th>
                <th scope="col">Cases × targets × runs</th>
              </tr>
            </thead>
            <tbody>
              {health.eval_runs.map((run) => (
                <tr key={run.id}>
                  <th scope="row">
                    <a href={`/ui/api/eval-runs/${encodeURIComponent(run.id)}/report`} target="_blank" rel="noopener">
                      {run.name}
                    </a>
                  </th>
                  <td>{run.status}</td>
                  <td>{time(run.created_at)}</td>
                  <td>{run.dataset}</td>
                  <td>
                    {run.cases} × {run.targets.join(', ')} × {run.runs}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
