/**
 * The PII and secret detectors on 1 MB of near-matches (text built to keep regexes and
 * candidate checks busy) and of real matches packed end to end (a hundred thousand findings
 * to resolve). Each scan must finish under a generous ceiling — a catastrophic pattern or a
 * quadratic step takes minutes on such input, which a ceiling of seconds catches on any
 * machine — and the measured times are printed. The findings are checked too: the fast
 * overlap resolution must keep exactly what the one-by-one comparison keeps.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/guards/types.js';
import { PiiDetector, resolveOverlaps } from '../../src/guards/pii.js';
import { SecretsDetector } from '../../src/guards/secrets.js';

const MB = 1 << 20;
/** Generous: the slowest input scans in well under a second on a loaded 2-core machine. */
const CEILING_MS = 15_000;

const fill = (unit: string, length = MB): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
/** As many whole copies of `unit` as fit in 1 MB. */
const pack = (unit: string): string => unit.repeat(Math.floor(MB / unit.length));

const pii = new PiiDetector();
const secrets = new SecretsDetector();
const measured: string[] = [];

function timed(label: string, scan: () => Finding[]): Finding[] {
  const started = performance.now();
  const findings = scan();
  const ms = performance.now() - started;
  measured.push(`${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms  ${findings.length} findings`);
  expect(ms, `${label} took ${ms.toFixed(0)} ms`).toBeLessThan(CEILING_MS);
  return findings;
}

afterAll(() => {
  console.log(`1 MB scans (ceiling ${CEILING_MS} ms):\n${measured.join('\n')}`);
});

describe('1 MB of near-matches: nothing found, in bounded time', () => {
  const NEAR_MISSES: [string, string][] = [
    ['digits and spaces', '1 '],
    ['digits and dashes', '1-'],
    ['at signs', 'a@'],
    ['colons', 'a:'],
    ['dots', '1.'],
    ['one long number', '9'],
    ['emails without a dot', 'jane.doe@example '],
    ['15-digit cards', '4111 1111 1111 111 '],
    ['SSNs a digit short', '123-45-678 '],
    ['IPs missing an octet', '192.168.1. '],
    ['IBANs cut short', 'GB82 WEST 1234 5698 7654 '],
    ['capitalised words', 'John Smith Lives At '],
    ['key prefixes', 'sk-'],
    ['short keys', 'sk-proj-abc '],
    ['AWS ids a character short', 'AKIA12345678901 '],
    ['password= runs', 'password='],
    ['a JWT without dots', `eyJ${'a'.repeat(64)}`],
    ['GitHub prefixes', 'ghp_abc '],
    ['hex', '0123456789abcdef'],
    ['base64', 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='],
    // Cue words with no value after them: each cue opens a window of words to read.
    ['licence cues', 'DL '],
    ['date-of-birth cues', 'DOB '],
    ['born cues', 'born '],
    ['passport cues', 'passport '],
    ['date-of-birth cues before half a date', 'DOB: 1/1/ '],
    // House numbers with words around them but no street.
    ['numbers and a word', '12 Main '],
    ['numbers and initials', '1 A B C D E F '],
    ['numbers after a street prefix', '12 rue '],
    ['numbers after a phone word', 'call 1 '],
    // Words that start names.
    ['short capitalised words', 'Aa '],
    ['names and commas', 'Maria, '],
    ['names and particles', 'John van '],
  ];

  it.each(NEAR_MISSES)('%s', (label, unit) => {
    const text = fill(unit);
    expect(timed(`pii: ${label}`, () => pii.scan(text))).toEqual([]);
    expect(timed(`secrets: ${label}`, () => secrets.scan(text))).toEqual([]);
  });
});

describe('1 MB packed with findings: every one kept, in bounded time', () => {
  it('connection strings: one password per credential', () => {
    const text = pack('a://b:c@');
    const findings = timed('secrets: connection strings', () => secrets.scan(text));
    // Each "c@" is followed by the next credential's "a"; the last one has no host.
    expect(findings.length).toBe(MB / 8 - 1);
    expect(findings.every((finding) => finding.type === 'connection_string_password' && text.slice(finding.start, finding.end) === 'c')).toBe(true);
  });

  it('PEM headers without footers: one private key per header', () => {
    const unit = '-----BEGIN PRIVATE KEY-----\n';
    const text = pack(unit);
    const findings = timed('secrets: PEM headers', () => secrets.scan(text));
    expect(findings.length).toBe(Math.floor(MB / unit.length));
    expect(findings.every((finding) => finding.type === 'private_key' && finding.start % unit.length === 0)).toBe(true);
  });

  it.each([
    ['dates of birth', 'DOB: 1/2/1990 ', 'date_of_birth'],
    ['passport numbers', 'passport no. X1234567 ', 'passport'],
    ["driver's licences", 'DL D123-4567-8901 ', 'driver_license'],
    ["driver's licences after a repeated cue", 'DL DL D1234567 ', 'driver_license'],
  ])('%s: one per value', (_label, unit, type) => {
    const text = pack(unit);
    const findings = timed(`pii: ${type} packed`, () => pii.scan(text));
    expect(findings.length).toBe(Math.floor(MB / unit.length));
    expect(findings.every((finding) => finding.type === type && /\d$/.test(text.slice(finding.start, finding.end)))).toBe(true);
  });

  it('phone numbers: one per number', () => {
    const unit = '+44 20 7946 0958 ';
    const text = pack(unit);
    const findings = timed('pii: phone numbers', () => pii.scan(text));
    expect(findings.length).toBe(Math.floor(MB / unit.length));
    expect(findings.every((finding) => finding.type === 'phone')).toBe(true);
  });
});

describe('overlap resolution', () => {
  /** The rule, one comparison at a time: a finding stays unless it overlaps one ranked before it that stayed. */
  function reference(findings: Finding[], priority: Record<string, number>): Finding[] {
    const ranked = [...findings].sort((left, right) => (priority[left.type] ?? 99) - (priority[right.type] ?? 99) || right.end - right.start - (left.end - left.start) || left.start - right.start);
    const kept: Finding[] = [];
    for (const finding of ranked) if (!kept.some((other) => finding.start < other.end && other.start < finding.end)) kept.push(finding);
    return kept.sort((left, right) => left.start - right.start);
  }

  function randomFindings(count: number, seed: number): Finding[] {
    let state = seed;
    const next = (limit: number): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % limit;
    };
    const types = ['email', 'phone', 'person', 'unranked'];
    return Array.from({ length: count }, () => {
      const start = next(2000);
      return { guard: 'pii', type: types[next(types.length)] as string, rule: 'r', start, end: start + next(40), score: 1 } as Finding;
    });
  }

  it.each([2, 10, 64, 65, 300, 3000])('%i random findings (empty spans too): the same findings as one-by-one comparison', (count) => {
    const priority = { email: 0, phone: 1, person: 2 };
    for (const seed of [1, 2, 3]) {
      const findings = randomFindings(count, seed);
      expect(resolveOverlaps(findings, priority)).toEqual(reference(findings, priority));
    }
  });

  it('one finding, or none, comes back as it is', () => {
    const one = randomFindings(1, 9);
    expect(resolveOverlaps(one, {})).toBe(one);
    expect(resolveOverlaps([], {})).toEqual([]);
  });
});
