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

describe('stream hold-back: where a release stops', () => {
  /** A detector of one pattern, standing in for a real one whose values can contain spaces. */
  function pattern(regex: RegExp): Detector {
    return {
      name: 'pii',
      scan: (text) => [...text.matchAll(regex)].map((match) => ({ guard: 'pii', type: 'marker', rule: 'marker', start: match.index, end: match.index + match[0].length, score: 1 })),
    };
  }

  it('stops before a run of non-space characters that may still grow, whatever space ends the run before it', () => {
    for (const space of [' ', '\n', '\r', '\t', '\f', '\u00a0']) {
      // Hold-back 4: the cut would fall inside "word2word3"; it moves back to the run's start.
      const scanner = new StreamScanner({ detectors: [], holdBack: 4, step: 1 });
      expect(scanner.push(`word1${space}word2word3`).release, JSON.stringify(space)).toBe(`word1${space}`);
      expect(scanner.end().release).toBe('word2word3');
    }
  });

  it('releases up to a run that ends right at the cut, and nothing of a run that starts the stream', () => {
    // The cut falls between "abcd" and the space after it: "abcd" is finished.
    expect(new StreamScanner({ detectors: [], holdBack: 4, step: 1 }).push('abcd efg').release).toBe('abcd');
    // One run from the start, shorter than the longest hold: nothing can go yet.
    expect(new StreamScanner({ detectors: [], holdBack: 4, step: 1 }).push('abcdefghij').release).toBe('');
  });

  it('passes as soon as the hold-back and one step are pending', () => {
    const scanner = new StreamScanner({ detectors: [], holdBack: 4, step: 1 });
    expect(scanner.push('a bc').release).toBe('');
    expect(scanner.push('d').release).toBe('a');
  });

  it('releases an unfinished run longer than the longest hold (16 384 by default), keeping the hold-back', () => {
    const run = 'x'.repeat(17_000);
    const scanner = new StreamScanner({ detectors: [] });
    expect(scanner.push(run).release).toBe(run.slice(0, run.length - 256));
    expect(scanner.end().release).toBe(run.slice(run.length - 256));
    // Forced through a run that does not start the stream: the text before the run goes first.
    expect(new StreamScanner({ detectors: [] }).push(`hi ${run}`).release).toBe('hi ');
  });

  it('forces a release only beyond the longest hold, which is at least twice the hold-back', () => {
    const exactly = new StreamScanner({ detectors: [], holdBack: 100, maxHold: 1000, step: 1 });
    expect(exactly.push('x'.repeat(1000)).release).toBe('');
    expect(exactly.push('x').release).toBe('x'.repeat(901));
    // maxHold 100 with a hold-back of 10 000 means 20 000.
    const raised = new StreamScanner({ detectors: [], holdBack: 10_000, maxHold: 100, step: 1 });
    expect(raised.push('x'.repeat(15_000)).release).toBe('');
  });

  it('stops before a finding that spans the cut, then before the run the finding starts in', () => {
    const scanner = new StreamScanner({ detectors: [pattern(/X Y/g)], holdBack: 4, step: 1 });
    // The cut (after "pX ") is inside the finding "X Y"; its start is inside the run "pX".
    expect(scanner.push('ab pX Yqqq').release).toBe('ab ');
    const rest = scanner.end();
    expect(rest.release).toBe('pX Yqqq');
    expect(rest.findings.map((finding) => [finding.start, finding.end])).toEqual([[4, 7]]);
  });

  it('releases a finding that ends at the cut, and one wholly before it, at once', () => {
    const scanner = new StreamScanner({ detectors: [pattern(/X Y/g)], holdBack: 5, step: 1 });
    const first = scanner.push('ab X Y cccc');
    expect(first.release).toBe('ab X Y');
    expect(first.findings.map((finding) => [finding.start, finding.end])).toEqual([[3, 6]]);
    // Later in the stream (offsets no longer start at 0): a finding before the cut goes out with its text.
    const second = scanner.push(' dd X Y eeeeee');
    expect(second.release).toBe(' cccc dd X Y ');
    expect(second.findings.map((finding) => [finding.start, finding.end])).toEqual([[15, 18]]);
  });

  it('forced through a finding: stops at its start when it has one in the held text, else cuts it and reports it once, complete', () => {
    // Longest hold 10 (hold-back 4): 13 characters force a pass; the finding "X Y" spans the cut.
    const started = new StreamScanner({ detectors: [pattern(/X Y/g)], holdBack: 4, maxHold: 10, step: 1 });
    expect(started.push('aaaaaaaX Ybbb').release).toBe('aaaaaaa');
    const forced = new StreamScanner({ detectors: [pattern(/x{3,}/g)], holdBack: 4, maxHold: 10, step: 1, redact: true });
    const first = forced.push('x'.repeat(12));
    // The known part goes out redacted; the value is not reported while it may still grow.
    expect(first.release).toBe('[MARKER_1]');
    expect(first.findings).toEqual([]);
    const rest = forced.push(' done and more');
    expect(rest.findings).toHaveLength(1);
    expect(forced.end().findings).toEqual([]);
  });

  it('reports findings in stream order, whichever detector found them', () => {
    const text = `key ${key} then mail jane@example.com. ${'Padding text. '.repeat(30)}`;
    const scanner = new StreamScanner();
    const findings = [...scanner.push(text).findings, ...scanner.end().findings];
    expect(findings.map((finding) => finding.type)).toEqual(['openai_key', 'email']);
  });

  it('scans only stream text: the left context is released text, at most the hold-back of it', () => {
    const scanned: string[] = [];
    const recording: Detector = {
      name: 'pii',
      scan: (text) => {
        scanned.push(text);
        return [];
      },
    };
    const text = 'An ordinary answer, streamed a few words at a time. '.repeat(40);
    const scanner = new StreamScanner({ detectors: [recording], holdBack: 32, step: 8 });
    let release = '';
    for (let index = 0; index < text.length; index += 12) {
      const before = release;
      const passes = scanned.length;
      release += scanner.push(text.slice(index, index + 12)).release;
      // A pass after a release reads the last 32 released characters first.
      if (before.length >= 32) for (const piece of scanned.slice(passes)) expect(piece.startsWith(before.slice(-32))).toBe(true);
    }
    release += scanner.end().release;
    expect(release).toBe(text);
    expect(scanned.length).toBeGreaterThan(20);
    for (const piece of scanned) {
      expect(text.includes(piece)).toBe(true);
      // Left context (32) + hold-back (32) + one step (8) + one chunk (12), at most.
      expect(piece.length).toBeLessThanOrEqual(32 + 32 + 8 + 12);
    }
    expect(text.startsWith(scanned[0] ?? 'none')).toBe(true);
  });

  it('does not report a value that a later chunk reveals after all of its text was released', () => {
    // "ab" is a finding only when a "!" follows; the "!" arrives after "ab" has gone out.
    const scanner = new StreamScanner({ detectors: [pattern(/ab(?=\s*!)/g)], holdBack: 3, step: 1 });
    expect(scanner.push('ab   ')).toEqual({ release: 'ab', findings: [] });
    expect(scanner.push('!')).toEqual({ release: ' ', findings: [] });
    expect(scanner.end()).toEqual({ release: '  !', findings: [] });
  });
});
