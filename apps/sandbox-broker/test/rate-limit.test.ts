import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, type SandboxBroker, startSandboxBroker } from '../src/index';
import { client } from './support';

// A long window, so the whole test runs inside one window of each key.
let broker: SandboxBroker;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  broker = await startSandboxBroker({
    rateLimit: { limit: 12, windowMs: 600_000 },
    banAfterViolations: 3,
    banMs: 120_000,
  });
  api = client(broker.url);
});
afterAll(() => broker.close());

it('announces the budget on every answer, spends it by route weight, then answers 429 with Retry-After and bans a key that keeps going', async () => {
  const first = await api('/v1/account');
  expect(first.status).toBe(200);
  expect(first.headers['x-ratelimit-limit']).toBe('12');
  expect(first.headers['x-ratelimit-remaining']).toBe('11');
  const reset = Number(first.headers['x-ratelimit-reset']);
  expect(reset * 1000 - Date.now()).toBeGreaterThan(590_000);
  expect(reset * 1000 - Date.now()).toBeLessThanOrEqual(601_000);
  expect(first.headers.ratelimit).toMatch(/^"default";r=11;t=(600|599)$/);
  expect(first.headers['ratelimit-policy']).toBe('"default";q=12;w=600');

  expect((await api('/v1/orders')).headers['x-ratelimit-remaining']).toBe('6'); // weight 5
  expect((await api('/v1/order-events')).headers['x-ratelimit-remaining']).toBe('4'); // weight 2
  const time = await api({ path: '/v1/time', key: null }); // free and public
  expect(time.headers['x-ratelimit-remaining']).toBeUndefined();
  // Errors after the limiter cost their weight too.
  expect((await api('/v1/quotes/NOPE')).headers['x-ratelimit-remaining']).toBe('3');

  const heavy = await api('/v1/book/AAPL'); // weight 5 > 3 left
  expect(heavy.status).toBe(429);
  expect(heavy.json.error.code).toBe('RATE_LIMITED');
  expect(Number(heavy.headers['retry-after'])).toBeGreaterThan(590);
  expect(heavy.headers['x-ratelimit-remaining']).toBe('3');
  expect((await api('/v1/account')).status).toBe(200); // a lighter one still fits, and resets the streak

  expect((await api('/v1/book/AAPL')).status).toBe(429);
  expect((await api('/v1/book/AAPL')).status).toBe(429);
  const banned = await api('/v1/book/AAPL');
  expect(banned.status).toBe(418);
  expect(banned.json.error.code).toBe('KEY_BANNED');
  expect(Number(banned.headers['retry-after'])).toBe(120);
  const stillBanned = await api('/v1/account');
  expect(stillBanned.status).toBe(418);

  // Limits are per key: the reader has its own budget.
  const other = await api({ path: '/v1/account', key: DEMO_CREDENTIALS.reader });
  expect(other.status).toBe(200);
  expect(other.headers['x-ratelimit-remaining']).toBe('11');

  const counts = broker.ledger().counts;
  expect(counts.rateLimited).toBe(3);
  expect(counts.banned).toBe(2);
  expect(counts.responsesByStatus['429']).toBe(3);
  expect(counts.responsesByStatus['418']).toBe(2);
});

it('admin.setRateLimit replaces the policy (windows and bans start afresh) or turns limits off', async () => {
  broker.admin.setRateLimit({ limit: 50, windowMs: 1_000 });
  const res = await api('/v1/account');
  expect(res.status).toBe(200);
  expect(res.headers['x-ratelimit-limit']).toBe('50');
  expect(res.headers['ratelimit-policy']).toBe('"default";q=50;w=1');
  broker.admin.setRateLimit(false);
  const free = await api('/v1/account');
  expect(free.headers['x-ratelimit-limit']).toBeUndefined();
  expect(() => broker.admin.setRateLimit({ limit: 0, windowMs: 1_000 })).toThrow(
    /rateLimit.limit must be an integer/,
  );
});
