import { createRateLimiter } from '@kit/retry';
import { createFaultServer, type FaultServer } from '@kit/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, type RetryHookEvent } from '../src/index';
import { createLogCapture, failure } from './support';

// 429s that say nothing about when to come back (no Retry-After, no rate-limit header), from a
// real loopback server: what the client does with them by default and with a limiter. The rates
// themselves are measured against nginx in test/nginx/nginx-pacing.test.ts.
const capture = createLogCapture();
let server: FaultServer;
let orders = 0;
beforeEach(async () => {
  orders = 0;
  server = await createFaultServer({
    routes: [
      { method: 'GET', path: '/v1/quotes/:symbol', handler: (r) => ({ json: { symbol: r.params.symbol } }) },
      {
        method: 'POST',
        path: '/v1/orders',
        sideEffect: true,
        handler: () => ({ status: 201, json: { id: `ord-${++orders}` } }),
      },
      {
        method: 'GET',
        path: '/v1/limits',
        handler: () => ({
          json: {},
          headers: {
            'X-RateLimit-Limit': '100',
            'X-RateLimit-Remaining': '0',
            // An epoch second (1 s resolution, on the server's clock) beside the IETF delta.
            'X-RateLimit-Reset': String(Math.floor(Date.now() / 1_000) + 30),
            RateLimit: '"default";r=0;t=29.2',
            'RateLimit-Policy': '"default";q=100;w=60',
          },
        }),
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

const hintless429 = (firstN: number) => ({ firstN, fault: { type: 'status' as const, status: 429 } });

describe('429s without a hint', () => {
  it('with default options, a GET is retried past maxAttempts (3): paced by the host’s learned rate, with no backoff', async () => {
    server.setFaults([hintless429(5)]);
    const retries: RetryHookEvent[] = [];
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      hooks: { onRetry: (e) => retries.push(e) },
    });
    const response = await client.get('/quotes/AAPL');
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(6);
    expect(server.requests.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 200]);
    expect(retries.map((r) => [r.error.code, r.delayMs])).toEqual(
      Array.from({ length: 5 }, () => ['rate_limit.exceeded', 0]),
    );
  });

  it('a POST without an idempotency key is retried too (a 429 was not processed), and the order is placed once', async () => {
    server.setFaults([hintless429(4)]);
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      idempotency: false,
    });
    const response = await client.post('/orders', { symbol: 'AAPL', qty: 1 });
    expect(response.status).toBe(201);
    expect(response.attempts).toBe(5);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('with a limiter, the limiter is the wait: it switches to pacing and the call is retried through it', async () => {
    server.setFaults([hintless429(4)]);
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 1_000 }] });
    const retries: RetryHookEvent[] = [];
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      rateLimit: limiter,
      hooks: { onRetry: (e) => retries.push(e) },
    });
    const started = Date.now();
    const response = await client.get('/quotes/MSFT');
    expect(response.attempts).toBe(5);
    expect(limiter.pacing).toBe(true);
    expect(retries.every((r) => r.delayMs === 0)).toBe(true);
    // Four refusals, each followed by one interval of the limiter (10 ms at 100 per second) or
    // so, not by backoffs of 500 ms and more.
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('with retries off, a 429 is still one attempt', async () => {
    server.setFaults([hintless429(1)]);
    const client = createRestClient({ baseUrl: `${server.url}/v1`, logger: capture.logger, retry: false });
    const error = await failure(client.get('/quotes/AAPL'));
    expect(error.code).toBe('rate_limit.exceeded');
    expect(error.attempts).toBe(1);
  });
});

describe('rate-limit headers', () => {
  it('with a legacy epoch-second reset and an IETF RateLimit header, response.rateLimit gives the IETF reset', async () => {
    const client = createRestClient({ baseUrl: `${server.url}/v1`, logger: capture.logger });
    const response = await client.get('/limits');
    expect(response.rateLimit.remaining).toBe(0);
    expect(response.rateLimit.resetMs).toBe(29_200);
  });
});
