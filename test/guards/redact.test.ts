import { describe, expect, it } from 'vitest';
import { createGuards, scanText } from '../../src/guards/index.js';
import { RestoreStream, Redactor, redact, restore } from '../../src/guards/redact.js';
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
