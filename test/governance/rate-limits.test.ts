/**
 * The rate limiter on an injected clock: the 60 s window slides (each admission frees its
 * room exactly 60 s later, not at a minute boundary), tokens are admitted at the estimate
 * and corrected to the real count when the request settles, concurrency slots are freed,
 * and a request refused by one scope holds nothing in the others.
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter, admittedHeaders, limitedDenial, type Admission, type LimitScope, type RateDenial } from '../../src/governance/rate-limits.js';

const WINDOW = 60_000;
/** 12:00:30 UTC: half-way through a wall-clock minute, so a fixed per-minute window would reset 30 s in. */
const START = Date.UTC(2026, 5, 1, 12, 0, 30);

function limiter(start = START) {
  const clock = { now: start };
  return { clock, limiter: new RateLimiter(() => clock.now) };
}

const denied = (outcome: Admission | RateDenial): outcome is RateDenial => 'denied' in outcome;

describe('requests per minute', () => {
  it('frees an admission exactly 60 s after it, not a millisecond sooner', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', rpm: 1 };
    expect(denied(rate.admit([scope], 1))).toBe(false);
    clock.now = START + WINDOW - 1;
    const refused = rate.admit([scope], 1);
    expect(denied(refused) && refused).toMatchObject({ limit: 'requests', scope: 'key:a', retryAfterSeconds: 1 });
    clock.now = START + WINDOW;
    expect(denied(rate.admit([scope], 1))).toBe(false);
  });

  it('slides: N admitted, N+1 refused, and room comes back one admission at a time', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', rpm: 3 };
    const admitAt = (offset: number): boolean => {
      clock.now = START + offset;
      return !denied(rate.admit([scope], 1));
    };
    expect([admitAt(0), admitAt(10_000), admitAt(20_000)]).toEqual([true, true, true]);
    // The wall-clock minute turns at +30 s: a fixed window would start afresh there.
    expect(admitAt(30_000)).toBe(false);
    expect(admitAt(59_999)).toBe(false);
    // At +60 s the first admission leaves the window: one place, no more.
    expect(admitAt(60_000)).toBe(true);
    expect(admitAt(60_001)).toBe(false);
    expect(admitAt(70_000)).toBe(true);
    expect(admitAt(80_000)).toBe(true);
    expect(admitAt(80_000)).toBe(false);
  });

  it('says when room comes back: Retry-After and x-ratelimit headers from the oldest admission', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'team:t', rpm: 2 };
    const first = rate.admit([scope], 1) as Admission;
    expect(first.headers).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '60s' });
    clock.now = START + 15_000;
    const second = rate.admit([scope], 1) as Admission;
    expect(second.headers).toMatchObject({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '45s' });
    clock.now = START + 20_500;
    const refused = rate.admit([scope], 1) as RateDenial;
    expect(refused).toMatchObject({ denied: true, limit: 'requests', retryAfterSeconds: 40 });
    expect(refused.headers).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '40s' });
    expect(refused.message).toBe('Rate limit reached for team:t: 2 requests per minute. Retry after 40 s.');
  });

  it('reports the tightest of several scopes in the headers', () => {
    const { limiter: rate } = limiter();
    const admitted = rate.admit(
      [
        { id: 'key:a', rpm: 10 },
        { id: 'team:t', rpm: 3 },
        { id: 'model:m', rpm: 5 },
      ],
      1,
    ) as Admission;
    expect(admitted.headers['x-ratelimit-limit-requests']).toBe('3');
    expect(admitted.headers['x-ratelimit-remaining-requests']).toBe('2');
  });

  it('a request refused by one scope is not counted by the others', () => {
    const { limiter: rate } = limiter();
    const key: LimitScope = { id: 'key:a', rpm: 2 };
    const team: LimitScope = { id: 'team:t', rpm: 1 };
    expect(denied(rate.admit([key, team], 1))).toBe(false);
    const refused = rate.admit([key, team], 1);
    expect(denied(refused) && refused.scope).toBe('team:t');
    // The key still has one place: the refused request did not take it.
    expect(denied(rate.admit([key], 1))).toBe(false);
    expect(denied(rate.admit([key], 1))).toBe(true);
  });

  it('scopes without limits are not tracked and never refuse', () => {
    const { limiter: rate } = limiter();
    for (let index = 0; index < 100; index++) expect(denied(rate.admit([{ id: 'key:free', rpm: null, tpm: null, maxConcurrent: null }], 1_000_000))).toBe(false);
  });
});

