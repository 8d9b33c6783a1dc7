/**
 * OpenTelemetry traces with the GenAI semantic conventions, exported over OTLP/HTTP in
 * batches (BatchSpanProcessor: spans are queued in memory and sent from a timer, never on
 * the request path).
 *
 * Per client request, one SERVER span `chat <requested model>` (or `embeddings …`) with
 * gen_ai.operation.name, gen_ai.provider.name, gen_ai.request.model, gen_ai.response.model,
 * gen_ai.usage.input_tokens / output_tokens, gen_ai.response.finish_reasons and the
 * gateway's own switchyard.* attributes (route, category, cost, cache, guard outcome);
 * per upstream call, one CLIENT child span whose context goes upstream as `traceparent`.
 * A client's `traceparent` is continued, so the gateway's spans join the caller's trace.
 */
import { diag, DiagLogLevel, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderConfig, TelemetrySettings } from '../config/load.js';
import type { AttemptRecord, RequestRecord } from '../store/types.js';
import type { RequestTrace, Tracing } from './tracing.js';

/** gen_ai.provider.name's well-known values for our provider types; other providers go by their configured name. */
const PROVIDER_NAMES: Partial<Record<ProviderConfig['type'], string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  'azure-openai': 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  vertex: 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  cohere: 'cohere',
};

const propagator = new W3CTraceContextPropagator();

const headerGetter = {
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key],
};

const recordSetter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};

/** The strongest guard action among a request's verdicts: block > route-private > redact > flag. */
export function guardOutcome(record: RequestRecord): string | undefined {
  const verdicts = record.details?.guards;
  if (!verdicts?.length) return undefined;
  for (const action of ['block', 'route-private', 'redact', 'flag'] as const) if (verdicts.some((verdict) => verdict.action === action)) return action;
  return undefined;
}

class OtelRequestTrace implements RequestTrace {
  readonly traceId: string;
  private readonly context: Context;
  private readonly attemptSpans = new Map<AttemptRecord, Span>();
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly operation: string,
    private readonly providerName: (provider: string) => string,
  ) {
    this.traceId = span.spanContext().traceId;
    this.context = trace.setSpan(ROOT_CONTEXT, span);
  }

  startAttempt(attempt: AttemptRecord): string {
    const span = this.tracer.startSpan(
      `${this.operation} ${attempt.upstreamModel}`,
      {
        kind: SpanKind.CLIENT,
        startTime: attempt.startedAt,
        attributes: {
          'gen_ai.operation.name': this.operation,
          'gen_ai.provider.name': this.providerName(attempt.provider),
          'gen_ai.request.model': attempt.upstreamModel,
          'switchyard.model': attempt.model,
          'switchyard.provider': attempt.provider,
          'switchyard.attempt': attempt.attempt,
        },
      },
      this.context,
    );
    this.attemptSpans.set(attempt, span);
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, recordSetter);
    return carrier.traceparent ?? '';
  }

  end(record: RequestRecord, attempts: readonly AttemptRecord[], guarded: boolean): void {
    if (this.ended) return;
    this.ended = true;
    const now = Date.now();
    for (const attempt of attempts) {
      const span = this.attemptSpans.get(attempt);
      if (!span) continue;
      span.setAttributes(usageAttributes(attempt.inputTokens, attempt.outputTokens));
      span.setAttributes({ 'http.response.status_code': attempt.status, 'switchyard.cost_usd': attempt.costUsd });
      if (attempt.status === 200) span.setAttribute('gen_ai.response.model', attempt.upstreamModel);
      if (attempt.ttftMs !== null) span.setAttribute('switchyard.ttft_ms', attempt.ttftMs);
      if (attempt.errorCode) failed(span, attempt.errorCode, attempt.errorMessage);
      span.end(attempt.status === 0 ? now : attempt.startedAt + attempt.latencyMs);
    }
    const span = this.span;
    const served = [...attempts].reverse().find((attempt) => attempt.status === 200 && attempt.model === record.model);
    const attributes: Attributes = {
      'gen_ai.request.model': record.requestedModel,
      'http.response.status_code': record.status,
      'switchyard.request_id': record.id,
      'switchyard.cost_usd': record.costUsd,
      'switchyard.attempts': record.attempts,
      'switchyard.stream': record.stream,
      ...usageAttributes(record.inputTokens, record.outputTokens),
    };
    if (record.provider) attributes['gen_ai.provider.name'] = this.providerName(record.provider);
    if (served) attributes['gen_ai.response.model'] = served.upstreamModel;
    if (record.model) attributes['switchyard.model'] = record.model;
    if (record.route) attributes['switchyard.route'] = record.route;
    if (record.keyId) attributes['switchyard.key_id'] = record.keyId;
    if (record.team) attributes['switchyard.team'] = record.team;
    if (record.finishReason) attributes['gen_ai.response.finish_reasons'] = [record.finishReason];
    if (record.ttftMs !== null) attributes['switchyard.ttft_ms'] = record.ttftMs;
    const category = categoryOf(record);
    if (category) attributes['switchyard.category'] = category;
    const guard = guardOutcome(record);
    // block, route-private, redact or flag; pass: a policy applied and found nothing; none: no policy applies.
    attributes['switchyard.guard.outcome'] = guard ?? (guarded ? 'pass' : 'none');
    const cache = record.details?.cache;
    if (cache) {
      // hit-exact, hit-semantic, miss or bypass (and why), as the x-switchyard-cache header says.
      attributes['switchyard.cache'] = cache.status;
      if (cache.reason) attributes['switchyard.cache.reason'] = cache.reason;
      if (cache.similarity !== undefined) attributes['switchyard.cache.similarity'] = cache.similarity;
    }
    if (record.details?.hedges?.length) attributes['switchyard.hedges'] = record.details.hedges.length;
    if (record.details?.seams?.length) attributes['switchyard.stream_seams'] = record.details.seams.length;
    span.setAttributes(attributes);
    if (record.errorCode) failed(span, record.errorCode, record.errorMessage);
    span.end(now);
  }
}

