import type { Clock } from '@kit/retry';

/**
 * Runs `fn` after `ms` on `clock` and returns a cancel function. Built on the abortable
 * `Clock.sleep`, so an injected clock (or vitest fake timers on the system clock) drives every
 * timer the client owns, and cancelling leaves no timer or listener behind. A throwing `fn` is
 * reported to `onError`, never left as an unhandled rejection.
 *
 * @internal
 */
export function schedule(
  clock: Clock,
  ms: number,
  fn: () => void,
  onError: (error: unknown) => void,
): () => void {
  const controller = new AbortController();
  clock.sleep(ms, controller.signal).then(() => {
    try {
      fn();
    } catch (error) {
      onError(error);
    }
  }, ignoreCancel);
  return () => controller.abort();
}

function ignoreCancel(): void {
  // The sleep was cancelled: nothing to run.
}
