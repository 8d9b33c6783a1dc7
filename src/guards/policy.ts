/**
 * Guard policies as the gateway runs them: compiled once from the config (detectors built,
 * deny rules turned into regular expressions), and the one precedence table that decides
 * which action wins when several policies (a key's and a route's) judge the same finding.
 */
import type { RawDenyRule, RawGuardPolicy } from '../config/schema.js';
import { compileUserPattern } from '../core/regex.js';
import { InjectionDetector } from './injection.js';
import { InjectionModelStage, PiiModelStage } from './model-stage.js';
import { PII_TYPES, PiiDetector } from './pii.js';
import { SecretsDetector } from './secrets.js';
import type { Detector, Finding, PiiType } from './types.js';

export type GuardAction = 'block' | 'redact' | 'route-private' | 'flag';
/** request: before the upstream call; response: a non-streamed answer; stream: a streamed one. */
export type GuardPhase = 'request' | 'response' | 'stream';
export type ScanRole = 'user' | 'tool' | 'system' | 'assistant';

/** Higher wins: block > redact > route-private > flag. */
export const ACTION_RANK: Readonly<Record<GuardAction, number>> = { flag: 0, 'route-private': 1, redact: 2, block: 3 };

export function stricter(left: GuardAction, right: GuardAction): GuardAction {
  return ACTION_RANK[right] > ACTION_RANK[left] ? right : left;
}

/** A deny rule's matches become findings of guard "deny", type and rule = the rule's name. */
export class DenyDetector implements Detector {
  readonly name = 'deny' as const;
  constructor(
    readonly rule: string,
    private readonly pattern: RegExp,
  ) {}

  scan(text: string): Finding[] {
    const findings: Finding[] = [];
    this.pattern.lastIndex = 0;
    for (let match = this.pattern.exec(text); match; match = this.pattern.exec(text)) {
      if (match[0].length === 0) {
        this.pattern.lastIndex++;
        continue;
      }
      findings.push({ guard: 'deny', type: this.rule, rule: this.rule, start: match.index, end: match.index + match[0].length, score: 1 });
    }
    return findings;
  }
}

