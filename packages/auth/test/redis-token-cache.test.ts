import { once } from 'node:events';
import { inspect } from 'node:util';
import { isKitError, KitError } from '@kit/errors';
import { type Logger, redactSecretValues } from '@kit/logger';
import { type CapturingLogger, createCapturingLogger } from '@kit/logger/testing';
import { createManualClock, type ManualClock } from '@kit/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRequest } from '../src/auth-strategy';
import { type OAuth2ClientCredentialsAuth, oauth2ClientCredentials } from '../src/oauth2-client-credentials';
import type { OAuth2TokenCache } from '../src/oauth2-token-cache';
import { createRedisTokenCache, type RedisTokenCache, type RedisTokenCacheOptions } from '../src/redis';
import { REDIS_SKIP_REASON, REDIS_URL, uniqueKey } from './redis-env';
import { type RedisOutageProxy, startRedisOutageProxy } from './redis-proxy';
import { deferred, startTokenServer, type TokenReply, type TokenServer, tokenBody } from './token-server';

const API = 'https://api.example.com/v1/orders';
const request = (token?: string): AuthRequest => ({
  method: 'GET',
  url: API,
  path: '/v1/orders',
  query: [],
  headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
});
const unauthorized = () => new KitError('auth.invalid_credentials', { status: 401 });
const bearer = async (auth: OAuth2ClientCredentialsAuth) =>
  (await auth.authenticate(request())).headers.Authorization;

