import { isKitError, KitError } from '@kit/errors';
import { Secret } from '@kit/logger';
import { createCapturingLogger } from '@kit/logger/testing';
import type { Clock, RetryPolicyOptions } from '@kit/retry';

/**
 * Every credential the tests use. Each file logs through one capturing logger at debug level and
 * checks at the end that none of these appears in any line (see `expectNoSecretsLogged`).
 */
export const TEST_SECRETS = {
  apiKey: 'test-api-key-5f1c9a7e',
  apiSecret: 'test-api-secret-8d2b4c6a',
  clientSecret: 'test-client-secret-3e7f1d9b',
  accessToken: 'test-access-token-a1b2c3d4',
  refreshedToken: 'test-access-token-e5f6a7b8',
} as const;

for (const value of Object.values(TEST_SECRETS)) new Secret(value);

/** A capturing logger for one test file, plus the leak check to run in `afterAll`. */
export function createLogCapture() {
  const capture = createCapturingLogger({ level: 'debug', name: 'rest-test' });
  return {
    ...capture,
    /** Fails when any test secret appears in any captured line. */
    leaks(): string[] {
      const text = capture.text();
      return Object.values(TEST_SECRETS).filter((secret) => text.includes(secret));
    },
  };
}

/** Retry options that keep real waits to a few milliseconds and make jitter deterministic. */
export const FAST_RETRY: RetryPolicyOptions = {
  initialDelayMs: 1,
  maxDelayMs: 2,
  random: () => 0.5,
  budget: false,
};

interface Timer {
  due: number;
  ms: number;
  resolve(): void;
}

/**
 * A virtual clock for the retry policy: `now()` only moves when the test calls `advance`, and sleeps
 * (backoff waits, attempt timeouts, the deadline) resolve when virtual time reaches them. Tests wait
 * for the client to start a particular sleep with `nextSleep`, then advance.
 */
export function createVirtualClock(startMs = 1_700_000_000_000) {
  let now = startMs;
  const timers = new Set<Timer>();
  const sleeps: number[] = [];
  const waiters: Array<{ match: (ms: number) => boolean; resolve: (ms: number) => void }> = [];
  const clock: Clock = {
    now: () => now,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason ?? new KitError('cancelled.aborted'));
      return new Promise<void>((resolve, reject) => {
        const timer: Timer = {
          due: now + Math.max(0, ms),
          ms,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        function onAbort(): void {
          timers.delete(timer);
          reject(signal?.reason ?? new KitError('cancelled.aborted'));
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.add(timer);
        sleeps.push(ms);
        for (const waiter of [...waiters]) {
          if (waiter.match(ms)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(ms);
          }
        }
      });
    },
  };
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    clock,
    /** Every sleep requested, in order, in milliseconds. */
    sleeps,
    /** Resolves with the duration of the next sleep `match` accepts (registered from now on). */
    nextSleep(match: (ms: number) => boolean): Promise<number> {
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    /** Moves virtual time forward, firing due timers in order and letting their effects run. */
    async advance(ms: number): Promise<void> {
      const target = now + ms;
      for (let guard = 0; guard < 10_000; guard++) {
        let earliest: Timer | undefined;
        for (const timer of timers)
          if (timer.due <= target && (!earliest || timer.due < earliest.due)) earliest = timer;
        if (!earliest) break;
        timers.delete(earliest);
        now = earliest.due;
        earliest.resolve();
        await flush();
      }
      now = target;
      await flush();
    },
  };
}

/** Awaits a call that must fail and returns its KitError (anything else is rethrown). */
export async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (error) {
    if (isKitError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