function usageAttributes(input: number, output: number): Attributes {
  return { 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output };
}

function failed(span: Span, code: string, message: string | null): void {
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
}

function categoryOf(record: RequestRecord): string | undefined {
  const category = (record.details?.decision as { category?: { category?: unknown } } | undefined)?.category?.category;
  return typeof category === 'string' ? category : undefined;
}

/** OpenTelemetry's own complaints (an export that failed, a collector that is down) go to our log, once a minute at most. */
function reportDiagnostics(warn: (message: string) => void): void {
  let last = 0;
  const report = (message: string, ...args: unknown[]): void => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    warn(`OpenTelemetry: ${[message, ...args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : JSON.stringify(arg)))].join(' ')}`);
  };
  const quiet = (): void => undefined;
  diag.setLogger({ error: report, warn: report, info: quiet, debug: quiet, verbose: quiet }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

export function createOtelTracing(settings: TelemetrySettings, providerType: (name: string) => ProviderConfig['type'] | undefined, warn: (message: string) => void): Tracing {
  reportDiagnostics(warn);
  // No url: the exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT; headers, timeout and compression always come from OTEL_EXPORTER_OTLP_*.
  const exporter = new OTLPTraceExporter(settings.tracesUrl ? { url: settings.tracesUrl } : {});
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })],
  });
  const tracer = provider.getTracer('switchyard');
  const names = new Map<string, string>();
  const providerName = (name: string): string => {
    let known = names.get(name);
    if (known === undefined) {
      const type = providerType(name);
      known = (type && PROVIDER_NAMES[type]) ?? name;
      names.set(name, known);
    }
    return known;
  };
  return {
    startRequest(operation, headers) {
      const parent = headers.traceparent !== undefined ? propagator.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
      const span = tracer.startSpan(operation, { kind: SpanKind.SERVER, attributes: { 'gen_ai.operation.name': operation } }, parent);
      return new OtelRequestTrace(tracer, span, operation, providerName);
    },
    shutdown: () => provider.shutdown(),
  };
}
