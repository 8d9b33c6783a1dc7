/**
 * The guard detectors and helpers the gateway wires into its request and response path:
 * build a guard set (by default injection, PII and secrets), scan a text with it, redact
 * and restore values, and hold back a streamed answer until it is safe to release.
 */
import { InjectionDetector, type InjectionOptions } from './injection.js';
import { PiiDetector, type PiiOptions } from './pii.js';
import { SecretsDetector } from './secrets.js';
import { GUARD_NAMES, compareFindings, type Detector, type Finding, type GuardName } from './types.js';

export { DEFAULT_INJECTION_THRESHOLD, InjectionDetector, type InjectionOptions } from './injection.js';
export { InjectionModel, SHIPPED_INJECTION_MODEL } from './injection-model.js';
export { PII_TYPES, PiiDetector, type PiiOptions } from './pii.js';
export { SecretsDetector } from './secrets.js';
export { Redactor, RestoreStream, placeholderLabel, redact, restore, type Redaction } from './redact.js';
export { StreamScanner, type StreamScannerOptions, type StreamResult } from './stream-scanner.js';
export { GUARD_NAMES, compareFindings, type Detector, type Finding, type GuardName, type InjectionType, type PiiType, type SecretType } from './types.js';

export interface GuardSetOptions {
  /** Which guards to build; all three by default. */
  guards?: readonly GuardName[];
  injection?: InjectionOptions;
  pii?: PiiOptions;
}

/** Thrown for a guard name that does not exist. */
export class UnknownGuardError extends Error {}

/** Parses "injection,pii" into guard names; throws UnknownGuardError naming the bad ones. */
export function parseGuardNames(list: string): GuardName[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(GUARD_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UnknownGuardError(`unknown guard${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')} (known: ${GUARD_NAMES.join(', ')})`);
  if (names.length === 0) throw new UnknownGuardError(`no guard named (known: ${GUARD_NAMES.join(', ')})`);
  return [...new Set(names)] as GuardName[];
}

/** The detectors of a guard set. Detectors keep reusable buffers: use one set per thread of work. */
export function createGuards(options: GuardSetOptions = {}): Detector[] {
  const names = options.guards ?? GUARD_NAMES;
  return names.map((name): Detector => {
    switch (name) {
      case 'injection':
        return new InjectionDetector(options.injection);
      case 'pii':
        return new PiiDetector(options.pii);
      case 'secrets':
        return new SecretsDetector();
    }
  });
}

/** All findings of all guards on `text`, in reading order (by start, the longer first). */
export function scanText(text: string, guards: readonly Detector[]): Finding[] {
  if (guards.length === 1) return (guards[0] as Detector).scan(text).sort(compareFindings);
  const findings: Finding[] = [];
  for (const guard of guards) for (const finding of guard.scan(text)) findings.push(finding);
  return findings.sort(compareFindings);
}
