/**
 * The guard pipeline inside the gateway. A GuardSet is built once from the config; per
 * request it resolves which policies apply (the calling key's and the route's) — null when
 * none does, so an unguarded request pays one map lookup and nothing else. A GuardRun then
 * carries one request through the phases:
 *
 *   request   scan the messages, then block (400), redact (typed placeholders the provider
 *             sees instead of the values), mark the request private, or flag;
 *   response  check a non-streamed answer (response.ts), restoring placeholders;
 *   stream    the same on a streamed answer through a hold-back scanner (response.ts).
 *
 * Every finding becomes a verdict — guard, type, rule, score, phase, action and spans,
 * never the value — stored with the request (details.guards) and counted in /metrics.
 */
import type { ChatRequest, ContentPart, EmbeddingRequest, Message, ToolCall } from '../core/types.js';
import { GatewayError } from '../core/errors.js';
import type { GuardVerdict } from '../store/types.js';
import type { ModelReport } from './model-stage.js';
import { Redactor } from './redact.js';
import { ACTION_RANK, responsePlan, stricter, type GuardAction, type GuardPhase, type GuardPolicy, type RequestGuards, type ResponsePlan, type ScanRole } from './policy.js';
import type { Finding } from './types.js';

/** At most this many spans are kept per verdict (a prompt with 10,000 e-mail addresses stays one bounded row). */
const MAX_SPANS = 50;

/** A policy name that no policy carries (a virtual key's metadata.guards typo): reported once per name. */
export type UnknownPolicyHandler = (name: string) => void;

/** The policies that apply to one request, and their merged response checks. */
export interface AppliedGuards {
  policies: readonly GuardPolicy[];
  response: ResponsePlan | undefined;
}

export class GuardSet {
  private readonly applied = new Map<string, AppliedGuards | null>();
  private readonly reported = new Set<string>();

  constructor(
    readonly policies: ReadonlyMap<string, GuardPolicy>,
    /** Route name → policy name (routes that name one). */
    private readonly routePolicies: ReadonlyMap<string, string>,
    readonly defaultPolicy: string | undefined,
    private readonly onUnknownPolicy: UnknownPolicyHandler = () => undefined,
  ) {}

  /**
   * The guards of a request to `model` (a route or model name) by a key with policy
   * `keyPolicy`, or null when no policy applies. A route without a policy gets the default.
   */
  resolve(keyPolicy: string | undefined, model: string): AppliedGuards | null {
    const routePolicy = this.routePolicies.get(model) ?? this.defaultPolicy;
    if (keyPolicy !== undefined && !this.policies.has(keyPolicy)) {
      if (!this.reported.has(keyPolicy)) {
        this.reported.add(keyPolicy);
        this.onUnknownPolicy(keyPolicy);
      }
      keyPolicy = this.defaultPolicy;
    }
    if (keyPolicy === undefined && routePolicy === undefined) return null;
    const cacheKey = `${keyPolicy ?? ''}\u0000${routePolicy ?? ''}`;
    let found = this.applied.get(cacheKey);
    if (found === undefined) {
      const names = [...new Set([keyPolicy, routePolicy].filter((name): name is string => name !== undefined))];
      const policies = names.map((name) => this.policies.get(name) as GuardPolicy);
      found = policies.length > 0 ? { policies, response: responsePlan(policies) } : null;
      this.applied.set(cacheKey, found);
    }
    return found;
  }
}

/**
 * A request or answer stopped by a guard: 400 before the upstream call, 502 after it. The
 * message names the guard and the rule, never the text; `detail` must not quote it either.
 */
export function guardBlocked(phase: GuardPhase, guard: string, rule: string, options: { param?: string; detail?: string } = {}): GatewayError {
  const what = phase === 'request' ? 'Request' : 'Response';
  const { param, detail } = options;
  return new GatewayError('guardrail_violation', `${what} blocked by guard ${guard} (rule ${rule})${detail ? `: ${detail}` : ''}.`, {
    ...(phase === 'request' ? {} : { status: 502 }),
    ...(param ? { param } : {}),
  });
}

