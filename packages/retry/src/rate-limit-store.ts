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

/** What a store can tell synchronously about a key's buckets, without taking anything ({@link RateLimitStore.peek}). */
export interface RateLimitLevels {
  /** Tokens in each window, in the order of the windows asked about; 0 in every window while the key is paused. */
  readonly tokens: readonly number[];
  /**
   * `true` when these are the levels now (an in-process store); `false` when they are the last
   * levels the store was told about, refilled since at each window's rate (a shared store: what
   * other processes took since is not in them).
   */
  readonly exact: boolean;
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
  /**
   * Optional, synchronous and cheap (no I/O): the tokens of each window of `key`, for gauges (the
   * limiter's `headroom`). `undefined` when the store knows nothing of `key` yet. A store without
   * it leaves the limiter's headroom unknown.
   */
  peek?(key: string, windows: readonly RateLimitWindow[]): RateLimitLevels | undefined;
  /** Lowers window `windowIndex` of `key` to at most `remaining` tokens: the server's count wins. */
  clamp(
    key: string,
    windows: readonly RateLimitWindow[],
    windowIndex: number,
    remaining: number,
  ): void | Promise<void>;
}
