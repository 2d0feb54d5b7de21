/**
 * One limit window: at most `tokens` weight per `intervalMs`, refilled continuously (a token
 * bucket). The rate is `tokens / intervalMs`; `tokens` is also the burst, what may leave at once
 * after a quiet spell. A strict server (nginx `limit_req` without `burst`, most API gateways'
 * per-second limits) refuses bursts: give it `tokens: 1` and the interval between two requests.
 */
export interface RateLimitWindow {
  /** Bucket size: the weight allowed per interval, and the largest burst (what may leave at once). */
  readonly tokens: number;
  /** The interval over which `tokens` refill, in milliseconds. */
  readonly intervalMs: number;
}

/** The answer of {@link RateLimitStore.take}. */
export interface TakeResult {
  /** How many of the requested weights, from the first, were taken (0 to all of them). */
  readonly granted: number;
  /** When not all were granted: milliseconds until the first refused one may fit (refill or pause). */
  readonly retryInMs: number;
}

/**
 * Where buckets live. The in-memory store is the default; `@kit/retry/redis` shares buckets
 * between processes. Methods may answer synchronously (memory) or with a promise (network).
 */
export interface RateLimitStore {
  /**
   * Atomically takes, in order, as many of `weights` as fit (each from every window of `key`),
   * stopping at the first that does not fit, so a queue is served FIFO in one call. Takes nothing
   * while the key is paused.
   */
  take(
    key: string,
    windows: readonly RateLimitWindow[],
    weights: readonly number[],
  ): TakeResult | Promise<TakeResult>;
  /**
   * Pauses `key` for everyone sharing the store for `durationMs` from now (a 429 seen by one
   * process pauses all). When the pause ends, every window holds one token (at most its size) and
   * refills at its rate from there: one request may leave as the pause ends, the rest follow at
   * the rate, never as one burst of the whole bucket. Never shortens a longer pause (a shorter one
   * inside it does nothing).
   */
  block(key: string, durationMs: number): void | Promise<void>;
  /** Lowers window `windowIndex` of `key` to at most `remaining` tokens: the server's count wins. */
  clamp(
    key: string,
    windows: readonly RateLimitWindow[],
    windowIndex: number,
    remaining: number,
  ): void | Promise<void>;
}
