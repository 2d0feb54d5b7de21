import { createServer, type Server, type Socket } from 'node:net';
import { isKitError, type KitError } from '@kit/errors';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { createRestClient } from '../src/index';
import { createLogCapture, FAST_RETRY } from './support';

const capture = createLogCapture();
let server: Server;
const sockets = new Set<Socket>();
let port = 0;

// A TCP server that accepts and then says nothing: a TLS handshake against it never completes, which
// is what a black-holed or overloaded host looks like to the connect phase.
beforeEach(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => expect(capture.leaks()).toEqual([]));

it('fails a connection that does not complete within connectMs with timeout.connect, not sent, and retries it', async () => {
  const client = createRestClient({
    baseUrl: `https://127.0.0.1:${port}/v1`,
    logger: capture.logger,
    retry: FAST_RETRY,
    timeouts: { connectMs: 50 },
  });
  let caught: KitError | undefined;
  try {
    await client.request({ method: 'POST', path: '/orders', body: {}, idempotencyKey: undefined });
  } catch (error) {
    if (isKitError(error)) caught = error;
  }
  expect(caught?.code).toBe('timeout.connect');
  expect(caught?.outcome).toBe('not_sent');
  expect(caught?.attempts).toBe(3);
  expect([caught?.method, caught?.path]).toEqual(['POST', '/v1/orders']);
});
