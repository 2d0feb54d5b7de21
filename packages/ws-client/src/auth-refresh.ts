import type { AuthRequest, AuthStrategy } from '@kit/auth';
import { KitError } from '@kit/errors';
import type { Clock } from '@kit/retry';
import { schedule } from './timers';

/**
 * Tells the strategy its credentials were rejected. Through a promise: a strategy whose hook
 * throws synchronously or returns no promise must not break the reconnect from inside a socket
 * event handler. Resolves `true` when there is no hook (a static key may be fine next time; the
 * second rejection fails anyway). `undefined` when the strategy has no `onUnauthorized`. @internal
 */
export function askStrategy(
  auth: AuthStrategy | undefined,
  error: KitError,
  request: AuthRequest | undefined,
): Promise<boolean> | undefined {
  if (!auth?.onUnauthorized) return undefined;
  return Promise.resolve()
    .then(() => auth.onUnauthorized?.(error, request))
    .then((answer) => answer !== false);
}

/** How the wait for a refresh ends. @internal */
export interface RefreshWait {
  clock: Clock;
  /** The backoff delay, in milliseconds. */
  delayMs: number;
  /** The longest wait for the strategy's answer, in milliseconds. */
  authTimeoutMs: number;
  /** The next attempt may start. */
  start: () => void;
  /** The strategy said retrying is pointless. */
  refuse: () => void;
  /** The strategy did not answer in time (the attempt goes ahead anyway). */
  emitError: (error: KitError) => void;
  /** The refresh itself threw, or a timer callback did. */
  reportInternal: (error: unknown) => void;
}

/**
 * The next attempt starts once the backoff has passed and the strategy has answered, so its
 * login carries the refreshed credentials. The wait for the answer is bounded by `authTimeoutMs`
 * (then the attempt goes ahead with whatever the strategy has); `false` refuses at once.
 * Returns the function that cancels the wait. @internal
 */
export function awaitRefresh(refresh: Promise<boolean>, wait: RefreshWait): () => void {
  let waited = false;
  let answered = false;
  let done = false;
  const go = () => {
    if (done || !waited || !answered) return;
    stop();
    wait.start();
  };
  const cancelDelay = schedule(
    wait.clock,
    wait.delayMs,
    () => {
      waited = true;
      go();
    },
    wait.reportInternal,
  );
  const cancelBound = schedule(
    wait.clock,
    wait.authTimeoutMs,
    () => {
      if (answered) return;
      answered = true;
      wait.emitError(
        new KitError('timeout.auth_ack', {
          message: `The auth strategy's onUnauthorized did not settle within ${wait.authTimeoutMs} ms; reconnecting with the credentials it has now`,
          details: { authTimeoutMs: wait.authTimeoutMs },
        }),
      );
      go();
    },
    wait.reportInternal,
  );
  const stop = () => {
    done = true;
    cancelDelay();
    cancelBound();
  };
  refresh.then(
    (retry) => {
      if (done || answered) return;
      answered = true;
      if (!retry) {
        stop();
        wait.refuse();
        return;
      }
      go();
    },
    (cause: unknown) => {
      if (done || answered) return;
      answered = true;
      // The refresh itself failed (a token endpoint down): report it; the next login's
      // `authenticate` runs again and either gets credentials or fails on its own terms.
      wait.reportInternal(cause);
      go();
    },
  );
  return stop;
}
