/**
 * Config loading in two phases, as TensorZero does it:
 *   1. parse — YAML text → strict schema (every error with its path);
 *   2. resolve — secrets from the environment, references between providers, models and
 *      routes (unknown names, route cycles) → the typed GatewayConfig the gateway runs on.
 * Both phases collect every problem before failing, and a file that fails the schema still has
 * the references of its other parts checked (every-issue.ts), so `switchyard validate` shows
 * every problem in one run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join as joinPath, resolve as resolvePath } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { FAILURE_CLASSES} from './schema.js';
import { configSchema, PRICE_FIELDS, TRANSIENT_FAILURES, type RawConfig, type RawGuardPolicy, type RawModel, type RawTimeouts } from './schema.js';
import type { PROTOCOLS, RawProvider } from './provider-schema.js';
import { resolveCloudEndpoint, type AwsSettings, type AzureSettings, type VertexSettings } from './cloud-providers.js';
import { buildDefaultConfig } from './defaults.js';
import { referenceIssuesDespite } from './every-issue.js';
import { simulateProviders, type SimulatedProvider } from './simulate.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS, resolveRoutes, type RouteConfig } from './routes.js';
import type { TaskCategory } from '../core/categories.js';
import type { KeyPolicy } from '../router/signals.js';
import { resolveEvalSettings, type EvalSettings } from '../eval/schedule-config.js';
import { compileGuardPolicy, policyModelSources, type GuardPolicy } from '../guards/policy.js';
import { checkOnnxFolder, parseOnnxSource } from '../onnx/model-folder.js';
import type { BatchSettings } from '../batch/runner.js';
import { resolveCacheSettings, type CacheSettings } from '../cache/settings.js';

export interface Timeouts {
  connectMs: number;
  firstTokenMs: number;
  idleMs: number;
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, firstTokenMs: 60_000, idleMs: 30_000, totalMs: 600_000 };

export interface SimulatorSettings {
  ttftMs?: number;
  tokensPerSecond?: number;
  maxAnswerTokens?: number;
  errorRate?: number;
  errorStatus?: number;
  retryAfterSeconds?: number;
  breakAfterTokens?: number;
  hang?: boolean;
  slowRate?: number;
  slowTtftMs?: number;
  safetyBlock?: boolean;
}

/** The wire protocol an adapter speaks. */
export type Protocol = (typeof PROTOCOLS)[number];

export type { AwsCredentials, AwsSettings, AzureSettings, EntraSettings, GoogleServiceAccount, VertexSettings } from './cloud-providers.js';

export interface ProviderConfig {
  name: string;
  type: RawProvider['type'];
  /** Which adapter talks to it: openai-compatible and simulators default to openai. */
  protocol: Protocol;
  /** For simulators this is filled in when the simulator has started. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  headers: Record<string, string>;
  timeouts: Partial<Timeouts>;
  streamUsage: boolean;
  /** OpenAI protocol: which API the adapter calls (Chat Completions unless the provider says responses). */
  openaiApi?: 'chat_completions' | 'responses';
  simulated: boolean;
  simulator?: SimulatorSettings;
  /** Azure OpenAI: api-version and Entra ID credentials. */
  azure?: AzureSettings;
  /** Bedrock: region, SigV4 credentials, an assumed role, a guardrail. */
  aws?: AwsSettings;
  /** Vertex AI: project, location, service account or token. */
  vertex?: VertexSettings;
}

export interface Deployment {
  provider: ProviderConfig;
  upstreamModel: string;
  weight: number;
  timeouts: Timeouts;
}

export interface Price {
  input: number;
  output: number;
  /** Input read from the prompt cache. */
  cachedInput?: number;
  /** Input written to the prompt cache for 5 minutes / 1 hour. */
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  audioInput?: number;
  imageInput?: number;
  /** Reasoning (thinking) output. */
  reasoning?: number;
  perRequest?: number;
  /** When the prices were read (YYYY-MM-DD). */
  asOf?: string;
}

export type FailureClass = (typeof FAILURE_CLASSES)[number];

export interface RetryPolicy {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  on: FailureClass[];
  /** Deadline for the whole request across retries, fallbacks and hedges. */
  deadlineMs: number;
}

export type LoadBalancing = 'weighted' | 'least_outstanding' | 'lowest_latency';
export type StreamRecovery = 'continue' | 'error';

export interface HedgePolicy {
  afterMs: number;
  /** Hedge after this percentile of the deployment's observed time to first token, once known. */
  percentile?: number;
}

export const DEFAULT_DEADLINE_MS = 600_000;

