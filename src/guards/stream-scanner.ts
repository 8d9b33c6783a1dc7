/**
 * Hold-back for streamed answers. Chunks go in; only text that can no longer turn into (part
 * of) a secret or a PII value comes out. The scanner keeps the last `holdBack` characters
 * (longer than any pattern it looks for), never releases a run of non-space characters that
 * may still be growing (a JWT, a key, a URL with a password), and never cuts through a
 * finding; a value split across chunk boundaries is therefore seen whole before any of it
 * is released. Each pass scans the unreleased text plus `holdBack` characters of released
 * text before it (for patterns that read their left context, like "SSN:" or "password=").
 *
 * A pass scans about holdBack × 2 characters, so the scanner does not pass on every chunk
 * (a streamed token is a few characters): it waits until `step` characters beyond the
 * hold-back are pending (a quarter of the hold-back by default), then releases them in one
 * go. Text leaves in runs of about `step` characters instead of token by token, at most
 * `step` characters later. The guarantees do not change: a value split across chunks is seen
 * whole before any of it is released, and the released text is the whole answer.
 *
 * With `redact`, found values are replaced by placeholders in the released text (see
 * redact.ts); findings always carry offsets into the original, unredacted stream.
 */
import { PiiDetector } from './pii.js';
import { Redactor } from './redact.js';
import { SecretsDetector } from './secrets.js';
import { compareFindings, type Detector, type Finding } from './types.js';

export interface StreamScannerOptions {
  /** Detectors to run; PII and secrets by default. */
  detectors?: readonly Detector[];
  /** Characters kept back at the end of the stream (default 256). */
  holdBack?: number;
  /** Replace found values with placeholders in the released text (a Redactor shares numbering with the request). */
  redact?: boolean | Redactor;
  /** An unfinished value longer than this is released anyway, its known part redacted (default 16 384). */
  maxHold?: number;
  /** Characters pending beyond the hold-back before a pass (default a quarter of the hold-back; 1 = a pass per chunk). */
  step?: number;
}

export interface StreamResult {
  /** Text safe to pass on (redacted when the option is set). */
  release: string;
  /** Findings completed by this call, with offsets into the whole original stream. */
  findings: Finding[];
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9 || code === 12 || code === 0xa0;
}

export class StreamScanner {
  readonly redactor: Redactor | undefined;
  private readonly detectors: readonly Detector[];
  private readonly holdBack: number;
  private readonly maxHold: number;
  /** A pass once this many characters are pending (the hold-back plus the step). */
  private readonly passAt: number;
  /** Text received and not released. */
  private pending = '';
  /** The end of the released text, read as left context. */
  private context = '';
  /** Stream offset of pending[0]. */
  private offset = 0;
  private readonly reported = new Set<string>();

  constructor(options: StreamScannerOptions = {}) {
    this.detectors = options.detectors ?? [new PiiDetector(), new SecretsDetector()];
    this.holdBack = options.holdBack ?? 256;
    this.maxHold = Math.max(options.maxHold ?? 16_384, this.holdBack * 2);
    this.passAt = this.holdBack + Math.max(1, options.step ?? Math.floor(this.holdBack / 4));
    this.redactor = options.redact instanceof Redactor ? options.redact : options.redact ? new Redactor() : undefined;
  }

  push(chunk: string): StreamResult {
    this.pending += chunk;
    return this.advance(false);
  }

  /** Releases everything still held. */
  end(): StreamResult {
    return this.advance(true);
  }

  /** Findings of the context and pending text, in stream offsets. */
  private scan(): Finding[] {
    const text = this.context + this.pending;
    const base = this.offset - this.context.length;
    const findings: Finding[] = [];
    for (const detector of this.detectors) {
      for (const finding of detector.scan(text)) if (base + finding.end > this.offset) findings.push({ ...finding, start: base + finding.start, end: base + finding.end });
    }
    return findings.sort(compareFindings);
  }

  /** Where the release may stop (in pending): before held-back text, open tokens and unfinished findings. */
  private cutPoint(findings: readonly Finding[]): number {
    const pending = this.pending;
    let cut = pending.length - this.holdBack;
    if (cut <= 0) return 0;
    const forced = pending.length > this.maxHold;
    for (let changed = true; changed && cut > 0; ) {
      changed = false;
      // Not inside a run of non-space characters: it may be a value still being written.
      if (!isSpace(pending.charCodeAt(cut - 1)) && !isSpace(pending.charCodeAt(cut))) {
        let start = cut;
        while (start > 0 && !isSpace(pending.charCodeAt(start - 1))) start--;
        if (start > 0 || !forced) {
          cut = start;
          changed = true;
        }
      }
      for (const finding of findings) {
        const start = finding.start - this.offset;
        const end = finding.end - this.offset;
        if (start < cut && end > cut && (start > 0 || !forced)) {
          cut = Math.max(0, start);
          changed = true;
        }
      }
    }
    return cut;
  }

  private advance(final: boolean): StreamResult {
    // Nothing can be released while no more than the hold-back is pending (see cutPoint), and a
    // pass reports only findings in released text: scanning now would be thrown away. Beyond
    // that, a pass waits for `step` more characters: one scan per run of text, not per chunk.
    if (!final && this.pending.length < this.passAt) return { release: '', findings: [] };
    const findings = this.scan();
    const cut = final ? this.pending.length : this.cutPoint(findings);
    if (cut === 0) return { release: '', findings: [] };
    const releasedEnd = this.offset + cut;
    const completed: Finding[] = [];
    const inRelease: Finding[] = [];
    for (const finding of findings) {
      if (finding.start >= releasedEnd) continue;
      inRelease.push({ ...finding, start: Math.max(0, finding.start - this.offset), end: Math.min(cut, finding.end - this.offset) });
      const key = `${finding.start}:${finding.end}:${finding.rule}`;
      if (finding.end <= releasedEnd && !this.reported.has(key)) {
        this.reported.add(key);
        completed.push(finding);
      }
    }
    const text = this.pending.slice(0, cut);
    const release = this.redactor ? this.redactor.redact(text, inRelease) : text;
    this.context = (this.context + text).slice(-this.holdBack);
    this.pending = this.pending.slice(cut);
    this.offset = releasedEnd;
    return { release, findings: completed };
  }
}