/** One finding with the action the policies chose for it and where it was found. */
export interface Judged {
  finding: Finding;
  action: GuardAction;
  /** Message index (request) or choice index (answer). */
  index: number;
  /** Put the value back in the answer (request redaction with restore). */
  restore: boolean;
  /** The text the finding's offsets point into. */
  source: string;
  /** The message's text part, when its content is a list of parts. */
  part?: number;
  /** The tool call whose arguments (JSON text) the finding is in. */
  toolCall?: number;
  /** The finding is in the answer's refusal text rather than its content. */
  refusal?: boolean;
}

/** Where a text sits in a request: a message's string content, one text part of it, or one tool call's arguments. */
interface TextSlot {
  message: number;
  part: number | undefined;
  toolCall: number | undefined;
  role: ScanRole;
  text: string;
}

function scanRole(message: Message): ScanRole {
  if (message.role === 'developer' || message.role === 'system') return 'system';
  return message.role;
}

function textSlots(request: ChatRequest): TextSlot[] {
  const slots: TextSlot[] = [];
  request.messages.forEach((message, index) => {
    const role = scanRole(message);
    if (typeof message.content === 'string') slots.push({ message: index, part: undefined, toolCall: undefined, role, text: message.content });
    else if (Array.isArray(message.content)) {
      message.content.forEach((part, partIndex) => {
        if (part.type === 'text') slots.push({ message: index, part: partIndex, toolCall: undefined, role, text: part.text });
      });
    }
    // Arguments of earlier tool calls go back to the provider with the history: a value in
    // them leaves the building like any other text.
    message.toolCalls?.forEach((call, callIndex) => {
      if (call.arguments) slots.push({ message: index, part: undefined, toolCall: callIndex, role, text: call.arguments });
    });
  });
  return slots;
}

/** The findings of one request-phase policy on one text, with their actions. */
function judgeSlot(guards: RequestGuards, slot: TextSlot, out: Judged[]): void {
  const add = (findings: Finding[], action: GuardAction, restore: boolean): void => {
    for (const finding of findings) {
      out.push({ finding, action, index: slot.message, restore, source: slot.text, ...(slot.part !== undefined ? { part: slot.part } : {}), ...(slot.toolCall !== undefined ? { toolCall: slot.toolCall } : {}) });
    }
  };
  if (guards.injection?.roles.has(slot.role)) add(guards.injection.detector.scan(slot.text), guards.injection.action, false);
  if (guards.pii) add(guards.pii.detector.scan(slot.text), guards.pii.action, guards.pii.restore);
  if (guards.secrets) add(guards.secrets.detector.scan(slot.text), guards.secrets.action, guards.secrets.restore);
  if (slot.role === 'user' || slot.role === 'tool') for (const rule of guards.deny) add(rule.detector.scan(slot.text), rule.action, false);
}

/**
 * judgeSlot with the policy's model stages: the fast detectors first, then the model on what
 * they leave unsure (model-stage.ts). Returns a promise per model run, reported through `note`.
 */
function judgeSlotWithModels(guards: RequestGuards, slot: TextSlot, out: Judged[], note: (guard: string, report: ModelReport) => void): Promise<void>[] {
  const pending: Promise<void>[] = [];
  const injection = guards.injection;
  const pii = guards.pii;
  if (!injection?.model && !pii?.model) {
    judgeSlot(guards, slot, out);
    return pending;
  }
  const add = (findings: Finding[], action: GuardAction, restore: boolean): void => {
    for (const finding of findings) {
      out.push({ finding, action, index: slot.message, restore, source: slot.text, ...(slot.part !== undefined ? { part: slot.part } : {}), ...(slot.toolCall !== undefined ? { toolCall: slot.toolCall } : {}) });
    }
  };
  if (injection?.roles.has(slot.role)) {
    const fast = injection.detector.scan(slot.text);
    const score = injection.detector.lastScore;
    const model = injection.model;
    if (model && model.isUnsure(score, fast.some((finding) => finding.rule !== 'classifier'))) {
      pending.push(
        model.judge(slot.text).then(({ report, probability }) => {
          note('injection', report);
          if (probability === undefined) return add(fast, injection.action, false);
          // The model's verdict replaces the classifier's on this text.
          const kept = fast.filter((finding) => finding.rule !== 'classifier');
          if (probability >= model.threshold) kept.push({ guard: 'injection', type: 'injection', rule: 'model.onnx', start: 0, end: slot.text.length, score: Number(probability.toFixed(4)) });
          add(kept, injection.action, false);
        }),
      );
    } else add(fast, injection.action, false);
  }
  if (pii) {
    const fast = pii.detector.scan(slot.text);
    add(fast, pii.action, pii.restore);
    const model = pii.model;
    if (model && pii.types.has('person') && model.isUnsure(slot.text, fast)) {
      pending.push(
        model.findPeople(slot.text, fast).then(({ report, findings }) => {
          note('pii', report);
          add(findings, pii.action, pii.restore);
        }),
      );
    }
  }
  judgeSlot({ ...guards, injection: undefined, pii: undefined }, slot, out);
  return pending;
}