export interface ModelConfig {
  name: string;
  kind: 'chat' | 'embedding';
  deployments: Deployment[];
  /** Models tried in order when this one fails with a `fallbackOn` failure (resolved after all models). */
  fallbacks: ModelConfig[];
  fallbackOn: FailureClass[];
  retry: RetryPolicy;
  price: Price | undefined;
  contextWindow: number | undefined;
  maxOutputTokens: number | undefined;
  capabilities: { tools: boolean; vision: boolean; jsonSchema: boolean; streaming: boolean };
  private: boolean;
  loadBalancing: LoadBalancing;
  hedge: HedgePolicy | undefined;
  streamRecovery: StreamRecovery;
  /** Share of correct answers per category (configured, or written by `eval tune`). */
  quality: Partial<Record<TaskCategory | 'default', number>>;
  /** Graded answers behind each quality figure: present where the figure was measured (`eval tune`). */
  qualityTrials: Partial<Record<TaskCategory | 'default', number>>;
  latencyP95Ms: number | undefined;
  safety: number;
  rateLimits: { rpm?: number; tpm?: number; maxConcurrent?: number } | undefined;
  /** How batch lines naming this model run: through the gateway, or on the provider's own batch API. */
  batch: 'gateway' | 'native';
}

export type { RouteConfig } from './routes.js';

export interface StoreSettings {
  sqlitePath: string;
  logContent: boolean;
  flushIntervalMs: number;
  /** Stored request and response bodies are cut to this many bytes (and marked truncated). */
  maxLoggedBodyBytes: number;
  /** What happens once rows cannot be written and the write buffer is full. */
  onWriteFailure: 'keep_serving' | 'reject';
  writeBufferBytes: number;
  retentionDays: number | undefined;
  maxSizeBytes: number | undefined;
  /** The PostgreSQL URL the request log is shipped to (resolved secret); undefined: SQLite only. */
  postgresUrl: string | undefined;
}

export interface StateSettings {
  /** Redis shared state; undefined: in-process state (shared across --workers by the primary). */
  redis: { url: string; keyPrefix: string; leaseMs: number; commandTimeoutMs: number } | undefined;
  onUnavailable: 'fail_closed' | 'local';
}

export interface TelemetrySettings {
  /** The OTLP/HTTP traces URL from the config; undefined: the exporter reads OTEL_EXPORTER_OTLP_* itself. */
  tracesUrl: string | undefined;
  serviceName: string;
}

export interface GatewayConfig {
  /** Where this config came from: a file path, or 'built-in defaults'. */
  source: string;
  server: {
    host: string;
    port: number;
    maxBodyBytes: number;
    apiKeys: string[];
    /** Policies of the keys, by position in apiKeys. */
    keyPolicies: KeyPolicy[];
    adminKey: string | undefined;
    insecureNoAuth: boolean;
    shutdownGraceMs: number;
    /** Refuse unknown request fields and unknown values of known ones (400), as the strict reader of old did. */
    strictParams: boolean;
  };
  store: StoreSettings;
  /** log.access: one JSON line per HTTP request on stdout. */
  log: { access: boolean };
  /** OpenTelemetry trace export; undefined when off (the default). */
  telemetry: TelemetrySettings | undefined;
  providers: Map<string, ProviderConfig>;
  models: Map<string, ModelConfig>;
  routes: Map<string, RouteConfig>;
  resilience: { circuitBreaker: { enabled: boolean; failures: number; cooldownMs: number }; streamRecovery: StreamRecovery };
  /** Scheduled evaluation runs (`eval.schedules`). */
  eval: EvalSettings;
  governance: { webhookUrl: string | undefined; errorRate: { threshold: number; windowMs: number; minRequests: number } | undefined };
  /** Guard policies; undefined when the config has no `guards` section (no guard runs at all). */
  guards: GuardSettings | undefined;
  /** The Files and Batches APIs. */
  batch: BatchSettings & { enabled: boolean };
  /** The response cache (`cache` and `routes.<r>.cache`); `enabled` false when every mode is off. */
  cache: CacheSettings;
  /** Shared state for workers and replicas (`state`). */
  state: StateSettings;
  /** True when every provider is the simulator (no real keys configured). */
  simulatedOnly: boolean;
  /** The providers `--simulate` replaced with the simulator (absent without --simulate). */
  simulatedProviders?: SimulatedProvider[];
  /** Every secret value, so logs and errors can scrub them. */
  secrets: string[];
}

export interface GuardSettings {
  policies: Map<string, GuardPolicy>;
  /** Route name → the policy it names (routes without one get `defaultPolicy`). */
  routePolicies: Map<string, string>;
  defaultPolicy: string | undefined;
}

