import { apiKeyAuth } from '@kit/auth';
import { BINANCE_ERROR_MAP, createVendorErrorMapper } from '@kit/errors';
import { createRateLimiter, createRetryBudget } from '@kit/retry';
import { createFaultServer, createManualClock, type FaultServer } from '@kit/testing';
import { freePort } from '@kit/vitest-config/ports';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, type RestClientOptions } from '../src/index';
import { createLogCapture, FAST_RETRY, failure, TEST_SECRETS } from './support';

const capture = createLogCapture();
let server: FaultServer;
let orders = 0;

beforeEach(async () => {
  orders = 0;
  server = await createFaultServer({
    routes: [
      { method: 'GET', path: '/v1/account', handler: { json: { id: 'acc-1' } } },
      { method: 'PUT', path: '/v1/settings', handler: { json: { ok: true } } },
      { method: 'DELETE', path: '/v1/orders/:id', handler: { status: 204 } },
      {
        method: 'POST',
        path: '/v1/orders',
        sideEffect: true,
        handler: () => ({ status: 201, json: { id: `ord-${++orders}` } }),
      },
      {
        method: 'PATCH',
        path: '/v1/orders/:id',
        sideEffect: true,
        handler: () => ({ json: { id: 'ord-1', amended: ++orders } }),
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

function client(extra: Partial<RestClientOptions> = {}) {
  return createRestClient({
    baseUrl: `${server.url}/v1`,
    logger: capture.logger,
    retry: FAST_RETRY,
    ...extra,
  });
}

describe('retryable statuses (DESIGN §4)', () => {
  it.each([
    [408, 'client.request_timeout'],
    [500, 'server.internal'],
    [502, 'server.bad_gateway'],
    [503, 'server.unavailable'],
    [504, 'server.gateway_timeout'],
  ] as const)('retries a GET answered %i (%s) and succeeds on the next attempt', async (status, code) => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status } }]);
    const codes: string[] = [];
    const response = await client({ hooks: { onRetry: (e) => codes.push(e.error.code) } }).get('/account');
    expect(response.attempts).toBe(2);
    expect(codes).toEqual([code]);
    expect(server.requests.map((r) => r.status)).toEqual([status, 200]);
  });

  it.each([
    [400, 'client.bad_request', 'rejected'],
    [403, 'auth.insufficient_permissions', 'rejected'],
    [409, 'client.conflict', 'rejected'],
    [422, 'client.unprocessable', 'rejected'],
    [505, 'server.http_version_not_supported', 'rejected'],
  ] as const)('never retries a %i (%s)', async (status, code, outcome) => {
    server.setFaults([{ fault: { type: 'status', status } }]);
    const error = await failure(client().get('/account'));
    expect([error.code, error.status, error.outcome, error.attempts]).toEqual([code, status, outcome, 1]);
    expect(error.hint.length).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 500 whose x-should-retry header says false', async () => {
    server.setFaults([{ fault: { type: 'status', status: 500, headers: { 'x-should-retry': 'false' } } }]);
    const error = await failure(client().get('/account'));
    expect([error.code, error.retryable, error.attempts]).toEqual(['server.internal', false, 1]);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 409 whose x-should-retry header says true (a lock timeout), and not a keyless POST', async () => {
    server.setFaults([
      { firstN: 1, fault: { type: 'status', status: 409, headers: { 'x-should-retry': 'true' } } },
    ]);
    const response = await client().get('/account');
    expect([response.status, response.attempts]).toEqual([200, 2]);
    server.setFaults([
      { firstN: 1, fault: { type: 'status', status: 409, headers: { 'x-should-retry': 'true' } } },
    ]);
    const error = await failure(client({ idempotency: false }).post('/orders', { symbol: 'AAPL' }));
    expect([error.code, error.retryHint, error.attempts]).toEqual(['client.conflict', true, 1]);
  });

  it('fails bad API credentials (401) with auth.invalid_credentials after one attempt, key never shown', async () => {
    server.setFaults([{ fault: { type: 'status', status: 401, json: { error: 'invalid api key' } } }]);
    const error = await failure(client({ auth: apiKeyAuth({ key: TEST_SECRETS.apiKey }) }).get('/account'));
    expect([error.code, error.status, error.attempts]).toEqual(['auth.invalid_credentials', 401, 1]);
    expect(server.requests[0]?.headers['x-api-key']).toBe(TEST_SECRETS.apiKey);
    expect(JSON.stringify(error)).not.toContain(TEST_SECRETS.apiKey);
    expect(error.message).not.toContain(TEST_SECRETS.apiKey);
  });
});

describe('idempotency rules (DESIGN §4)', () => {
  it('retries idempotent PUT and DELETE after a 503 without any idempotency key', async () => {
    server.setFaults([{ firstN: 1, match: { method: 'PUT' }, fault: { type: 'status', status: 503 } }]);
    const c = client({ idempotency: false });
    expect((await c.put('/settings', { a: 1 })).attempts).toBe(2);
    server.setFaults([{ firstN: 1, match: { method: 'DELETE' }, fault: { type: 'status', status: 503 } }]);
    expect((await c.delete('/orders/{id}', { params: { id: 'o1' } })).attempts).toBe(2);
    expect(server.requests.every((r) => r.idempotencyKey === undefined)).toBe(true);
  });

  it('does not retry a keyless PATCH that reached the server (503 after the handler ran)', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 503, afterHandler: true } }]);
    const error = await failure(
      client({ idempotency: false }).patch('/orders/{id}', { qty: 2 }, { params: { id: 'o1' } }),
    );
    expect([error.code, error.outcome, error.attempts]).toEqual(['server.unavailable', 'unknown', 1]);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('retries a PATCH with a generated idempotency key, reusing the key, so it applies once', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 503, afterHandler: true } }]);
    const response = await client().patch('/orders/{id}', { qty: 2 }, { params: { id: 'o1' } });
    expect(response.attempts).toBe(2);
    const [first, second] = server.requests;
    expect(first?.idempotencyKey).toBeDefined();
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('retries a keyless POST whose connection was refused (never sent), then classifies it', async () => {
    const port = await freePort();
    const retries: string[] = [];
    const c = createRestClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      idempotency: false,
      hooks: { onRetry: (e) => retries.push(e.error.code) },
    });
    const error = await failure(c.post('/orders', { symbol: 'AAPL' }));
    expect([error.code, error.outcome, error.attempts]).toEqual([
      'network.connection_refused',
      'not_sent',
      3,
    ]);
    expect(retries).toEqual(['network.connection_refused', 'network.connection_refused']);
  });

  it('fails a Binance -1007 (execution status unknown) with server.execution_unknown and never resends it, even with a key', async () => {
    const body = {
      code: -1007,
      msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
    };
    server.setFaults([{ fault: { type: 'status', status: 408, json: body, afterHandler: true } }]);
    const errorMapper = createVendorErrorMapper(BINANCE_ERROR_MAP);
    const error = await failure(client({ errorMapper }).post('/orders', { symbol: 'BTCUSDT' }));
    expect([error.code, error.outcome, error.retryable, error.attempts]).toEqual([
      'server.execution_unknown',
      'unknown',
      false,
      1,
    ]);
    expect(error.vendorCode).toBe('-1007');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.idempotencyKey).toBeDefined();
    expect(server.sideEffectCount()).toBe(1);
  });
});

