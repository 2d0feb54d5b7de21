import { KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { type Logger, noopLogger, type SecretInput, toSecret } from '@kit/logger';
import { Redis } from 'ioredis';
import type { Clock } from './clock';
import { createMemoryStore } from './memory-store';
import type { RateLimitLevels, RateLimitStore, RateLimitWindow, TakeResult } from './rate-limit-store';
import { BLOCK_SCRIPT, CLAMP_SCRIPT, TAKE_SCRIPT } from './redis-scripts';
import { systemClock } from './system-clock';

/** Options for {@link createRedisStore}. Give `client` or `url`. */
export interface RedisStoreOptions {
  /** An ioredis client you own (kit never closes it). @default undefined */
  client?: Redis;
  /**
   * A Redis URL; kit creates (and `close()` quits) its own client. It may hold a password, so it is
   * kept as a `Secret` and never logged. @default undefined
   */
  url?: SecretInput;
  /** Prefix of every key kit writes. @default 'kit:ratelimit:' */
  prefix?: string;
  /**
   * While Redis is unreachable: `true` keeps going with a per-process in-memory bucket (the limit
   * is no longer shared, but each process still honours it and every 429); `false` rejects
   * acquisitions with `rate_limit.store_unavailable`. @default true
   */
  failOpen?: boolean;
  /** How long one Redis call may take before it counts as a failure, in milliseconds. @default 1_000 */
  commandTimeoutMs?: number;
  /** Clock of the fail-open fallback bucket and of the refill {@link RedisStore.peek} adds to the last known levels. @default systemClock */
  clock?: Clock;
  /** Where outages are logged (once per outage, warn). @default noopLogger */
  logger?: Logger;
}

/** Defaults of {@link RedisStoreOptions}, applied in `createRedisStore` only. */
export const DEFAULT_REDIS_STORE_OPTIONS = {
  prefix: 'kit:ratelimit:',
  failOpen: true,
  commandTimeoutMs: 1_000,
} as const satisfies RedisStoreOptions;

/** A {@link RateLimitStore} in Redis. */
export interface RedisStore extends RateLimitStore {
  /** {@inheritDoc RateLimitStore.take} One script call, atomic across processes. */
  take(key: string, windows: readonly RateLimitWindow[], weights: readonly number[]): Promise<TakeResult>;
  /** {@inheritDoc RateLimitStore.block} Seen by every process on the key. */
  block(key: string, durationMs: number): Promise<void>;
  /** {@inheritDoc RateLimitStore.clamp} Seen by every process on the key. */
  clamp(
    key: string,
    windows: readonly RateLimitWindow[],
    windowIndex: number,
    remaining: number,
  ): Promise<void>;
  /**
   * What this process last learned of `key`'s buckets, synchronously and without a Redis call
   * (`exact: false`): the levels Redis returned with this process's last take on `key` (lowered by
   * its clamps since), refilled since at each window's rate on the store's `clock`, or 0 in every
   * window while a pause it was told of lasts. Other processes' takes since are not in it, so it
   * can be higher than Redis's count until this process's next take. While Redis is down
   * and the store fails open, the local fallback bucket's levels, exactly (`exact: true`).
   * `undefined` before the first take on `key`.
   */
  peek(key: string, windows: readonly RateLimitWindow[]): RateLimitLevels | undefined;
  /** Quits the client if kit created it (from `url`); a client you passed stays open. */
  close(): Promise<void>;
}

/** What a Redis answer said about one key's buckets, kept for {@link RedisStore.peek}. */
interface LastKnown {
  /** Each window's level when it was said. */
  levels: number[];
  /** When it was said (the store's clock), or when a pause it was told of ends. */
  at: number;
  /** Until when the key is paused, as far as this process knows (the store's clock). */
  blockedUntil: number;
}

/** Keys whose last known levels are kept; the least recently updated is forgotten beyond it. */
const MAX_KNOWN_KEYS = 1_000;

type ScriptedRedis = Redis & {
  kitRateLimitTake(
    bucket: string,
    blocked: string,
    ...args: Array<string | number>
  ): Promise<[number, number, ...string[]]>;
  kitRateLimitBlock(blocked: string, bucket: string, durationMs: number): Promise<number>;
  kitRateLimitClamp(bucket: string, ...args: Array<string | number>): Promise<number>;
};

/**
 * A Redis-backed store: the token buckets and a shared "blocked until" mark live in Redis, updated
 * by Lua scripts that run atomically and take time from the Redis server (`TIME`), so several
 * processes share one limit exactly and a 429 seen by one pauses all of them.
 *
 * @example
 * ```ts
 * import { createRateLimiter } from '@kit/retry';
 * import { createRedisStore } from '@kit/retry/redis';
 * const store = createRedisStore({ url: process.env.REDIS_URL });
 * const limiter = createRateLimiter({ store, key: 'broker-api', limits: [{ tokens: 10, intervalMs: 1000 }] });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const config = { ...DEFAULT_REDIS_STORE_OPTIONS, ...withoutUndefined(options) };
  const logger = options.logger ?? noopLogger;
  if (!options.client && !options.url) {
    throw new KitError('client.invalid_argument', {
      message: 'createRedisStore needs a `client` or a `url`',
    });
  }
  const owned = options.client === undefined;
  const client = (options.client ??
    new Redis(toSecret(options.url as SecretInput).reveal(), {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      commandTimeout: config.commandTimeoutMs,
    })) as ScriptedRedis;
  if (owned) client.on('error', () => {}); // failures surface per command; don't crash on 'error' events
  // defineCommand sends EVALSHA and falls back to EVAL once when Redis does not know the script.
  if (typeof client.kitRateLimitTake !== 'function') {
    client.defineCommand('kitRateLimitTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
    client.defineCommand('kitRateLimitBlock', { numberOfKeys: 2, lua: BLOCK_SCRIPT });
    client.defineCommand('kitRateLimitClamp', { numberOfKeys: 1, lua: CLAMP_SCRIPT });
  }
  const clock = options.clock ?? systemClock;
  const fallback = createMemoryStore({ clock });
  let down = false;
  // While Redis is down, probe it at most once per `commandTimeoutMs` instead of making every
  // acquisition wait for a timeout.
  let nextProbeAt = 0;

  const known = new Map<string, LastKnown>();
  const remember = (key: string, entry: LastKnown): void => {
    // Re-inserted on every update: the first key in the map is the least recently updated.
    known.delete(key);
    known.set(key, entry);
    if (known.size > MAX_KNOWN_KEYS) {
      const oldest = known.keys().next().value;
      if (oldest !== undefined) known.delete(oldest);
    }
  };
  /** A pause of `durationMs` from now: every window holds one token when it ends (as in Redis). */
  const rememberPause = (key: string, durationMs: number): void => {
    const entry = known.get(key);
    if (entry === undefined || !(durationMs > 0)) return;
    const until = clock.now() + durationMs;
    if (until <= entry.blockedUntil) return;
    entry.blockedUntil = until;
    entry.at = until;
    // Capped at each window's size when read.
    entry.levels = entry.levels.map(() => 1);
  };

  // Redis Cluster needs both keys of a script in one slot: the {hash tag} does that.
  const bucketKey = (key: string) => `${config.prefix}{${key}}:bucket`;
  const blockedKey = (key: string) => `${config.prefix}{${key}}:blocked`;

  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    if (down && clock.now() < nextProbeAt) {
      throw new KitError('rate_limit.store_unavailable', {
        message: 'The Redis rate-limit store is down',
        outcome: 'not_sent',
      });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Redis did not answer within ${config.commandTimeoutMs} ms`)),
            config.commandTimeoutMs,
          );
        }),
      ]);
      if (down) logger.info('rate limiter: Redis store is back');
      down = false;
      return result;
    } catch (error) {
      if (!down) {
        logger.warn(
          `rate limiter: Redis store unavailable; ${config.failOpen ? 'failing open with a local bucket' : 'failing closed'}`,
          {
            cause: error instanceof Error ? error.message : String(error),
          },
        );
      }
      down = true;
      nextProbeAt = clock.now() + config.commandTimeoutMs;
      throw new KitError('rate_limit.store_unavailable', { cause: error, outcome: 'not_sent' });
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async take(key, windows, weights) {
      const args = [windows.length, ...windows.flatMap((w) => [w.tokens, w.intervalMs]), ...weights];
      try {
        const [granted, retryInMs, ...levels] = await call(() =>
          client.kitRateLimitTake(bucketKey(key), blockedKey(key), ...args),
        );
        if (levels.length === windows.length) {
          remember(key, { levels: levels.map(Number), at: clock.now(), blockedUntil: 0 });
        } else if (Number(granted) === 0) {
          // Paused in Redis (by this process or another): only how long is known.
          rememberPause(key, Number(retryInMs));
        }
        return { granted: Number(granted), retryInMs: Number(retryInMs) };
      } catch (error) {
        if (config.failOpen) return fallback.take(key, windows, weights);
        throw error;
      }
    },
    peek(key, windows) {
      if (down && config.failOpen) return fallback.peek(key, windows);
      const entry = known.get(key);
      if (entry === undefined || entry.levels.length !== windows.length) return undefined;
      const now = clock.now();
      if (entry.blockedUntil > now) return { tokens: windows.map(() => 0), exact: false };
      const elapsed = Math.max(0, now - entry.at);
      const tokens = windows.map((window, i) =>
        Math.min(window.tokens, (entry.levels[i] as number) + (elapsed * window.tokens) / window.intervalMs),
      );
      return { tokens, exact: false };
    },
    async block(key, durationMs) {
      fallback.block(key, durationMs);
      rememberPause(key, durationMs);
      await call(() =>
        client.kitRateLimitBlock(blockedKey(key), bucketKey(key), Math.max(0, Math.ceil(durationMs))),
      ).catch((error: unknown) => {
        if (!config.failOpen) throw error;
      });
    },
    async clamp(key, windows, windowIndex, remaining) {
      fallback.clamp(key, windows, windowIndex, remaining);
      const entry = known.get(key);
      if (entry !== undefined && windowIndex < windows.length && entry.levels.length === windows.length) {
        // The server's count wins here too: refill the window to now, then lower it.
        const now = clock.now();
        const elapsed = Math.max(0, now - entry.at);
        entry.levels = entry.levels.map((level, i) => {
          const w = windows[i] as RateLimitWindow;
          const refilled = Math.min(w.tokens, level + (elapsed * w.tokens) / w.intervalMs);
          return i === windowIndex ? Math.max(0, Math.min(refilled, remaining)) : refilled;
        });
        entry.at = Math.max(entry.at, now);
      }
      const window = windows[windowIndex];
      if (!window) return;
      const longest = Math.max(...windows.map((w) => w.intervalMs));
      await call(() =>
        client.kitRateLimitClamp(
          bucketKey(key),
          windowIndex + 1,
          remaining,
          window.tokens,
          window.intervalMs,
          longest,
        ),
      ).catch((error: unknown) => {
        if (!config.failOpen) throw error;
      });
    },
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect());
    },
  };
}
