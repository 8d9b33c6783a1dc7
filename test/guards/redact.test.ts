import { describe, expect, it } from 'vitest';
import { createGuards, scanText } from '../../src/guards/index.js';
import { RestoreStream, Redactor, placeholderLabel, redact, redactable, restore } from '../../src/guards/redact.js';
import type { Finding } from '../../src/guards/types.js';

const guards = createGuards({ guards: ['pii', 'secrets'] });

function finding(type: string, start: number, end: number, score = 0.9): Finding {
  return { guard: 'pii', type, rule: type, start, end, score };
}

describe('redact and restore', () => {
  it('replaces values with typed placeholders and restores them', () => {
    const text = 'Mail jane@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111.';
    const { text: redacted, placeholders } = redact(text, scanText(text, guards));
    expect(redacted).toBe('Mail [EMAIL_1] or call [PHONE_1]; card [CREDIT_CARD_1].');
    expect(placeholders.get('[EMAIL_1]')).toBe('jane@example.com');
    expect(restore(redacted, placeholders)).toBe(text);
  });

  it('gives the same value the same placeholder and numbers different values', () => {
    const text = 'a@example.com, b@example.com, again a@example.com';
    const { text: redacted, placeholders } = redact(text, scanText(text, guards));
    expect(redacted).toBe('[EMAIL_1], [EMAIL_2], again [EMAIL_1]');
    expect(placeholders.size).toBe(2);
  });

  it('resolves overlapping findings: the longer one wins, injection findings are not redacted', () => {
    const text = 'value 0123456789 end';
    const findings: Finding[] = [finding('phone', 6, 16), finding('us_ssn', 6, 12), { guard: 'injection', type: 'injection', rule: 'classifier', start: 0, end: 20, score: 0.99 }];
    expect(redact(text, findings).text).toBe('value [PHONE_1] end');
  });

  it('keeps numbering across messages with one Redactor', () => {
    const redactor = new Redactor();
    const first = 'from a@example.com';
    const second = 'to b@example.com and a@example.com';
    expect(redactor.redact(first, scanText(first, guards))).toBe('from [EMAIL_1]');
    expect(redactor.redact(second, scanText(second, guards))).toBe('to [EMAIL_2] and [EMAIL_1]');
  });

  it('leaves unknown placeholders and brackets alone', () => {
    const placeholders = new Map([['[EMAIL_1]', 'a@example.com']]);
    expect(restore('Reply to [EMAIL_1], not [EMAIL_9] or array[0]', placeholders)).toBe('Reply to a@example.com, not [EMAIL_9] or array[0]');
  });

  it('restores a streamed answer whose placeholders are split at every position', () => {
    const placeholders = new Map([
      ['[EMAIL_1]', 'jane@example.com'],
      ['[CREDIT_CARD_1]', '4111 1111 1111 1111'],
    ]);
    const answer = 'I wrote to [EMAIL_1] about [CREDIT_CARD_1] [sic] today.';
    const expected = restore(answer, placeholders);
    for (let first = 0; first <= answer.length; first++) {
      for (let second = first; second <= answer.length; second += 3) {
        const stream = new RestoreStream(placeholders);
        const output = stream.push(answer.slice(0, first)) + stream.push(answer.slice(first, second)) + stream.push(answer.slice(second)) + stream.end();
        expect(output).toBe(expected);
      }
    }
  });

  it('restores when the answer arrives one character at a time', () => {
    const placeholders = new Map([['[PHONE_1]', '+44 20 7946 0958']]);
    const stream = new RestoreStream(placeholders);
    let output = '';
    for (const character of 'Call [PHONE_1] now [') output += stream.push(character);
    output += stream.end();
    expect(output).toBe('Call +44 20 7946 0958 now [');
  });
});

describe('redact: which findings, and which placeholder', () => {
  const spans = (findings: Finding[]): Array<[string, number, number]> => redactable(findings).map((found) => [found.type, found.start, found.end]);

  it('labels placeholders by type, one underscore per run of other characters, VALUE for an empty type', () => {
    expect(placeholderLabel('credit_card')).toBe('CREDIT_CARD');
    expect(placeholderLabel('connection string -- password')).toBe('CONNECTION_STRING_PASSWORD');
    expect(placeholderLabel('')).toBe('VALUE');
  });

  it('of overlapping findings keeps the longest, then the surer, then the earlier, in any input order', () => {
    expect(spans([finding('us_ssn', 6, 12), finding('phone', 6, 16)])).toEqual([['phone', 6, 16]]);
    expect(spans([finding('short', 3, 9), finding('long', 5, 14)])).toEqual([['long', 5, 14]]);
    expect(spans([finding('unsure', 0, 10, 0.5), finding('sure', 2, 12, 0.9)])).toEqual([['sure', 2, 12]]);
    expect(spans([finding('later', 4, 14), finding('earlier', 2, 12)])).toEqual([['earlier', 2, 12]]);
    // Back in reading order, findings that only touch both kept.
    expect(spans([finding('second', 5, 10), finding('first', 0, 5), finding('inside', 6, 8), finding('empty', 12, 12)])).toEqual([
      ['first', 0, 5],
      ['second', 5, 10],
    ]);
    expect(spans([finding('longer', 5, 11), finding('before', 0, 5)])).toEqual([
      ['before', 0, 5],
      ['longer', 5, 11],
    ]);
  });

  it('replaces nothing for a finding at or past the end of the text', () => {
    const redactor = new Redactor();
    expect(redactor.redact('abc', [finding('email', 3, 5)])).toBe('abc');
    expect(redactor.redact('abc', [finding('email', 12, 15)])).toBe('abc');
    expect(redactor.placeholders.size).toBe(0);
  });

  it('a restoring stream holds back only what may still become a placeholder', () => {
    const stream = new RestoreStream(new Map([['[EMAIL_1]', 'jane@example.com']]));
    expect(stream.push('Plain text ')).toBe('Plain text ');
    expect(stream.push('and array[0] here ')).toBe('and array[0] here ');
    expect(stream.push('mail [EMA')).toBe('mail ');
    expect(stream.push('IL_1] now')).toBe('jane@example.com now');
    // A bracket followed by 63 placeholder characters can no longer be one (at most 64 with the closing bracket).
    const long = `[${'A'.repeat(63)}`;
    expect(stream.push(long)).toBe(long);
    expect(stream.push(`[${'A'.repeat(62)}`)).toBe('');
    expect(stream.end()).toBe(`[${'A'.repeat(62)}`);
    expect(stream.end()).toBe('');
  });
});
