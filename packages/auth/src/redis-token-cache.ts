import { KitError } from '@kit/errors';
import { type Logger, noopLogger, registerSecretValue, type SecretInput, toSecret } from '@kit/logger';
import { systemClock } from '@kit/retry';
import { Redis } from 'ioredis';
import type { AuthClock } from './auth-clock';
import { registerCredential } from './derived-secrets';
import type {
  OAuth2TokenCache,
  OAuth2TokenCacheRequest,
  ObtainedOAuth2Token,
  SharedOAuth2Token,
} from './oauth2-token-cache';
import {
  ACQUIRE_SCRIPT,
  INVALIDATE_SCRIPT,
  READ_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  WRITE_SCRIPT,
} from './redis-token-scripts';

/** Options for {@link createRedisTokenCache}. Give `client` or `url`. */
export interface RedisTokenCacheOptions {
  /** An ioredis client you own (kit never closes it). @default undefined */
  client?: Redis;
  /**
   * A Redis URL (`redis://` or `rediss://`); kit creates (and `close()` quits) its own client. It may
   * hold a password, so it is kept as a `Secret` and never logged. @default undefined
   */
  url?: SecretInput;
  /** Prefix of every key kit writes. @default 'kit:oauth2:' */
  prefix?: string;
  /**
   * How long the lock of the process fetching a token lives, in milliseconds. The holder renews it
   * every third of this while its token request runs, so a process that dies holding it blocks the
   * others for at most this long. @default 10_000
   */
  lockTtlMs?: number;
  /**
   * How long a process waits for another one's token request before it fetches its own, in
   * milliseconds: a safety net longer than a token request can take at the strategy's defaults
   * (3 attempts of at most 10 s, plus backoff). @default 60_000
   */
  waitTimeoutMs?: number;
  /**
   * How long one Redis call may take before it counts as an outage, in milliseconds; while Redis is
   * down it is probed again at most once per this interval. @default 1_000
   */
  commandTimeoutMs?: number;
  /** Time source and sleeps (polling, lock renewal, timeouts). @default the system clock */
  clock?: AuthClock;
  /** Random source in [0, 1) for polling jitter. @default Math.random */
  random?: () => number;
  /** Where outages (warn, once per outage) and recoveries (info) are logged; never tokens. @default noopLogger */
  logger?: Logger;
}

/** Defaults of {@link RedisTokenCacheOptions}, applied in `createRedisTokenCache` only. */
export const DEFAULT_REDIS_TOKEN_CACHE_OPTIONS = {
  prefix: 'kit:oauth2:',
  lockTtlMs: 10_000,
  waitTimeoutMs: 60_000,
  commandTimeoutMs: 1_000,
} as const satisfies RedisTokenCacheOptions;

/** An {@link OAuth2TokenCache} on Redis. */
export interface RedisTokenCache extends OAuth2TokenCache {
  /** Whether the last Redis call failed (tokens are per process until a call succeeds again). */
  readonly degraded: boolean;
  /** Quits the client if kit created it (from `url`); a client you passed stays open. */
  close(): Promise<void>;
}

type ScriptedRedis = Redis & {
  kitOAuth2Read(token: string, lock: string): Promise<[string | null, string | null, number, number]>;
  kitOAuth2Acquire(
    token: string,
    lock: string,
    fence: string,
    ttlMs: number,
  ): Promise<[number, string | null, string | null, number]>;
  kitOAuth2Write(
    token: string,
    lock: string,
    fence: string,
    accessToken: string,
    lifetimeMs: number,
    ttlMs: number,
  ): Promise<number>;
  kitOAuth2Release(lock: string, fence: string): Promise<number>;
  kitOAuth2Renew(lock: string, fence: string, ttlMs: number): Promise<number>;
  kitOAuth2Invalidate(token: string, accessToken: string): Promise<number>;
};

