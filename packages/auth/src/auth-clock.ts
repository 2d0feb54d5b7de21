import { isKitError, KitError } from '@kit/errors';

/**
 * Time as @kit/auth sees it: the same shape as @kit/retry's `Clock` (auth may not depend on retry),
 * so one clock object serves both. Inject one in tests; a {@link ServerClock} is one too.
 */
export interface AuthClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with a `cancelled.aborted` KitError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The KitError for an aborted signal: the signal's reason when it already is one. */
export function abortError(signal: AbortSignal): KitError {
  const reason: unknown = signal.reason;
  if (isKitError(reason)) return reason;
  return new KitError('cancelled.aborted', { cause: reason });
}

/** Throws the abort error when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * The real clock: `Date.now()` and an abortable `setTimeout`, both globals, so vitest fake timers
 * control it too.
 */
export const systemClock: AuthClock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal as AbortSignal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * Waits for `promise` but gives up as soon as `signal` aborts, without cancelling the shared work
 * behind `promise` (other callers may be waiting on it). The listener is removed either way.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
