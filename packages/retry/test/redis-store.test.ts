import { createServer } from 'node:net';
import { isKitError } from '@kit/errors';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/rate-limiter';
import { createRedisStore, type RedisStore } from '../src/redis-store';
import { REDIS_SKIP_REASON, REDIS_URL, uniqueKey } from './redis-env';

/** A loopback port where nothing listens (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!REDIS_URL)(`Redis store${REDIS_SKIP_REASON}`, () => {
  let client: Redis;
  let store: RedisStore;
  beforeAll(() => {
    client = new Redis(REDIS_URL as string);
    store = createRedisStore({ client, failOpen: false });
  });
  afterAll(async () => {
    await store.close();
    await client.quit();
  });

  const windows = [
    { tokens: 5, intervalMs: 1000 },
    { tokens: 8, intervalMs: 60_000 },
  ];

  it('takes from every window atomically, or nothing, with the wait computed on the Redis clock', async () => {
    const key = uniqueKey('take');
    expect(await store.take(key, windows, [5])).toEqual({ granted: 1, retryInMs: 0 });
    const refused = await store.take(key, windows, [1]);
    expect(refused.granted).toBe(0);
    expect(refused.retryInMs).toBeGreaterThan(150);
    expect(refused.retryInMs).toBeLessThanOrEqual(200);
    // A refused take spends nothing: the 3 tokens left in the minute window are still there.
    const fields = await client.hgetall(`kit:ratelimit:{${key}}:bucket`);
    expect(Number(fields.l2)).toBe(3);
  });

  it('serves a FIFO batch in one call: the longest prefix that fits in every window', async () => {
    const key = uniqueKey('batch');
    expect(await store.take(key, windows, [2, 2, 2, 1])).toEqual({ granted: 2, retryInMs: 200 });
    const next = await store.take(key, windows, [1, 1]);
    expect(next.granted).toBe(1);
    expect(next.retryInMs).toBeGreaterThan(150); // 200 ms less whatever refilled between the calls
    expect(next.retryInMs).toBeLessThanOrEqual(200);
  });

  it('ignores the local clock: a process whose clock is years off still gets correct waits', async () => {
    const key = uniqueKey('skew');
    const skewed = {
      now: () => Date.UTC(2001, 0, 1),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    };
    const limiter = createRateLimiter({
      store,
      key,
      clock: skewed,
      limits: [{ tokens: 5, intervalMs: 500 }],
    });
    const start = performance.now();
    for (let i = 0; i < 6; i++) await limiter.acquire();
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(400);
  });

  it('a pause set by one process blocks every process sharing the key', async () => {
    const key = uniqueKey('block');
    const otherClient = new Redis(REDIS_URL as string);
    const other = createRateLimiter({ store: createRedisStore({ client: otherClient }), key });
    // The limiter writes the pause in the background; keep the write's promise to await it.
    const writes: Promise<void>[] = [];
    const recording: RedisStore = {
      ...store,
      block: (k, ms) => {
        const write = store.block(k, ms);
        writes.push(write);
        return write;
      },
    };
    const seen = createRateLimiter({ store: recording, key });
    try {
      seen.observe({ status: 429, headers: { 'retry-after-ms': '300' } });
      await Promise.all(writes);
      expect(writes).toHaveLength(1);
      const start = performance.now();
      await other.acquire();
      expect(performance.now() - start).toBeGreaterThanOrEqual(200);
      expect(other.pausedUntil).toBe(0); // the other process had no local pause: Redis held it
    } finally {
      await otherClient.quit();
    }
  });

  it('when a shared pause ends, every window holds one token and refills from there: no burst for anyone', async () => {
    const key = uniqueKey('after-pause');
    const wide = [{ tokens: 50, intervalMs: 5_000 }];
    expect((await store.take(key, wide, [1])).granted).toBe(1);
    await store.block(key, 150);
    // A shorter pause inside it changes nothing.
    await store.block(key, 50);
    expect((await store.take(key, wide, [1])).granted).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 170));
    // 49 tokens were left before the pause; one remains when it ends, then 10 per second (100 ms
    // each; 20 ms or so have passed since it ended).
    const after = await store.take(key, wide, [1, 1]);
    expect(after.granted).toBe(1);
    expect(after.retryInMs).toBeGreaterThan(0);
    expect(after.retryInMs).toBeLessThanOrEqual(100);
    // A window first taken after a pause starts with one token too.
    const fresh = uniqueKey('fresh-after-pause');
    await store.block(fresh, 50);
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect((await store.take(fresh, wide, [1, 1])).granted).toBe(1);
  });

  it('accepts windows and pauses that are not whole milliseconds (a paced limiter makes them)', async () => {
    // After a 429 the limiter paces at a learned rate, e.g. 40 ms / 0.95: PEXPIRE takes integers only.
    const key = uniqueKey('fractional');
    const paced = [{ tokens: 1, intervalMs: 40 / 0.95 }];
    expect((await store.take(key, paced, [1])).granted).toBe(1);
    await store.block(key, 10.5);
    await store.clamp(key, paced, 0, 12.25);
    expect((await store.take(key, paced, [1])).granted).toBe(0);
  });

  it("clamps a shared window to the server's remaining count", async () => {
    const key = uniqueKey('clamp');
    await store.clamp(key, windows, 0, 1);
    expect((await store.take(key, windows, [1])).granted).toBe(1);
    expect((await store.take(key, windows, [1])).granted).toBe(0);
  });

  it('fails closed with rate_limit.store_unavailable when Redis is down and failOpen is false', async () => {
    const port = await deadPort();
    const down = createRedisStore({
      url: `redis://127.0.0.1:${port}`,
      failOpen: false,
      commandTimeoutMs: 300,
    });
    try {
      const limiter = createRateLimiter({ store: down, key: uniqueKey('closed') });
      const start = performance.now();
      await expect(limiter.acquire()).rejects.toSatisfy((e: unknown) =>
        isKitError(e, 'rate_limit.store_unavailable'),
      );
      expect(performance.now() - start).toBeLessThan(1000);
    } finally {
      await down.close();
    }
  });

  it('fails open onto a local bucket by default while Redis is down', async () => {
    const port = await deadPort();
    const down = createRedisStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 300 });
    try {
      const limiter = createRateLimiter({
        store: down,
        key: uniqueKey('open'),
        limits: [{ tokens: 2, intervalMs: 60_000 }],
      });
      await limiter.acquire();
      await limiter.acquire();
      // The local bucket still limits: the third acquisition has to wait a minute.
      const third = limiter.acquire(1, { signal: AbortSignal.timeout(100) });
      await expect(third).rejects.toSatisfy((e: unknown) => isKitError(e, 'cancelled.aborted'));
    } finally {
      await down.close();
    }
  });

  it('needs a client or a url', () => {
    expect(() => createRedisStore({})).toThrow(/client/);
  });
});