/** Polling for another process's token: from 10 ms, doubling, at most 250 ms apart (with jitter). */
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 250;
/** Tokens longer than this are not tokens (and are not registered or used). */
const MAX_TOKEN_LENGTH = 16_384;
const KEY_PREFIX = /^[^{}]{0,64}$/;

/** Thrown by Redis calls (timeouts, connection failures); never leaves the cache. */
class StoreDown extends Error {}

function positiveInteger(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new KitError('client.invalid_argument', {
      message: `createRedisTokenCache: \`${name}\` must be an integer of at least ${min}`,
      hint: `Fix ${name}, or leave it out for the default.`,
    });
  }
  return value;
}

/** Checks the URL without ever putting it (it may hold a password) into an error, and registers its password. */
function checkedUrl(input: SecretInput): string {
  const url = toSecret(input).reveal();
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
    throw new KitError('client.invalid_argument', {
      message: 'createRedisTokenCache: `url` must be a redis:// or rediss:// URL',
      hint: 'Pass a URL such as redis://127.0.0.1:6379 (the value is not shown: it may hold a password).',
    });
  }
  if (parsed.password) {
    registerSecretValue(parsed.password);
    try {
      registerSecretValue(decodeURIComponent(parsed.password));
    } catch {
      // Not percent-encoded text: the raw form is registered.
    }
  }
  return url;
}

/**
 * A shared OAuth2 token cache on Redis for `oauth2ClientCredentials({ tokenCache })`: processes
 * starting together make one token request (the first takes a lock with a fencing value, the others
 * poll until its token is stored); a refresh is made by one process while the others keep their
 * current token; while Redis is unreachable every process fetches its own token, with one warning
 * per outage, and sharing resumes on its own once Redis answers again.
 *
 * Keys (all under one `{hash tag}`, so it works on Redis Cluster): `<prefix>{<key>}:token`, a hash
 * with the access token whose TTL is the token's remaining lifetime, and `<prefix>{<key>}:lock`.
 * The token is a bearer credential at rest in Redis: protect Redis like the client secret.
 *
 * @example
 * ```ts
 * import { oauth2ClientCredentials } from '@kit/auth';
 * import { createRedisTokenCache } from '@kit/auth/redis';
 * const tokenCache = createRedisTokenCache({ url: process.env.REDIS_URL });
 * const auth = oauth2ClientCredentials({ tokenUrl, clientId, clientSecret, tokenCache });
 * ```
 */
