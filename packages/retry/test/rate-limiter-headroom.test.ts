import { createServer } from 'node:net';
import { createManualClock } from '@kit/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/memory-store';
import type { RateLimitStore } from '../src/rate-limit-store';
import { createRateLimiter } from '../src/rate-limiter';
import { createRedisStore, type RedisStore } from '../src/redis-store';
import { REDIS_SKIP_REASON, REDIS_URL, uniqueKey } from './redis-env';

describe('RateLimiter.headroom (in-memory store: exact)', () => {
  it('is full before any acquisition, drops with each, and refills at the rate on the clock', async () => {
    const clock = createManualClock({ startMs: 0 });
    const limiter = createRateLimiter({ clock, limits: [{ tokens: 10, intervalMs: 1_000 }] });
    expect(limiter.headroom).toEqual({ available: 10, ratio: 1, exact: true });
    await limiter.acquire(4);
    expect(limiter.headroom).toEqual({ available: 6, ratio: 0.6, exact: true });
    await clock.advance(100);
    expect(limiter.headroom?.available).toBeCloseTo(7, 9);
    await clock.advance(10_000);
    expect(limiter.headroom).toEqual({ available: 10, ratio: 1, exact: true });
  });

  it('reading it takes nothing: acquisitions see the same tokens after any number of reads', async () => {
    const clock = createManualClock({ startMs: 0 });
    const limiter = createRateLimiter({ clock, limits: [{ tokens: 3, intervalMs: 60_000 }] });
    for (let i = 0; i < 100; i++) expect(limiter.headroom?.available).toBe(3);
    for (let i = 0; i < 3; i++) await limiter.acquire();
    expect(limiter.headroom).toEqual({ available: 0, ratio: 0, exact: true });
    expect(limiter.queueSize).toBe(0);
  });

  it('with several windows: available is what fits in all of them, ratio the smallest share left', async () => {
    const clock = createManualClock({ startMs: 0 });
    const limiter = createRateLimiter({
      clock,
      limits: [
        { tokens: 10, intervalMs: 1_000 },
        { tokens: 100, intervalMs: 60_000 },
      ],
    });
    await limiter.acquire(8);
    // 2 left of 10 (0.2), 92 of 100 (0.92).
    expect(limiter.headroom).toEqual({ available: 2, ratio: 0.2, exact: true });
    await clock.advance(1_000);
    // The second window is full again (10), the minute window has refilled by 100/60.
    const refilled = limiter.headroom;
    expect(refilled?.available).toBe(10);
    expect(refilled?.ratio).toBeCloseTo((92 + 100 / 60) / 100, 9);
  });

  it('is 0 while the limiter is paused (a 429), and one token when the pause ends', async () => {
    const clock = createManualClock({ startMs: 0 });
    const limiter = createRateLimiter({ clock, limits: [{ tokens: 10, intervalMs: 1_000 }] });
    await limiter.acquire();
    limiter.observe({ status: 429, headers: { 'retry-after': '2' } });
    expect(limiter.pausedUntil).toBe(2_000);
    expect(limiter.headroom).toEqual({ available: 0, ratio: 0, exact: true });
    await clock.advance(1_999);
    expect(limiter.headroom?.available).toBe(0);
    await clock.advance(1);
    // After a 429 the limiter paces: its buckets hold one acquisition at most, so the ratio stays low.
    expect(limiter.pacing).toBe(true);
    const after = limiter.headroom;
    expect(after?.available).toBe(1);
    expect(after?.ratio).toBeCloseTo(0.1, 9);
  });

  it('pauseUntil shows too', async () => {
    const clock = createManualClock({ startMs: 0 });
    const limiter = createRateLimiter({ clock, limits: [{ tokens: 5, intervalMs: 1_000 }] });
    limiter.pauseUntil(500);
    expect(limiter.headroom?.available).toBe(0);
    await clock.advance(500);
    expect(limiter.headroom?.available).toBe(1);
  });

  it('is read from the store it is given: a memory store shared by two limiters on one key', async () => {
    const clock = createManualClock({ startMs: 0 });
    const store = createMemoryStore({ clock });
    const limits = [{ tokens: 10, intervalMs: 60_000 }];
    const a = createRateLimiter({ clock, store, key: 'shared', limits });
    const b = createRateLimiter({ clock, store, key: 'shared', limits });
    await a.acquire(3);
    await b.acquire(4);
    expect(a.headroom).toEqual({ available: 3, ratio: 0.3, exact: true });
    expect(b.headroom).toEqual(a.headroom);
  });

  it('is undefined for a store without peek, or whose peek throws or answers for fewer windows', () => {
    const base: RateLimitStore = {
      take: (_key, _windows, weights) => ({ granted: weights.length, retryInMs: 0 }),
      block: () => {},
      clamp: () => {},
    };
    expect(createRateLimiter({ store: base }).headroom).toBeUndefined();
    const throwing: RateLimitStore = {
      ...base,
      peek: () => {
        throw new Error('store offline');
      },
    };
    expect(createRateLimiter({ store: throwing }).headroom).toBeUndefined();
    const short: RateLimitStore = { ...base, peek: () => ({ tokens: [], exact: true }) };
    expect(createRateLimiter({ store: short }).headroom).toBeUndefined();
    const bogus: RateLimitStore = { ...base, peek: () => ({ tokens: [Number.NaN], exact: false }) };
    expect(createRateLimiter({ store: bogus }).headroom).toEqual({ available: 0, ratio: 0, exact: false });
  });

  it('MemoryStore.peek: full for a key never used, without creating it (a take afterwards still starts full)', () => {
    const clock = createManualClock({ startMs: 0 });
    const store = createMemoryStore({ clock });
    const windows = [{ tokens: 4, intervalMs: 1_000 }];
    expect(store.peek('fresh', windows)).toEqual({ tokens: [4], exact: true });
    expect(store.take('fresh', windows, [4])).toEqual({ granted: 1, retryInMs: 0 });
    expect(store.peek('fresh', windows)).toEqual({ tokens: [0], exact: true });
  });
});