describe('server retry hints (virtual clock)', () => {
  const ATTEMPT_MS = 30_000;
  const isGuard = (ms: number) => ms === ATTEMPT_MS || ms >= 100_000;

  function timed(retry: Record<string, unknown> = {}, deadlineMs = 600_000) {
    const virtual = createManualClock();
    const c = client({
      timeouts: { attemptMs: ATTEMPT_MS, deadlineMs },
      retry: { clock: virtual, random: () => 0, budget: false, maxAttempts: 3, ...retry },
    });
    return { virtual, c };
  }

  it.each([
    ['RateLimit-Reset (delta seconds)', { 'RateLimit-Reset': '7' }, 7_000],
    ['X-RateLimit-Reset (delta seconds)', { 'X-RateLimit-Reset': '9' }, 9_000],
  ] as const)('waits for a 429 reset given only as %s', async (_name, headers, expectedMs) => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 429, headers } }]);
    const { virtual, c } = timed();
    const call = c.get('/account');
    const waitMs = await virtual.nextSleep((ms) => !isGuard(ms));
    expect(waitMs).toBeGreaterThanOrEqual(expectedMs);
    expect(waitMs).toBeLessThanOrEqual(expectedMs + 1_000);
    await virtual.advance(waitMs - 1);
    expect(server.requests).toHaveLength(1);
    await virtual.advance(1);
    expect((await call).attempts).toBe(2);
  });

  it('waits for an X-RateLimit-Reset given as epoch seconds, measured against the injected clock', async () => {
    const { virtual, c } = timed();
    // The virtual clock starts on a whole second, so the reset lands exactly 12 s after it.
    const resetEpochS = virtual.now() / 1_000 + 12;
    server.setFaults([
      {
        firstN: 1,
        fault: { type: 'status', status: 429, headers: { 'X-RateLimit-Reset': String(resetEpochS) } },
      },
    ]);
    const call = c.get('/account');
    const waitMs = await virtual.nextSleep((ms) => !isGuard(ms));
    expect(waitMs).toBe(12_000);
    await virtual.advance(waitMs);
    expect((await call).attempts).toBe(2);
  });

  it('fails at once with rate_limit.exceeded when Retry-After is beyond maxRetryAfterMs (60 s), even inside the deadline', async () => {
    server.setFaults([{ fault: { type: 'rate_limit', retryAfter: { seconds: 61 } } }]);
    const { virtual, c } = timed();
    const error = await failure(c.get('/account'));
    expect([error.code, error.retryAfterMs, error.attempts, error.status]).toEqual([
      'rate_limit.exceeded',
      61_000,
      1,
      429,
    ]);
    expect(virtual.sleeps.filter((ms) => !isGuard(ms))).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('storm protection', () => {
  it('stops retrying a host that is down once its retry budget is drained, and a success refills it', async () => {
    server.setFaults([{ fault: { type: 'status', status: 503 } }]);
    const budget = createRetryBudget({ capacity: 10, retryCost: 5 });
    const c = client({ retry: { ...FAST_RETRY, budget, maxAttempts: 5 } });
    const first = await failure(c.get('/account'));
    expect([first.code, first.attempts]).toEqual(['server.unavailable', 3]);
    const second = await failure(c.get('/account'));
    expect([second.code, second.attempts]).toEqual(['server.unavailable', 1]);
    expect(server.requests).toHaveLength(4);
    server.setFaults([]);
    expect((await c.get('/account')).attempts).toBe(1);
  });

  it('opens the opt-in circuit breaker after consecutive failures and fails fast with server.circuit_open, sending nothing', async () => {
    server.setFaults([{ fault: { type: 'status', status: 503 } }]);
    const c = client({
      retry: {
        ...FAST_RETRY,
        maxAttempts: 1,
        circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
      },
    });
    await failure(c.get('/account'));
    await failure(c.get('/account'));
    const open = await failure(c.get('/account'));
    expect(open.code).toBe('server.circuit_open');
    expect(open.hint.length).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(2);
  });

  it('rejects a call with rate_limit.queue_full when the limiter queue is full, without sending it', async () => {
    const limiter = createRateLimiter({ limits: [{ tokens: 1, intervalMs: 60_000 }], maxQueueSize: 1 });
    const c = client({ rateLimit: limiter });
    const controller = new AbortController();
    await c.get('/account');
    const queued = c.get('/account', { signal: controller.signal });
    await expect.poll(() => limiter.queueSize).toBe(1);
    const full = await failure(c.get('/account'));
    expect([full.code, full.method, full.path]).toEqual(['rate_limit.queue_full', 'GET', '/v1/account']);
    controller.abort();
    expect((await failure(queued)).code).toBe('cancelled.aborted');
    expect(server.requests).toHaveLength(1);
  });
});
