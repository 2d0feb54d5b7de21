import type { HeadersLike } from '@kit/errors';
import type { Logger } from '@kit/logger';
import type { Clock } from './clock';
import type { RateLimitStore, RateLimitWindow } from './rate-limit-store';

/** Why the limiter paused its whole queue. */
export type RateLimitPauseReason = 'status_429' | 'retry_after' | 'remaining_zero' | 'manual';

/** Reported to `onPause` whenever the queue is paused (or a pause is extended). */
export interface RateLimitPauseEvent {
  /** When the pause ends, in the clock's epoch milliseconds. */
  readonly untilMs: number;
  /** What caused it. */
  readonly reason: RateLimitPauseReason;
}

/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /**
   * The windows enforced at once; an acquisition takes its weight from each. Each window's `tokens`
   * is also its burst: against a server that refuses bursts, use `tokens: 1` and the spacing
   * between two requests (`{ tokens: 1, intervalMs: 50 }` for 20 per second). @default [{ tokens: 10, intervalMs: 1000 }]
   */
  limits?: readonly RateLimitWindow[];
  /** Most acquisitions waiting; beyond it `acquire` fails with `rate_limit.queue_full`. @default 1_000 */
  maxQueueSize?: number;
  /** Time source. @default systemClock */
  clock?: Clock;
  /** Where the buckets live. @default an in-memory store on `clock` */
  store?: RateLimitStore;
  /** The bucket key in the store (share a key to share a limit). @default 'default' */
  key?: string;
  /**
   * Used-weight headers mapped to the window (by `intervalMs`) they count, e.g.
   * `{ 'x-mbx-used-weight-1m': 60_000 }` for Binance. @default {}
   */
  usedWeightHeaders?: Readonly<Record<string, number>>;
  /**
   * Pause after a 429 (or `remaining = 0`) that says nothing about when to come back (no
   * Retry-After, no reset), in milliseconds. The default is one interval at the limiter's rate (50 ms
   * for `{ tokens: 20, intervalMs: 1000 }`; lower once 429s have lowered the rate): the refused
   * request most often left a little too soon after the last one, and a strict server (nginx
   * `limit_req`) takes the next one that interval later, so a longer guess only wastes the
   * allowance. After a run of successes an isolated 429 of the last request let go waits a fifth
   * of an interval instead (the server did not count the refused request). Like every pause it
   * leaves one token when it ends, so the queue then follows at the rate.
   * @default one interval at the limiter's rate
   */
  defaultPauseMs?: number;
  /** Longest pause a server header can impose, in milliseconds (guards against bogus resets). @default 600_000 */
  maxPauseMs?: number;
  /** Called whenever the queue is paused. @default undefined */
  onPause?: (event: RateLimitPauseEvent) => void;
  /** Where store failures are logged. @default noopLogger */
  logger?: Logger;
}

/** The defaults of {@link RateLimiterOptions}, applied in `createRateLimiter` only. */
export const DEFAULT_RATE_LIMITER_OPTIONS = {
  limits: [{ tokens: 10, intervalMs: 1000 }],
  maxQueueSize: 1_000,
  key: 'default',
  usedWeightHeaders: {},
  maxPauseMs: 600_000,
} as const satisfies RateLimiterOptions;

/** Options for one `acquire` call. */
export interface AcquireOptions {
  /** Gives up waiting: the acquisition leaves the queue and rejects with `cancelled.aborted`. @default undefined */
  signal?: AbortSignal;
}

/** A response as the limiter needs to see it. */
export interface RateLimitResponse {
  /** The HTTP status. @default undefined */
  status?: number;
  /** The response headers (fetch `Headers` or a plain record). */
  headers?: HeadersLike;
}

/**
 * The limiter's local headroom ({@link RateLimiter.headroom}): how much of its own limit is left,
 * for a gauge.
 */
export interface RateLimitHeadroom {
  /**
   * Weight one acquisition could take now without waiting (the fewest tokens of any window); 0
   * while the limiter is paused. Acquisitions already queued come first.
   */
  readonly available: number;
  /**
   * The smallest share left of any window, from 0 (empty or paused) to 1 (full): tokens over the
   * window's configured `tokens`. While the limiter paces (after a 429) its buckets hold at most
   * one acquisition, so this stays near 0: the limit binds.
   */
  readonly ratio: number;
  /**
   * `true` when read from the buckets now (the in-memory store, or the Redis store's local
   * fallback while Redis is down); `false` when the store is shared and this is the last level it
   * reported to this process, refilled since at the windows' rates (other processes' takes since
   * are not in it).
   */
  readonly exact: boolean;
}