export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(
    readonly source: string,
    issues: ConfigIssue[],
  ) {
    super(`invalid config (${source}):\n${issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export type Environment = Record<string, string | undefined>;

export interface LoadOptions {
  /** Replace every provider with a simulator of the same protocol (`serve --simulate`). */
  simulate?: boolean;
}

/** Which config to run: --config PATH, else ./switchyard.yaml, else built-in defaults from the environment. */
export function loadConfig(options: { path?: string; env?: Environment; cwd?: string } & LoadOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.path) return loadConfigFile(resolvePath(cwd, options.path), env, options);
  const local = resolvePath(cwd, 'switchyard.yaml');
  if (existsSync(local)) return loadConfigFile(local, env, options);
  // The defaults go through the same schema as a file, so every command that loads them
  // accepts exactly what `eval tune` would write out from them.
  return loadData(buildDefaultConfig(env), env, 'built-in defaults', options);
}

export function loadConfigFile(path: string, env: Environment, options: LoadOptions = {}): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((error as Error).message);
    throw new ConfigError(path, [{ path: '', message: reason }]);
  }
  return parseConfigText(text, env, path, options);
}

export function parseConfigText(text: string, env: Environment, source: string, options: LoadOptions = {}): GatewayConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => ({ path: linePath(error.linePos?.[0]), message: `YAML: ${error.message.split('\n')[0]}` })),
    );
  }
  const data: unknown = document.toJS() ?? {};
  return loadData(data, env, source, options);
}

function loadData(data: unknown, env: Environment, source: string, options: LoadOptions): GatewayConfig {
  if (!options.simulate) return validateAndResolve(data, env, source);
  const simulatedProviders = simulateProviders(data);
  return { ...validateAndResolve(data, env, source), simulatedProviders };
}

export function validateAndResolve(data: unknown, env: Environment, source: string): GatewayConfig {
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    // Every problem in one run: the schema's, and the references in what the schema accepts.
    const issues = zodIssues(parsed.error);
    const references = referenceIssuesDespite(data, parsed.error, (raw) => resolutionIssues(raw, env, source), formatPath);
    const seen = new Set(issues.map((issue) => `${issue.path}\u0000${issue.message}`));
    throw new ConfigError(source, [...issues, ...references.filter((issue) => !seen.has(`${issue.path}\u0000${issue.message}`))]);
  }
  return resolveConfig(parsed.data, env, source);
}

function resolutionIssues(raw: RawConfig, env: Environment, source: string): ConfigIssue[] {
  try {
    resolveConfig(raw, env, source);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

function linePath(position: { line: number; col: number } | undefined): string {
  return position ? `line ${position.line}, column ${position.col}` : '';
}

export function zodIssues(error: z.ZodError, schema: z.core.$ZodType = configSchema): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issueMessage(issue, schema) }));
}

function issueMessage(issue: z.core.$ZodIssue, schema: z.core.$ZodType): string {
  if (issue.code === 'unrecognized_keys') {
    const known = objectKeysAt(schema, issue.path);
    const hints = issue.keys.map((key) => closestKey(key, known)).filter((hint): hint is string => hint !== undefined);
    const unknown = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    return hints.length > 0 ? `${unknown} (did you mean ${hints.map((hint) => `"${hint}"`).join(', ')}?)` : unknown;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `required (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return 'type must be one of: openai, openai-compatible, anthropic, gemini, azure-openai, bedrock, vertex, mistral, cohere, simulator';
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** The keys the strict object at `path` of `schema` allows, or none when the path leads elsewhere (a union, say). */
function objectKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  const unwrap = (type: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    let inner = type;
    while (inner && ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'pipe'].includes(inner._zod.def.type)) {
      const def = inner._zod.def as unknown as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
      inner = def.innerType ?? def.in;
    }
    return inner;
  };
  for (const segment of path) {
    current = unwrap(current);
    const def = current?._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; valueType?: z.core.$ZodType; element?: z.core.$ZodType } | undefined;
    if (def?.type === 'object' && def.shape) current = def.shape[String(segment)];
    else if (def?.type === 'record') current = def.valueType;
    else if (def?.type === 'array') current = def.element;
    else return [];
  }
  const def = unwrap(current)?._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The known key a typo most likely meant: at most two edits away (or one for short keys). */
function closestKey(typed: string, known: string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(typed.toLowerCase(), key.toLowerCase());
    if (distance <= (key.length <= 4 ? 1 : 2) && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const previous = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

export function mergeTimeouts(...layers: (Partial<Timeouts> | undefined)[]): Timeouts {
  const result: Timeouts = { ...DEFAULT_TIMEOUTS };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value !== undefined) result[key as keyof Timeouts] = value;
    }
  }
  return result;
}

