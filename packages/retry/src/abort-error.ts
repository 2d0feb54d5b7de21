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

/** The settling pair {@link abortableSettlers} returns. @internal */
export interface AbortableSettlers<E> {
  /** Settles with success and stops listening to the signal. */
  resolve(): void;
  /** Settles with `error` and stops listening to the signal. */
  reject(error: E): void;
}

/**
 * For a waiter that is settled from outside or by `signal`: listens to `signal` with `onAbort` and
 * returns `resolve`/`reject` that remove that listener before they settle, so a long-lived caller
 * signal keeps no listener per wait. Check `signal.aborted` first: an aborted signal never fires.
 *
 * @internal
 */
export function abortableSettlers<E>(
  signal: AbortSignal | undefined,
  resolve: () => void,
  reject: (error: E) => void,
  onAbort: () => void,
): AbortableSettlers<E> {
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    resolve: () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    },
    reject: (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    },
  };
}
