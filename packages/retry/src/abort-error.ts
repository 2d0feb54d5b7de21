import { isKitError, KitError } from '@kit/errors';

/**
 * The KitError to reject with when `signal` aborted: its reason when that is already a KitError
 * (a deadline or attempt timeout set by kit), else `cancelled.aborted` with the reason as cause.
 *
 * @internal
 */
export function abortError(signal: AbortSignal): KitError {
  const reason: unknown = signal.reason;
  if (isKitError(reason)) return reason;
  return new KitError('cancelled.aborted', { cause: reason, outcome: 'not_sent' });
}

/**
 * Throws the {@link abortError} when `signal` has aborted.
 *
 * @internal
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Waits for `promise` but gives up as soon as `signal` aborts, without cancelling the shared work
 * behind `promise` (other callers may be waiting on it). The listener is removed either way.
 *
 * @internal
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