export function fromRawTimeouts(raw: RawTimeouts | undefined): Partial<Timeouts> {
  if (!raw) return {};
  return { connectMs: raw.connect_ms, firstTokenMs: raw.first_token_ms, idleMs: raw.idle_ms, totalMs: raw.total_ms };
}

function resolveSecret(reference: string | undefined, env: Environment, path: string, issues: ConfigIssue[], secrets: string[]): string | undefined {
  if (reference === undefined) return undefined;
  const name = reference.slice('env:'.length);
  const value = env[name];
  if (value === undefined || value === '') {
    issues.push({ path, message: `environment variable ${name} is not set` });
    return undefined;
  }
  secrets.push(value);
  return value;
}

/** ANTHROPIC_BASE_URL follows the SDK: an origin without /v1 (the SDK appends /v1/messages). */
function anthropicBaseUrl(env: Environment): string {
  const configured = env.ANTHROPIC_BASE_URL;
  if (!configured) return 'https://api.anthropic.com/v1';
  const trimmed = configured.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

export function resolveConfig(raw: RawConfig, env: Environment, source: string): GatewayConfig {
  const issues: ConfigIssue[] = [];
  const secrets: string[] = [];

  const providers = new Map<string, ProviderConfig>();
  for (const [name, provider] of Object.entries(raw.providers)) {
    const path = `providers.${name}`;
    if (provider.type === 'simulator') {
      const behaviour = provider.behaviour;
      providers.set(name, {
        name,
        type: 'simulator',
        protocol: provider.protocol ?? 'openai',
        baseUrl: undefined,
        apiKey: undefined,
        headers: {},
        timeouts: fromRawTimeouts(provider.timeouts),
        streamUsage: true,
        openaiApi: provider.api ?? 'chat_completions',
        simulated: true,
        simulator: behaviour
          ? {
              ttftMs: behaviour.ttft_ms,
              tokensPerSecond: behaviour.tokens_per_second,
              maxAnswerTokens: behaviour.max_answer_tokens,
              errorRate: behaviour.error_rate,
              errorStatus: behaviour.error_status,
              retryAfterSeconds: behaviour.retry_after_seconds,
              breakAfterTokens: behaviour.break_after_tokens,
              hang: behaviour.hang,
              slowRate: behaviour.slow_rate,
              slowTtftMs: behaviour.slow_ttft_ms,
              safetyBlock: behaviour.safety_block,
            }
          : {},
      });
      continue;
    }
    if (provider.type === 'azure-openai' || provider.type === 'bedrock' || provider.type === 'vertex' || provider.type === 'mistral' || provider.type === 'cohere') {
      const endpoint = resolveCloudEndpoint(provider, path, {
        env,
        issues,
        secret: (reference, where) => resolveSecret(reference, env, where, issues, secrets),
        remember: (value) => secrets.push(value),
      });
      if (!endpoint) continue;
      const { baseUrl, ...settings } = endpoint;
      providers.set(name, {
        name,
        type: provider.type,
        protocol: provider.type,
        baseUrl: baseUrl.replace(/\/+$/, ''),
        headers: { ...(provider.headers ?? {}) },
        timeouts: fromRawTimeouts(provider.timeouts),
        streamUsage: true,
        openaiApi: 'chat_completions',
        simulated: false,
        ...settings,
      });
      continue;
    }
    const apiKey = resolveSecret(provider.api_key, env, `${path}.api_key`, issues, secrets);
    const headers: Record<string, string> = { ...(provider.headers ?? {}) };
    if (provider.type === 'openai') {
      if (provider.organization) headers['openai-organization'] = provider.organization;
      if (provider.project) headers['openai-project'] = provider.project;
    }
    const baseUrl =
      provider.type === 'openai'
        ? (provider.base_url ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1')
        : provider.type === 'anthropic'
          ? (provider.base_url ?? anthropicBaseUrl(env))
          : provider.type === 'gemini'
            ? (provider.base_url ?? env.GEMINI_BASE_URL ?? 'https://generativelanguage.googleapis.com/v1beta')
            : provider.base_url;
    providers.set(name, {
      name,
      type: provider.type,
      protocol: provider.type === 'anthropic' || provider.type === 'gemini' ? provider.type : 'openai',
      baseUrl: baseUrl.replace(/\/+$/, ''),
      apiKey,
      headers,
      timeouts: fromRawTimeouts(provider.timeouts),
      streamUsage: provider.type === 'openai-compatible' ? (provider.stream_usage ?? true) : true,
      openaiApi: provider.type === 'openai' ? (provider.api ?? 'chat_completions') : 'chat_completions',
      simulated: false,
    });
  }

  const models = new Map<string, ModelConfig>();
  for (const [name, model] of Object.entries(raw.models)) {
    if (raw.routes?.[name]) issues.push({ path: `models.${name}`, message: `"${name}" is both a model and a route; names must be unique` });
    const resolved = resolveModel(name, model, providers, issues, raw.resilience?.stream_recovery ?? 'continue');
    if (resolved) models.set(name, resolved);
  }

  resolveFallbacks(raw, models, issues);

  const routes = resolveRoutes(raw, models, issues);
  if (!routes.has('auto') && issues.length === 0) {
    const firstChat = [...models.values()].find((model) => model.kind === 'chat');
    if (firstChat) routes.set('auto', fixedRoute('auto', firstChat, 'default: the first chat model'));
  }

  const server = raw.server ?? {};
  const apiKeys: string[] = [];
  const keyPolicies: KeyPolicy[] = [];
  (server.api_keys ?? []).forEach((entry, index) => {
    const path = `server.api_keys[${index}]`;
    const value = resolveSecret(typeof entry === 'string' ? entry : entry.key, env, typeof entry === 'string' ? path : `${path}.key`, issues, secrets);
    if (value === undefined) return;
    apiKeys.push(value);
    if (typeof entry === 'string') {
      keyPolicies.push({ id: `key-${index + 1}`, private: false });
      return;
    }
    for (const [field, names] of [['allow_models', entry.allow_models], ['deny_models', entry.deny_models]] as const) {
      (names ?? []).forEach((name, position) => {
        if (!models.has(name)) issues.push({ path: `${path}.${field}[${position}]`, message: `unknown model "${name}"` });
      });
    }
    keyPolicies.push({
      id: entry.name,
      private: entry.private ?? false,
      ...(entry.guards ? { guards: entry.guards } : {}),
      ...(entry.allow_models ? { allowModels: new Set(entry.allow_models) } : {}),
      ...(entry.deny_models ? { denyModels: new Set(entry.deny_models) } : {}),
    });
  });
  const host = server.host ?? '127.0.0.1';
  const adminKey = resolveSecret(server.admin_key, env, 'server.admin_key', issues, secrets);
  if (!isLoopbackHost(host) && apiKeys.length === 0 && !adminKey && !server.insecure_no_auth) {
    issues.push({ path: 'server.host', message: `binding to ${host} (beyond loopback) requires server.api_keys, or insecure_no_auth: true` });
  }

  const guards = resolveGuards(raw, issues);

  const cache = resolveCache(raw, models, issues);

  const evalSettings = resolveEvalSettings(raw.eval, { models, routes, providers }, process.cwd(), issues);

  const postgresUrl = resolvePostgresUrl(raw.store?.postgres?.url, env, issues, secrets);
  const state = resolveState(raw.state, env, issues, secrets);

  if (issues.length > 0) throw new ConfigError(source, issues);

  return {
    source,
    server: {
      host,
      port: server.port ?? 4040,
      maxBodyBytes: server.max_body_bytes ?? 32 * 1024 * 1024,
      apiKeys,
      keyPolicies,
      adminKey,
      insecureNoAuth: server.insecure_no_auth ?? false,
      shutdownGraceMs: server.shutdown_grace_ms ?? 60_000,
      strictParams: server.strict_params ?? false,
    },
    store: {
      sqlitePath: raw.store?.sqlite?.path ?? './.switchyard/switchyard.db',
      logContent: raw.store?.log_content ?? true,
      flushIntervalMs: raw.store?.flush_interval_ms ?? 50,
      maxLoggedBodyBytes: raw.store?.max_logged_body_bytes ?? 64 * 1024,
      onWriteFailure: raw.store?.on_write_failure ?? 'keep_serving',
      writeBufferBytes: (raw.store?.write_buffer_mb ?? 64) * 1024 * 1024,
      retentionDays: raw.store?.retention_days,
      maxSizeBytes: raw.store?.max_size_mb !== undefined ? raw.store.max_size_mb * 1024 * 1024 : undefined,
      postgresUrl,
    },
    log: { access: raw.log?.access ?? false },
    telemetry: resolveTelemetry(raw.telemetry, env),
    providers,
    models,
    routes,
    resilience: {
      circuitBreaker: {
        enabled: raw.resilience?.circuit_breaker?.enabled ?? true,
        failures: raw.resilience?.circuit_breaker?.failures ?? 5,
        cooldownMs: raw.resilience?.circuit_breaker?.cooldown_ms ?? 30_000,
      },
      streamRecovery: raw.resilience?.stream_recovery ?? 'continue',
    },
    governance: {
      webhookUrl: raw.governance?.alerts?.webhook_url,
      errorRate: raw.governance?.alerts?.error_rate
        ? { threshold: raw.governance.alerts.error_rate.threshold, windowMs: raw.governance.alerts.error_rate.window_ms ?? 300_000, minRequests: raw.governance.alerts.error_rate.min_requests ?? 20 }
        : undefined,
    },
    eval: evalSettings,
    guards,
    batch: batchSettings(raw.batch, raw.store?.sqlite?.path ?? './.switchyard/switchyard.db'),
    cache,
    state,
    simulatedOnly: providers.size > 0 && [...providers.values()].every((provider) => provider.simulated),
    secrets,
  };
}

/** `store.postgres.url`: read from its reference; a postgres:// or postgresql:// URL, checked here so `validate` and `serve` say so before anything starts. */
function resolvePostgresUrl(reference: string | undefined, env: Environment, issues: ConfigIssue[], secrets: string[]): string | undefined {
  const url = resolveSecret(reference, env, 'store.postgres.url', issues, secrets);
  if (url === undefined || reference === undefined) return url;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) {
    // The value is never echoed: it may hold a password.
    issues.push({ path: 'store.postgres.url', message: `${reference.slice('env:'.length)} must hold a postgres:// or postgresql:// URL (e.g. postgres://user:password@127.0.0.1:5432/switchyard)` });
    return undefined;
  }
  return url;
}

/** `state`: the Redis URL is read from its reference and must be a redis:// or rediss:// URL. */
function resolveState(raw: RawConfig['state'], env: Environment, issues: ConfigIssue[], secrets: string[]): StateSettings {
  const onUnavailable = raw?.on_unavailable ?? 'fail_closed';
  if (!raw?.redis) return { redis: undefined, onUnavailable };
  const url = resolveSecret(raw.redis.url, env, 'state.redis.url', issues, secrets);
  if (url === undefined) return { redis: undefined, onUnavailable };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    issues.push({ path: 'state.redis.url', message: `${raw.redis.url.slice('env:'.length)} must hold a redis:// or rediss:// URL with a host (e.g. redis://127.0.0.1:6379/0)` });
    return { redis: undefined, onUnavailable };
  }
  return {
    redis: { url, keyPrefix: raw.redis.key_prefix ?? 'switchyard:', leaseMs: raw.redis.lease_ms ?? 10_000, commandTimeoutMs: raw.redis.command_timeout_ms ?? 1000 },
    onUnavailable,
  };
}

