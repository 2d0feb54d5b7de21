import { abortError } from './abort-error';

/**
 * Resolves after `ms` milliseconds. Rejects at once with a `cancelled.aborted` KitError (or the
 * signal's KitError reason, e.g. `timeout.deadline`) when `signal` aborts; the abort listener and
 * the timer are removed on either path, so a long-lived signal never accumulates listeners.
 *
 * Uses the global `setTimeout`, so vitest fake timers control it.
 *
 * @example
 * ```ts
 * await sleep(250, AbortSignal.timeout(1000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
}