describe('tokens per minute', () => {
  it('admits at the estimate, and the real count replaces it when the request settles', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', tpm: 1000 };
    const first = rate.admit([scope], 900) as Admission;
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '100' });
    expect(denied(rate.admit([scope], 200))).toBe(true);
    // It used 150 of its 900: 850 are free again, inside the same minute.
    rate.release(first, 150);
    clock.now = START + 1000;
    const second = rate.admit([scope], 800);
    expect(denied(second)).toBe(false);
    expect((second as Admission).headers['x-ratelimit-remaining-tokens']).toBe('50');
    // And a request that used more than it estimated counts at what it used.
    rate.release(second as Admission, 840);
    expect(denied(rate.admit([scope], 10))).toBe(false);
    expect(denied(rate.admit([scope], 1))).toBe(true);
  });

  it('refuses with the time at which enough tokens leave the window', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', tpm: 1000 };
    rate.admit([scope], 400);
    clock.now = START + 10_000;
    rate.admit([scope], 400);
    clock.now = START + 20_000;
    // 800 used: 300 more fit only once the first 400 leave, at +60 s (40 s from now).
    const refused = rate.admit([scope], 300) as RateDenial;
    expect(refused).toMatchObject({ denied: true, limit: 'tokens', retryAfterSeconds: 40 });
    expect(refused.headers).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '200', 'x-ratelimit-reset-tokens': '40s' });
    // 700 need both gone: the second leaves at +70 s.
    expect((rate.admit([scope], 700) as RateDenial).retryAfterSeconds).toBe(50);
    clock.now = START + WINDOW;
    expect(denied(rate.admit([scope], 300))).toBe(false);
  });

  it('a request larger than the whole limit is refused outright, saying so', () => {
    const { limiter: rate } = limiter();
    const refused = rate.admit([{ id: 'key:a', tpm: 100 }], 101) as RateDenial;
    expect(refused).toMatchObject({ denied: true, limit: 'tokens', retryAfterSeconds: 60 });
    expect(refused.message).toContain('this request alone needs up to 101');
    expect(denied(rate.admit([{ id: 'key:a', tpm: 100 }], 100))).toBe(false);
  });
});