describe.skipIf(!REDIS_URL)(`Redis token cache${REDIS_SKIP_REASON}`, () => {
  let redis: Redis;
  let server: TokenServer | undefined;
  const owned: Array<{ close(): Promise<void> }> = [];

  beforeAll(() => {
    redis = new Redis(REDIS_URL as string);
  });
  afterAll(async () => {
    // This run's keys (uniqueKey() names carry the pid), so reruns leave nothing behind.
    const keys = await redis.keys(`kit:oauth2:{test-*-${process.pid}-*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  afterEach(async () => {
    for (const item of owned.splice(0)) await item.close();
    await server?.close();
    server = undefined;
  });

  /** One "process": its own Redis connection (kit's own client, from the URL). */
  function cache(options: Partial<RedisTokenCacheOptions> = {}): RedisTokenCache {
    const created = createRedisTokenCache({ url: REDIS_URL as string, ...options });
    owned.push(created);
    return created;
  }

  function strategy(
    tokenCache: OAuth2TokenCache,
    key: string,
    extra: { logger?: Logger; clock?: ManualClock } = {},
  ): OAuth2ClientCredentialsAuth {
    return oauth2ClientCredentials({
      tokenUrl: (server as TokenServer).url,
      clientId: 'client-redis',
      clientSecret: 'cs-redis-cache-0123',
      tokenCache,
      tokenCacheKey: key,
      ...extra,
    });
  }

  /** A token endpoint issuing distinct long tokens (long enough to be registered for redaction). */
  async function tokens(
    expiresInS: number | null = 3600,
    hold?: Map<number, Promise<TokenReply>>,
  ): Promise<TokenServer> {
    const run = Math.random().toString(36).slice(2, 8);
    server = await startTokenServer(
      (_req, index) =>
        hold?.get(index) ?? tokenBody(`tok-redis-${run}-${index + 1}`, expiresInS ?? undefined),
    );
    return server;
  }

  it('ten processes starting together make one token request and all use its token', async () => {
    const first = deferred<TokenReply>();
    const srv = await tokens(3600, new Map([[0, first.promise]]));
    const key = uniqueKey('start');
    const capture = createCapturingLogger();
    const processes = Array.from({ length: 10 }, () => strategy(cache(), key, { logger: capture.logger }));
    const all = Promise.all(processes.map(bearer));
    await srv.arrived(0);
    first.resolve(tokenBody('tok-redis-start-shared-1', 3600));
    const headers = await all;

    expect(srv.requests).toHaveLength(1);
    expect(new Set(headers)).toEqual(new Set(['Bearer tok-redis-start-shared-1']));
    const adopted = capture.records.filter((r) => r.msg === 'oauth2 token taken from the shared token cache');
    expect(adopted).toHaveLength(9);
    expect(capture.text()).not.toContain('tok-redis-start-shared-1');
  });

  it('keeps the token in a hash whose TTL is its remaining lifetime, and frees the lock (key layout)', async () => {
    await tokens(3600);
    const key = uniqueKey('layout');
    await bearer(strategy(cache(), key));
    const stored = await redis.hgetall(`kit:oauth2:{${key}}:token`);
    expect(Object.keys(stored).sort()).toEqual(['access_token', 'lifetime_ms']);
    expect(stored.access_token).toMatch(/^tok-redis-/);
    expect(stored.lifetime_ms).toBe('3600000');
    const ttl = await redis.pttl(`kit:oauth2:{${key}}:token`);
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await redis.exists(`kit:oauth2:{${key}}:lock`)).toBe(0);
  });

  it('derives the default key from the client (32 hex characters, no secret) and honours a prefix', async () => {
    await tokens(3600);
    const auth = oauth2ClientCredentials({
      tokenUrl: (server as TokenServer).url,
      clientId: `client-default-key-${uniqueKey('k')}`,
      clientSecret: 'cs-default-key-0123',
      tokenCache: cache({ prefix: 'kit-test:oauth2:' }),
    });
    const header = await bearer(auth);
    const keys = await redis.keys('kit-test:oauth2:{*}:token');
    const mine = [];
    for (const k of keys) if (`Bearer ${await redis.hget(k, 'access_token')}` === header) mine.push(k);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatch(/^kit-test:oauth2:\{[0-9a-f]{32}\}:token$/);
    await redis.del(...mine);
  });

  it('a refresh inside the window is made by one process; the others keep the current token, then take the new one', async () => {
    const second = deferred<TokenReply>();
    const srv = await tokens(600, new Map([[1, second.promise]]));
    const key = uniqueKey('refresh');
    const clock = createManualClock({ startMs: Date.now() });
    const [a, b, c] = [0, 1, 2].map(() => strategy(cache(), key, { clock })) as [
      OAuth2ClientCredentialsAuth,
      OAuth2ClientCredentialsAuth,
      OAuth2ClientCredentialsAuth,
    ];
    const t1 = await bearer(a);
    expect(await bearer(b)).toBe(t1);
    expect(await bearer(c)).toBe(t1);
    expect(srv.requests).toHaveLength(1);

    // 600 s token: the refresh window is its last 300 s, the blocking window its last 30 s.
    await clock.advance(301_000);
    expect(await bearer(a)).toBe(t1); // starts the background refresh
    await srv.arrived(1);
    // While a's token request is in flight, b and c go on with the current token (their own
    // background refreshes wait for a's, since a holds the lock).
    expect(await bearer(b)).toBe(t1);
    expect(await bearer(c)).toBe(t1);
    second.resolve(tokenBody('tok-redis-refresh-second', 600));
    // refresh() joins the background refresh already in flight in each strategy.
    await Promise.all([a.refresh(), b.refresh(), c.refresh()]);
    expect(await bearer(a)).toBe('Bearer tok-redis-refresh-second');
    expect(await bearer(b)).toBe('Bearer tok-redis-refresh-second');
    expect(await bearer(c)).toBe('Bearer tok-redis-refresh-second');
    expect(srv.requests).toHaveLength(2);
  });

  it('a 401 drops the shared token once; the other processes take the replacement without a request', async () => {
    const srv = await tokens(3600);
    const key = uniqueKey('401');
    const a = strategy(cache(), key);
    const b = strategy(cache(), key);
    const t1 = (await bearer(a)) as string;
    expect(await bearer(b)).toBe(t1);

    expect(await a.onUnauthorized(unauthorized(), request(t1.slice(7)))).toBe(true);
    expect(await redis.exists(`kit:oauth2:{${key}}:token`)).toBe(0);
    const t2 = await bearer(a);
    expect(t2).not.toBe(t1);
    // b's 401 on the same old token leaves a's replacement in place, and b takes it.
    expect(await b.onUnauthorized(unauthorized(), request(t1.slice(7)))).toBe(true);
    expect(await redis.hget(`kit:oauth2:{${key}}:token`, 'access_token')).toBe(t2?.slice(7));
    expect(await bearer(b)).toBe(t2);
    expect(srv.requests).toHaveLength(2);
  });

  it('a process that died holding the lock blocks the others only until the lock expires', async () => {
    const srv = await tokens(3600);
    const key = uniqueKey('dead');
    await redis.set(`kit:oauth2:{${key}}:lock`, 'fence-of-a-dead-process', 'PX', 300);
    const started = Date.now();
    const header = await bearer(strategy(cache(), key));
    expect(header).toMatch(/^Bearer tok-redis-/);
    expect(srv.requests).toHaveLength(1);
    // It waited for the lock's TTL (polling), not for its own timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('renews the lock while a slow token request runs, so nobody else fetches meanwhile', async () => {
    const first = deferred<TokenReply>();
    const srv = await tokens(3600, new Map([[0, first.promise]]));
    const key = uniqueKey('renew');
    const a = strategy(cache({ lockTtlMs: 300 }), key);
    const b = strategy(cache({ lockTtlMs: 300 }), key);
    const aToken = bearer(a);
    await srv.arrived(0);
    const bToken = bearer(b);
    // Two and a half lock lifetimes pass on the Redis clock (real time: the lock's TTL lives in Redis).
    // Without renewal b would take the lock and ask the endpoint itself.
    await new Promise((resolve) => setTimeout(resolve, 750));
    expect(await redis.get(`kit:oauth2:{${key}}:lock`)).toMatch(/^[0-9a-f-]{36}$/);
    first.resolve(tokenBody('tok-redis-renewed-1', 3600));
    expect(await aToken).toBe('Bearer tok-redis-renewed-1');
    expect(await bToken).toBe('Bearer tok-redis-renewed-1');
    expect(srv.requests).toHaveLength(1);
  });

  it('fencing: a holder whose lock was taken over keeps its token local and overwrites nothing', async () => {
    const first = deferred<TokenReply>();
    const srv = await tokens(3600, new Map([[0, first.promise]]));
    const key = uniqueKey('fence');
    const capture = createCapturingLogger();
    const a = strategy(cache(), key, { logger: capture.logger });
    const aToken = bearer(a);
    await srv.arrived(0);
    // As if a's lock had expired and a newer holder had taken it.
    await redis.set(`kit:oauth2:{${key}}:lock`, 'fence-of-a-newer-holder', 'PX', 5_000);
    first.resolve(tokenBody('tok-redis-fenced-out', 3600));
    expect(await aToken).toBe('Bearer tok-redis-fenced-out');
    expect(await redis.exists(`kit:oauth2:{${key}}:token`)).toBe(0);
    expect(await redis.get(`kit:oauth2:{${key}}:lock`)).toBe('fence-of-a-newer-holder');
    expect(srv.requests).toHaveLength(1);
  });

  it('a token endpoint failure under the lock reaches the caller and frees the lock at once', async () => {
    server = await startTokenServer(() => ({ status: 401, json: { error: 'invalid_client' } }));
    const key = uniqueKey('fail');
    const capture = createCapturingLogger();
    const a = strategy(cache(), key, { logger: capture.logger });
    const error = await a.authenticate(request()).catch((e: unknown) => e);
    expect(isKitError(error, 'auth.invalid_credentials')).toBe(true);
    expect(await redis.exists(`kit:oauth2:{${key}}:lock`)).toBe(0);
    // Not an outage: nothing about Redis was logged.
    expect(capture.records.filter((r) => r.level === 'warn')).toEqual([]);
  });

  it('a token without expires_in is stored without a TTL and used by others until a 401', async () => {
    const srv = await tokens(null);
    const key = uniqueKey('noexp');
    const t1 = await bearer(strategy(cache(), key));
    expect(await redis.pttl(`kit:oauth2:{${key}}:token`)).toBe(-1);
    expect(await redis.hget(`kit:oauth2:{${key}}:token`, 'lifetime_ms')).toBe('0');
    expect(await bearer(strategy(cache(), key))).toBe(t1);
    expect(srv.requests).toHaveLength(1);
  });

  it('registers a token read from Redis for redaction before anything can print it', async () => {
    await tokens(3600);
    const key = uniqueKey('secret');
    const planted = `tok/planted+by another process ${Math.random().toString(36).slice(2)}`;
    await redis.hset(`kit:oauth2:{${key}}:token`, 'access_token', planted, 'lifetime_ms', '3600000');
    await redis.pexpire(`kit:oauth2:{${key}}:token`, 3_600_000);
    const capture = createCapturingLogger();
    const tokenCache = cache({ logger: capture.logger });
    const auth = strategy(tokenCache, key, { logger: capture.logger });
    expect(await bearer(auth)).toBe(`Bearer ${planted}`);
    expect(redactSecretValues(`echo: ${planted}`)).toBe('echo: [REDACTED]');
    expect(redactSecretValues(`q=${encodeURIComponent(planted)}`)).toBe('q=[REDACTED]');
    capture.logger.info(`a server quoted ${planted}`);
    expect(capture.text()).not.toContain(planted);
    expect(inspect(tokenCache, { depth: 5 })).not.toContain(planted);
    expect(inspect(auth, { depth: 5 })).not.toContain(planted);
  });

  describe('Redis outage (through a loopback proxy that resets and refuses connections)', () => {
    let proxy: RedisOutageProxy;
    beforeAll(async () => {
      proxy = await startRedisOutageProxy(REDIS_URL as string);
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('degrades to per-process tokens with one warning per process, and shares again once Redis is back', async () => {
      const srv = await tokens(3600);
      const key = uniqueKey('outage');
      const clock = createManualClock({ startMs: Date.now() });
      const processes = [0, 1].map(() => {
        // Our own clients, so the test can wait for their reconnection ('ready').
        const client = new Redis(proxy.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
        client.on('error', () => {});
        owned.push({ close: async () => void client.disconnect() });
        const capture = createCapturingLogger();
        const tokenCache = createRedisTokenCache({ client, clock, logger: capture.logger });
        return { client, capture, tokenCache, auth: strategy(tokenCache, key) };
      });
      const [a, b] = processes as [(typeof processes)[0], (typeof processes)[0]];
      const warnings = (c: CapturingLogger) => c.records.filter((r) => r.level === 'warn').map((r) => r.msg);
      const infos = (c: CapturingLogger) => c.records.filter((r) => r.level === 'info').map((r) => r.msg);

      const t1 = await bearer(a.auth);
      expect(await bearer(b.auth)).toBe(t1);
      expect(srv.requests).toHaveLength(1);

      await proxy.cut();
      // Each process refreshes on its own: calls still get tokens, one request each.
      await a.auth.refresh();
      await b.auth.refresh();
      expect(srv.requests).toHaveLength(3);
      const ta = await bearer(a.auth);
      const tb = await bearer(b.auth);
      expect(new Set([t1, ta, tb]).size).toBe(3);
      expect(a.tokenCache.degraded).toBe(true);
      // Inside the probe interval Redis is not even asked; after it, a failed probe warns no more.
      await a.auth.refresh();
      await clock.advance(1_001);
      await a.auth.refresh();
      expect(srv.requests).toHaveLength(5);
      expect(warnings(a.capture)).toEqual([
        'oauth2 token cache: Redis unavailable; each process fetches its own tokens until it is back',
      ]);
      expect(warnings(b.capture)).toHaveLength(1);

      const reconnected = Promise.all([once(a.client, 'ready'), once(b.client, 'ready')]);
      await proxy.restore();
      await reconnected;
      await clock.advance(1_001);
      await a.auth.refresh(); // probes, finds Redis back, fetches and shares
      await b.auth.refresh(); // takes a's token from Redis
      expect(srv.requests).toHaveLength(6);
      expect(await bearer(b.auth)).toBe(await bearer(a.auth));
      expect(a.tokenCache.degraded).toBe(false);
      expect(infos(a.capture)).toContain('oauth2 token cache: Redis is back; tokens are shared again');
      for (const p of processes) expect(p.capture.text()).not.toContain('tok-redis-');
    });
  });
});

describe('createRedisTokenCache and tokenCache options: mistakes get a clear error', () => {
  const invalid = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (isKitError(error)) return error;
      throw error;
    }
    throw new Error('expected a KitError');
  };

  it('needs exactly one of client and url', () => {
    expect(invalid(() => createRedisTokenCache({})).code).toBe('client.invalid_argument');
    expect(invalid(() => createRedisTokenCache({ url: undefined, client: undefined })).message).toContain(
      '`client` or a `url`',
    );
    expect(invalid(() => createRedisTokenCache(undefined as unknown as RedisTokenCacheOptions)).code).toBe(
      'client.invalid_argument',
    );
    const client = new Redis({ lazyConnect: true });
    expect(invalid(() => createRedisTokenCache({ client, url: 'redis://127.0.0.1:1' })).message).toContain(
      'not both',
    );
    client.disconnect();
  });

  it('refuses a URL that is not redis:// without printing it (it may hold a password)', () => {
    const error = invalid(() => createRedisTokenCache({ url: 'http://user:hunter2-pass@127.0.0.1:6379' }));
    expect(error.code).toBe('client.invalid_argument');
    expect(error.hint).toContain('redis://');
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(inspect(error)).not.toContain('hunter2');
    expect(invalid(() => createRedisTokenCache({ url: 'not a url' })).code).toBe('client.invalid_argument');
  });

  it('checks the numbers and the prefix', () => {
    const url = 'redis://127.0.0.1:1';
    expect(invalid(() => createRedisTokenCache({ url, lockTtlMs: 50 })).message).toContain('lockTtlMs');
    expect(invalid(() => createRedisTokenCache({ url, lockTtlMs: 1.5e3 + 0.5 })).message).toContain(
      'lockTtlMs',
    );
    expect(invalid(() => createRedisTokenCache({ url, waitTimeoutMs: -1 })).message).toContain(
      'waitTimeoutMs',
    );
    expect(invalid(() => createRedisTokenCache({ url, commandTimeoutMs: 0 })).message).toContain(
      'commandTimeoutMs',
    );
    expect(invalid(() => createRedisTokenCache({ url, prefix: 'kit:{x}:' })).hint).toContain('hash tag');
  });

  it('oauth2ClientCredentials checks tokenCache and tokenCacheKey', () => {
    const base = {
      tokenUrl: 'https://idp.example.com/token',
      clientId: 'c',
      clientSecret: 'cs-options-0123',
    };
    expect(
      invalid(() => oauth2ClientCredentials({ ...base, tokenCache: {} as OAuth2TokenCache })).message,
    ).toContain('obtain() and invalidate()');
    expect(invalid(() => oauth2ClientCredentials({ ...base, tokenCacheKey: 'a{b}' })).code).toBe(
      'client.invalid_argument',
    );
    expect(invalid(() => oauth2ClientCredentials({ ...base, tokenCacheKey: '' })).code).toBe(
      'client.invalid_argument',
    );
    // undefined means the defaults.
    expect(oauth2ClientCredentials({ ...base, tokenCache: undefined, tokenCacheKey: undefined }).name).toBe(
      'oauth2',
    );
  });
});
