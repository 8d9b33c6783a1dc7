import { describe, expect, it } from 'vitest';
import { createGuards, scanText } from '../../src/guards/index.js';
import { Redactor, redact } from '../../src/guards/redact.js';
import { StreamScanner, type StreamScannerOptions } from '../../src/guards/stream-scanner.js';
import type { Detector, Finding } from '../../src/guards/types.js';
import { PiiDetector } from '../../src/guards/pii.js';
import { SecretsDetector } from '../../src/guards/secrets.js';
import { ALPHANUMERIC, token } from './helpers.js';

const key = `sk-proj-${token(`${ALPHANUMERIC}_-`, 120, 21)}`;
const answer = `Sure. Put this in your .env file:\nOPENAI_API_KEY=${key}\nand tell jane@example.com (or call +44 20 7946 0958) when it works. ${'The rest of the answer is ordinary text. '.repeat(8)}Done.`;
const keyStart = answer.indexOf(key);

interface Run {
  release: string;
  findings: Finding[];
  /** Whether a result released part of the key before the key was reported. */
  leaked: boolean;
}

function stream(chunks: string[], options: StreamScannerOptions = {}): Run {
  const scanner = new StreamScanner(options);
  let release = '';
  const findings: Finding[] = [];
  let leaked = false;
  for (const result of [...chunks.map((chunk) => scanner.push(chunk)), scanner.end()]) {
    findings.push(...result.findings);
    release += result.release;
    const reported = findings.some((finding) => finding.type === 'openai_key');
    if (!options.redact && release.length > keyStart && !reported) leaked = true;
  }
  return { release, findings, leaked };
}

function types(findings: Finding[]): string[] {
  return findings.map((finding) => `${finding.type}@${finding.start}-${finding.end}`).sort();
}

const expected = types(scanText(answer, createGuards({ guards: ['pii', 'secrets'] })));

describe('stream hold-back', () => {
  it('catches a key split at every chunk boundary before releasing any of it', () => {
    for (let split = 0; split <= answer.length; split++) {
      const run = stream([answer.slice(0, split), answer.slice(split)]);
      expect(run.release).toBe(answer);
      expect(run.leaked, `split at ${split}`).toBe(false);
      expect(types(run.findings), `split at ${split}`).toEqual(expected);
    }
  });

  it('catches values split over three chunks, with a hold-back shorter than the key', () => {
    for (let first = keyStart - 20; first <= keyStart + key.length; first += 7) {
      for (let second = first; second <= answer.length; second += 29) {
        const run = stream([answer.slice(0, first), answer.slice(first, second), answer.slice(second)], { holdBack: 48 });
        expect(run.release).toBe(answer);
        expect(run.leaked, `splits at ${first}, ${second}`).toBe(false);
        expect(types(run.findings)).toEqual(expected);
      }
    }
  });

  it('streams one character at a time and reports each value once, with stream offsets', () => {
    const run = stream([...answer]);
    expect(run.leaked).toBe(false);
    expect(types(run.findings)).toEqual(expected);
    const email = run.findings.find((finding) => finding.type === 'email');
    expect(answer.slice(email?.start, email?.end)).toBe('jane@example.com');
  });

  it('redacts found values in the released text, wherever the chunks were cut', () => {
    const full = redact(answer, scanText(answer, createGuards({ guards: ['pii', 'secrets'] }))).text;
    for (let split = 0; split <= answer.length; split += 5) {
      const run = stream([answer.slice(0, split), answer.slice(split)], { redact: true });
      expect(run.release).toBe(full);
      expect(run.release).not.toContain(key.slice(8, 20));
    }
  });

  it('shares placeholders with the request through a Redactor', () => {
    const redactor = new Redactor();
    redactor.placeholderFor('email', 'jane@example.com');
    redactor.placeholderFor('email', 'bob@example.com');
    const run = stream([answer.slice(0, 100), answer.slice(100)], { redact: redactor });
    expect(run.release).toContain('tell [EMAIL_1] (or call [PHONE_1])');
    expect(redactor.placeholders.get('[OPENAI_KEY_1]')).toBe(key);
  });

  it('holds a private key block longer than the hold-back until its end line arrives', () => {
    const body = Array.from({ length: 8 }, (_, index) => token(`${ALPHANUMERIC}+/`, 64, 40 + index)).join('\n');
    const pem = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
    const text = `Here you go:\n${pem}\nKeep it safe. ${'Filler text. '.repeat(30)}`;
    const scanner = new StreamScanner({ holdBack: 64, redact: true });
    let release = '';
    for (let index = 0; index < text.length; index += 11) release += scanner.push(text.slice(index, index + 11)).release;
    release += scanner.end().release;
    expect(release).toContain('Here you go:\n[PRIVATE_KEY_1]\nKeep it safe.');
    expect(release).not.toContain('-----BEGIN');
  });
});

