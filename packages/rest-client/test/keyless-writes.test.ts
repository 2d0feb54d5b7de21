// A keyless, non-idempotent request is sent at most once unless kit can show it never reached the
// server (README, "Which failed requests are sent again"). The situation that used to create two
// orders: a POST on a keep-alive socket that had served an earlier request, where the server runs
// the handler (creates the order) and then destroys the socket without answering. Both transports
// must agree, so every case runs over axios's http adapter and over kit's undici adapter.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@kit/vitest-config/ports';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, type RestClientOptions } from '../src/index';
import { createUndiciAdapter, type UndiciAxiosAdapter } from '../src/undici/index';
import { createLogCapture, FAST_RETRY, failure } from './support';

const capture = createLogCapture();
/** How many times the order handler ran (orders created). */
let ordersCreated = 0;
/** Requests seen per socket, to prove where the POST went. */
const requestsPerSocket = new WeakMap<object, number>();
/** The socket request count each POST arrived with (1 = fresh socket). */
let postSocketCounts: number[] = [];

const server = http.createServer((req, res) => {
  const count = (requestsPerSocket.get(req.socket) ?? 0) + 1;
  requestsPerSocket.set(req.socket, count);
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST') {
      postSocketCounts.push(count);
      ordersCreated++;
      // The order exists now; the server crashes (or a proxy drops the socket) before answering.
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});

let baseUrl = '';
const adapters: UndiciAxiosAdapter[] = [];

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(() => {
  ordersCreated = 0;
  postSocketCounts = [];
});

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  server.closeAllConnections();
  server.close();
  expect(capture.leaks()).toEqual([]);
});

const TRANSPORTS = ['axios http adapter', 'undici adapter'] as const;
type Transport = (typeof TRANSPORTS)[number];

function client(transport: Transport, extra: Partial<RestClientOptions> = {}) {
  let adapter: UndiciAxiosAdapter | undefined;
  if (transport === 'undici adapter') {
    // One socket per origin, so the warm-up GET and the POST share it as with Node's agent.
    adapter = createUndiciAdapter({ connections: 1 });
    adapters.push(adapter);
  }
  return createRestClient({ baseUrl, logger: capture.logger, retry: FAST_RETRY, adapter, ...extra });
}

describe.each(TRANSPORTS)('over the %s', (transport) => {
  it('sends a keyless POST once when the server acted and then dropped a reused socket', async () => {
    const c = client(transport, { idempotency: false });
    await c.get('/warm-up');
    const error = await failure(c.post('/orders', { symbol: 'AAPL', qty: 1 }));
    expect(postSocketCounts).toEqual([2]); // it went out on the socket the GET had used
    expect(ordersCreated).toBe(1);
    expect(error.code).toBe('network.socket_hang_up');
    expect(error.outcome).toBe('unknown');
    expect(error.attempts).toBe(1);
    expect(error.details).toEqual({ reusedSocket: true });
    expect(error.message).toBe(
      'POST /v1/orders: The server closed the connection without a response (ECONNRESET) (on a reused keep-alive socket, after the request was written)',
    );
  });

  it('sends a keyless POST once when that happens on a fresh socket', async () => {
    const error = await failure(client(transport, { idempotency: false }).post('/orders', { qty: 1 }));
    expect(postSocketCounts).toEqual([1]);
    expect(ordersCreated).toBe(1);
    expect([error.code, error.outcome, error.attempts]).toEqual(['network.socket_hang_up', 'unknown', 1]);
  });

  it('resends a POST that carries an idempotency key (the server can deduplicate it)', async () => {
    const c = client(transport);
    await c.get('/warm-up');
    const error = await failure(c.post('/orders', { qty: 1 }));
    expect(error.attempts).toBe(3);
    expect(ordersCreated).toBe(3);
  });

  it('resends a keyless POST when nothing was written: the connection was refused', async () => {
    const port = await freePort();
    const c = client(transport, { idempotency: false, baseUrl: `http://127.0.0.1:${port}/v1` });
    const error = await failure(c.post('/orders', { qty: 1 }));
    expect([error.code, error.outcome, error.attempts]).toEqual([
      'network.connection_refused',
      'not_sent',
      3,
    ]);
  });
});
