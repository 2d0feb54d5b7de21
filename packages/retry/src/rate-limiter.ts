import { isKitError, KitError, parseExplicitRetryAfter, parseRetryAfter } from '@kit/errors';
import { noopLogger } from '@kit/logger';
import { abortError } from './abort-error';
import { listHeaderNames } from './header-names';
import { createMemoryStore, type MemoryStore } from './memory-store';
import { parseRateLimitHeaders, type RateLimitObservation } from './rate-limit-headers';
import type { RateLimitWindow, TakeResult } from './rate-limit-store';
import {
  type AcquireOptions,
  DEFAULT_RATE_LIMITER_OPTIONS,
  type RateLimiterOptions,
  type RateLimitPauseReason,
  type RateLimitResponse,
} from './rate-limiter-options';
import { systemClock } from './system-clock';
import { withoutUndefined } from './without-undefined';

/** A client-side rate limiter: weighted FIFO acquisitions over several windows, adapting to the server. */
export interface RateLimiter {
  /**
   * Waits (FIFO) until `weight` fits in every window, then takes it. Rejects with
   * `rate_limit.queue_full` when the queue is full, `cancelled.aborted` when `signal` aborts (the
   * acquisition leaves the queue), `rate_limit.store_unavailable` when a shared store fails closed.
   */
  acquire(weight?: number, options?: AcquireOptions): Promise<void>;
  /**
   * Feeds a response: 429 (and 503 with Retry-After) pause the whole queue until Retry-After or the
   * reset; `remaining = 0` pauses until the reset; other `remaining` values lower the buckets.
   */
  observe(response: RateLimitResponse): void;
  /** Pauses every acquisition until `epochMs` (on the limiter's clock); never shortens a pause. */
  pauseUntil(epochMs: number, reason?: RateLimitPauseReason): void;
  /** When the current local pause ends (epoch ms), or 0. */
  readonly pausedUntil: number;
  /** Acquisitions waiting. */
  readonly queueSize: number;
}

interface Waiter {
  readonly weight: number;
  resolve(): void;
  reject(error: KitError): void;
}

/** Most waiters served by one store call. */
const MAX_BATCH = 64;

/** What an uncontended acquire returns: settled already, shared (a settled promise cannot change). */
const GRANTED: Promise<void> = Promise.resolve();

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** Which configured window a server observation describes, if any can be told. */
function matchWindow(observation: RateLimitObservation, limits: readonly RateLimitWindow[]): number {
  if (observation.windowMs !== undefined) {
    const byInterval = limits.findIndex((w) => w.intervalMs === observation.windowMs);
    if (byInterval >= 0) return byInterval;
  }
  if (observation.limit !== undefined) {
    const byLimit = limits.findIndex((w) => w.tokens === observation.limit);
    if (byLimit >= 0) return byLimit;
  }
  return limits.length === 1 ? 0 : -1;
}

