import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { isKitError } from '@kit/errors';
import { toSecret } from '@kit/logger';
import { createCapturingLogger } from '@kit/logger/testing';
import { expect, it } from 'vitest';
import { createRateLimiter } from '../src/rate-limiter';
import { createRedisStore } from '../src/redis-store';

// No Redis needed: the point is a store that cannot connect.
it('never shows the Redis password in errors, inspect output or logs while Redis is down', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));

  const password = 'redis-pw-9f8e7d6c5b4a';
  const capture = createCapturingLogger();
  for (const url of [
    `redis://:${password}@127.0.0.1:${port}`,
    toSecret(`redis://:${password}@127.0.0.1:${port}/1`),
  ]) {
    const store = createRedisStore({ url, failOpen: false, commandTimeoutMs: 300, logger: capture.logger });
    try {
      const limiter = createRateLimiter({ store, logger: capture.logger });
      const error = await limiter.acquire().catch((e: unknown) => e);
      expect(isKitError(error, 'rate_limit.store_unavailable')).toBe(true);
      limiter.observe({ status: 429, headers: { 'retry-after': '1' } }); // a background write that fails too
      await store.block('default', 10).catch(() => {});
      for (const text of [
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        inspect(store, { depth: 10 }),
      ]) {
        expect(text).not.toContain(password);
      }
    } finally {
      await store.close();
    }
  }
  expect(capture.lines.length).toBeGreaterThan(0);
  expect(capture.text()).not.toContain(password);
});
