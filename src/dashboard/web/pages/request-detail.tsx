/** One request: what was decided and why, every upstream attempt, hedges, stream seams, guard verdicts, cost and (when logged) the bodies. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { count, ms, time, usd } from '../format';

interface Candidate {
  model: string;
  score?: number;
  quality?: number;
  costUsd?: number;
  costPerCorrectUsd?: number;
  latencyP95Ms?: number;
  note?: string;
  removedBy?: string;
  why?: string;
}

interface Verdict {
  guard: string;
  type: string;
  rule: string;
  score: number;
  phase: string;
  action: string;
  spans: { start: number; end: number; message_index: number; tool_call?: number }[];
}

interface Detail {
  request: {
    id: string;
    createdAt: number;
    endpoint: string;
    keyId: string | null;
    team: string | null;
    route: string | null;
    requestedModel: string;
    model: string | null;
    provider: string | null;
    stream: boolean;
    status: number;
    errorCode: string | null;
    errorMessage: string | null;
    finishReason: string | null;
    latencyMs: number;
    ttftMs: number | null;
    inputTokens: number;
    outputTokens: number;
    cachedInputTokens: number;
    reasoningTokens: number;
    costUsd: number;
    simulated: boolean;
    requestBody: string | null;
    responseBody: string | null;
    details: {
      decision?: { route?: string | null; strategy?: string; model?: string; reason?: string; category?: { category?: string; source?: string; confidence?: number }; candidates?: Candidate[]; fallbacks?: string[]; variant?: string; note?: string };
      hedges?: { afterMs: number; primary: string; backup: string; winner: string }[];
      seams?: { atChar: number; atToken: number; fromAttempt: number; toAttempt: number; fromModel: string; toModel: string; cause: string; method: string }[];
      guards?: Verdict[];
      cache?: { status: string; reason?: string; similarity?: number; avoided_usd?: number };
      truncated?: { request_body?: number; response_body?: number };
    } | null;
  };
  attempts: {
    attempt: number;
    model: string;
    provider: string;
    upstreamModel: string;
    startedAt: number;
    status: number;
    errorCode: string | null;
    errorMessage: string | null;
    latencyMs: number;
    ttftMs: number | null;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    usageSource: string;
  }[];
  log_content: boolean;
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function RequestDetail({ id }: { id: string }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Detail>(`requests/${encodeURIComponent(id)}`)
      .then(setDetail)
      .catch((failure: Error) => setError(failure.message));
  }, [id]);
  if (error)
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  if (!detail) return <p class="loading">Loading…</p>;
  const { request, attempts } = detail;
  const details = request.details ?? {};
  const decision = details.decision;
  return (
    <article aria-labelledby="request-title" class="detail">
      <p>
        <a href="#/requests">← Requests</a>
      </p>
      <h1 id="request-title">
        Request <code>{request.id}</code>
      </h1>
      <dl class="facts">
        <dt>Time</dt>
        <dd>{time(request.createdAt)}</dd>
        <dt>Status</dt>
        <dd class={request.status === 200 ? 'ok' : 'bad'}>
          {request.status}
          {request.errorCode && ` ${request.errorCode}: ${request.errorMessage ?? ''}`}
        </dd>
        <dt>Asked for</dt>
        <dd>{request.requestedModel || '–'}</dd>
        <dt>Served by</dt>
        <dd>
          {request.model ?? '–'}
          {request.provider && ` via ${request.provider}`}
          {request.simulated && ' (simulated)'}
        </dd>
        <dt>Key / team</dt>
        <dd>
          {request.keyId ?? '–'} / {request.team ?? '–'}
        </dd>
        <dt>Latency / TTFT</dt>
        <dd>
          {ms(request.latencyMs)} / {ms(request.ttftMs)} {request.stream ? '(streamed)' : ''}
        </dd>
        <dt>Tokens</dt>
        <dd>
          {count(request.inputTokens)} in ({count(request.cachedInputTokens)} cached), {count(request.outputTokens)} out ({count(request.reasoningTokens)} reasoning)
        </dd>
        <dt>Cost</dt>
        <dd>{usd(request.costUsd)}</dd>
        <dt>Finish reason</dt>
        <dd>{request.finishReason ?? '–'}</dd>
        {details.cache && (
          <>
            <dt>Cache</dt>
            <dd>
              {details.cache.status}
              {details.cache.reason && ` (${details.cache.reason})`}
              {details.cache.similarity !== undefined && `, similarity ${details.cache.similarity.toFixed(3)}`}
              {details.cache.avoided_usd !== undefined && `, avoided ${usd(details.cache.avoided_usd)}`}
            </dd>
          </>
        )}
      </dl>

      <section aria-labelledby="decision-title" data-section="decision">
        <h2 id="decision-title">Routing decision</h2>
        {!decision ? (
          <p>No routing decision (the request named a model, or failed before routing).</p>
        ) : (
          <>
            <dl class="facts">
              <dt>Route</dt>
              <dd>{decision.route ?? '(model named)'}</dd>
              <dt>Strategy</dt>
              <dd>{decision.strategy ?? '–'}</dd>
              <dt>Chose</dt>
              <dd>{decision.model ?? '–'}</dd>
              <dt>Why</dt>
              <dd>{decision.reason ?? '–'}</dd>
              {decision.category && (
                <>
                  <dt>Category</dt>
                  <dd>
                    {decision.category.category} {decision.category.source && `(by ${decision.category.source}`}
                    {decision.category.confidence !== undefined && `, confidence ${decision.category.confidence.toFixed(2)}`}
                    {decision.category.source && ')'}
                  </dd>
                </>
              )}
              {decision.variant && (
                <>
                  <dt>Variant</dt>
                  <dd>{decision.variant}</dd>
                </>
              )}
              {decision.fallbacks && decision.fallbacks.length > 0 && (
                <>
                  <dt>Fallbacks</dt>
                  <dd>{decision.fallbacks.join(' → ')}</dd>
                </>
              )}
            </dl>
            {decision.candidates && decision.candidates.length > 0 && (
              <div class="table-wrap">
                <table>
                  <caption>Candidates</caption>
                  <thead>
                    <tr>
                      <th scope="col">Model</th>
                      <th scope="col">Score</th>
                      <th scope="col">Quality</th>
                      <th scope="col">Cost</th>
                      <th scope="col">p95 latency</th>
                      <th scope="col">Removed by</th>
                    </tr>
                  </thead>
                  <tbody>
                    {decision.candidates.map((candidate) => (
                      <tr key={candidate.model} class={candidate.removedBy ? 'removed' : ''}>
                        <th scope="row">{candidate.model}</th>
                        <td class="number">{candidate.score?.toFixed(3) ?? '–'}</td>
                        <td class="number">{candidate.quality?.toFixed(3) ?? '–'}</td>
                        <td class="number">{usd(candidate.costUsd)}</td>
                        <td class="number">{ms(candidate.latencyP95Ms)}</td>
                        <td>{candidate.removedBy ? `${candidate.removedBy}${candidate.why ? `: ${candidate.why}` : ''}` : candidate.note ?? 'kept'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {decision.note && <p class="muted">{decision.note}</p>}
          </>
        )}
      </section>

      <section aria-labelledby="attempts-title" data-section="attempts">
        <h2 id="attempts-title">Attempts</h2>
        {attempts.length === 0 ? (
          <p>No upstream call (answered from the cache, or refused before one).</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Model</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Started</th>
                  <th scope="col">Status</th>
                  <th scope="col">TTFT</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((attempt) => (
                  <tr key={attempt.attempt} data-attempt={attempt.attempt}>
                    <th scope="row">{attempt.attempt}</th>
                    <td>
                      {attempt.model}
                      {attempt.upstreamModel !== attempt.model && <span class="muted"> ({attempt.upstreamModel})</span>}
                    </td>
                    <td>{attempt.provider}</td>
                    <td class="number">+{ms(attempt.startedAt - request.createdAt)}</td>
                    <td class={attempt.status === 200 ? 'ok' : 'bad'}>{attempt.status || 'cut'}</td>
                    <td class="number">{ms(attempt.ttftMs)}</td>
                    <td class="number">{ms(attempt.latencyMs)}</td>
                    <td class="number">
                      {count(attempt.inputTokens)} / {count(attempt.outputTokens)}
                      {attempt.usageSource !== 'upstream' && <span class="muted"> ({attempt.usageSource})</span>}
                    </td>
                    <td class="number">{usd(attempt.costUsd)}</td>
                    <td>{attempt.errorCode ? `${attempt.errorCode}: ${attempt.errorMessage ?? ''}` : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {details.hedges && details.hedges.length > 0 && (
        <section aria-labelledby="hedges-title">
          <h2 id="hedges-title">Hedges</h2>
          <ul>
            {details.hedges.map((hedge, index) => (
              <li key={index}>
                after {ms(hedge.afterMs)} without a first token from {hedge.primary}, {hedge.backup} was asked too; {hedge.winner} answered
              </li>
            ))}
          </ul>
        </section>
      )}

      {details.seams && details.seams.length > 0 && (
        <section aria-labelledby="seams-title">
          <h2 id="seams-title">Stream seams</h2>
          <ul>
            {details.seams.map((seam, index) => (
              <li key={index}>
                attempt {seam.fromAttempt} ({seam.fromModel}) broke at character {seam.atChar} (token {seam.atToken}): {seam.cause}; continued by attempt {seam.toAttempt} ({seam.toModel}) by {seam.method}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="guards-title">
        <h2 id="guards-title">Guard verdicts</h2>
        {!details.guards || details.guards.length === 0 ? (
          <p>None.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Guard</th>
                  <th scope="col">Type</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Phase</th>
                  <th scope="col">Action</th>
                  <th scope="col">Score</th>
                  <th scope="col">Where (never the value)</th>
                </tr>
              </thead>
              <tbody>
                {details.guards.map((verdict, index) => (
                  <tr key={index}>
                    <td>{verdict.guard}</td>
                    <td>{verdict.type}</td>
                    <td>{verdict.rule}</td>
                    <td>{verdict.phase}</td>
                    <td>{verdict.action}</td>
                    <td class="number">{verdict.score.toFixed(2)}</td>
                    <td>{verdict.spans.map((span) => `${span.message_index < 0 ? 'tool' : `message ${span.message_index}`}${span.tool_call !== undefined ? ` tool call ${span.tool_call}` : ''} [${span.start}, ${span.end})`).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="bodies-title">
        <h2 id="bodies-title">Bodies</h2>
        {!detail.log_content && !request.requestBody ? (
          <p>Not stored: set store.log_content to keep request and response bodies.</p>
        ) : (
          <>
            <h3>Request{details.truncated?.request_body ? ` (cut; ${count(details.truncated.request_body)} bytes in full)` : ''}</h3>
            <pre tabIndex={0}>{request.requestBody ? pretty(request.requestBody) : '–'}</pre>
            <h3>Response{details.truncated?.response_body ? ` (cut; ${count(details.truncated.response_body)} bytes in full)` : ''}</h3>
            <pre tabIndex={0}>{request.responseBody ? pretty(request.responseBody) : '–'}</pre>
          </>
        )}
      </section>
    </article>
  );
}
