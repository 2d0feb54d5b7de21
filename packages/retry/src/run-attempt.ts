import type { Clock } from './clock';
import { startTimer } from './clock-timer';

/**
 * The abort side of one attempt. The AbortController behind `signal` is created only when someone
 * reads `signal` (AbortSignals are among the costliest objects on the success path), and if the
 * attempt was already aborted by then, the signal is created aborted with the same reason.
 *
 * @internal
 */
export class AttemptAbort {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** Whether the attempt was aborted (timeout, deadline or the caller). */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The attempt's signal, created on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the attempt with `reason`; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/**
 * Runs one attempt under one {@link AttemptAbort} (whose signal the operation was given) and a
 * single timer. The attempt aborts when the caller's `userSignal` does (with its reason) or when
 * `timeoutMs` passes (with the reason `onTimeout()` builds then: nothing is built unless the timer
 * really fires). Either way the returned promise rejects at once, even when the operation ignores
 * its signal; the operation's later rejection is absorbed, and the timer and the listener on
 * `userSignal` are removed as soon as the attempt ends, so a long-lived caller signal never
 * accumulates listeners.
 *
 * The caller combines the attempt timeout and the deadline into `timeoutMs` (the smaller of the two)
 * and tells them apart in `onTimeout`, so one timer serves both.
 *
 * @internal
 */
export function runAttempt<T>(
  clock: Clock,
  attempt: AttemptAbort,
  timeoutMs: number,
  userSignal: AbortSignal | undefined,
  onTimeout: () => unknown,
  operation: () => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cancelTimer = noop;
    const cleanup = (): void => {
      cancelTimer();
      userSignal?.removeEventListener('abort', onUserAbort);
    };
    const abort = (reason: unknown): void => {
      if (attempt.aborted) return;
      cleanup();
      attempt.abort(reason);
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
