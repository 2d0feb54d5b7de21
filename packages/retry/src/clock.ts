/**
 * Time as kit's timing code sees it. Inject one in tests (or use vitest fake timers, which the
 * default honours) so backoff, deadlines and limiters are deterministic.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms`; rejects with a `cancelled.aborted` KitError (or the signal's KitError reason)
   * as soon as `signal` aborts, removing its listener either way.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
