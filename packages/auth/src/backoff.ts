/** Bounds for {@link backoffDelayMs}. */
export interface BackoffBounds {
  /** Delay before the first retry, in milliseconds. */
  initialDelayMs: number;
  /** Cap on any single delay, in milliseconds. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter" for retry number `retry` (1-based): half of
 * `min(max, initial * 2^(retry-1))` fixed plus up to the other half at random: the token endpoint's
 * small bounded retry loop.
 */
export function backoffDelayMs(retry: number, bounds: BackoffBounds, random: () => number): number {
  const ceiling = Math.min(bounds.maxDelayMs, bounds.initialDelayMs * 2 ** Math.max(0, retry - 1));
  const jitter = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * jitter);
}