/**
 * Creates a rate limiter: token buckets over several windows at once (e.g. 10 per second and 1,200
 * weight per minute), weighted acquisitions (ccxt-style costs), a bounded FIFO queue, and a pause
 * of the whole queue after a 429 or `remaining = 0`. Pass a Redis store (`@kit/retry/redis`) to
 * share one limit between processes.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ limits: [{ tokens: 10, intervalMs: 1000 }, { tokens: 1200, intervalMs: 60_000 }] });
 * await limiter.acquire(5);
 * const response = await fetch(url);
 * limiter.observe({ status: response.status, headers: response.headers });
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const config = { ...DEFAULT_RATE_LIMITER_OPTIONS, ...withoutUndefined(options) };
  const clock = options.clock ?? systemClock;
  const store = options.store ?? createMemoryStore({ clock });
  // A store that can answer a single acquisition synchronously (the memory store) lets an
  // uncontended acquire skip the queue and the pump entirely.
  const tryTake =
    typeof (store as Partial<MemoryStore>).tryTake === 'function' ? (store as MemoryStore) : undefined;
  const logger = options.logger ?? noopLogger;
  const limits = config.limits;
  if (limits.length === 0 || limits.some((w) => !(w.tokens > 0) || !(w.intervalMs > 0))) {
    throw new KitError('client.invalid_argument', {
      message: 'Every rate limit window needs tokens > 0 and intervalMs > 0',
    });
  }
  const maxWeight = Math.min(...limits.map((w) => w.tokens));
  const usedWeightHeaders: Record<string, { limit: number; intervalMs: number }> = {};
  for (const [name, intervalMs] of Object.entries(config.usedWeightHeaders as Record<string, number>)) {
    const window = limits.find((w) => w.intervalMs === intervalMs);
    if (window) usedWeightHeaders[name] = { limit: window.tokens, intervalMs };
  }

  const usedWeightNames = Object.keys(usedWeightHeaders).map((name) => name.toLowerCase());
  /** Whether `headers` may say anything `observe` acts on (true when the names cannot be listed). */
  const mayLimit = (headers: RateLimitResponse['headers']): boolean => {
    const names = listHeaderNames(headers);
    if (names === undefined) return true;
    return names.some(
      (name) =>
        name.startsWith('x-ratelimit') ||
        name.startsWith('ratelimit') ||
        name.startsWith('retry-after') ||
        usedWeightNames.includes(name),
    );
  };

  const queue: Waiter[] = [];
  let pumping = false;
  let pausedUntil = 0;
  let wake = new AbortController();

  const nap = async (ms: number): Promise<void> => {
    try {
      await clock.sleep(ms, wake.signal);
    } catch {
      // Woken early: the queue or the pause changed.
    }
  };
  const wakeUp = (): void => {
    wake.abort();
    wake = new AbortController();
  };
  const storeFailure = (error: unknown): KitError =>
    isKitError(error, 'rate_limit.store_unavailable')
      ? error
      : new KitError('rate_limit.store_unavailable', { cause: error, outcome: 'not_sent' });
  const background = (work: () => void | Promise<void>): void => {
    try {
      const result = work();
      if (isPromise(result))
        result.catch((error: unknown) =>
          logger.warn('rate limiter: store update failed', { error: storeFailure(error).toJSON() }),
        );
    } catch (error) {
      logger.warn('rate limiter: store update failed', { error: storeFailure(error).toJSON() });
    }
  };

  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      // Bounded by the queue: each turn grants, rejects or sleeps until something can change.
      while (queue.length > 0) {
        const head = queue[0] as Waiter;
        const now = clock.now();
        if (pausedUntil > now) {
          await nap(pausedUntil - now);
          continue;
        }
        // One store call serves the longest prefix of the queue that fits (one Redis round trip
        // for many waiters), still strictly in order.
        const batch = queue.slice(0, MAX_BATCH);
        let result: TakeResult;
        try {
          const taken = store.take(
            config.key,
            limits,
            batch.map((w) => w.weight),
          );
          result = isPromise(taken) ? await taken : taken;
        } catch (error) {
          if (queue[0] === head) queue.shift();
          head.reject(storeFailure(error));
          continue;
        }
        for (const waiter of batch.slice(0, result.granted)) {
          // A waiter aborted while the store answered has left the queue; the tokens it took stay
          // spent, which errs on the side of sending less.
          const index = queue.indexOf(waiter);
          if (index < 0) continue;
          queue.splice(index, 1);
          waiter.resolve();
        }
        const refused = batch[result.granted];
        if (refused !== undefined && queue[0] === refused) await nap(Math.max(1, result.retryInMs));
      }
    } finally {
      pumping = false;
    }
  };

  const limiter: RateLimiter = {
    get pausedUntil() {
      return pausedUntil > clock.now() ? pausedUntil : 0;
    },
    get queueSize() {
      return queue.length;
    },
    acquire(weight = 1, acquireOptions = {}) {
      const { signal } = acquireOptions;
      if (!(weight > 0) || weight > maxWeight) {
        return Promise.reject(
          new KitError('client.invalid_argument', {
            message: `Rate limit weight must be > 0 and at most ${maxWeight} (the smallest window); got ${weight}`,
          }),
        );
      }
      if (signal?.aborted) return Promise.reject(abortError(signal));
      // Fast path: nobody waiting, no pause, and the tokens are there now. FIFO holds, since only an
      // empty queue may be overtaken; a store failure falls through to the queue, which reports it.
      if (tryTake !== undefined && queue.length === 0 && !pumping && pausedUntil <= clock.now()) {
        try {
          if (tryTake.tryTake(config.key, limits, weight)) return GRANTED;
        } catch {
          // Handled by the queued path below.
        }
      }
      if (queue.length >= config.maxQueueSize) {
        return Promise.reject(
          new KitError('rate_limit.queue_full', {
            message: `${queue.length} acquisitions are already waiting (maxQueueSize ${config.maxQueueSize})`,
            outcome: 'not_sent',
          }),
        );
      }
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          // A smaller acquisition behind it may fit now.
          if (index === 0) wakeUp();
          reject(abortError(signal as AbortSignal));
        };
        const waiter: Waiter = {
          weight,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        void pump();
      });
    },
    pauseUntil(epochMs, reason = 'manual') {
      const now = clock.now();
      const until = Math.min(epochMs, now + config.maxPauseMs);
      if (until <= now || until <= pausedUntil) return;
      pausedUntil = until;
      background(() => store.block(config.key, until - now));
      options.onPause?.({ untilMs: until, reason });
    },
    observe({ status, headers }) {
      // The common case, a success without a single rate-limit header, costs one pass over the names.
      if (status !== 429 && status !== 418 && !mayLimit(headers)) return;
      const now = clock.now();
      const observations = parseRateLimitHeaders(headers, { nowMs: now, usedWeightHeaders });
      // Only an explicit Retry-After / retry-after-ms: many APIs send a reset on every response.
      const retryAfterMs = parseExplicitRetryAfter(headers, now);
      const exhausted = observations.find((o) => o.remaining <= 0);
      // 418 is Binance's "IP banned" answer to ignored 429s: it carries Retry-After the same way.
      if (status === 429 || status === 418) {
        // Retry-After takes precedence, then the window's reset, then a fixed pause.
        const waitMs = parseRetryAfter(headers, now) ?? exhausted?.resetMs ?? config.defaultPauseMs;
        limiter.pauseUntil(now + waitMs, 'status_429');
        return;
      }
      if (retryAfterMs !== undefined && status === 503) limiter.pauseUntil(now + retryAfterMs, 'retry_after');
      if (exhausted) {
        limiter.pauseUntil(
          now + (retryAfterMs ?? exhausted.resetMs ?? config.defaultPauseMs),
          'remaining_zero',
        );
      }
      for (const observation of observations) {
        if (observation.remaining <= 0) continue;
        const index = matchWindow(observation, limits);
        if (index >= 0) background(() => store.clamp(config.key, limits, index, observation.remaining));
      }
    },
  };
  return limiter;
}
