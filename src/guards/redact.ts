/**
 * Redaction and restoration. Found values are replaced by typed placeholders — [EMAIL_1],
 * [PHONE_2], [CREDIT_CARD_1], [OPENAI_KEY_1] — the same value always by the same
 * placeholder, and the placeholders map back to the values, so an answer that mentions
 * "[EMAIL_1]" can be given back to the user with the address in it (restore, or RestoreStream
 * for a streamed answer whose placeholder arrives split across chunks).
 *
 * Only PII and secret findings are redacted; injection findings mark instructions, not
 * values. Overlapping findings: the longer one wins (then the higher score, then the earlier).
 */
import type { Finding } from './types.js';

export interface Redaction {
  text: string;
  /** Placeholder ("[EMAIL_1]") → original value. */
  placeholders: Map<string, string>;
}

/** The placeholder label of a finding type: email → EMAIL, credit_card → CREDIT_CARD. */
export function placeholderLabel(type: string): string {
  return type.toUpperCase().replace(/[^A-Z0-9]+/g, '_') || 'VALUE';
}

const PLACEHOLDER = /\[[A-Z][A-Z0-9_]*_\d+\]/g;
/** A placeholder is at most this long: "[CONNECTION_STRING_PASSWORD_123]" is 33. */
const MAX_PLACEHOLDER = 64;

/** Findings to replace: PII and secrets, without overlaps, in reading order. */
export function redactable(findings: readonly Finding[]): Finding[] {
  const candidates = findings.filter((finding) => finding.guard !== 'injection' && finding.end > finding.start);
  candidates.sort((left, right) => right.end - right.start - (left.end - left.start) || right.score - left.score || left.start - right.start);
  const kept: Finding[] = [];
  for (const finding of candidates) if (!kept.some((other) => finding.start < other.end && other.start < finding.end)) kept.push(finding);
  return kept.sort((left, right) => left.start - right.start);
}

/**
 * Keeps placeholder numbering across several texts (the messages of one request, the
 * chunks of one stream), so a value gets one placeholder throughout.
 */
export class Redactor {
  /** Placeholder → original value. */
  readonly placeholders = new Map<string, string>();
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  placeholderFor(type: string, value: string): string {
    const label = placeholderLabel(type);
    const key = `${label}\u0000${value}`;
    const existing = this.byValue.get(key);
    if (existing) return existing;
    const number = (this.counters.get(label) ?? 0) + 1;
    this.counters.set(label, number);
    const placeholder = `[${label}_${number}]`;
    this.byValue.set(key, placeholder);
    this.placeholders.set(placeholder, value);
    return placeholder;
  }

  /** `text` with the values of `findings` (offsets into `text`) replaced by placeholders. */
  redact(text: string, findings: readonly Finding[]): string {
    const chosen = redactable(findings);
    if (chosen.length === 0) return text;
    let result = '';
    let cursor = 0;
    for (const finding of chosen) {
      const start = Math.max(finding.start, cursor);
      const end = Math.min(finding.end, text.length);
      if (end <= start) continue;
      result += text.slice(cursor, start) + this.placeholderFor(finding.type, text.slice(start, end));
      cursor = end;
    }
    return result + text.slice(cursor);
  }
}

export function redact(text: string, findings: readonly Finding[]): Redaction {
  const redactor = new Redactor();
  return { text: redactor.redact(text, findings), placeholders: redactor.placeholders };
}

/** `text` with every known placeholder replaced by its value; unknown ones stay as they are. */
export function restore(text: string, placeholders: ReadonlyMap<string, string>): string {
  if (placeholders.size === 0 || text.indexOf('[') === -1) return text;
  return text.replace(PLACEHOLDER, (placeholder) => placeholders.get(placeholder) ?? placeholder);
}

/**
 * Restores placeholders in a streamed answer. A chunk ending in "[EMA" is held back until
 * the next chunk shows whether it becomes "[EMAIL_1]"; anything else is released at once.
 */
export class RestoreStream {
  private pending = '';

  constructor(private readonly placeholders: ReadonlyMap<string, string>) {}

  push(chunk: string): string {
    const text = this.pending + chunk;
    const open = text.lastIndexOf('[');
    if (open !== -1 && text.length - open < MAX_PLACEHOLDER && /^\[[A-Z0-9_]*$/.test(text.slice(open))) {
      this.pending = text.slice(open);
      return restore(text.slice(0, open), this.placeholders);
    }
    this.pending = '';
    return restore(text, this.placeholders);
  }

  end(): string {
    const rest = this.pending;
    this.pending = '';
    return restore(rest, this.placeholders);
  }
}
