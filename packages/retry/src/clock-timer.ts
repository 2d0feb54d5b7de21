import type { Clock } from './clock';
import { sleep } from './sleep';

/** Longest delay `setTimeout` honours; beyond it Node fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

const noop = (): void => {};

/**
 * Runs `onFire` after `ms` on `clock` unless cancelled first; returns the cancel function.
 *
 * On the system clock (any clock whose `sleep` is kit's own `sleep`) this is a bare
 * `setTimeout`/`clearTimeout`: cancelling costs no AbortController, no aborted sleep and no error
 * object, which matters because every successful attempt cancels its timer. The globals are read at
 * call time, so vitest fake timers still drive it. Any other clock gets a timer built on its
 * abortable `sleep`, so an injected clock drives timeouts and deadlines too. Cancelling leaves no
 * timer or listener behind. When `onError` is given, a throwing `onFire` is reported to it, never
 * left as an uncaught exception or an unhandled rejection.
 *
 * @internal
 */
export function startTimer(
  clock: Clock,
  ms: number,
  onFire: () => void,
  onError?: (error: unknown) => void,
): () => void {
  const fire =
    onError === undefined
      ? onFire
      : (): void => {
          try {
            onFire();
          } catch (error) {
            onError(error);
          }
        };
  if (clock.sleep === sleep) {
    // A wait too long for setTimeout (e.g. Infinity) never fires: better than firing at once.
    if (!(ms <= MAX_TIMER_MS)) return noop;
    const timer = setTimeout(fire, Math.max(0, ms));
    return () => clearTimeout(timer);
  }
  const cancel = new AbortController();
  clock.sleep(ms, cancel.signal).then(
    () => {
      if (!cancel.signal.aborted) fire();
    },
    () => {},
  );
  return () => cancel.abort();
}
