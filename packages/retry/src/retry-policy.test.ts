import { isKitError, KitError, parseRetryAfter } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createRetryBudget } from './retry-budget';
import { createRetryPolicy } from './retry-policy';
import type { GiveUpEvent, RetryEvent } from './retry-policy-options';
import { shouldRetry } from './should-retry';

const unavailable = (extra: { retryAfterMs?: number } = {}) =>
  new KitError('server.unavailable', { status: 503, ...extra });

/** Settles the promise while advancing fake time; returns the outcome and the virtual ms it took. */
async function runFake<T>(promise: Promise<T>, maxMs = 120_000) {
  const start = Date.now();
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let settled = false;
  void outcome.then(() => {
    settled = true;
  });
  for (let i = 0; i < 10_000 && !settled && Date.now() - start <= maxMs; i++)
    await vi.advanceTimersByTimeAsync(10);
  const result = await outcome;
  return { ...result, elapsedMs: Date.now() - start };
}

describe('createRetryPolicy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a retryable failure and returns the first success', async () => {
    const retries: RetryEvent[] = [];
    const policy = createRetryPolicy({ random: () => 0.5, onRetry: (e) => retries.push(e) });
    let calls = 0;
    const result = await runFake(
      policy.execute(async ({ attempt }) => {
        calls++;
        if (attempt < 3) throw unavailable();
        return 'ok';
      }),
    );
    expect(result).toMatchObject({ ok: true, value: 'ok' });
    expect(calls).toBe(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries.every((r) => r.delayMs > 0 && r.delayMs <= 10_000)).toBe(true);
  });

  it('gives up after 3 attempts with attempts and totalDelayMs on the error, and says why', async () => {
    const giveUps: GiveUpEvent[] = [];
    const retries: RetryEvent[] = [];
    const policy = createRetryPolicy({
      random: () => 0.5,
      onGiveUp: (e) => giveUps.push(e),
      onRetry: (e) => retries.push(e),
    });
    const result = await runFake(
      policy.execute(async () => {
        throw unavailable();
      }),
    );
    expect(result.ok).toBe(false);
    const error = (result as { error: KitError }).error;
    expect(isKitError(error, 'server.unavailable')).toBe(true);
    expect(error.attempts).toBe(3);
    expect(error.totalDelayMs).toBe(retries.reduce((sum, r) => sum + r.delayMs, 0));
    expect(giveUps).toEqual([{ attempts: 3, error, reason: 'max_attempts' }]);
  });

  it('does not retry what shouldRetry refuses (a POST 503 without an idempotency key)', async () => {
    const policy = createRetryPolicy();
    let calls = 0;
    const result = await runFake(
      policy.execute(
        async () => {
          calls++;
          throw unavailable();
        },
        { shouldRetry: (e) => shouldRetry(e, { method: 'POST' }) },
      ),
    );
    expect(calls).toBe(1);
    expect((result as { error: KitError }).error.attempts).toBe(1);
  });

  it('classifies non-KitErrors instead of leaking them', async () => {
    const policy = createRetryPolicy();
    const result = await runFake(
      policy.execute(async () => {
        throw new TypeError('boom');
      }),
    );
    expect(isKitError((result as { error: unknown }).error)).toBe(true);
  });

  it('with 3 attempts and a 1 s deadline, ends within 1 s even when attempts hang', async () => {
    const policy = createRetryPolicy({ deadlineMs: 1000, maxAttempts: 3 });
    const seen: number[] = [];
    const result = await runFake(
      policy.execute(({ attemptTimeoutMs }) => {
        seen.push(attemptTimeoutMs);
        return new Promise<never>(() => {});
      }),
    );
    expect(result.ok).toBe(false);
    const error = (result as { error: KitError }).error;
    expect(isKitError(error, 'timeout.deadline')).toBe(true);
    expect(error.attempts).toBe(1);
    expect(error.outcome).toBe('unknown'); // the hanging attempt may have reached the server
    expect(seen).toEqual([1000]);
    expect(result.elapsedMs).toBeLessThanOrEqual(1010);
  });

  it('the deadline wins over the attempt count: no wait that ends past it', async () => {
    const policy = createRetryPolicy({
      deadlineMs: 1000,
      maxAttempts: 10,
      initialDelayMs: 400,
      random: () => 0.99,
    });
    let calls = 0;
    const result = await runFake(
      policy.execute(async () => {
        calls++;
        throw unavailable();
      }),
    );
    const error = (result as { error: KitError }).error;
    expect(isKitError(error, 'timeout.deadline')).toBe(true);
    expect(isKitError(error.cause, 'server.unavailable')).toBe(true);
    expect(calls).toBeLessThan(10);
    expect(result.elapsedMs).toBeLessThan(1000);
  });

  it('times out a slow GET attempt with timeout.attempt and retries it', async () => {
    const errors: string[] = [];
    const policy = createRetryPolicy({
      attemptTimeoutMs: 200,
      random: () => 0,
      onRetry: (e) => errors.push(e.error.code),
    });
    const result = await runFake(
      policy.execute(
        async ({ attempt, signal }) => {
          if (attempt === 1) {
            await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
          }
          return attempt;
        },
        { shouldRetry: (e) => shouldRetry(e, { method: 'GET' }) },
      ),
    );
    expect(result).toMatchObject({ ok: true, value: 2 });
    expect(errors).toEqual(['timeout.attempt']);
  });

  it('does not blindly retry a timed-out attempt of an unknown operation (outcome unknown)', async () => {
    const policy = createRetryPolicy({ attemptTimeoutMs: 200 });
    let calls = 0;
    const result = await runFake(
      policy.execute(() => {
        calls++;
        return new Promise<never>(() => {});
      }),
    );
    const error = (result as { error: KitError }).error;
    expect(isKitError(error, 'timeout.attempt')).toBe(true);
    expect(error.outcome).toBe('unknown');
    expect(calls).toBe(1);
    expect(result.elapsedMs).toBeLessThanOrEqual(210);
  });

  it.each([
    ['delta seconds', { 'Retry-After': '3' }, 3000],
    ['HTTP-date', { 'retry-after': new Date(Date.UTC(2030, 0, 1, 0, 0, 7)).toUTCString() }, 7000],
    ['retry-after-ms', { 'retry-after-ms': '2500' }, 2500],
  ])(
    'honours Retry-After as %s: waits max(backoff, hint) plus a little jitter',
    async (_form, headers, hintMs) => {
      vi.setSystemTime(new Date(Date.UTC(2030, 0, 1, 0, 0, 0)));
      const retries: RetryEvent[] = [];
      const policy = createRetryPolicy({ random: () => 0.5, onRetry: (e) => retries.push(e) });
      const startedAt: number[] = [];
      const result = await runFake(
        policy.execute(async ({ attempt }) => {
          startedAt.push(Date.now());
          if (attempt === 1)
            throw unavailable({ retryAfterMs: parseRetryAfter(headers, Date.now()) as number });
          return 'ok';
        }),
      );
      expect(result.ok).toBe(true);
      const delay = retries[0]?.delayMs as number;
      expect(delay).toBeGreaterThanOrEqual(hintMs);
      expect(delay).toBeLessThanOrEqual(hintMs + Math.min(1000, hintMs * 0.1) + 1);
      expect((startedAt[1] as number) - (startedAt[0] as number)).toBe(delay);
    },
  );

  it('fails at once with rate_limit.exceeded when Retry-After is beyond maxRetryAfterMs', async () => {
    const policy = createRetryPolicy();
    let calls = 0;
    const result = await runFake(
      policy.execute(async () => {
        calls++;
        throw new KitError('rate_limit.exceeded', { status: 429, retryAfterMs: 120_000 });
      }),
    );
    const error = (result as { error: KitError }).error;
    expect(calls).toBe(1);
    expect(result.elapsedMs).toBeLessThanOrEqual(10);
    expect(isKitError(error, 'rate_limit.exceeded')).toBe(true);
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.status).toBe(429);
  });

  it('fails at once when Retry-After ends past the deadline', async () => {
    const giveUps: GiveUpEvent[] = [];
    const policy = createRetryPolicy({ deadlineMs: 5000, onGiveUp: (e) => giveUps.push(e) });
    const result = await runFake(
      policy.execute(async () => {
        throw unavailable({ retryAfterMs: 6000 });
      }),
    );
    const error = (result as { error: KitError }).error;
    expect(isKitError(error, 'rate_limit.exceeded')).toBe(true);
    expect(error.retryAfterMs).toBe(6000);
    expect(giveUps[0]?.reason).toBe('retry_after_too_long');
  });

  it('an abort during backoff rejects at once with cancelled.aborted', async () => {
    const controller = new AbortController();
    const policy = createRetryPolicy({ onRetry: () => controller.abort() });
    const result = await runFake(
      policy.execute(
        async () => {
          throw unavailable();
        },
        { signal: controller.signal },
      ),
    );
    const error = (result as { error: KitError }).error;
    expect(isKitError(error, 'cancelled.aborted')).toBe(true);
    expect(error.attempts).toBe(1);
    expect(result.elapsedMs).toBeLessThanOrEqual(10);
  });

  it('an abort during an attempt rejects at once, even if the operation ignores its signal', async () => {
    const controller = new AbortController();
    const policy = createRetryPolicy();
    const pending = policy.execute(() => new Promise<never>(() => {}), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    const result = await runFake(pending);
    expect(isKitError((result as { error: unknown }).error, 'cancelled.aborted')).toBe(true);
    expect(result.elapsedMs).toBeLessThanOrEqual(110);
  });

  it('returns the error without retrying once the retry budget is drained', async () => {
    const budget = createRetryBudget({ capacity: 10, retryCost: 5 });
    const giveUps: GiveUpEvent[] = [];
    const policy = createRetryPolicy({
      budget,
      maxAttempts: 10,
      random: () => 0,
      onGiveUp: (e) => giveUps.push(e),
    });
    let calls = 0;
    const failing = () =>
      policy.execute(
        async () => {
          calls++;
          throw unavailable();
        },
        { budgetKey: 'api.example' },
      );
    const result = await runFake(failing());
    expect(calls).toBe(3);
    expect(giveUps[0]?.reason).toBe('budget_exhausted');
    expect(isKitError((result as { error: unknown }).error, 'server.unavailable')).toBe(true);
    calls = 0;
    await runFake(failing());
    expect(calls).toBe(1);
    // Another host has its own budget.
    await runFake(policy.execute(async () => 'ok', { budgetKey: 'other.example' }));
    expect(budget.available('other.example')).toBe(10);
  });

  it('opens the opt-in circuit breaker after consecutive failures and fails fast with server.circuit_open', async () => {
    const policy = createRetryPolicy({
      maxAttempts: 1,
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 1000 },
    });
    let calls = 0;
    const op = async () => {
      calls++;
      throw unavailable();
    };
    await runFake(policy.execute(op));
    await runFake(policy.execute(op));
    const third = await runFake(policy.execute(op));
    expect(calls).toBe(2);
    expect(isKitError((third as { error: unknown }).error, 'server.circuit_open')).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    const afterHalfOpen = await runFake(policy.execute(async () => 'recovered'));
    expect(afterHalfOpen).toMatchObject({ ok: true, value: 'recovered' });
  });

  it('counts raw network errors against the breaker (classified first), but not 429s', async () => {
    const policy = createRetryPolicy({ maxAttempts: 1, circuitBreaker: { consecutiveFailures: 2 } });
    const limited = async () => {
      throw new KitError('rate_limit.exceeded', { status: 429 });
    };
    for (let i = 0; i < 3; i++) await runFake(policy.execute(limited));
    const stillClosed = await runFake(policy.execute(limited));
    expect(isKitError((stillClosed as { error: unknown }).error, 'rate_limit.exceeded')).toBe(true);
    const reset = async () => {
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    };
    const first = await runFake(policy.execute(reset));
    expect(isKitError((first as { error: unknown }).error, 'network.connection_reset')).toBe(true);
    await runFake(policy.execute(reset));
    const open = await runFake(policy.execute(reset));
    expect(isKitError((open as { error: unknown }).error, 'server.circuit_open')).toBe(true);
  });

  it('caps concurrency with the opt-in bulkhead (rate_limit.concurrency_limit beyond the queue)', async () => {
    const policy = createRetryPolicy({ bulkhead: { maxConcurrent: 1, maxQueued: 1 } });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = policy.execute(() => gate.then(() => 1));
    const second = policy.execute(async () => 2);
    const third = await runFake(policy.execute(async () => 3));
    expect(isKitError((third as { error: unknown }).error, 'rate_limit.concurrency_limit')).toBe(true);
    release();
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
  });

  it('a throwing hook is ignored, not fatal', async () => {
    const policy = createRetryPolicy({
      onRetry: () => {
        throw new Error('metrics down');
      },
      random: () => 0,
    });
    const result = await runFake(
      policy.execute(async ({ attempt }) => {
        if (attempt === 1) throw unavailable();
        return 'ok';
      }),
    );
    expect(result).toMatchObject({ ok: true, value: 'ok' });
  });

  it('leaves no timer behind after a success, a failure or a timed-out attempt', async () => {
    const policy = createRetryPolicy({ attemptTimeoutMs: 200, maxAttempts: 1 });
    const controller = new AbortController();
    await policy.execute(async () => 'ok', { signal: controller.signal });
    expect(vi.getTimerCount()).toBe(0);
    await runFake(
      policy.execute(async () => {
        throw unavailable();
      }),
    );
    expect(vi.getTimerCount()).toBe(0);
    const hung = await runFake(policy.execute(() => new Promise<never>(() => {})));
    expect(isKitError((hung as { error: unknown }).error, 'timeout.attempt')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an injected clock drives the attempt timeout and the deadline (no real or fake timer used)', async () => {
    const clock = createManualClock({ startMs: 0 });
    const advance = (ms: number) => clock.advance(ms);
    const policy = createRetryPolicy({ clock, attemptTimeoutMs: 300, deadlineMs: 500, random: () => 0 });
    const signals: AbortSignal[] = [];
    const pending = policy
      .execute(
        ({ signal }) => {
          signals.push(signal);
          return new Promise<never>(() => {});
        },
        { shouldRetry: (e) => shouldRetry(e, { method: 'GET' }) },
      )
      .catch((error: unknown) => error);
    await advance(0);
    expect(vi.getTimerCount()).toBe(0);
    await advance(300);
    expect(isKitError(signals[0]?.reason, 'timeout.attempt')).toBe(true);
    // The retry waits its backoff on the same clock, then the deadline cuts the second attempt.
    for (let i = 0; i < 50 && signals.length < 2; i++) await advance(1);
    expect(signals).toHaveLength(2);
    await advance(500);
    const error = (await pending) as KitError;
    expect(isKitError(error, 'timeout.deadline')).toBe(true);
    expect(error.attempts).toBe(2);
    expect(error.outcome).toBe('unknown');
    expect(signals[1]?.reason).toBe(error);
    expect(clock.pending).toEqual([]);
  });

  it('gives one signal per attempt, aborted with the timeout reason even when first read after it fired', async () => {
    const policy = createRetryPolicy({ attemptTimeoutMs: 100, maxAttempts: 1 });
    let late: AbortSignal | undefined;
    const result = await runFake(
      policy.execute(async (ctx) => {
        // Reads the signal only once the attempt timed out.
        await new Promise((resolve) => setTimeout(resolve, 150));
        late = ctx.signal;
        expect(ctx.signal).toBe(late);
        return 'late';
      }),
    );
    const error = (result as { error: KitError }).error;
    expect(isKitError(error, 'timeout.attempt')).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(late?.aborted).toBe(true);
    expect(late?.reason).toBe(error);
  });

  it('passes a context that can be spread or logged like a plain object, signal included', async () => {
    const policy = createRetryPolicy();
    const copy = await policy.execute(async (ctx) => ({ ...ctx }));
    expect(Object.keys(copy).sort()).toEqual([
      'attempt',
      'attemptTimeoutMs',
      'deadlineAt',
      'signal',
      'timeLeftMs',
    ]);
    expect(copy.signal).toBeInstanceOf(AbortSignal);
    expect(copy.attempt).toBe(1);
  });
});