/** Traces are exported when `telemetry.otlp` is present, unless OTEL_SDK_DISABLED=true. */
function resolveTelemetry(raw: RawConfig['telemetry'], env: Environment): TelemetrySettings | undefined {
  const otlp = raw?.otlp;
  if (!otlp || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const endpoint = otlp.endpoint?.replace(/\/+$/, '');
  return {
    tracesUrl: endpoint === undefined ? undefined : endpoint.endsWith('/v1/traces') ? endpoint : `${endpoint}/v1/traces`,
    serviceName: otlp.service_name ?? (env.OTEL_SERVICE_NAME?.trim() || 'switchyard'),
  };
}

function batchSettings(raw: RawConfig['batch'], sqlitePath: string): GatewayConfig['batch'] {
  return {
    enabled: raw?.enabled ?? true,
    dir: raw?.dir ?? (sqlitePath === ':memory:' ? './.switchyard/batch' : joinPath(dirname(sqlitePath), 'batch')),
    maxFileBytes: Math.round((raw?.max_file_mb ?? 100) * 1024 * 1024),
    maxLines: raw?.max_lines ?? 50_000,
    concurrency: raw?.concurrency ?? 4,
    busyConcurrency: raw?.busy_concurrency ?? 1,
    lineRetries: raw?.line_retries ?? 2,
    leaseMs: raw?.lease_ms ?? 30_000,
    pollMs: raw?.poll_ms ?? 1000,
    nativePollMs: raw?.native_poll_ms ?? 30_000,
  };
}

function priceOf(raw: NonNullable<RawModel['price']>): Price {
  const price: Price = { input: raw.input, output: raw.output };
  for (const [wire, name] of PRICE_FIELDS) {
    const value = raw[wire];
    if (value !== undefined) price[name] = value;
  }
  if (raw.as_of !== undefined) price.asOf = raw.as_of;
  return price;
}

function resolveModel(
  name: string,
  model: RawModel,
  providers: Map<string, ProviderConfig>,
  issues: ConfigIssue[],
  defaultRecovery: StreamRecovery,
): ModelConfig | undefined {
  const path = `models.${name}`;
  const rawDeployments = model.deployments ?? (model.provider ? [{ provider: model.provider, upstream_model: model.upstream_model }] : []);
  const deployments: Deployment[] = [];
  rawDeployments.forEach((deployment, index) => {
    const provider = providers.get(deployment.provider);
    const where = model.deployments ? `${path}.deployments[${index}].provider` : `${path}.provider`;
    if (!provider) {
      issues.push({ path: where, message: `unknown provider "${deployment.provider}" (known: ${[...providers.keys()].join(', ') || 'none'})` });
      return;
    }
    deployments.push({
      provider,
      upstreamModel: deployment.upstream_model ?? name,
      weight: 'weight' in deployment && typeof deployment.weight === 'number' ? deployment.weight : 1,
      timeouts: mergeTimeouts(provider.timeouts, fromRawTimeouts(model.timeouts), fromRawTimeouts('timeouts' in deployment ? deployment.timeouts : undefined)),
    });
  });
  if (deployments.length !== rawDeployments.length) return undefined;
  const nativeProtocol = deployments[0]?.provider.protocol;
  if (model.batch === 'native' && nativeProtocol !== 'openai' && nativeProtocol !== 'anthropic') {
    issues.push({ path: `${path}.batch`, message: `native batches need a provider with a batch API (OpenAI or Anthropic protocol); ${deployments[0]?.provider.name ?? 'its provider'} speaks ${nativeProtocol ?? 'none'}` });
  }
  const capabilities = model.capabilities ?? {};
  return {
    name,
    kind: model.kind ?? 'chat',
    deployments,
    price: model.price ? priceOf(model.price) : undefined,
    contextWindow: model.context_window,
    maxOutputTokens: model.max_output_tokens,
    capabilities: {
      tools: capabilities.tools ?? true,
      vision: capabilities.vision ?? true,
      jsonSchema: capabilities.json_schema ?? true,
      streaming: capabilities.streaming ?? true,
    },
    private: model.private ?? false,
    fallbacks: [],
    fallbackOn: model.fallback_on ?? [...TRANSIENT_FAILURES],
    retry: {
      attempts: model.retry?.attempts ?? 0,
      initialBackoffMs: model.retry?.initial_backoff_ms ?? 250,
      maxBackoffMs: model.retry?.max_backoff_ms ?? 8000,
      on: (model.retry?.on ?? [...TRANSIENT_FAILURES]).filter((kind) => kind !== 'context_length' && kind !== 'content_filter'),
      deadlineMs: model.retry?.deadline_ms ?? DEFAULT_DEADLINE_MS,
    },
    loadBalancing: model.load_balancing ?? 'weighted',
    hedge: model.hedge ? { afterMs: model.hedge.after_ms, ...(model.hedge.percentile !== undefined ? { percentile: model.hedge.percentile } : {}) } : undefined,
    streamRecovery: model.stream_recovery ?? defaultRecovery,
    quality: { ...(model.quality ?? {}) },
    qualityTrials: { ...(model.quality_trials ?? {}) },
    latencyP95Ms: model.latency_p95_ms,
    safety: model.safety ?? 1,
    batch: model.batch ?? 'gateway',
    rateLimits: model.rate_limits ? { rpm: model.rate_limits.rpm, tpm: model.rate_limits.tpm, maxConcurrent: model.rate_limits.max_concurrent } : undefined,
  };
}

/** Second pass, once every model exists: fallbacks refer to other models of the same kind. */
function resolveFallbacks(raw: RawConfig, models: Map<string, ModelConfig>, issues: ConfigIssue[]): void {
  for (const [name, rawModel] of Object.entries(raw.models)) {
    const model = models.get(name);
    if (!model) continue;
    (rawModel.fallbacks ?? []).forEach((target, index) => {
      const path = `models.${name}.fallbacks[${index}]`;
      const fallback = models.get(target);
      if (target === name) issues.push({ path, message: 'a model cannot be its own fallback' });
      else if (!fallback) issues.push({ path, message: raw.models[target] ? `"${target}" failed to resolve (see its own errors)` : `unknown model "${target}"` });
      else if (fallback.kind !== model.kind) issues.push({ path, message: `"${target}" is a ${fallback.kind} model; ${name} is a ${model.kind} model` });
      else if (model.fallbacks.includes(fallback)) issues.push({ path, message: `"${target}" is listed twice` });
      else model.fallbacks.push(fallback);
    });
    if (rawModel.retry?.initial_backoff_ms && rawModel.retry.max_backoff_ms && rawModel.retry.initial_backoff_ms > rawModel.retry.max_backoff_ms) {
      issues.push({ path: `models.${name}.retry.initial_backoff_ms`, message: 'must not exceed max_backoff_ms' });
    }
  }
}

/** A policy with its model stages left out (their folders are missing: the load fails anyway). */
function withoutModels(policy: RawGuardPolicy): RawGuardPolicy {
  const request = policy.request;
  if (!request) return policy;
  return {
    ...policy,
    request: {
      ...request,
      ...(request.injection ? { injection: { ...request.injection, model: undefined } } : {}),
      ...(request.pii ? { pii: { ...request.pii, model: undefined } } : {}),
    },
  };
}

/** Guard policies compiled, and every reference to one (guards.default, routes, keys) checked. */
function resolveGuards(raw: RawConfig, issues: ConfigIssue[]): GuardSettings | undefined {
  const policies = new Map<string, GuardPolicy>();
  for (const [name, policy] of Object.entries(raw.guards?.policies ?? {})) {
    // A model folder that is missing or incomplete is a config error, not a slow failure at the first request.
    const problems = policyModelSources(name, policy).filter(({ path, source }) => {
      try {
        checkOnnxFolder(parseOnnxSource(source));
        return false;
      } catch (error) {
        issues.push({ path, message: (error as Error).message });
        return true;
      }
    });
    // Compiled either way (so references to it are not reported as unknown); the issues fail the load.
    policies.set(name, problems.length === 0 ? compileGuardPolicy(name, policy) : compileGuardPolicy(name, withoutModels(policy)));
  }
  const known = policies.size > 0 ? `known: ${[...policies.keys()].join(', ')}` : 'no guards.policies are defined';
  const check = (name: string | undefined, path: string): void => {
    if (name !== undefined && !policies.has(name)) issues.push({ path, message: `unknown guard policy "${name}" (${known})` });
  };
  check(raw.guards?.default, 'guards.default');
  const routePolicies = new Map<string, string>();
  for (const [name, route] of Object.entries(raw.routes ?? {})) {
    check(route.guards, `routes.${name}.guards`);
    if (route.guards) routePolicies.set(name, route.guards);
  }
  (raw.server?.api_keys ?? []).forEach((entry, index) => {
    if (typeof entry !== 'string') check(entry.guards, `server.api_keys[${index}].guards`);
  });
  if (!raw.guards) return undefined;
  return { policies, routePolicies, defaultPolicy: raw.guards.default };
}

/** Cache settings, with the embedder checked: `local`, an embedding model of this config, or an ONNX folder that exists. */
function resolveCache(raw: RawConfig, models: Map<string, ModelConfig>, issues: ConfigIssue[]): CacheSettings {
  const settings = resolveCacheSettings(raw.cache, raw.routes ?? {});
  // The shared Redis of `state.redis` serves the cache too when cache.redis names none.
  if (settings.backend === 'redis' && settings.redis?.url === undefined && raw.state?.redis === undefined) {
    issues.push({ path: 'cache.backend', message: 'backend redis needs cache.redis.url or state.redis.url' });
  }
  if (settings.redis?.url !== undefined && !/^rediss?:\/\/[^/]/.test(settings.redis.url)) issues.push({ path: 'cache.redis.url', message: `must be a redis:// or rediss:// URL with a host, got ${JSON.stringify(settings.redis.url)}` });
  const embedder = raw.cache?.embedder;
  if (embedder !== undefined && embedder !== 'local') {
    if (embedder.startsWith('onnx:')) {
      try {
        checkOnnxFolder(parseOnnxSource(embedder));
      } catch (error) {
        issues.push({ path: 'cache.embedder', message: (error as Error).message });
      }
    } else {
      const model = models.get(embedder);
      const embeddingModels = [...models.values()].filter((each) => each.kind === 'embedding').map((each) => each.name);
      if (!model || model.kind !== 'embedding') {
        issues.push({
          path: 'cache.embedder',
          message: `"${embedder}" is not local, onnx:<folder> or an embedding model of this config (${embeddingModels.length > 0 ? `embedding models: ${embeddingModels.join(', ')}` : 'it has none'})`,
        });
      }
    }
  }
  return settings;
}

/** A route that always sends requests to one model. */
export function fixedRoute(name: string, model: ModelConfig, description?: string): RouteConfig {
  return {
    name,
    ...(description ? { description } : {}),
    strategy: 'fixed',
    model,
    target: model.name,
    candidates: [model],
    classify: { rules: DEFAULT_RULES, longContextTokens: 32_000, classifier: 'none', modelFile: undefined, minConfidence: 0, fallbackCategory: 'qa', llm: undefined },
    table: new Map(),
    tableFallbacks: new Map(),
    tiers: undefined,
    difficulty: { standardFrom: 0.3, hardFrom: 0.6 },
    qualityFloor: 0.85,
    expectedOutputTokens: 500,
    weights: DEFAULT_WEIGHTS,
    context: { trim: false, outputReserveTokens: 1024 },
    experiment: undefined,
    fallbacks: [],
    timeouts: {},
  };
}