describe('concurrent requests', () => {
  it('holds a slot from admission until release', () => {
    const { limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', maxConcurrent: 2 };
    const first = rate.admit([scope], 1) as Admission;
    const second = rate.admit([scope], 1) as Admission;
    const refused = rate.admit([scope], 1);
    expect(denied(refused) && refused).toMatchObject({ limit: 'concurrent', retryAfterSeconds: 1 });
    rate.release(first, 1);
    const third = rate.admit([scope], 1);
    expect(denied(third)).toBe(false);
    expect(denied(rate.admit([scope], 1))).toBe(true);
    rate.release(second, 1);
    rate.release(third as Admission, 1);
    expect(denied(rate.admit([scope], 1))).toBe(false);
    expect(denied(rate.admit([scope], 1))).toBe(false);
    expect(denied(rate.admit([scope], 1))).toBe(true);
  });
});

describe('edges', () => {
  it('a request that fits exactly when the oldest tokens leave waits for that one, not the next', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', tpm: 1000 };
    rate.admit([scope], 400);
    clock.now = START + 10_000;
    rate.admit([scope], 400);
    clock.now = START + 20_000;
    // 600 fits exactly (400 + 600 = 1000) once the first 400 leave at +60 s: 40 s from now.
    const refused = rate.admit([scope], 600) as RateDenial;
    expect(refused).toMatchObject({ denied: true, limit: 'tokens', retryAfterSeconds: 40 });
    expect(refused.headers['x-ratelimit-reset-tokens']).toBe('40s');
  });

  it('a request of exactly the whole limit, with tokens in use, waits for them rather than being refused outright', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', tpm: 100 };
    rate.admit([scope], 1);
    clock.now = START + 30_000;
    const refused = rate.admit([scope], 100) as RateDenial;
    expect(refused).toMatchObject({ denied: true, limit: 'tokens', retryAfterSeconds: 30 });
    expect(refused.message).toBe('Rate limit reached for key:a: 100 tokens per minute. Retry after 30 s.');
    expect(refused.headers).toEqual({ 'x-ratelimit-limit-tokens': '100', 'x-ratelimit-remaining-tokens': '99', 'x-ratelimit-reset-tokens': '30s' });
  });

  it('token headers: the reset is a full window when empty, else when the oldest entry leaves', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', tpm: 1000 };
    expect((rate.admit([scope], 100) as Admission).headers).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '900', 'x-ratelimit-reset-tokens': '60s' });
    clock.now = START + 25_000;
    expect((rate.admit([scope], 100) as Admission).headers).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '800', 'x-ratelimit-reset-tokens': '35s' });
  });

  it('the tightest token scope names the headers', () => {
    const { limiter: rate } = limiter();
    const admitted = rate.admit(
      [
        { id: 'key:a', tpm: 5000 },
        { id: 'team:t', tpm: 800 },
        { id: 'model:m', tpm: 2000 },
      ],
      100,
    ) as Admission;
    expect(admitted.headers).toMatchObject({ 'x-ratelimit-limit-tokens': '800', 'x-ratelimit-remaining-tokens': '700' });
  });

  it('a request that used more tokens than the limit leaves no negative room in the headers', () => {
    const { limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', tpm: 100 };
    rate.release(rate.admit([scope], 50) as Admission, 150);
    const refused = rate.admit([scope], 10) as RateDenial;
    expect(refused.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('releasing one admission twice frees one slot, not two', () => {
    const { limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', maxConcurrent: 1 };
    const first = rate.admit([scope], 1) as Admission;
    rate.release(first, 1);
    rate.release(first, 1);
    expect(denied(rate.admit([scope], 1))).toBe(false);
    expect(denied(rate.admit([scope], 1))).toBe(true);
  });

  it('a concurrency refusal says how many may run and to retry in a second', () => {
    const { limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', maxConcurrent: 1 };
    rate.admit([scope], 1);
    const refused = rate.admit([scope], 1) as RateDenial;
    expect(refused).toMatchObject({ denied: true, scope: 'key:a', limit: 'concurrent', retryAfterSeconds: 1, headers: {} });
    expect(refused.message).toBe('Rate limit reached for key:a: 1 concurrent requests. Retry after 1 s.');
  });
});

describe('scopes with some limits unset', () => {
  it('a scope with only tokens per minute counts no requests, and one with only requests per minute no tokens', () => {
    const { limiter: rate } = limiter();
    for (let index = 0; index < 5; index++) expect(denied(rate.admit([{ id: 'key:t', rpm: null, tpm: 1000, maxConcurrent: null }], 100))).toBe(false);
    for (let index = 0; index < 5; index++) expect(denied(rate.admit([{ id: 'key:r', rpm: 10, tpm: null, maxConcurrent: null }], 1_000_000))).toBe(false);
  });

  it('the tightest request scope names the headers, whatever the order of the scopes', () => {
    const { limiter: rate } = limiter();
    for (const scopes of [
      [
        { id: 'key:a', rpm: 4 },
        { id: 'team:t', rpm: 3 },
      ],
      [
        { id: 'key:b', rpm: 3 },
        { id: 'team:u', rpm: 4 },
      ],
    ]) {
      expect((rate.admit(scopes, 1) as Admission).headers).toMatchObject({ 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '2' });
    }
  });

  it('a request larger than the limit is told how much room is left', () => {
    const { limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', tpm: 100 };
    rate.admit([scope], 30);
    expect((rate.admit([scope], 101) as RateDenial).headers).toEqual({ 'x-ratelimit-limit-tokens': '100', 'x-ratelimit-remaining-tokens': '70' });
  });

  it('a concurrency limit given to a key later counts only requests admitted under it', () => {
    const { limiter: rate } = limiter();
    rate.release(rate.admit([{ id: 'key:a', rpm: 100 }], 1) as Admission, 1);
    const held = rate.admit([{ id: 'key:a', rpm: 100, maxConcurrent: 1 }], 1);
    expect(denied(held)).toBe(false);
    expect(denied(rate.admit([{ id: 'key:a', rpm: 100, maxConcurrent: 1 }], 1))).toBe(true);
  });
});

/** Shared state (Redis, the cluster primary) answers with window counts; these helpers word the answer. */
describe('shared-state answers: admittedHeaders and limitedDenial', () => {
  const now = START;

  it('admitted: request headers from the count and the oldest admission, a full window when there is none', () => {
    const scope: LimitScope = { id: 'key:a', rpm: 5 };
    expect(admittedHeaders([scope], new Map([['key:a', { requests: 2, oldestRequestAt: now - 25_000 }]]), 1, now)).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '35s',
    });
    expect(admittedHeaders([scope], new Map([['key:a', {}]]), 1, now)).toEqual({ 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '4', 'x-ratelimit-reset-requests': '60s' });
  });

  it('admitted: token headers count this request at its estimate', () => {
    const scope: LimitScope = { id: 'key:a', tpm: 1000 };
    expect(admittedHeaders([scope], new Map([['key:a', { tokens: 300, oldestTokensAt: now - 10_000 }]]), 100, now)).toEqual({
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '600',
      'x-ratelimit-reset-tokens': '50s',
    });
    expect(admittedHeaders([scope], new Map([['key:a', {}]]), 100, now)).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '900', 'x-ratelimit-reset-tokens': '60s' });
  });

  it('admitted: a scope shared state did not answer for sets nothing; scopes without a limit set nothing', () => {
    expect(admittedHeaders([{ id: 'key:a', rpm: 5, tpm: 100 }], new Map(), 1, now)).toEqual({});
    expect(admittedHeaders([{ id: 'key:a', maxConcurrent: 2 }], new Map([['key:a', { requests: 1, tokens: 1 }]]), 1, now)).toEqual({});
  });

  it('admitted: the tightest scope names the headers, in either order; on a tie the first', () => {
    const key: LimitScope = { id: 'key:a', rpm: 10, tpm: 5000 };
    const team: LimitScope = { id: 'team:t', rpm: 3, tpm: 1000 };
    const stats = new Map([
      ['key:a', { requests: 0, tokens: 0 }],
      ['team:t', { requests: 1, tokens: 200 }],
    ]);
    const expected = { 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '700' };
    expect(admittedHeaders([key, team], stats, 100, now)).toMatchObject(expected);
    expect(admittedHeaders([team, key], stats, 100, now)).toMatchObject(expected);
    const tie = new Map([
      ['a', { requests: 2, tokens: 500 }],
      ['b', { requests: 0, tokens: 0 }],
    ]);
    const first: LimitScope = { id: 'a', rpm: 5, tpm: 1000 };
    const second: LimitScope = { id: 'b', rpm: 3, tpm: 500 };
    expect(admittedHeaders([first, second], tie, 0, now)).toMatchObject({ 'x-ratelimit-limit-requests': '5', 'x-ratelimit-limit-tokens': '1000' });
  });

  it('admitted: the same headers RateLimiter gives for the same window', () => {
    const { clock, limiter: rate } = limiter();
    const scopes: LimitScope[] = [{ id: 'key:a', rpm: 4, tpm: 1000 }];
    rate.admit(scopes, 200);
    clock.now = START + 20_000;
    const admitted = rate.admit(scopes, 300) as Admission;
    expect(admittedHeaders(scopes, new Map([['key:a', { requests: 1, oldestRequestAt: START, tokens: 200, oldestTokensAt: START }]]), 300, START + 20_000)).toEqual(admitted.headers);
  });

  it('refused on requests: Retry-After when the oldest admission leaves, worded as RateLimiter words it', () => {
    const { clock, limiter: rate } = limiter();
    const scope: LimitScope = { id: 'key:a', rpm: 2 };
    rate.admit([scope], 1);
    clock.now = START + 15_000;
    rate.admit([scope], 1);
    clock.now = START + 45_000;
    const local = rate.admit([scope], 1) as RateDenial;
    const shared = limitedDenial(scope, 'requests', { requests: 2, oldestRequestAt: START }, 1, START + 45_000);
    expect(shared).toEqual(local);
    expect(shared).toEqual({
      denied: true,
      scope: 'key:a',
      limit: 'requests',
      retryAfterSeconds: 15,
      message: 'Rate limit reached for key:a: 2 requests per minute. Retry after 15 s.',
      headers: { 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '15s' },
    });
    expect(limitedDenial(scope, 'requests', { requests: 2 }, 1, now).retryAfterSeconds).toBe(60);
  });

  it('refused on tokens: when enough leaves the window, the room left never negative', () => {
    const scope: LimitScope = { id: 'key:a', tpm: 1000 };
    expect(limitedDenial(scope, 'tokens', { tokens: 950, oldestTokensAt: now - 20_000 }, 100, now)).toEqual({
      denied: true,
      scope: 'key:a',
      limit: 'tokens',
      retryAfterSeconds: 40,
      message: 'Rate limit reached for key:a: 1000 tokens per minute. Retry after 40 s.',
      headers: { 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '50', 'x-ratelimit-reset-tokens': '40s' },
    });
    expect(limitedDenial(scope, 'tokens', { tokens: 1200 }, 100, now).headers).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '60s' });
    expect(limitedDenial(scope, 'tokens', {}, 1000, now).headers['x-ratelimit-remaining-tokens'], 'no count: the whole limit').toBe('1000');
    expect(limitedDenial(scope, 'tokens', { tokens: 10, oldestTokensAt: now - 30_000 }, 1000, now).message, 'exactly the limit is not "alone"').toBe('Rate limit reached for key:a: 1000 tokens per minute. Retry after 30 s.');
  });

  it('refused on tokens, the request alone larger than the limit: said so, a full window, no reset header', () => {
    const scope: LimitScope = { id: 'key:a', tpm: 100 };
    const { limiter: rate } = limiter();
    rate.admit([scope], 30);
    const local = rate.admit([scope], 101) as RateDenial;
    const shared = limitedDenial(scope, 'tokens', { tokens: 30, oldestTokensAt: START }, 101, START);
    expect(shared).toEqual(local);
    expect(shared.message).toBe('Rate limit reached for key:a: 100 tokens per minute (this request alone needs up to 101). Retry after 60 s.');
    expect(shared.headers).toEqual({ 'x-ratelimit-limit-tokens': '100', 'x-ratelimit-remaining-tokens': '70' });
  });

  it('refused on concurrency: how many may run, retry in a second, no headers', () => {
    expect(limitedDenial({ id: 'team:t', maxConcurrent: 2 }, 'concurrent', {}, 1, now)).toEqual({
      denied: true,
      scope: 'team:t',
      limit: 'concurrent',
      retryAfterSeconds: 1,
      message: 'Rate limit reached for team:t: 2 concurrent requests. Retry after 1 s.',
      headers: {},
    });
  });
});