export function createRedisTokenCache(options: RedisTokenCacheOptions): RedisTokenCache {
  const defaults = DEFAULT_REDIS_TOKEN_CACHE_OPTIONS;
  if (typeof options !== 'object' || options === null) {
    throw new KitError('client.invalid_argument', {
      message: 'createRedisTokenCache needs an options object with `client` or `url`',
    });
  }
  if (options.client === undefined && options.url === undefined) {
    throw new KitError('client.invalid_argument', {
      message: 'createRedisTokenCache needs a `client` or a `url`',
      hint: 'Pass your ioredis client as `client`, or a redis:// URL as `url`.',
    });
  }
  if (options.client !== undefined && options.url !== undefined) {
    throw new KitError('client.invalid_argument', {
      message: 'createRedisTokenCache takes a `client` or a `url`, not both',
    });
  }
  const prefix = options.prefix ?? defaults.prefix;
  if (typeof prefix !== 'string' || !KEY_PREFIX.test(prefix)) {
    throw new KitError('client.invalid_argument', {
      message: 'createRedisTokenCache: `prefix` must be at most 64 characters without { or }',
      hint: 'Braces would break the hash tag that keeps the keys in one Cluster slot.',
    });
  }
  const lockTtlMs = positiveInteger('lockTtlMs', options.lockTtlMs, defaults.lockTtlMs, 100);
  const waitTimeoutMs = positiveInteger('waitTimeoutMs', options.waitTimeoutMs, defaults.waitTimeoutMs, 0);
  const commandTimeoutMs = positiveInteger(
    'commandTimeoutMs',
    options.commandTimeoutMs,
    defaults.commandTimeoutMs,
    1,
  );
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? noopLogger;

  const owned = options.client === undefined;
  const client = (options.client ??
    new Redis(checkedUrl(options.url as SecretInput), {
      maxRetriesPerRequest: 1,
      commandTimeout: commandTimeoutMs,
    })) as ScriptedRedis;
  // Failures surface per command; an unhandled 'error' event would crash the process.
  if (owned) client.on('error', () => {});
  // defineCommand sends EVALSHA and falls back to EVAL once when Redis does not know the script
  // (after a restart, for instance).
  if (typeof client.kitOAuth2Read !== 'function') {
    client.defineCommand('kitOAuth2Read', { numberOfKeys: 2, lua: READ_SCRIPT });
    client.defineCommand('kitOAuth2Acquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
    client.defineCommand('kitOAuth2Write', { numberOfKeys: 2, lua: WRITE_SCRIPT });
    client.defineCommand('kitOAuth2Release', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    client.defineCommand('kitOAuth2Renew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    client.defineCommand('kitOAuth2Invalidate', { numberOfKeys: 1, lua: INVALIDATE_SCRIPT });
  }

  let down = false;
  let nextProbeAt = Number.NEGATIVE_INFINITY;
  const tokenKey = (key: string) => `${prefix}{${key}}:token`;
  const lockKey = (key: string) => `${prefix}{${key}}:lock`;

  /** One Redis call, bounded by `commandTimeoutMs`; a failure marks the outage (warned once). */
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    const timer = new AbortController();
    try {
      const result = await Promise.race([
        run(),
        clock.sleep(commandTimeoutMs, timer.signal).then(() => {
          throw new Error(`Redis did not answer within ${commandTimeoutMs} ms`);
        }),
      ]);
      if (down) logger.info('oauth2 token cache: Redis is back; tokens are shared again');
      down = false;
      return result;
    } catch (error) {
      if (!down) {
        logger.warn(
          'oauth2 token cache: Redis unavailable; each process fetches its own tokens until it is back',
          {
            cause: error instanceof Error ? error.message : String(error),
          },
        );
      }
      down = true;
      nextProbeAt = clock.now() + commandTimeoutMs;
      throw new StoreDown();
    } finally {
      timer.abort();
    }
  };

  const known = new Map<string, SharedOAuth2Token['accessToken']>();
  /** A stored token as a Secret (registered, with its encoded forms, before anything else sees it). */
  const readToken = (
    value: string | null,
    lifetime: string | null,
    pttl: number,
  ): SharedOAuth2Token | undefined => {
    if (typeof value !== 'string' || value === '' || value.length > MAX_TOKEN_LENGTH || pttl === -2) {
      return undefined;
    }
    let accessToken = known.get(value);
    if (!accessToken) {
      accessToken = toSecret(value);
      registerCredential(value);
      // One entry per token lifetime; keep only the latest few.
      if (known.size >= 8) known.clear();
      known.set(value, accessToken);
    }
    const lifetimeMs = Number(lifetime);
    return {
      accessToken,
      expiresInMs: pttl === -1 ? undefined : pttl,
      lifetimeMs: Number.isFinite(lifetimeMs) && lifetimeMs > 0 ? lifetimeMs : undefined,
    };
  };

  const fetchHere = async (request: OAuth2TokenCacheRequest): Promise<ObtainedOAuth2Token> => ({
    ...(await request.fetch()),
    source: 'fetched',
  });

  /** Holds the lock while `fetch` runs (renewing it), then stores the token and releases the lock. */
  const fetchUnderLock = async (
    key: string,
    fence: string,
    request: OAuth2TokenCacheRequest,
  ): Promise<ObtainedOAuth2Token> => {
    const renewal = new AbortController();
    const renew = async (): Promise<void> => {
      // Bounded by the fetch: the loop ends when `renewal` aborts (in finally below).
      while (!renewal.signal.aborted) {
        await clock.sleep(Math.floor(lockTtlMs / 3), renewal.signal);
        const held = await call(() => client.kitOAuth2Renew(lockKey(key), fence, lockTtlMs));
        if (!held) return;
      }
    };
    renew().catch(() => {});
    let token: SharedOAuth2Token;
    try {
      token = await request.fetch();
    } catch (error) {
      renewal.abort();
      // Let the next process try at once instead of after the lock's TTL.
      await call(() => client.kitOAuth2Release(lockKey(key), fence)).catch(() => {});
      throw error;
    }
    renewal.abort();
    const ttlMs = token.expiresInMs === undefined ? 0 : Math.floor(token.expiresInMs);
    try {
      if (token.expiresInMs !== undefined && ttlMs <= 0) {
        await call(() => client.kitOAuth2Release(lockKey(key), fence));
      } else {
        const stored = await call(() =>
          client.kitOAuth2Write(
            tokenKey(key),
            lockKey(key),
            fence,
            token.accessToken.reveal(),
            Math.max(0, Math.floor(token.lifetimeMs ?? 0)),
            ttlMs,
          ),
        );
        if (!stored) logger.debug('oauth2 token cache: lock lost during the token request; token kept local');
      }
    } catch {
      // Redis went away after the token request: the token is still good here (outage warned once).
    }
    return { ...token, source: 'fetched' };
  };

  const obtainShared = async (
    key: string,
    request: OAuth2TokenCacheRequest,
  ): Promise<ObtainedOAuth2Token> => {
    const giveUpAt = clock.now() + waitTimeoutMs;
    let delayMs = POLL_FIRST_MS;
    // Bounded twice: by the wait timeout on the clock, and by a round count (a clock whose sleeps
    // return at once must not spin forever).
    const maxRounds = Math.ceil(waitTimeoutMs / POLL_FIRST_MS) + 2;
    for (let round = 0; round < maxRounds; round++) {
      const [value, lifetime, pttl, locked] = await call(() =>
        client.kitOAuth2Read(tokenKey(key), lockKey(key)),
      );
      const stored = readToken(value, lifetime, Number(pttl));
      if (stored && request.usable(stored)) return { ...stored, source: 'cache' };
      if (Number(locked) === 0) {
        const fence = globalThis.crypto.randomUUID();
        const [acquired, value2, lifetime2, pttl2] = await call(() =>
          client.kitOAuth2Acquire(tokenKey(key), lockKey(key), fence, lockTtlMs),
        );
        const justStored = readToken(value2, lifetime2, Number(pttl2));
        if (Number(acquired) === 1) {
          if (justStored && request.usable(justStored)) {
            await call(() => client.kitOAuth2Release(lockKey(key), fence)).catch(() => {});
            return { ...justStored, source: 'cache' };
          }
          return await fetchUnderLock(key, fence, request);
        }
        if (justStored && request.usable(justStored)) return { ...justStored, source: 'cache' };
      }
      if (clock.now() >= giveUpAt) break;
      const waitMs = Math.min(delayMs, Math.max(0, giveUpAt - clock.now()));
      await clock.sleep(waitMs / 2 + random() * (waitMs / 2));
      delayMs = Math.min(delayMs * 2, POLL_MAX_MS);
    }
    logger.warn('oauth2 token cache: no token from the process holding the lock in time; fetching here', {
      waitTimeoutMs,
    });
    return fetchHere(request);
  };

  return {
    get degraded() {
      return down;
    },
    async obtain(key, request) {
      if (down && clock.now() < nextProbeAt) return fetchHere(request);
      try {
        return await obtainShared(key, request);
      } catch (error) {
        // Only Redis failures degrade; the token endpoint's own errors are the caller's.
        if (error instanceof StoreDown) return fetchHere(request);
        throw error;
      }
    },
    async invalidate(key, accessToken) {
      if (down && clock.now() < nextProbeAt) return;
      await call(() => client.kitOAuth2Invalidate(tokenKey(key), accessToken.reveal())).catch(() => {});
    },
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect());
    },
  };
}
