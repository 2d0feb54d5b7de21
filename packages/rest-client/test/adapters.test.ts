import { createFaultServer, type FaultServer } from '@kit/testing';
import type { AxiosAdapter } from 'axios';
import * as v from 'valibot';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index';
import { createUndiciAdapter } from '../src/undici/index';
import { createLogCapture, FAST_RETRY, failure } from './support';

const capture = createLogCapture();
const undici = createUndiciAdapter();
let server: FaultServer;
let orders = 0;
beforeEach(async () => {
  orders = 0;
  server = await createFaultServer({
    routes: [
      {
        method: 'GET',
        path: '/v1/quotes/:symbol',
        handler: (r) => ({ json: { symbol: r.params.symbol, bid: 1 } }),
      },
      {
        method: 'POST',
        path: '/v1/orders',
        sideEffect: true,
        handler: () => ({ status: 201, json: { id: `o${++orders}` } }),
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(async () => {
  await undici.close();
  expect(capture.leaks()).toEqual([]);
});

// The same behaviours through axios's own http adapter and through kit's undici adapter.
describe.each([
  ['axios http adapter', undefined],
  ['undici adapter', undici as AxiosAdapter],
])('with the %s', (_name, adapter) => {
  const client = (extra: Record<string, unknown> = {}) =>
    createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      adapter,
      ...extra,
    });

  it('parses and validates a response', async () => {
    const response = await client().get('/quotes/{symbol}', {
      params: { symbol: 'AAPL' },
      schema: v.object({ symbol: v.string(), bid: v.number() }),
    });
    expect(response.data).toEqual({ symbol: 'AAPL', bid: 1 });
  });

  it('creates one order when a keyed POST is retried after a reset mid-body', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'reset', midBody: true } }]);
    const response = await client().post('/orders', { symbol: 'AAPL' });
    expect(response.data).toEqual({ id: 'o1' });
    expect(server.requests).toHaveLength(2);
    expect(server.sideEffectCount()).toBe(1);
  });

  it('does not resend a keyless POST whose reused keep-alive socket was reset before any response', async () => {
    const c = client({ idempotency: false });
    // Warm the pool until a request goes out on a reused socket (undici may open a second
    // connection for a request sent right after another), so every pooled socket has served one.
    for (let i = 0; i < 5 && server.requests.at(-1)?.socketReused !== true; i++) await c.get('/quotes/A');
    server.setFaults([{ firstN: 1, match: { method: 'POST' }, fault: { type: 'reset' } }]);
    const error = await failure(c.post('/orders', {}));
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts[0]?.socketReused).toBe(true);
    expect(posts).toHaveLength(1);
    expect([error.outcome, error.attempts, error.details]).toEqual(['unknown', 1, { reusedSocket: true }]);
  });

  it('classifies truncated and malformed bodies', async () => {
    server.setFaults([{ fault: { type: 'truncated' } }]);
    expect((await failure(client().get('/quotes/A'))).code).toBe('schema.truncated_body');
    server.setFaults([{ fault: { type: 'malformed_json' } }]);
    expect((await failure(client().get('/quotes/A'))).code).toBe('schema.invalid_json');
  });
});