describe('stream hold-back: a pass per step, not per chunk', () => {
  /** The default detectors, counting the characters they are asked to scan. */
  function counting(): { detectors: Detector[]; scanned: () => number } {
    let scanned = 0;
    const detectors = [new PiiDetector(), new SecretsDetector()].map(
      (detector): Detector => ({
        name: detector.name,
        scan: (text) => {
          scanned += text.length;
          return detector.scan(text);
        },
      }),
    );
    return { detectors, scanned: () => scanned };
  }

  it('releases and redacts the same text, finds the same values, as a pass on every chunk', () => {
    const full = redact(answer, scanText(answer, createGuards({ guards: ['pii', 'secrets'] }))).text;
    for (const size of [1, 3, 5, 17, 64]) {
      const chunks = Array.from({ length: Math.ceil(answer.length / size) }, (_, index) => answer.slice(index * size, (index + 1) * size));
      const stepped = stream(chunks, { holdBack: 48, redact: true });
      const everyChunk = stream(chunks, { holdBack: 48, redact: true, step: 1 });
      expect(stepped.release, `chunks of ${size}`).toBe(full);
      expect(everyChunk.release, `chunks of ${size}`).toBe(full);
      expect(types(stepped.findings), `chunks of ${size}`).toEqual(types(everyChunk.findings));
      const unredacted = stream(chunks, { holdBack: 48 });
      expect(unredacted.leaked, `chunks of ${size}`).toBe(false);
      expect(types(unredacted.findings)).toEqual(expected);
    }
  });

  it('scans a token-by-token answer several times less than a pass per chunk would', () => {
    const text = `${'An ordinary answer, streamed a word at a time. '.repeat(60)}Mail jane@example.com.`;
    const words = text.split(/(?= )/);
    const run = (step?: number): { release: string; scanned: number; findings: Finding[] } => {
      const { detectors, scanned } = counting();
      const scanner = new StreamScanner({ detectors, ...(step ? { step } : {}) });
      let release = '';
      const findings: Finding[] = [];
      for (const result of [...words.map((word) => scanner.push(word)), scanner.end()]) {
        release += result.release;
        findings.push(...result.findings);
      }
      return { release, scanned: scanned(), findings };
    };
    const stepped = run();
    const everyChunk = run(1);
    expect(stepped.release).toBe(text);
    expect(everyChunk.release).toBe(text);
    expect(types(stepped.findings)).toEqual(types(everyChunk.findings));
    expect(types(stepped.findings)).toEqual([`email@${text.indexOf('jane@')}-${text.indexOf('jane@') + 'jane@example.com'.length}`]);
    // A pass per 64 characters instead of per 5-character word: about a tenth of the scanning.
    expect(stepped.scanned * 5).toBeLessThan(everyChunk.scanned);
  });

  it('never holds more than the hold-back and one step', () => {
    const scanner = new StreamScanner({ holdBack: 64 });
    let pushed = 0;
    let released = 0;
    for (let index = 0; index < 200; index++) {
      pushed += 'word '.length;
      released += scanner.push('word ').release.length;
      expect(pushed - released).toBeLessThanOrEqual(64 + 16 + 'word '.length);
    }
    expect(released + scanner.end().release.length).toBe(pushed);
  });
});
