/**
 * What every guard detector produces: findings with a type, the rule that fired, a span of
 * the scanned text (UTF-16 offsets, end exclusive, so `text.slice(start, end)` is the value)
 * and a score in 0..1. Detectors are pure and synchronous: the same text gives the same
 * findings, and a detector keeps no state between calls that could leak between requests.
 */
export type GuardName = 'injection' | 'pii' | 'secrets';

export const GUARD_NAMES: readonly GuardName[] = ['injection', 'pii', 'secrets'];

export type PiiType = 'email' | 'phone' | 'credit_card' | 'iban' | 'us_ssn' | 'ip_address' | 'person' | 'street_address' | 'date_of_birth' | 'passport' | 'driver_license';

export type SecretType =
  | 'openai_key'
  | 'anthropic_key'
  | 'google_api_key'
  | 'aws_access_key'
  | 'aws_secret_key'
  | 'github_token'
  | 'slack_token'
  | 'stripe_key'
  | 'private_key'
  | 'jwt'
  | 'connection_string_password'
  | 'generic_secret';

export type InjectionType = 'injection' | 'jailbreak';

/** Who produced a finding: a detector, or a deny rule or allow-list of a guard policy (see pipeline.ts). */
export type FindingSource = GuardName | 'deny' | 'allow';

export interface Finding {
  guard: FindingSource;
  /** What was found: a PiiType, a SecretType or an InjectionType. */
  type: string;
  /** The stable name of the rule or pattern that fired, e.g. "email", "override.en", "classifier". */
  rule: string;
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset after the last character. */
  end: number;
  /** Confidence in 0..1. */
  score: number;
}

export interface Detector {
  readonly name: FindingSource;
  scan(text: string): Finding[];
}

/** Findings in reading order: by start, then the longer one first. */
export function compareFindings(left: Finding, right: Finding): number {
  return left.start - right.start || right.end - left.end || left.rule.localeCompare(right.rule);
}
