// createRestClient over the undici adapter: the contract between the two (status and body through
// the client's text transport, errors classified from the adapter's AxiosErrors, reusedSocket).
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiKeyAuth } from '@kit/auth';
import { isKitError, type KitError } from '@kit/errors';
import { freePort } from '@kit/vitest-config/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient } from '../create-rest-client';
import { createUndiciAdapter } from './index';

const API_KEY = 'kit-undici-test-key-0123456789';
const requestsPerSocket = new WeakMap<object, number>();
let resetsLeft = 0;
let resets = 0;
const hanging = new Set<http.ServerResponse>();

const server = http.createServer((req, res) => {
  req.resume();
  const count = (requestsPerSocket.get(req.socket) ?? 0) + 1;
  requestsPerSocket.set(req.socket, count);
  if (req.url?.startsWith('/v1/orders') && count > 1 && resetsLeft > 0) {
    // The keep-alive race: the server drops a pooled socket as the next request arrives on it.
    resetsLeft--;
    resets++;
    req.socket.destroy();
    return;
  }
  if (req.url === '/v1/slow') {
    hanging.add(res);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ path: req.url, method: req.method, key: req.headers['x-api-key'] === API_KEY }));
});

let baseUrl = '';
const adapter = createUndiciAdapter();

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await adapter.close();
  server.closeAllConnections();
  server.close();
});

async function kitFailure(promise: Promise<unknown>): Promise<KitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKitError(error)) throw new Error(`expected a KitError, got ${String(error)}`);
  return error;
}

describe('createRestClient with the undici adapter', () => {
  it('sends authenticated calls and returns the parsed body', async () => {
    const client = createRestClient({ baseUrl, adapter, auth: apiKeyAuth({ key: API_KEY }) });
    const response = await client.get('/quotes/BTC-USD', { query: { depth: 5 } });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ path: '/v1/quotes/BTC-USD?depth=5', method: 'GET', key: true });
  });

  it('classifies a refused connection as network.connection_refused, not sent', async () => {
    const port = await freePort();
    const client = createRestClient({ baseUrl: `http://127.0.0.1:${port}/v1`, adapter, retry: false });
    const error = await kitFailure(client.get('/time'));
    expect(error.code).toBe('network.connection_refused');
    expect(error.outcome).toBe('not_sent');
  });

  it('classifies an attempt timeout as timeout.attempt', async () => {
    const client = createRestClient({ baseUrl, adapter, retry: false, timeouts: { attemptMs: 50 } });
    const error = await kitFailure(client.get('/slow'));
    expect(error.code).toBe('timeout.attempt');
  });

  it('does not resend a keyless POST after a reset on a reused keep-alive socket (test/keyless-writes.test.ts has the rule)', async () => {
    const own = createUndiciAdapter();
    try {
      const client = createRestClient({
        baseUrl,
        adapter: own,
        idempotency: false,
        retry: { initialDelayMs: 1, maxDelayMs: 5 },
      });
      resets = 0;
      resetsLeft = 1;
      const outcomes: Array<string | number | undefined> = [];
      for (let i = 0; i < 4; i++) {
        try {
          outcomes.push((await client.post('/orders', { i })).attempts);
        } catch (error) {
          outcomes.push((error as KitError).outcome);
        }
      }
      expect(resets).toBe(1);
      expect(outcomes.sort()).toEqual([1, 1, 1, 'unknown']);
    } finally {
      resetsLeft = 0;
      await own.close();
    }
  });

  it('resends a keyed POST after a reset on a reused keep-alive socket', async () => {
    const own = createUndiciAdapter();
    try {
      const client = createRestClient({ baseUrl, adapter: own, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
      resets = 0;
      resetsLeft = 1;
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await client.post('/orders', { i }));
      expect(resets).toBe(1);
      expect(results.map((r) => r.attempts).sort()).toEqual([1, 1, 1, 2]);
    } finally {
      resetsLeft = 0;
      await own.close();
    }
  });
});
