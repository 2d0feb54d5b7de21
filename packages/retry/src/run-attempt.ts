import type { Clock } from './clock';
import { startTimer } from './clock-timer';

/**
 * Runs one attempt under a single AbortController (`controller`, whose signal the operation was
 * given) and a single timer. The attempt's signal aborts
 * when the caller's `userSignal` does (with its reason) or when `timeoutMs` passes (with the reason
 * `onTimeout()` builds then: nothing is built unless the timer really fires). Either way the
 * returned promise rejects at once, even when the operation ignores its signal; the operation's
 * later rejection is absorbed, and the timer and the listener on `userSignal` are removed as soon as
 * the attempt ends, so a long-lived caller signal never accumulates listeners.
 *
 * The caller combines the attempt timeout and the deadline into `timeoutMs` (the smaller of the two)
 * and tells them apart in `onTimeout`, so one timer serves both.
 *
 * @internal
 */
export function runAttempt<T>(
  clock: Clock,
  controller: AbortController,
  timeoutMs: number,
  userSignal: AbortSignal | undefined,
  onTimeout: () => unknown,
  operation: () => Promise<T>,
): Promise<T> {
  const signal = controller.signal;
  return new Promise<T>((resolve, reject) => {
    let cancelTimer = noop;
    const cleanup = (): void => {
      cancelTimer();
      userSignal?.removeEventListener('abort', onUserAbort);
    };
    const abort = (reason: unknown): void => {
      if (signal.aborted) return;
      cleanup();
      controller.abort(reason);
      reject(reason);
    };
    function onUserAbort(): void {
      abort((userSignal as AbortSignal).reason);
    }
    if (userSignal?.aborted) {
      abort(userSignal.reason);
      return;
    }
    cancelTimer = startTimer(clock, timeoutMs, () => abort(onTimeout()));
    userSignal?.addEventListener('abort', onUserAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(operation());
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}

function noop(): void {}
