import { createRateLimiter } from '@kit/retry';
import { createFaultServer, createManualClock, type FaultServer } from '@kit/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, type RateLimitEvent } from '../src/index';
import { createLogCapture, FAST_RETRY } from './support';

const capture = createLogCapture();
let server: FaultServer;
beforeEach(async () => {
  server = await createFaultServer({
    routes: [
      {
        method: 'GET',
        path: '/v1/quotes/:symbol',
        handler: (r) => ({
          json: { symbol: r.params.symbol },
          headers: { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '42', 'X-RateLimit-Reset': '30' },
        }),
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

describe('rate limiting', () => {
  it('exposes the rate-limit headers on successful responses', async () => {
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
    });
    const response = await client.get('/quotes/AAPL');
    expect(response.rateLimit.remaining).toBe(42);
    expect(response.rateLimit.limit).toBe(100);
    expect(response.rateLimit.resetMs).toBe(30_000);
    expect(response.rateLimit.headers['x-ratelimit-remaining']).toBe('42');
  });

  it('reports a 429 through onRateLimit even without a client-side limiter', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'rate_limit', retryAfter: { ms: 5 } } }]);
    const events: RateLimitEvent[] = [];
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      hooks: { onRateLimit: (event) => events.push(event) },
    });
    const response = await client.get('/quotes/AAPL');
    expect(response.status).toBe(200);
    expect(events.map((e) => [e.status, e.attempt])).toEqual([[429, 1]]);
  });

  it('acquires each call’s weight before sending and reports the wait', async () => {
    const virtual = createManualClock();
    const limiter = createRateLimiter({ limits: [{ tokens: 3, intervalMs: 1_000 }], clock: virtual });
    const events: RateLimitEvent[] = [];
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: { ...FAST_RETRY, clock: virtual },
      rateLimit: limiter,
      hooks: { onRateLimit: (e) => events.push(e) },
    });
    await client.get('/quotes/A', { weight: 2 });
    const second = client.get('/quotes/B', { weight: 2 });
    await virtual.nextSleep((ms) => ms > 0 && ms <= 1_000);
    expect(server.requests).toHaveLength(1);
    await virtual.advance(1_000);
    await second;
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/quotes/A', '/v1/quotes/B']);
    expect(events).toHaveLength(1);
    expect(events[0]?.waitedMs).toBeGreaterThan(0);
    expect(events[0]?.path).toBe('/v1/quotes/B');
  });

  it('pauses the whole queue after a 429, not just the call that got it', async () => {
    const virtual = createManualClock();
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 1_000 }], clock: virtual });
    const events: RateLimitEvent[] = [];
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: { ...FAST_RETRY, clock: virtual, random: () => 0 },
      rateLimit: limiter,
      hooks: { onRateLimit: (e) => events.push(e) },
    });
    server.setFaults([{ firstN: 1, fault: { type: 'rate_limit', retryAfter: { seconds: 5 } } }]);
    const first = client.get('/quotes/A');
    await virtual.nextSleep((ms) => ms >= 5_000 && ms < 30_000);
    // Another call, on another path, now waits for the pause too.
    const other = client.get('/quotes/B');
    await virtual.advance(4_000);
    expect(server.requests.map((r) => r.status)).toEqual([429]);
    await virtual.advance(2_000);
    await Promise.all([first, other]);
    expect(
      server.requests
        .slice(1)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/v1/quotes/A', '/v1/quotes/B']);
    expect(events.some((e) => e.status === 429 && e.rateLimit?.headers['retry-after'] === '5')).toBe(true);
  });
});
