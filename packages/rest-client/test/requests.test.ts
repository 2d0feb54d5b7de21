import { createFaultServer, type FaultServer } from '@kit/testing';
import * as v from 'valibot';
import { afterAll, afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createRestClient, defineEndpoint } from '../src/index';
import { createLogCapture, FAST_RETRY, failure } from './support';

const capture = createLogCapture();
let server: FaultServer;
beforeEach(async () => {
  server = await createFaultServer({
    routes: [
      {
        method: '*',
        path: '/v1/echo/*',
        handler: (r) => ({ json: { method: r.method, path: r.path, query: r.rawQuery, body: r.body } }),
      },
      {
        method: 'POST',
        path: '/v1/orders',
        sideEffect: true,
        handler: (r) => ({ status: 201, json: { id: 'o1', ...(r.json as object) } }),
      },
      {
        method: 'GET',
        path: '/v1/orders/:id',
        handler: (r) => ({ json: { id: r.params.id, qty: 2, status: 'open' } }),
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

const client = () =>
  createRestClient({ baseUrl: `${server.url}/v1/`, logger: capture.logger, retry: FAST_RETRY });

describe('request building', () => {
  it('encodes path params and serialises the query in the given order, arrays repeated', async () => {
    const response = await client().get('/echo/{a}/{b}', {
      params: { a: 'x/y?z', b: 'é 1' },
      query: { z: 'last', a: ['1', '2'], space: 'a b', skip: undefined, plus: '1+1' },
    });
    expect(response.data).toEqual({
      method: 'GET',
      path: '/v1/echo/x%2Fy%3Fz/%C3%A9%201',
      query: 'z=last&a=1&a=2&space=a%20b&plus=1%2B1',
      body: '',
    });
  });

  it('fails a missing path param with client.invalid_argument before sending anything', async () => {
    const reported: string[] = [];
    const c = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      hooks: { onError: (e) => reported.push(e.error.code) },
    });
    const error = await failure(c.get('/orders/{id}'));
    expect(reported).toEqual(['client.invalid_argument']);
    expect(error.code).toBe('client.invalid_argument');
    expect(error.message).toContain('"id"');
    expect(server.requests).toHaveLength(0);
  });

  it('lets a caller header replace a default one whatever its letter case', async () => {
    const c = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      headers: { Accept: 'text/csv' },
    });
    await c.post('/echo/x', { a: 1 }, { headers: { 'Content-Type': 'application/vnd.kit+json' } });
    const [sent] = server.requests;
    expect(sent?.headers.accept).toBe('text/csv');
    expect(sent?.headers['content-type']).toBe('application/vnd.kit+json');
  });

  it('sends JSON, form and raw bodies with their content types, and extra headers', async () => {
    const c = client();
    await c.put('/echo/json', { a: 1 });
    await c.put('/echo/form', new URLSearchParams([['pair', 'XBTUSD']]));
    await c.put('/echo/raw', 'plain text', { headers: { 'content-type': 'text/plain', 'x-extra': 'yes' } });
    expect(server.requests.map((r) => [r.headers['content-type'], r.body])).toEqual([
      ['application/json', '{"a":1}'],
      ['application/x-www-form-urlencoded', 'pair=XBTUSD'],
      ['text/plain', 'plain text'],
    ]);
    expect(server.requests[2]?.headers['x-extra']).toBe('yes');
    expect(server.requests.every((r) => /^[0-9a-f-]{36}$/.test(r.headers['x-request-id'] ?? ''))).toBe(true);
    expect(server.requests.every((r) => r.idempotencyKey === undefined)).toBe(true);
  });
});

describe('endpoints', () => {
  const Order = v.object({ id: v.string(), qty: v.number(), status: v.picklist(['open', 'filled']) });
  const getOrder = defineEndpoint({ method: 'GET', path: '/orders/{id}', response: Order, weight: 2 });
  const createOrder = defineEndpoint({
    method: 'POST',
    path: '/orders',
    body: v.object({ symbol: v.pipe(v.string(), v.minLength(1)), qty: v.pipe(v.number(), v.minValue(1)) }),
    response: v.object({ id: v.string(), symbol: v.string(), qty: v.number() }),
  });

  it('calls a declared endpoint with inferred input and output types', async () => {
    const c = client();
    const { data } = await c.call(getOrder, { params: { id: 'o 1' } });
    expectTypeOf(data).toEqualTypeOf<{ id: string; qty: number; status: 'open' | 'filled' }>();
    expect(data).toEqual({ id: 'o 1', qty: 2, status: 'open' });
    const created = await c.call(createOrder, { body: { symbol: 'AAPL', qty: 3 } });
    expectTypeOf(created.data.symbol).toEqualTypeOf<string>();
    expect(created.data).toEqual({ id: 'o1', symbol: 'AAPL', qty: 3 });
    expect(server.requests[1]?.idempotencyKey).toBeDefined();
  });

  it('rejects an invalid body with schema.request_mismatch before sending', async () => {
    const error = await failure(client().call(createOrder, { body: { symbol: '', qty: 0 } }));
    expect(error.code).toBe('schema.request_mismatch');
    expect(error.message).toContain('symbol, qty');
    expect(error.outcome).toBe('not_sent');
    expect(server.requests).toHaveLength(0);
  });
});