/** A loopback port where nothing listens (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!REDIS_URL)(
  `RateLimiter.headroom on the Redis store (last known)${REDIS_SKIP_REASON}`,
  () => {
    let client: Redis;
    let otherClient: Redis;
    beforeAll(() => {
      client = new Redis(REDIS_URL as string);
      otherClient = new Redis(REDIS_URL as string);
    });
    afterAll(async () => {
      await client.quit();
      await otherClient.quit();
    });
    // Minute windows: the few real milliseconds between Redis calls refill almost nothing.
    const limits = [{ tokens: 10, intervalMs: 60_000 }];

    it('is undefined before the first acquisition, then what Redis answered, refilled on the store clock', async () => {
      const clock = createManualClock({ startMs: 0 });
      const store: RedisStore = createRedisStore({ client, clock, failOpen: false });
      const key = uniqueKey('headroom');
      const limiter = createRateLimiter({ store, key, limits, clock });
      expect(limiter.headroom).toBeUndefined();
      // The memory fast path does not apply to Redis: acquisitions go through the queue.
      const pending = limiter.acquire(4);
      await clock.advance(0);
      await pending;
      const known = limiter.headroom;
      expect(known?.exact).toBe(false);
      expect(known?.available).toBeCloseTo(6, 1);
      // Six seconds on the store's clock refill one token of the minute window.
      await clock.advance(6_000);
      expect(limiter.headroom?.available).toBeCloseTo(7, 1);
      expect(limiter.headroom?.ratio).toBeCloseTo(0.7, 2);
    });

    it("does not see another process's takes until its own next take (documented: last known)", async () => {
      const key = uniqueKey('headroom-shared');
      const mine = createRateLimiter({ store: createRedisStore({ client, failOpen: false }), key, limits });
      const theirs = createRateLimiter({
        store: createRedisStore({ client: otherClient, failOpen: false }),
        key,
        limits,
      });
      await mine.acquire(2);
      expect(mine.headroom?.available).toBeCloseTo(8, 1);
      await theirs.acquire(5);
      expect(theirs.headroom?.available).toBeCloseTo(3, 1);
      // Mine still says 8 (its last answer from Redis) ...
      expect(mine.headroom?.available).toBeCloseTo(8, 1);
      // ... until its next take brings Redis's count back.
      await mine.acquire(1);
      expect(mine.headroom?.available).toBeCloseTo(2, 1);
    });

    it("is 0 during a pause another process set, as soon as this process's take meets it", async () => {
      const clock = createManualClock({ startMs: 0 });
      const key = uniqueKey('headroom-paused');
      const mine = createRateLimiter({
        store: createRedisStore({ client, clock, failOpen: false }),
        key,
        limits,
        clock,
      });
      const theirs = createRateLimiter({ store: createRedisStore({ client: otherClient }), key, limits });
      await Promise.all([mine.acquire(1), clock.advance(0)]);
      expect(mine.headroom?.available).toBeCloseTo(9, 1);
      theirs.pauseUntil(Date.now() + 60_000);
      // The shared pause reaches Redis in the background; wait until a take would meet it.
      await expect
        .poll(async () => Number(await client.pttl(`kit:ratelimit:{${key}}:blocked`)), { interval: 5 })
        .toBeGreaterThan(0);
      const refused = mine.acquire(1, { signal: AbortSignal.timeout(200) }).catch(() => 'aborted');
      await clock.advance(0);
      expect(await refused).toBe('aborted');
      expect(mine.headroom).toEqual({ available: 0, ratio: 0, exact: false });
    });

    it("a clamp from the server's count lowers it at once", async () => {
      const key = uniqueKey('headroom-clamp');
      const limiter = createRateLimiter({
        store: createRedisStore({ client, failOpen: false }),
        key,
        limits,
      });
      await limiter.acquire(1);
      limiter.observe({ status: 200, headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '3' } });
      expect(limiter.headroom?.available).toBeCloseTo(3, 1);
    });

    it('while Redis is down and the store fails open: the local fallback bucket, exactly', async () => {
      const port = await deadPort();
      const clock = createManualClock({ startMs: 0 });
      const down = createRedisStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 300, clock });
      try {
        const limiter = createRateLimiter({ store: down, key: uniqueKey('headroom-down'), limits, clock });
        await limiter.acquire(3);
        expect(limiter.headroom).toEqual({ available: 7, ratio: 0.7, exact: true });
      } finally {
        await down.close();
      }
    });
  },
);