/**
 * Tool-call arguments are JSON text, redacted in place: a placeholder never holds a quote or a
 * backslash, so valid JSON stays valid unless a value's span cut through an escape sequence.
 * Then the value cannot be taken out safely, and the request or answer is stopped instead.
 */
export function assertStillJson(before: string, after: string, param: string, phase: GuardPhase = 'request'): void {
  if (!isJson(before) || isJson(after)) return;
  throw guardBlocked(phase, 'redact', 'tool_arguments', { param, detail: 'a value to redact could not be taken out of the tool-call arguments without breaking their JSON' });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The same span found by two policies keeps the strictest action (and restore only if every redacting policy restores). */
function dedupe(judged: Judged[]): Judged[] {
  if (judged.length < 2) return judged;
  const byKey = new Map<string, Judged>();
  for (const entry of judged) {
    const { finding } = entry;
    const key = `${entry.index}:${entry.part ?? ''}:${entry.toolCall ?? ''}:${finding.start}:${finding.end}:${finding.guard}:${finding.rule}`;
    const known = byKey.get(key);
    if (!known) byKey.set(key, entry);
    else byKey.set(key, { ...known, action: stricter(known.action, entry.action), restore: known.restore && entry.restore });
  }
  return [...byKey.values()];
}

/** Carries one request through the guard phases; allocated only when a policy applies. */
export class GuardRun {
  readonly verdicts: GuardVerdict[] = [];
  /** Shared placeholder numbering between the request and its answer. */
  readonly redactor = new Redactor();
  /** Placeholder → value for values the user should see again in the answer. */
  readonly restoreMap = new Map<string, string>();
  /** Value → placeholder of every PII or secret value seen in the request: scrubbed from the stored body. */
  private readonly sensitive = new Map<string, string>();

  constructor(readonly applied: AppliedGuards) {}

  get response(): ResponsePlan | undefined {
    return this.applied.response;
  }

  /** A verdict that is no detector finding (the JSON schema check). */
  note(verdict: GuardVerdict): void {
    this.verdicts.push(verdict);
  }

  /** Adds verdicts for judged findings (grouped by guard, type, rule and action); `base` is added to their offsets. */
  record(phase: GuardPhase, judged: readonly Judged[], base = 0): void {
    for (const { finding, action, index, toolCall, refusal } of judged) {
      let verdict = this.verdicts.find(
        (known) => known.phase === phase && known.guard === finding.guard && known.type === finding.type && known.rule === finding.rule && known.action === action,
      );
      if (!verdict) {
        verdict = { guard: finding.guard, type: finding.type, rule: finding.rule, score: 0, phase, action, spans: [] };
        this.verdicts.push(verdict);
      }
      verdict.score = Math.max(verdict.score, Number(finding.score.toFixed(4)));
      if (verdict.spans.length < MAX_SPANS) {
        verdict.spans.push({ start: base + finding.start, end: base + finding.end, message_index: index, ...(toolCall !== undefined ? { tool_call: toolCall } : {}), ...(refusal ? { refusal: true } : {}) });
      }
    }
  }

  /**
   * Phase 1. Returns the request the provider may see (redacted when a policy says so) and
   * the private-data source when a finding routes it to private models; throws a 400
   * guardrail_violation when a finding blocks it.
   */
  checkRequest(request: ChatRequest): { request: ChatRequest; privateSource: string | undefined } {
    const slots = textSlots(request);
    const judged: Judged[] = [];
    for (const policy of this.applied.policies) {
      if (!policy.request) continue;
      for (const slot of slots) judgeSlot(policy.request, slot, judged);
    }
    return this.decideRequest(request, slots, judged);
  }

  /** Whether a policy of this request has a model stage (checkRequestWithModels then awaits it). */
  get hasModelStage(): boolean {
    return this.applied.policies.some((policy) => policy.request?.injection?.model !== undefined || policy.request?.pii?.model !== undefined);
  }

  /**
   * Phase 1 with the policies' model stages (model-stage.ts): as checkRequest, after the models
   * have judged what the fast detectors left unsure (each within its timeout). Without a model
   * stage it is checkRequest.
   */
  async checkRequestWithModels(request: ChatRequest): Promise<{ request: ChatRequest; privateSource: string | undefined }> {
    if (!this.hasModelStage) return this.checkRequest(request);
    const slots = textSlots(request);
    const judged: Judged[] = [];
    const pending: Promise<void>[] = [];
    const note = (guard: string, report: ModelReport): void => {
      this.verdicts.push({ guard, type: 'model', rule: `onnx.${report.outcome}`, score: report.score, phase: 'request', action: 'flag', spans: [], latency_ms: report.ms });
    };
    for (const policy of this.applied.policies) {
      if (!policy.request) continue;
      for (const slot of slots) pending.push(...judgeSlotWithModels(policy.request, slot, judged, note));
    }
    await Promise.all(pending);
    return this.decideRequest(request, slots, judged);
  }

  /** Allow-lists, then block / route-private / redact by the strictest action of the findings. */
  private decideRequest(request: ChatRequest, slots: readonly TextSlot[], found: Judged[]): { request: ChatRequest; privateSource: string | undefined } {
    let judged = found;
    for (const policy of this.applied.policies) {
      const allowed = policy.request?.allowTools;
      if (allowed) {
        (request.tools ?? []).forEach((tool, index) => {
          if (!allowed.has(tool.name)) judged.push({ finding: { guard: 'allow', type: 'tool', rule: 'tools', start: index, end: index + 1, score: 1 }, action: 'block', index: -1, restore: false, source: '' });
        });
      }
    }
    if (judged.length === 0) return { request, privateSource: undefined };
    judged = dedupe(judged);
    this.record('request', judged);
    for (const { finding, source } of judged) {
      if (finding.guard === 'pii' || finding.guard === 'secrets') this.sensitiveValue(finding, source.slice(finding.start, finding.end));
    }
    let strictest: Judged | undefined;
    for (const entry of judged) if (!strictest || ACTION_RANK[entry.action] > ACTION_RANK[strictest.action]) strictest = entry;
    if (strictest?.action === 'block') {
      const { finding, index, toolCall } = strictest;
      const param = index < 0 ? 'tools' : toolCall !== undefined ? `messages[${index}].tool_calls[${toolCall}].function.arguments` : `messages[${index}]`;
      throw guardBlocked('request', finding.guard, finding.rule, { param });
    }
    const privateFinding = judged.find((entry) => entry.action === 'route-private');
    const redacted = judged.some((entry) => entry.action === 'redact') ? this.redactRequest(request, slots, judged) : request;
    return { request: redacted, privateSource: privateFinding ? `guard:${privateFinding.finding.guard}` : undefined };
  }

  /**
   * The request phase for /v1/embeddings: each input is scanned as user text by PII, secrets
   * and deny rules (not injection: an embedding model follows no instructions). Returns the
   * inputs to embed (redacted when a policy says so; nothing to restore in vectors) and the
   * private-data source when a finding keeps them to private models; throws a 400
   * guardrail_violation naming `input[i]` when one blocks.
   */
  checkEmbedding(request: EmbeddingRequest): { request: EmbeddingRequest; privateSource: string | undefined } {
    let judged: Judged[] = [];
    request.input.forEach((text, index) => {
      const slot: TextSlot = { message: index, part: undefined, toolCall: undefined, role: 'user', text };
      for (const policy of this.applied.policies) if (policy.request) judgeSlot({ ...policy.request, injection: undefined }, slot, judged);
    });
    if (judged.length === 0) return { request, privateSource: undefined };
    judged = dedupe(judged);
    this.record('request', judged);
    for (const { finding, source } of judged) this.sensitiveValue(finding, source.slice(finding.start, finding.end));
    const blocked = judged.find((entry) => entry.action === 'block');
    if (blocked) throw guardBlocked('request', blocked.finding.guard, blocked.finding.rule, { param: `input[${blocked.index}]` });
    const privateFinding = judged.find((entry) => entry.action === 'route-private');
    if (!judged.some((entry) => entry.action === 'redact')) return { request, privateSource: privateFinding ? `guard:${privateFinding.finding.guard}` : undefined };
    const input = request.input.map((text, index) => {
      const findings = judged.filter((entry) => entry.action === 'redact' && entry.index === index).map((entry) => entry.finding);
      return findings.length > 0 ? this.redactor.redact(text, findings) : text;
    });
    return { request: { ...request, input }, privateSource: privateFinding ? `guard:${privateFinding.finding.guard}` : undefined };
  }

  /** The request with redact-action values replaced by placeholders (a copy; the parsed original is left alone). */
  private redactRequest(request: ChatRequest, slots: readonly TextSlot[], judged: readonly Judged[]): ChatRequest {
    const messages = request.messages.slice();
    for (const slot of slots) {
      const findings = judged.filter((entry) => entry.action === 'redact' && entry.index === slot.message && entry.part === slot.part && entry.toolCall === slot.toolCall);
      if (findings.length === 0) continue;
      const text = this.redactor.redact(
        slot.text,
        findings.map((entry) => entry.finding),
      );
      if (slot.toolCall !== undefined) assertStillJson(slot.text, text, `messages[${slot.message}].tool_calls[${slot.toolCall}].function.arguments`);
      for (const entry of findings) {
        if (!entry.restore) continue;
        const value = slot.text.slice(entry.finding.start, entry.finding.end);
        this.restoreMap.set(this.redactor.placeholderFor(entry.finding.type, value), value);
      }
      const message = messages[slot.message] as Message;
      if (slot.toolCall !== undefined) {
        const toolCalls = (message.toolCalls ?? []).slice();
        toolCalls[slot.toolCall] = { ...(toolCalls[slot.toolCall] as ToolCall), arguments: text };
        messages[slot.message] = { ...message, toolCalls };
      } else if (slot.part === undefined) messages[slot.message] = { ...message, content: text };
      else {
        const parts = (message.content as ContentPart[]).slice();
        parts[slot.part] = { type: 'text', text };
        messages[slot.message] = { ...message, content: parts };
      }
    }
    return { ...request, messages };
  }

  /** Records a value the log must never keep. */
  sensitiveValue(finding: Finding, value: string | undefined): void {
    if (value && !this.sensitive.has(value)) this.sensitive.set(value, this.redactor.placeholderFor(finding.type, value));
  }

  /** A stored body (JSON text) with every sensitive value seen replaced by its placeholder. */
  scrubForLog(body: string | null): string | null {
    if (body === null || this.sensitive.size === 0) return body;
    const values = [...this.sensitive.keys()].sort((left, right) => right.length - left.length);
    const scrub = (text: string): string => {
      let out = text;
      for (const value of values) if (out.includes(value)) out = out.split(value).join(this.sensitive.get(value) as string);
      return out;
    };
    const walk = (value: unknown): unknown => {
      if (typeof value === 'string') return scrub(value);
      if (Array.isArray(value)) return value.map(walk);
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
      return value;
    };
    try {
      return JSON.stringify(walk(JSON.parse(body)));
    } catch {
      // Not JSON (a body that failed to parse): scrub it as text.
      return scrub(body);
    }
  }
}