export interface DenyRule {
  name: string;
  action: GuardAction;
  detector: DenyDetector;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileDenyRule(raw: RawDenyRule): DenyRule {
  const sources: string[] = [];
  if (raw.keywords) sources.push(`(?<![\\p{L}\\p{N}_])(?:${raw.keywords.map(escapeRegex).join('|')})(?![\\p{L}\\p{N}_])`);
  for (const pattern of raw.patterns ?? []) sources.push(`(?:${compileUserPattern(pattern).source})`);
  return { name: raw.name, action: raw.action, detector: new DenyDetector(raw.name, new RegExp(sources.join('|'), 'giu')) };
}

export interface RequestGuards {
  injection: { action: GuardAction; roles: ReadonlySet<ScanRole>; detector: InjectionDetector; model?: InjectionModelStage } | undefined;
  pii: { action: GuardAction; types: ReadonlySet<string>; restore: boolean; detector: PiiDetector; model?: PiiModelStage } | undefined;
  secrets: { action: GuardAction; restore: boolean; detector: SecretsDetector } | undefined;
  deny: DenyRule[];
  allowTools: ReadonlySet<string> | undefined;
}

export interface ResponseGuards {
  pii: { action: GuardAction; types: ReadonlySet<string> } | undefined;
  secrets: { action: GuardAction } | undefined;
  deny: DenyRule[];
  jsonSchema: { onInvalid: 'retry' | 'error' } | undefined;
  holdBack: number;
}

export interface GuardPolicy {
  name: string;
  request: RequestGuards | undefined;
  response: ResponseGuards | undefined;
}

export const DEFAULT_HOLD_BACK = 256;

type RawInjectionModel = NonNullable<NonNullable<NonNullable<RawGuardPolicy['request']>['injection']>['model']>;
type RawPiiModel = NonNullable<NonNullable<NonNullable<RawGuardPolicy['request']>['pii']>['model']>;

function injectionModelStage(raw: RawInjectionModel): InjectionModelStage {
  if (typeof raw === 'string') return new InjectionModelStage({ source: raw });
  return new InjectionModelStage({
    source: raw.path,
    ...(raw.threshold !== undefined ? { threshold: raw.threshold } : {}),
    ...(raw.unsure ? { unsure: raw.unsure } : {}),
    ...(raw.timeout_ms !== undefined ? { timeoutMs: raw.timeout_ms } : {}),
    ...(raw.labels ? { labels: raw.labels } : {}),
  });
}

function piiModelStage(raw: RawPiiModel): PiiModelStage {
  if (typeof raw === 'string') return new PiiModelStage({ source: raw });
  return new PiiModelStage({ source: raw.path, ...(raw.timeout_ms !== undefined ? { timeoutMs: raw.timeout_ms } : {}), ...(raw.min_score !== undefined ? { minScore: raw.min_score } : {}) });
}

/** The onnx:<folder> values of a policy's model stages, with their config paths (checked by the config loader). */
export function policyModelSources(name: string, raw: RawGuardPolicy): Array<{ path: string; source: string }> {
  const sources: Array<{ path: string; source: string }> = [];
  const injection = raw.request?.injection?.model;
  if (injection) sources.push({ path: `guards.policies.${name}.request.injection.model`, source: typeof injection === 'string' ? injection : injection.path });
  const pii = raw.request?.pii?.model;
  if (pii) sources.push({ path: `guards.policies.${name}.request.pii.model`, source: typeof pii === 'string' ? pii : pii.path });
  return sources;
}

/** Builds a policy's detectors. The config schema has already checked every field and pattern. */
export function compileGuardPolicy(name: string, raw: RawGuardPolicy): GuardPolicy {
  const request = raw.request;
  const response = raw.response;
  return {
    name,
    request: request
      ? {
          injection: request.injection
            ? {
                action: request.injection.action ?? 'block',
                roles: new Set(request.injection.scan ?? ['user', 'tool']),
                detector: new InjectionDetector(request.injection.threshold !== undefined ? { threshold: request.injection.threshold } : {}),
                ...(request.injection.model ? { model: injectionModelStage(request.injection.model) } : {}),
              }
            : undefined,
          pii: request.pii
            ? {
                action: request.pii.action,
                types: new Set(request.pii.types ?? PII_TYPES),
                restore: request.pii.restore ?? false,
                detector: new PiiDetector({ types: request.pii.types ?? PII_TYPES }),
                ...(request.pii.model ? { model: piiModelStage(request.pii.model) } : {}),
              }
            : undefined,
          secrets: request.secrets ? { action: request.secrets.action, restore: request.secrets.restore ?? false, detector: new SecretsDetector() } : undefined,
          deny: (request.deny ?? []).map(compileDenyRule),
          allowTools: request.allow ? new Set(request.allow.tools) : undefined,
        }
      : undefined,
    response: response
      ? {
          pii: response.pii ? { action: response.pii.action, types: new Set(response.pii.types ?? PII_TYPES) } : undefined,
          secrets: response.secrets ? { action: response.secrets.action } : undefined,
          deny: (response.deny ?? []).map(compileDenyRule),
          jsonSchema: response.json_schema ? { onInvalid: response.json_schema.on_invalid } : undefined,
          holdBack: response.hold_back ?? DEFAULT_HOLD_BACK,
        }
      : undefined,
  };
}

/** The response checks of several policies, merged: detectors for the union, the strictest action per finding. */
export interface ResponsePlan {
  detectors: Detector[];
  holdBack: number;
  jsonSchema: { onInvalid: 'retry' | 'error' } | undefined;
  /** The action for a finding, or undefined when no policy asked for this type. */
  actionFor(finding: Finding): GuardAction | undefined;
}

export function responsePlan(policies: readonly GuardPolicy[]): ResponsePlan | undefined {
  const parts = policies.map((policy) => policy.response).filter((response): response is ResponseGuards => response !== undefined);
  if (parts.length === 0) return undefined;
  const piiTypes = new Set<PiiType>();
  for (const part of parts) for (const type of part.pii?.types ?? []) piiTypes.add(type as PiiType);
  const detectors: Detector[] = [];
  if (piiTypes.size > 0) detectors.push(new PiiDetector({ types: [...piiTypes] }));
  if (parts.some((part) => part.secrets)) detectors.push(new SecretsDetector());
  const denyActions = new Map<string, GuardAction>();
  for (const part of parts) {
    for (const rule of part.deny) {
      const known = denyActions.get(rule.name);
      if (!known) detectors.push(rule.detector);
      denyActions.set(rule.name, known ? stricter(known, rule.action) : rule.action);
    }
  }
  const retry = parts.some((part) => part.jsonSchema?.onInvalid === 'retry');
  const checksJson = parts.some((part) => part.jsonSchema);
  return {
    detectors,
    holdBack: Math.max(...parts.map((part) => part.holdBack)),
    // Strictest wins: error (no second call) over retry.
    jsonSchema: checksJson ? { onInvalid: retry && !parts.some((part) => part.jsonSchema?.onInvalid === 'error') ? 'retry' : 'error' } : undefined,
    actionFor(finding) {
      if (finding.guard === 'deny') return denyActions.get(finding.rule);
      let action: GuardAction | undefined;
      for (const part of parts) {
        const found = finding.guard === 'pii' ? (part.pii?.types.has(finding.type) ? part.pii.action : undefined) : finding.guard === 'secrets' ? part.secrets?.action : undefined;
        if (found) action = action ? stricter(action, found) : found;
      }
      return action;
    },
  };
}
