import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_CREDENTIALS, type SandboxBroker, startSandboxBroker } from '../src/index';
import { client, sign } from './support';

let broker: SandboxBroker;
beforeAll(async () => {
  broker = await startSandboxBroker({ seed: 9 });
});
afterAll(() => broker.close());

/** Collects a socket's JSON messages and lets a test wait for the first one matching a predicate. */
function inbox(socket: WebSocket) {
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    match: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  return (match: (m: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const found = messages.find(match);
      if (found) resolve(found);
      else waiters.push({ match, resolve });
    });
}

it('a signed WebSocket login with the demo key receives, on `orders`, the events of an order placed over REST', async () => {
  const socket = new WebSocket(broker.wsUrl);
  const next = inbox(socket);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const { keyId, secret } = DEMO_CREDENTIALS.trader;
  const timestamp = String(Date.now());
  socket.send(
    JSON.stringify({
      op: 'login',
      headers: {
        'X-API-Key': keyId,
        'X-Timestamp': timestamp,
        'X-Signature': sign(secret, timestamp, 'GET', '/v1/stream', ''),
      },
      query: {},
    }),
  );
  expect(await next((m) => m.op === 'login')).toMatchObject({ op: 'login', ok: true });
  socket.send(JSON.stringify({ op: 'subscribe', channels: ['orders'], id: 1 }));
  expect(await next((m) => m.op === 'subscribed')).toMatchObject({ channel: 'orders', id: 1 });

  const placed = await client(broker.url)({
    method: 'POST',
    path: '/v1/orders',
    body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', clientOrderId: 'ws-e2e-1' },
  });
  expect(placed.status).toBe(201);
  const filled = await next(
    (m) => m.channel === 'orders' && m.op === undefined && (m.data as { type: string }).type === 'filled',
  );
  expect(filled).toMatchObject({
    channel: 'orders',
    seq: 2,
    data: { seq: 2, orderId: placed.json.id, clientOrderId: 'ws-e2e-1' },
  });
  const accepted = await next(
    (m) => m.channel === 'orders' && m.op === undefined && (m.data as { type: string }).type === 'accepted',
  );
  expect(accepted.seq).toBe(1);
  socket.close();
  await new Promise((resolve) => socket.once('close', resolve));
  expect(broker.ledger().counts.wsConnections).toBe(1);
  expect(broker.ledger().counts.wsMessagesSent).toBeGreaterThanOrEqual(4);
});

it('a login signed with a wrong secret is refused with INVALID_SIGNATURE and close 4001', async () => {
  const socket = new WebSocket(broker.wsUrl);
  const next = inbox(socket);
  await new Promise((resolve) => socket.once('open', resolve));
  const timestamp = String(Date.now());
  socket.send(
    JSON.stringify({
      op: 'login',
      headers: {
        'X-API-Key': DEMO_CREDENTIALS.trader.keyId,
        'X-Timestamp': timestamp,
        'X-Signature': sign('wrong', timestamp, 'GET', '/v1/stream', ''),
      },
      query: {},
    }),
  );
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  expect(await next((m) => m.op === 'login')).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  expect(await closed).toBe(4001);
});