describe('createRetryPolicy: throttled attempts (429) and the adaptive rate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const tooMany = (extra: { retryAfterMs?: number } = {}) =>
    new KitError('rate_limit.exceeded', { status: 429, outcome: 'rejected', ...extra });

  it('retries 429s without a hint beyond maxAttempts: paced, not backed off, and the budget untouched', async () => {
    const retries: RetryEvent[] = [];
    const budget = createRetryBudget({ capacity: 10, retryCost: 5 });
    const policy = createRetryPolicy({ random: () => 0.5, budget, onRetry: (e) => retries.push(e) });
    let calls = 0;
    const result = await runFake(
      policy.execute(
        async () => {
          calls++;
          if (calls <= 5) throw tooMany();
          return 'ok';
        },
        { budgetKey: 'api.example' },
      ),
    );
    expect(result).toMatchObject({ ok: true, value: 'ok' });
    expect(calls).toBe(6);
    // The learned rate is the wait: no backoff of the call's own.
    expect(retries.map((r) => r.delayMs)).toEqual([0, 0, 0, 0, 0]);
    expect(budget.available('api.example')).toBe(10);
  });

  it('a 429 slows down every call to that key (first attempts included), and no other key', async () => {
    const policy = createRetryPolicy({ random: () => 0.5 });
    const starts: Array<[string, number]> = [];
    let throttled = false;
    const call = (id: string, key: string) =>
      policy.execute(
        async () => {
          starts.push([id, Date.now()]);
          if (!throttled) {
            throttled = true;
            throw tooMany();
          }
          return id;
        },
        { budgetKey: key },
      );
    await runFake(call('a', 'api.example'));
    const t1 = Date.now();
    await runFake(
      Promise.all([...['b', 'c', 'd'].map((id) => call(id, 'api.example')), call('x', 'other.example')]),
    );
    const at = (id: string) => starts.find(([s]) => s === id)?.[1] as number;
    // Calls to the throttled key leave one at a time, spaced by the learned rate ...
    expect(at('c') - at('b')).toBeGreaterThanOrEqual(1);
    expect(at('d') - at('c')).toBeGreaterThanOrEqual(1);
    // ... while the other key is not held at all.
    expect(at('x')).toBe(t1);
  });

  it('a host paused by a Retry-After holds every call; one whose deadline ends first fails at once', async () => {
    const giveUps: GiveUpEvent[] = [];
    const policy = createRetryPolicy({
      random: () => 0,
      deadlineMs: 10_000,
      onGiveUp: (e) => giveUps.push(e),
    });
    // The first call is asked to wait 50 s, past its own deadline: it gives up, and the key stays
    // paused for everyone.
    const first = await runFake(
      policy.execute(async () => Promise.reject(tooMany({ retryAfterMs: 50_000 }))),
    );
    expect(giveUps.map((g) => g.reason)).toEqual(['retry_after_too_long']);
    expect(first.ok).toBe(false);
    let ran = false;
    const second = await runFake(
      policy.execute(async () => {
        ran = true;
        return 'sent';
      }),
    );
    expect(ran).toBe(false);
    // At once (runFake looks every 10 ms of fake time).
    expect(second.elapsedMs).toBeLessThanOrEqual(10);
    expect(isKitError((second as { error: unknown }).error, 'rate_limit.exceeded')).toBe(true);
    expect(giveUps.map((g) => g.reason)).toEqual(['retry_after_too_long', 'retry_after_too_long']);

    // A shorter pause is waited out: the next call to the key starts when it ends.
    const patient = createRetryPolicy({ random: () => 0 });
    await runFake(
      patient.execute(async ({ attempt }) => {
        if (attempt === 1) throw tooMany({ retryAfterMs: 2_000 });
        return 'ok';
      }),
    );
    const pausedSince = Date.now() - 2_000;
    let startedAt = 0;
    await runFake(
      patient.execute(async () => {
        startedAt = Date.now();
        return 'ok';
      }),
    );
    expect(startedAt).toBeGreaterThanOrEqual(pausedSince + 2_000);
  });

  it('with adaptiveRate: false, a 429 without a hint backs off and counts like a failure', async () => {
    const giveUps: GiveUpEvent[] = [];
    const policy = createRetryPolicy({
      random: () => 0.5,
      adaptiveRate: false,
      onGiveUp: (e) => giveUps.push(e),
    });
    let calls = 0;
    const result = await runFake(
      policy.execute(async () => {
        calls++;
        throw tooMany();
      }),
    );
    expect(result.ok).toBe(false);
    expect(calls).toBe(3);
    expect(giveUps[0]?.reason).toBe('max_attempts');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(500);
  });

  it('a 429 with Retry-After does not use up an attempt either: the wait is the server’s', async () => {
    const retries: RetryEvent[] = [];
    const policy = createRetryPolicy({
      random: () => 0,
      adaptiveRate: false,
      onRetry: (e) => retries.push(e),
    });
    let calls = 0;
    const result = await runFake(
      policy.execute(async () => {
        calls++;
        if (calls <= 4) throw tooMany({ retryAfterMs: 1_000 });
        return 'ok';
      }),
    );
    expect(result).toMatchObject({ ok: true, value: 'ok' });
    expect(calls).toBe(5);
    expect(retries.every((r) => r.delayMs >= 1_000)).toBe(true);
  });

  it('paced: the caller’s limiter is the wait; the policy retries a 429 at once and keeps out of the way', async () => {
    const retries: RetryEvent[] = [];
    const policy = createRetryPolicy({ random: () => 0.5, onRetry: (e) => retries.push(e) });
    let calls = 0;
    const result = await runFake(
      policy.execute(
        async () => {
          calls++;
          if (calls <= 4) throw tooMany();
          return 'ok';
        },
        { paced: true, budgetKey: 'k' },
      ),
    );
    expect(result).toMatchObject({ ok: true, value: 'ok' });
    expect(retries.map((r) => r.delayMs)).toEqual([0, 0, 0, 0]);
    // No rate was learned for the key: later calls are not held.
    const startedAt: number[] = [];
    const executedAt = Date.now();
    await runFake(
      Promise.all(
        [1, 2, 3].map(() =>
          policy.execute(
            async () => {
              startedAt.push(Date.now());
            },
            { budgetKey: 'k' },
          ),
        ),
      ),
    );
    expect(startedAt).toEqual([executedAt, executedAt, executedAt]);
  });

  it('maxAttempts: 1 retries nothing, not even a 429', async () => {
    const policy = createRetryPolicy({ maxAttempts: 1 });
    let calls = 0;
    const result = await runFake(
      policy.execute(async () => {
        calls++;
        throw tooMany();
      }),
    );
    expect(calls).toBe(1);
    expect(isKitError((result as { error: unknown }).error, 'rate_limit.exceeded')).toBe(true);
  });

  it('the deadline still bounds a host that never stops answering 429', async () => {
    const policy = createRetryPolicy({ deadlineMs: 5_000, random: () => 0.5 });
    let calls = 0;
    const result = await runFake(
      policy.execute(async () => {
        calls++;
        throw tooMany();
      }),
    );
    expect(result.ok).toBe(false);
    const error = (result as { error: unknown }).error;
    expect(isKitError(error, 'timeout.deadline')).toBe(true);
    expect(isKitError((error as KitError).cause, 'rate_limit.exceeded')).toBe(true);
    expect(result.elapsedMs).toBeLessThanOrEqual(5_000);
    // The rate halved on every round without a success, down to 0.5 per second: a few attempts, not a storm.
    expect(calls).toBeLessThan(30);
  });
});
