import { createFaultServer, type FaultServer } from '@kit/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, type RestClientOptions } from '../src/index';
import { createLogCapture, FAST_RETRY, failure } from './support';

const capture = createLogCapture();
let server: FaultServer;
let orders = 0;

beforeEach(async () => {
  orders = 0;
  server = await createFaultServer({
    routes: [
      { method: 'GET', path: '/v1/account', handler: { json: { id: 'acc-1', cash: 100 } } },
      {
        method: 'POST',
        path: '/v1/orders',
        sideEffect: true,
        handler: (req) => ({
          status: 201,
          json: { id: `ord-${++orders}`, symbol: (req.json as { symbol: string }).symbol },
        }),
      },
      { method: 'GET', path: '/v1/missing', handler: { status: 404, json: { error: 'not_found' } } },
      { method: 'GET', path: '/v1/unimplemented', handler: { status: 501, json: { error: 'nope' } } },
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

describe('retries', () => {
  it('retries a 503 on GET and succeeds on the next attempt', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 503 } }]);
    const response = await client().get('/account');
    expect(response.data).toEqual({ id: 'acc-1', cash: 100 });
    expect(response.attempts).toBe(2);
    expect(server.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it('gives up after maxAttempts with the classified code, attempts and total delay', async () => {
    server.setFaults([{ fault: { type: 'status', status: 503 } }]);
    const error = await failure(client().get('/account'));
    expect(error.code).toBe('server.unavailable');
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(error.totalDelayMs).toBeGreaterThan(0);
    expect(error.method).toBe('GET');
    expect(error.path).toBe('/v1/account');
    expect(error.outcome).toBe('unknown');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a POST without an idempotency key once it reached the server', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 503, afterHandler: true } }]);
    const error = await failure(client({ idempotency: false }).post('/orders', { symbol: 'AAPL' }));
    expect(error.code).toBe('server.unavailable');
    expect(error.outcome).toBe('unknown');
    expect(error.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.idempotencyKey).toBeUndefined();
    expect(server.sideEffectCount()).toBe(1);
  });

  it('retries a POST with an idempotency key after a 503 and creates exactly one order', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 503, afterHandler: true } }]);
    const response = await client().post('/orders', { symbol: 'AAPL' });
    expect(response.status).toBe(201);
    expect(response.data).toEqual({ id: 'ord-1', symbol: 'AAPL' });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('creates one order when the response to a keyed POST is cut by a reset mid-body', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'reset', midBody: true } }]);
    const response = await client().post('/orders', { symbol: 'MSFT' });
    expect(response.data).toEqual({ id: 'ord-1', symbol: 'MSFT' });
    expect(server.requests).toHaveLength(2);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('retries a POST without a key on 429, which the server refused before acting', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'rate_limit', retryAfter: { ms: 1 } } }]);
    const response = await client({ idempotency: false }).post('/orders', { symbol: 'AAPL' });
    expect(response.status).toBe(201);
    expect(server.requests.map((r) => r.status)).toEqual([429, 201]);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('uses the caller’s idempotency key and header name on every attempt', async () => {
    server.setFaults([{ firstN: 2, fault: { type: 'status', status: 502 } }]);
    const c = client({ idempotency: { headerName: 'X-Client-Order-Id' } });
    await c.request({ method: 'POST', path: '/orders', body: { symbol: 'X' }, idempotencyKey: 'my-key-1' });
    expect(server.requests.map((r) => r.headers['x-client-order-id'])).toEqual([
      'my-key-1',
      'my-key-1',
      'my-key-1',
    ]);
  });

  it('retries a connection reset on GET, and classifies it when every attempt is reset', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'reset' } }]);
    expect((await client().get('/account')).attempts).toBe(2);
    server.setFaults([{ fault: { type: 'reset' } }]);
    const error = await failure(client().get('/account'));
    expect(['network.connection_reset', 'network.socket_hang_up']).toContain(error.code);
    expect(error.attempts).toBe(3);
  });

  it('does not resend a keyless POST after a reset on a reused keep-alive socket, even one the server dropped unread', async () => {
    const c = client({ idempotency: false });
    await c.get('/account');
    // The next request goes out on the same pooled socket; the server resets it unread. From the
    // client this looks exactly like a server that acted and then dropped the socket, so no resend.
    server.setFaults([{ firstN: 1, match: { method: 'POST' }, fault: { type: 'reset' } }]);
    const error = await failure(c.post('/orders', { symbol: 'AAPL' }));
    expect([error.outcome, error.attempts, error.details]).toEqual(['unknown', 1, { reusedSocket: true }]);
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.socketReused).toBe(true);
    expect(server.sideEffectCount()).toBe(0);
  });

  it('resends a keyed POST after a reset on a reused keep-alive socket, with the same key', async () => {
    const c = client();
    await c.get('/account');
    server.setFaults([{ firstN: 1, match: { method: 'POST' }, fault: { type: 'reset' } }]);
    const response = await c.post('/orders', { symbol: 'AAPL' });
    expect(response.status).toBe(201);
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.idempotencyKey).toBe(posts[0]?.idempotencyKey);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('does not retry a POST without a key when a fresh socket is reset (the server may have acted)', async () => {
    server.setFaults([{ fault: { type: 'reset', afterHandler: true } }]);
    const error = await failure(client({ idempotency: false }).post('/orders', { symbol: 'AAPL' }));
    expect(['network.connection_reset', 'network.socket_hang_up']).toContain(error.code);
    expect(error.outcome).toBe('unknown');
    expect(server.requests).toHaveLength(1);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('ends a keyed POST as unknown when its first attempt lost the answer and the retry got a 4xx', async () => {
    // The first attempt created the order and lost its answer; the retry was refused (422). The
    // call must not look refused: the order exists.
    server.setFaults([
      { firstN: 1, match: { method: 'POST' }, fault: { type: 'reset', afterHandler: true } },
      { match: { method: 'POST' }, fault: { type: 'status', status: 422 } },
    ]);
    const error = await failure(client().post('/orders', { symbol: 'AAPL' }));
    expect([error.code, error.status, error.outcome, error.attempts]).toEqual([
      'client.unprocessable',
      422,
      'unknown',
      2,
    ]);
    expect(error.details).toMatchObject({
      serverMessage: 'status_422',
      earlierOutcome: 'unknown',
      attemptOutcomes: ['unknown', 'rejected'],
    });
    expect(['network.connection_reset', 'network.socket_hang_up']).toContain(
      (error.details as { earlierCode: string }).earlierCode,
    );
    expect(server.sideEffectCount()).toBe(1);
  });

  it('ends a keyed POST as unknown when its first attempt timed out after sending and the retry got a 429', async () => {
    server.setFaults([
      { firstN: 1, match: { method: 'POST' }, fault: { type: 'latency', ms: 2_000 } },
      // A wait beyond maxRetryAfterMs: the client gives up on the 429 at once.
      { match: { method: 'POST' }, fault: { type: 'rate_limit', retryAfter: { ms: 120_000 } } },
    ]);
    const error = await failure(client({ timeouts: { attemptMs: 60 } }).post('/orders', { symbol: 'AAPL' }));
    expect([error.code, error.outcome]).toEqual(['rate_limit.exceeded', 'unknown']);
    expect(error.details).toMatchObject({
      earlierOutcome: 'unknown',
      earlierCode: 'timeout.attempt',
      attemptOutcomes: ['unknown', 'rejected'],
    });
  });

  it('keeps a refusal a refusal when no attempt may have taken effect', async () => {
    server.setFaults([
      { firstN: 1, match: { method: 'POST' }, fault: { type: 'rate_limit', retryAfter: { ms: 1 } } },
      { match: { method: 'POST' }, fault: { type: 'status', status: 422 } },
    ]);
    const error = await failure(client().post('/orders', { symbol: 'AAPL' }));
    expect([error.code, error.outcome, error.details]).toEqual([
      'client.unprocessable',
      'rejected',
      { serverMessage: 'status_422' },
    ]);
  });

  it('never retries a 404 or a 501', async () => {
    const notFound = await failure(client().get('/missing'));
    expect([notFound.code, notFound.outcome, notFound.attempts]).toEqual(['client.not_found', 'rejected', 1]);
    const notImplemented = await failure(client().get('/unimplemented'));
    expect([notImplemented.code, notImplemented.attempts]).toEqual(['server.not_implemented', 1]);
    expect(server.requests).toHaveLength(2);
  });

  it('times out attempts against a slow server (latency fault) and reports timeout.attempt', async () => {
    server.setFaults([{ fault: { type: 'latency', ms: 2_000 } }]);
    const error = await failure(
      client({ timeouts: { attemptMs: 40 }, retry: { ...FAST_RETRY, maxAttempts: 2 } }).get('/account'),
    );
    expect([error.code, error.outcome, error.attempts]).toEqual(['timeout.attempt', 'unknown', 2]);
    expect([error.method, error.path]).toEqual(['GET', '/v1/account']);
    expect(server.requests).toHaveLength(2);
  });

  it('succeeds through seeded random latency within the attempt timeout', async () => {
    server.setFaults([{ fault: { type: 'latency', minMs: 1, maxMs: 10 } }]);
    const response = await client({ timeouts: { attemptMs: 5_000 } }).get('/account');
    expect([response.status, response.attempts]).toEqual([200, 1]);
  });

  it('makes a single attempt with retry: false', async () => {
    server.setFaults([{ fault: { type: 'status', status: 503 } }]);
    const error = await failure(client({ retry: false }).get('/account'));
    expect([error.code, error.attempts]).toEqual(['server.unavailable', 1]);
  });

  it('reports each retry to onRetry and the final error to onError', async () => {
    server.setFaults([{ fault: { type: 'status', status: 500 } }]);
    const retries: Array<[number, string]> = [];
    const errors: string[] = [];
    await failure(
      client({
        hooks: {
          onRetry: (e) => retries.push([e.attempt, e.error.code]),
          onError: (e) => errors.push(e.error.code),
        },
      }).get('/account'),
    );
    expect(retries).toEqual([
      [1, 'server.internal'],
      [2, 'server.internal'],
    ]);
    expect(errors).toEqual(['server.internal']);
  });
});
