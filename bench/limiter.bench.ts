// Rate limiter benchmark: acquisitions per second of @kit/retry's limiter (in memory and on Redis)
// against bare loops doing the same shape of work in the same run, and the achieved rate as a
// fraction of the allowed rate over a few seconds.
// Run: `node --import tsx --expose-gc limiter.bench.ts` from bench/ (after `pnpm build`).
// Bounded and loopback only; uses REDIS_URL, or starts its own redis-server on a free port, or
// reports memory only when no redis-server is installed.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createRateLimiter, type RateLimiter } from '@kit/retry';
import { createRedisStore } from '@kit/retry/redis';
import { Redis } from 'ioredis';
import { drive, type RunResult, table, writeResults } from './lib';

const THROUGHPUT_OPS = 50_000;
const REDIS_OPS = 10_000;
const CONCURRENCY = 16;
const RATE_PER_SECOND = 200;
const RATE_SECONDS = 3;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** REDIS_URL, or a redis-server of our own on a free loopback port, or undefined (memory only). */
async function redisUrl(): Promise<{ url?: string; child?: ChildProcess; note: string }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, note: 'REDIS_URL' };
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const failed = once(child, 'error').then(() => false);
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  for (let i = 0; i < 50; i++) {
    const ready = await Promise.race([
      probe.connect().then(
        () => true,
        () => false,
      ),
      failed,
    ]);
    if (ready) {
      await probe.quit();
      return { url, child, note: `own redis-server on port ${port}` };
    }
    if (child.exitCode !== null || child.killed) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  probe.disconnect();
  child.kill();
  return { note: 'no redis-server available: memory only' };
}

/** Achieved rate: `concurrency` workers acquire for `seconds` after the initial burst is drained. */
async function achievedRate(limiter: RateLimiter, perSecond: number, seconds: number) {
  // Drain the full bucket first, so the measurement is the steady refill rate, not the burst.
  await Promise.all(Array.from({ length: perSecond }, () => limiter.acquire()));
  let granted = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      await limiter.acquire();
      if (performance.now() <= end) granted++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  // Grants are counted inside the fixed window [start, end]; waits that end after it do not count.
  const elapsedS = (end - start) / 1000;
  return {
    granted,
    elapsedS,
    achievedPerSecond: granted / elapsedS,
    fraction: granted / elapsedS / perSecond,
  };
}

const unlimited = [{ tokens: 1e12, intervalMs: 1000 }];
const results: RunResult[] = [];
const rates: Array<{ store: string; granted: number; achievedPerSecond: number; fraction: number }> = [];

gc();
results.push(
  await drive('bare async loop (await Promise.resolve())', THROUGHPUT_OPS, CONCURRENCY, () =>
    Promise.resolve(),
  ),
);
gc();
const memory = createRateLimiter({ limits: unlimited, maxQueueSize: 1e6 });
results.push(await drive('memory limiter acquire()', THROUGHPUT_OPS, CONCURRENCY, () => memory.acquire()));
gc();
const memoryRate = await achievedRate(
  createRateLimiter({ limits: [{ tokens: RATE_PER_SECOND, intervalMs: 1000 }], maxQueueSize: 1e6 }),
  RATE_PER_SECOND,
  RATE_SECONDS,
);
rates.push({ store: 'memory', ...memoryRate });

const redis = await redisUrl();
if (redis.url) {
  const client = new Redis(redis.url);
  gc();
  results.push(await drive('bare Redis PING round trip', REDIS_OPS, CONCURRENCY, () => client.ping()));
  const store = createRedisStore({ client, failOpen: false });
  const key = `bench-${process.pid}-${Date.now()}`;
  const onRedis = createRateLimiter({ store, key, limits: unlimited, maxQueueSize: 1e6 });
  gc();
  results.push(await drive('Redis limiter acquire()', REDIS_OPS, CONCURRENCY, () => onRedis.acquire()));
  const redisRate = await achievedRate(
    createRateLimiter({
      store,
      key: `${key}-rate`,
      limits: [{ tokens: RATE_PER_SECOND, intervalMs: 1000 }],
      maxQueueSize: 1e6,
    }),
    RATE_PER_SECOND,
    RATE_SECONDS,
  );
  rates.push({ store: 'redis', ...redisRate });
  await client.quit();
}
redis.child?.kill();

const bare = results[0] as RunResult;
const ping = results.find((r) => r.name.startsWith('bare Redis'));
const throughputRows = results.map((r) => {
  const baseline = r.name.includes('Redis') && ping ? ping : bare;
  return [
    r.name,
    Math.round(r.perSecond).toLocaleString('en-US'),
    `${(r.perSecond / baseline.perSecond).toFixed(3)}x of ${baseline === bare ? 'bare loop' : 'PING'}`,
    r.p50Us.toFixed(1),
    r.p99Us.toFixed(1),
  ];
});
const rateRows = rates.map((r) => [
  r.store,
  RATE_PER_SECOND,
  r.achievedPerSecond.toFixed(1),
  `${(r.fraction * 100).toFixed(1)}%`,
  r.granted,
]);
const markdown = `## Rate limiter (@kit/retry)

Acquisitions per second with a limit that never binds (${CONCURRENCY} concurrent callers), against bare loops of the same shape in the same run. Redis: ${redis.note}.

${table(['contender', 'ops/s', 'ratio', 'p50 µs', 'p99 µs'], throughputRows)}

Achieved rate with a binding limit of ${RATE_PER_SECOND}/s over ${RATE_SECONDS} s (8 callers, the initial burst drained first):

${table(['store', 'allowed /s', 'achieved /s', 'fraction', 'granted'], rateRows)}
`;
writeResults('limiter', { results, rates, redis: redis.note }, markdown);
process.exit(0);
