// An option passed as `undefined` means its documented default, for every public option: a caller
// who writes `{ maxAttempts: config.maxAttempts }` with the setting unset gets the default.
import { KitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import {
  createBackoff,
  createMemoryStore,
  createRateLimiter,
  createRetryBudget,
  createRetryPolicy,
  DEFAULT_RETRY_BUDGET_OPTIONS,
  parseRateLimitHeaders,
  shouldRetry,
} from '../src/index';

const seeded = () => {
  let n = 0;
  return () => (((n++ * 0.37) % 1) + 1) % 1;
};

describe('createBackoff with options undefined', () => {
  it('gives the delays of the defaults (500 ms median start, 10 s cap)', () => {
    const explicit = createBackoff({ initialDelayMs: undefined, maxDelayMs: undefined, random: seeded() });
    const plain = createBackoff({ random: seeded() });
    const a = Array.from({ length: 12 }, () => explicit.next());
    expect(a).toEqual(Array.from({ length: 12 }, () => plain.next()));
    expect(Math.max(...a)).toBeLessThanOrEqual(10_000);
  });
});

describe('createRetryBudget with options undefined', () => {
  it('starts full at 500 tokens, a retry costs 5 and a timeout 10', () => {
    const budget = createRetryBudget({
      capacity: undefined,
      retryCost: undefined,
      timeoutRetryCost: undefined,
      successReward: undefined,
      maxKeys: undefined,
    });
    expect(budget.available('h')).toBe(DEFAULT_RETRY_BUDGET_OPTIONS.capacity);
    budget.tryAcquire('h', 'retry');
    budget.tryAcquire('h', 'timeout');
    expect(budget.available('h')).toBe(485);
    budget.recordSuccess('h');
    expect(budget.available('h')).toBe(486);
  });
});

describe('createRetryPolicy with options undefined', () => {
  it('makes 3 attempts with the default backoff on the given clock', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      maxAttempts: undefined,
      initialDelayMs: undefined,
      maxDelayMs: undefined,
      deadlineMs: undefined,
      attemptTimeoutMs: undefined,
      maxRetryAfterMs: undefined,
      budget: undefined,
      adaptiveRate: undefined,
      circuitBreaker: undefined,
      bulkhead: undefined,
      clock,
      random: () => 0.5,
      onRetry: undefined,
      onGiveUp: undefined,
      logger: undefined,
    });
    let calls = 0;
    const run = policy
      .execute(
        async () => {
          calls++;
          throw new KitError('server.unavailable');
        },
        {
          signal: undefined,
          shouldRetry: (error) => shouldRetry(error, { method: 'GET' }),
          budgetKey: undefined,
          onRetry: undefined,
          paced: undefined,
        },
      )
      .catch((error: unknown) => error);
    for (let i = 0; i < 20 && calls < 3; i++) await clock.advance(10_000);
    const error = (await run) as KitError;
    expect(calls).toBe(3);
    expect(error.attempts).toBe(3);
    // The two backoff waits are the default backoff's (same random source, same defaults).
    const backoff = createBackoff({ random: () => 0.5 });
    const waits = clock.sleeps.filter((ms) => ms !== 30_000 && ms !== 60_000);
    expect(waits.slice(0, 2)).toEqual([backoff.next(), backoff.next()]);
  });
});

describe('createRateLimiter and createMemoryStore with options undefined', () => {
  it('grants 10 a second under the default key, with a memory store on the system clock', async () => {
    const limiter = createRateLimiter({
      limits: undefined,
      maxQueueSize: undefined,
      clock: undefined,
      store: createMemoryStore({ clock: undefined }),
      key: undefined,
      usedWeightHeaders: undefined,
      defaultPauseMs: undefined,
      maxPauseMs: undefined,
      onPause: undefined,
      logger: undefined,
    });
    for (let i = 0; i < 10; i++) await limiter.acquire(1, { signal: undefined });
    const controller = new AbortController();
    const eleventh = limiter.acquire(1, { signal: controller.signal });
    controller.abort();
    await expect(eleventh).rejects.toMatchObject({ code: 'cancelled.aborted' });
  });
});

describe('parseRateLimitHeaders with options undefined', () => {
  it('reads against the real clock with no used-weight headers', () => {
    const headers = { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '2', 'x-mbx-used-weight-1m': '10' };
    expect(parseRateLimitHeaders(headers, { nowMs: undefined, usedWeightHeaders: undefined })).toEqual([
      { source: 'x-ratelimit', remaining: 3, resetMs: 2000 },
    ]);
  });
});
