import { describe, expect, it } from 'vitest';
import { mergeBehaviours } from '../../src/simulator/behaviour.js';
import { DEFAULT_BEHAVIOUR, parseSimHeader } from '../../src/simulator/index.js';

describe('parseSimHeader', () => {
  it('reads key=value pairs', () => {
    expect(parseSimHeader('ttft_ms=10;error_rate=1;error_status=429;retry_after=2;break_after=5;hang=1;tps=500;answer_tokens=50;correct=0')).toEqual({
      ttftMs: 10,
      errorRate: 1,
      errorStatus: 429,
      retryAfterSeconds: 2,
      breakAfterTokens: 5,
      hang: true,
      tokensPerSecond: 500,
      maxAnswerTokens: 50,
      forceCorrect: false,
    });
  });

  it('reads JSON', () => {
    expect(parseSimHeader('{"ttft_ms":10,"break_after":5,"correct":true}')).toEqual({ ttftMs: 10, breakAfterTokens: 5, forceCorrect: true });
  });

  it('reads the safety block flag', () => {
    expect(parseSimHeader('safety=1')).toEqual({ safetyBlock: true });
    expect(parseSimHeader('{"safety":false}')).toEqual({ safetyBlock: false });
    expect(() => parseSimHeader('safety=maybe')).toThrow(/safety must be 1\/0/);
  });

  it('treats a missing or empty header as no override', () => {
    expect(parseSimHeader(undefined)).toEqual({});
    expect(parseSimHeader('  ')).toEqual({});
  });

  it.each([
    ['ttft_ms=abc', /ttft_ms/],
    ['bogus=1', /unknown key "bogus"/],
    ['error_rate=2', /error_rate must be a number between 0 and 1/],
    ['error_status=200', /error_status/],
    ['break_after=1.5', /break_after must be an integer/],
    ['hang=maybe', /hang must be 1\/0/],
    ['tps=0', /tps must be a number > 0/],
    ['ttft_ms', /expected key=value, got "ttft_ms"/],
    ['{"ttft_ms":', /not valid JSON/],
    ['{"ttft_ms":[1]}', /ttft_ms must be/],
  ])('rejects %s', (value, message) => {
    expect(() => parseSimHeader(value)).toThrow(message);
  });
});

describe('mergeBehaviours', () => {
  it('applies defaults < model < server < header, skipping undefined', () => {
    const merged = mergeBehaviours({ ttftMs: 450, tokensPerSecond: 90 }, { ttftMs: 5, errorRate: undefined }, { tokensPerSecond: 1000 });
    expect(merged).toEqual({ ...DEFAULT_BEHAVIOUR, ttftMs: 5, tokensPerSecond: 1000 });
  });
});
