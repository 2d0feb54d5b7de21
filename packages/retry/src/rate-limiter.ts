import { isKitError, KitError, parseExplicitRetryAfter, parseRateLimitReset } from '@kit/errors';
import {
  exhaustedResetMs,
  isRateLimitHeaderName,
  listHeaderNames,
  parseRateLimitHeaders,
  type RateLimitObservation,
  withoutUndefined,
} from '@kit/errors/internal';
import { noopLogger } from '@kit/logger';
import { abortableSettlers, abortError } from './abort-error';
import {
  AdaptiveRate,
  DEFAULT_ADAPTIVE_RATE_OPTIONS,
  GRANT_MASK,
  measuredRate,
  REFUND_DELAY,
} from './adaptive-rate';
import { createMemoryStore, type MemoryStore } from './memory-store';
import type { RateLimitLevels, RateLimitWindow, TakeResult } from './rate-limit-store';
import {
  type AcquireOptions,
  DEFAULT_RATE_LIMITER_OPTIONS,
  type RateLimiterOptions,
  type RateLimitHeadroom,
  type RateLimitPauseReason,
  type RateLimitResponse,
} from './rate-limiter-options';
import { systemClock } from './system-clock';

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
   * reset; `remaining = 0` pauses until the reset; other `remaining` values lower the buckets. A
   * 429 (or 418) also switches the limiter to pacing for good (see {@link RateLimiter.pacing}).
   */
  observe(response: RateLimitResponse): void;
  /**
   * Pauses every acquisition until `epochMs` (on the limiter's clock) and empties the buckets, so
   * that the queue resumes at the configured rate, not in a burst; never shortens a pause.
   */
  pauseUntil(epochMs: number, reason?: RateLimitPauseReason): void;
  /** When the current local pause ends (epoch ms), or 0. */
  readonly pausedUntil: number;
  /**
   * Whether the limiter paces: after a 429 it did not foresee, each window's burst shrinks to the
   * largest single acquisition seen (one request, unweighted) at the same rate, so requests leave
   * evenly spaced from then on instead of a bucket at a time.
   */
  readonly pacing: boolean;
  /** Acquisitions waiting. */
  readonly queueSize: number;
  /**
   * The local headroom, read synchronously from the store without I/O (cheap enough for a gauge
   * callback; one small object per read). `undefined` when the store cannot tell: a custom store
   * without `peek`, or the Redis store before this process's first acquisition on the key. See
   * {@link RateLimitHeadroom.exact} for what a shared store's figure means.
   *
   * @example
   * ```ts
   * meter.createObservableGauge('limiter.headroom').addCallback((result) => {
   *   const headroom = limiter.headroom;
   *   if (headroom !== undefined) result.observe(headroom.ratio);
   * });
   * ```
   */
  readonly headroom: RateLimitHeadroom | undefined;
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
  if (options.defaultPauseMs !== undefined && !(options.defaultPauseMs >= 0)) {
    throw new KitError('client.invalid_argument', {
      message: `defaultPauseMs must be a number of milliseconds >= 0; got ${String(options.defaultPauseMs)}`,
    });
  }
  const maxWeight = Math.min(...limits.map((w) => w.tokens));
  // One request's interval at the configured rate: how long the slowest window takes to refill one token.
  const defaultPauseMs = options.defaultPauseMs ?? Math.max(...limits.map((w) => w.intervalMs / w.tokens));
  // The rate of the tightest window, in weight per second: the most the learned rate may reach.
  const configuredRate = Math.min(...limits.map((w) => (w.tokens * 1_000) / w.intervalMs));
  // The windows the store enforces: the configured ones until a 429; from then on (`pacing`) the
  // same windows with a burst of the largest acquisition seen, at the learned rate (`adaptive`,
  // at most the configured one), rebuilt when that rate has moved by more than 0.2%.
  let windows: readonly RateLimitWindow[] = limits;
  let pacing = false;
  let adaptive: AdaptiveRate | undefined;
  let factor = 1;
  let largestWeight = 1;
  const shape = (): void => {
    windows = limits.map((w) => {
      const burst = Math.min(w.tokens, largestWeight);
      return burst === w.tokens && factor === 1
        ? w
        : { tokens: burst, intervalMs: (w.intervalMs * burst) / w.tokens / factor };
    });
  };
  const pace = (now: number): void => {
    pacing = true;
    // Requests granted so far were let go before the limiter knew: the round of this 429. The burst
    // was the cause, so pacing (not a lower rate) is the answer to it.
    adaptive = new AdaptiveRate({
      ratePerSecond: configuredRate,
      minRatePerSecond: Math.min(configuredRate, DEFAULT_ADAPTIVE_RATE_OPTIONS.minRatePerSecond),
      maxRatePerSecond: configuredRate,
      recoveryMs: DEFAULT_ADAPTIVE_RATE_OPTIONS.recoveryMs,
      nowMs: now,
      // A first 429 after a run of successes was noise (the burst did not cause it): the next one
      // then counts as isolated too.
      okBefore: successes,
      firstMark: granted + 1,
    });
    shape();
  };
  const enforced = (now: number): readonly RateLimitWindow[] => {
    if (adaptive === undefined) return windows;
    const next = adaptive.rateAt(now) / configuredRate;
    if (Math.abs(next - factor) > factor * 0.002) {
      factor = next;
      shape();
    }
    return windows;
  };
  // Grants so far and responses observed: responses come back roughly in grant order, so the n-th
  // observed belongs to the n-th grant, which tells a 429 of the current round from a new one.
  let granted = 0;
  let observed = 0;
  // Successes observed before the first 429.
  let successes = 0;
  // When the last few grants happened (recorded once pacing): the rate actually sent.
  const grantTimes = new Float64Array(8);
  let grantTimeCount = 0;
  // One bit per recent grant, set when it waited in the queue: the limiter, not the caller, set the pace.
  let waitedGrants = 0;
  const recordGrant = (now: number, waited: boolean): void => {
    granted++;
    if (!pacing) return;
    waitedGrants = ((waitedGrants << 1) | (waited ? 1 : 0)) & GRANT_MASK;
    grantTimes[grantTimeCount % grantTimes.length] = now;
    grantTimeCount++;
  };
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
    return names.some((name) => isRateLimitHeaderName(name) || usedWeightNames.includes(name));
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
            enforced(now),
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
          recordGrant(now, true);
          waiter.resolve();
        }
        const refused = batch[result.granted];
        if (refused !== undefined && queue[0] === refused) await nap(Math.max(1, result.retryInMs));
      }
    } finally {
      pumping = false;
    }
  };

  /** Pauses until `epochMs` (capped at `maxPauseMs`) and empties the buckets; never shortens a pause. */
  const pause = (epochMs: number, reason: RateLimitPauseReason, now = clock.now()): void => {
    const until = Math.min(epochMs, now + config.maxPauseMs);
    if (until <= now || until <= pausedUntil) return;
    pausedUntil = until;
    background(() => store.block(config.key, until - now));
    options.onPause?.({ untilMs: until, reason });
  };

  const limiter: RateLimiter = {
    get pausedUntil() {
      return pausedUntil > clock.now() ? pausedUntil : 0;
    },
    get queueSize() {
      return queue.length;
    },
    get pacing() {
      return pacing;
    },
    get headroom() {
      const now = clock.now();
      let levels: RateLimitLevels | undefined;
      try {
        levels = store.peek?.(config.key, enforced(now));
      } catch {
        // A custom store's peek failed: as unknown as a store without one.
        return undefined;
      }
      // A malformed answer (fewer windows than configured) says nothing either.
      if (levels === undefined || !(levels.tokens.length >= limits.length)) return undefined;
      const paused = pausedUntil > now;
      let available = Number.POSITIVE_INFINITY;
      let ratio = 1;
      for (let i = 0; i < limits.length; i++) {
        const capacity = (limits[i] as RateLimitWindow).tokens;
        const raw = levels.tokens[i];
        const tokens = paused || !((raw as number) > 0) ? 0 : Math.min(capacity, raw as number);
        if (tokens < available) available = tokens;
        if (tokens / capacity < ratio) ratio = tokens / capacity;
      }
      return { available, ratio, exact: levels.exact };
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
      if (weight > largestWeight) {
        largestWeight = weight;
        if (pacing) shape();
      }
      // Fast path: nobody waiting, no pause, and the tokens are there now. FIFO holds, since only an
      // empty queue may be overtaken; a store failure falls through to the queue, which reports it.
      const now = clock.now();
      if (tryTake !== undefined && queue.length === 0 && !pumping && pausedUntil <= now) {
        try {
          if (tryTake.tryTake(config.key, enforced(now), weight)) {
            recordGrant(now, false);
            return GRANTED;
          }
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
        const waiter: Waiter = { weight, ...abortableSettlers(signal, resolve, reject, onAbort) };
        queue.push(waiter);
        void pump();
      });
    },
    pauseUntil(epochMs, reason = 'manual') {
      pause(epochMs, reason);
    },
    observe({ status, headers }) {
      const mark = observed < granted ? ++observed : observed;
      const throttled = status === 429 || status === 418;
      if (!throttled) {
        if (adaptive === undefined) successes++;
        else adaptive.onSuccess(mark);
      }
      // The common case, a success without a single rate-limit header, costs one pass over the names.
      if (!throttled && !mayLimit(headers)) return;
      const now = clock.now();
      const observations = parseRateLimitHeaders(headers, { nowMs: now, usedWeightHeaders });
      // Only an explicit Retry-After / retry-after-ms: many APIs send a reset on every response.
      const retryAfterMs = parseExplicitRetryAfter(headers, now);
      const exhausted = observations.some((o) => o.remaining <= 0);
      // 418 is Binance's "IP banned" answer to ignored 429s: it carries Retry-After the same way.
      if (throttled) {
        // The server refused a request the limiter let go. The first time, whatever the configured
        // burst, it is too much for this server: from now on requests leave one at a time. After
        // that, the rate itself is cut (and climbs back), never above the configured one.
        let outcome: 'isolated' | 'cut' | 'round' = 'cut';
        if (adaptive === undefined) pace(now);
        else {
          outcome = adaptive.onThrottle(
            now,
            mark,
            granted + 1,
            waitedGrants !== 0 ? undefined : measuredRate(grantTimes, grantTimeCount, pausedUntil),
            false,
          );
        }
        // Retry-After takes precedence, then the exhausted window's reset, then any reset header.
        const hintMs = retryAfterMs ?? exhaustedResetMs(observations) ?? parseRateLimitReset(headers, now);
        // Without a hint: `defaultPauseMs`, by default one interval at the learned rate (the
        // refused request left too early). When the 429 was isolated and no request left after
        // the refused one, that one reached the server just too early and did not count there:
        // the pause (which leaves a token at its end) is a fifth of an interval, handing its slot
        // back instead of wasting it.
        const intervalMs = 1_000 / (adaptive?.rateAt(now) ?? configuredRate);
        const refund = hintMs === undefined && outcome === 'isolated' && mark === granted;
        // The request sent in the handed-back slot may meet the same stall: part of this round.
        if (refund) adaptive?.extendRound(granted + 2);
        const waitMs = hintMs ?? options.defaultPauseMs ?? (refund ? intervalMs * REFUND_DELAY : intervalMs);
        pause(now + waitMs, 'status_429', now);
        return;
      }
      if (retryAfterMs !== undefined && status === 503) pause(now + retryAfterMs, 'retry_after', now);
      if (exhausted) {
        pause(
          now + (retryAfterMs ?? exhaustedResetMs(observations) ?? defaultPauseMs),
          'remaining_zero',
          now,
        );
      }
      for (const observation of observations) {
        if (observation.remaining <= 0) continue;
        const index = matchWindow(observation, limits);
        if (index >= 0)
          background(() => store.clamp(config.key, enforced(now), index, observation.remaining));
      }
    },
  };
  return limiter;
}
