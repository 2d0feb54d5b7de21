import { getEventListeners } from 'node:events';
import { isKitError, KitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { createRetryPolicy } from '../src/retry-policy';

const outcome = <T>(promise: Promise<T>): Promise<T | unknown> => promise.catch((error: unknown) => error);

describe('the operation', () => {
  for (const [label, options] of [
    ['without guards', {}],
    ['with a circuit breaker and a bulkhead', { circuitBreaker: {}, bulkhead: {} }],
  ] as const) {
    it(`starts after execute has returned, never synchronously inside it (${label})`, async () => {
      const policy = createRetryPolicy(options);
      let started = false;
      const pending = policy.execute(async () => {
        started = true;
        return 'ok';
      });
      expect(started).toBe(false);
      expect(await pending).toBe('ok');
      expect(started).toBe(true);
    });

    it(`a synchronous throw becomes a classified rejection (${label})`, async () => {
      const policy = createRetryPolicy({ ...options, maxAttempts: 1 });
      const error = await outcome(
        policy.execute(() => {
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }),
      );
      expect(isKitError(error, 'network.connection_reset')).toBe(true);
      expect((error as KitError).attempts).toBe(1);
    });
  }
});

describe("the attempt's signal", () => {
  it('is the caller signal itself when no timer is armed (no attempt timeout, no deadline)', async () => {
    const policy = createRetryPolicy({
      attemptTimeoutMs: Number.POSITIVE_INFINITY,
      deadlineMs: Number.POSITIVE_INFINITY,
    });
    const controller = new AbortController();
    const seen = await policy.execute(async ({ signal }) => signal, { signal: controller.signal });
    expect(seen).toBe(controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('shared that way, an abort still rejects at once (the operation ignoring it) and leaves no listener', async () => {
    const policy = createRetryPolicy({
      attemptTimeoutMs: Number.POSITIVE_INFINITY,
      deadlineMs: Number.POSITIVE_INFINITY,
    });
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const pending = outcome(
      policy.execute(
        ({ signal }) => {
          inner = signal;
          return new Promise<never>(() => {});
        },
        { signal: controller.signal },
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('user gave up'));
    const error = (await pending) as KitError;
    expect(isKitError(error, 'cancelled.aborted')).toBe(true);
    expect((error.cause as Error).message).toBe('user gave up');
    expect(inner?.aborted).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('is a signal of its own when a timer is armed, aborted with the timeout, the caller signal untouched', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({ clock, attemptTimeoutMs: 100, maxAttempts: 1 });
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const pending = outcome(
      policy.execute(
        ({ signal }) => {
          inner = signal;
          return new Promise<never>(() => {});
        },
        { signal: controller.signal },
      ),
    );
    await clock.advance(100);
    const error = await pending;
    expect(isKitError(error, 'timeout.attempt')).toBe(true);
    expect(inner).not.toBe(controller.signal);
    expect(inner?.reason).toBe(error);
    expect(controller.signal.aborted).toBe(false);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(clock.pending).toEqual([]);
  });

  it('without a timer or a caller signal: one signal per attempt, the same on every read, never aborted', async () => {
    const policy = createRetryPolicy({
      attemptTimeoutMs: Number.POSITIVE_INFINITY,
      deadlineMs: Number.POSITIVE_INFINITY,
      initialDelayMs: 1,
      maxDelayMs: 1,
    });
    const signals: AbortSignal[] = [];
    const result = await policy.execute(async (ctx) => {
      signals.push(ctx.signal);
      expect(ctx.signal).toBe(signals.at(-1));
      if (ctx.attempt === 1) throw new KitError('server.unavailable', { status: 503 });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals.every((s) => !s.aborted)).toBe(true);
  });

  it('an attempt that times out while queued in the bulkhead is never run', async () => {
    const clock = createManualClock({ startMs: 0 });
    const policy = createRetryPolicy({
      clock,
      maxAttempts: 1,
      attemptTimeoutMs: 50,
      bulkhead: { maxConcurrent: 1, maxQueued: 5 },
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = outcome(policy.execute(() => gate.then(() => 'first')));
    await clock.nextSleep();
    let queuedRan = false;
    const queued = outcome(
      policy.execute(async () => {
        queuedRan = true;
        return 'queued';
      }),
    );
    await clock.advance(50);
    expect(isKitError(await queued, 'timeout.attempt')).toBe(true);
    expect(isKitError(await first, 'timeout.attempt')).toBe(true);
    release();
    await clock.advance(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queuedRan).toBe(false);
    // The slot is free again: the next call runs.
    expect(await policy.execute(async () => 'next')).toBe('next');
  });
});
