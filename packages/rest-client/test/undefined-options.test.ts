// An option passed as `undefined` means its documented default, for every public option: a caller
// who writes `{ timeouts: { connectMs: config.connectMs } }` with the setting unset gets the default.
import { createFaultServer, type FaultServer } from '@kit/testing';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestClient, defineEndpoint, type RestClientOptions } from '../src/index';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startServer(): Promise<FaultServer> {
  server = await createFaultServer({
    routes: [
      { method: 'GET', path: '/orders/:id', handler: (req) => ({ json: { id: req.params.id, qty: 1 } }) },
      {
        method: 'POST',
        path: '/orders',
        sideEffect: true,
        handler: () => ({ status: 201, json: { id: 'o1' } }),
      },
    ],
  });
  return server;
}

/** Every optional field of RestClientOptions undefined (nested objects too), except `retry`'s clock. */
function everyOptionUndefined(baseUrl: string): RestClientOptions {
  return {
    baseUrl,
    auth: undefined,
    retry: undefined,
    rateLimit: undefined,
    logger: undefined,
    timeouts: { connectMs: undefined, attemptMs: undefined, deadlineMs: undefined },
    headers: undefined,
    hooks: undefined,
    idempotency: { enabled: undefined, headerName: undefined, generate: undefined },
    requestIdHeader: undefined,
    requestIdHeaders: undefined,
    schemaMode: undefined,
    errorMapper: undefined,
    adapter: undefined,
    axios: undefined,
    maxRedirects: undefined,
    tracerProvider: undefined,
    meterProvider: undefined,
    telemetry: undefined,
  };
}

describe('createRestClient with every option undefined but timeouts.connectMs', () => {
  it('sends accept JSON, an X-Request-Id, an Idempotency-Key on POST, and retries a 503 three times', async () => {
    const srv = await startServer();
    const options = everyOptionUndefined(srv.url);
    const client = createRestClient({ ...options, timeouts: { ...options.timeouts, connectMs: 10_000 } });
    srv.setFaults([{ firstN: 2, fault: { type: 'status', status: 503 } }]);
    const placed = await client.request({ method: 'POST', path: '/orders', body: { qty: 1 } });
    expect(placed.attempts).toBe(3);
    const first = srv.requests[0]!;
    expect(first.headers.accept).toBe('application/json');
    expect(first.headers['x-request-id']).toMatch(/\S+/);
    const keys = srv.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/\S+/);
    expect(new Set(keys).size).toBe(1); // one key reused on every attempt
    expect(srv.sideEffectCount()).toBe(1);
  });

  it('checks responses in strict mode', async () => {
    const srv = await startServer();
    const options = everyOptionUndefined(srv.url);
    const client = createRestClient({ ...options, timeouts: { connectMs: 10_000 } });
    const getOrder = defineEndpoint({
      method: 'GET',
      path: '/orders/{id}',
      response: v.object({ id: v.string(), qty: v.string() }),
    });
    await expect(client.call(getOrder, { params: { id: 'x' } })).rejects.toMatchObject({
      code: 'schema.response_mismatch',
    });
  });

  it('takes request options undefined as not given', async () => {
    const srv = await startServer();
    const client = createRestClient({ baseUrl: srv.url });
    const response = await client.request({
      method: 'GET',
      path: '/orders/{id}',
      params: { id: '7' },
      query: undefined,
      body: undefined,
      headers: undefined,
      signal: undefined,
      schema: undefined,
      weight: undefined,
      idempotencyKey: undefined,
    });
    expect(response.data).toEqual({ id: '7', qty: 1 });
    expect(srv.requests[0]?.path).toBe('/orders/7');
  });
});

describe('timeouts.connectMs undefined', () => {
  // A plain `{ ...DEFAULT_TIMEOUTS, ...options.timeouts }` let `connectMs: undefined` through, so the
  // keep-alive agents' connect guard ran `setTimeout(fail, undefined)`, i.e. after 1 ms, and a fresh
  // connection that took longer failed with timeout.connect (about a quarter of them on loopback).
  it('connects with the 10 s default: forty fresh clients, forty answers', async () => {
    const srv = await startServer();
    for (let i = 0; i < 40; i++) {
      const client = createRestClient({ baseUrl: srv.url, retry: false, timeouts: { connectMs: undefined } });
      await client.request({ method: 'GET', path: '/orders/1' });
    }
  });
});
