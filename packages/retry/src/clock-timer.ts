import type { Clock } from './clock';

/**
 * Runs `onFire` after `ms` on `clock` unless cancelled first. Built on the clock's abortable sleep,
 * so an injected clock drives timeouts and deadlines too.
 *
 * @internal
 */
export function startTimer(clock: Clock, ms: number, onFire: () => void): () => void {
  const cancel = new AbortController();
  clock.sleep(ms, cancel.signal).then(
    () => {
      if (!cancel.signal.aborted) onFire();
    },
    () => {},
  );
  return () => cancel.abort();
}
