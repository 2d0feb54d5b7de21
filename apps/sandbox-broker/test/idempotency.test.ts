import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SandboxBroker, startSandboxBroker } from '../src/index';
import { client } from './support';

let broker: SandboxBroker;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  broker = await startSandboxBroker({ seed: 5, rateLimit: false });
  api = client(broker.url);
});
afterAll(() => broker.close());

const ORDER = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '2', clientOrderId: 'idem-1' };
const post = (body: unknown, key: string) =>
  api({ method: 'POST', path: '/v1/orders', body, headers: { 'idempotency-key': key } });

it('replays the first answer for the same key and body, never a second order', async () => {
  const first = await post(ORDER, 'key-1');
  expect(first.status).toBe(201);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  const again = await post(ORDER, 'key-1');
  expect(again.status).toBe(201);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.json).toEqual(first.json);
  // The same fields in another order are the same body.
  const reordered = await post(
    { quantity: '2', clientOrderId: 'idem-1', type: 'market', side: 'buy', symbol: 'AAPL' },
    'key-1',
  );
  expect(reordered.json.id).toBe(first.json.id);
  const ledger = broker.ledger();
  expect(ledger.orders.filter((o) => o.idempotencyKey === 'key-1')).toHaveLength(1);
  expect(ledger.counts.idempotentReplays).toBe(2);
  expect(ledger.duplicates).toEqual([]);
});

it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
  await post(ORDER, 'key-2');
  const changed = await post({ ...ORDER, quantity: '3' }, 'key-2');
  expect(changed.status).toBe(422);
  expect(changed.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  expect(broker.ledger().orders.filter((o) => o.idempotencyKey === 'key-2')).toHaveLength(1);
});

it('stores a rejection too, and a new key places a new order', async () => {
  const big = { ...ORDER, quantity: '99999', clientOrderId: 'idem-big' };
  const rejected = await post(big, 'key-3');
  expect(rejected.status).toBe(422);
  const replayed = await post(big, 'key-3');
  expect(replayed.status).toBe(422);
  expect(replayed.headers['idempotent-replayed']).toBe('true');
  expect(replayed.json.error.code).toBe('INSUFFICIENT_BUYING_POWER');
  expect(replayed.json.error.requestId).toBe(replayed.headers['x-request-id']);
  const other = await post(ORDER, 'key-4');
  expect(other.status).toBe(201);
  expect(other.headers['idempotent-replayed']).toBeUndefined();
});

it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request with the key is still running', async () => {
  broker.admin.setFaults({
    http: { latency: { probability: 1, minMs: 300, maxMs: 300 }, match: ['POST /v1/orders'] },
  });
  try {
    const seen = broker.ledger().faults.length;
    const first = post(ORDER, 'key-slow');
    // Wait (bounded) until the server holds the first one in its injected latency, then send the second.
    for (let i = 0; i < 10_000 && broker.ledger().faults.length === seen; i++)
      await new Promise(setImmediate);
    expect(broker.ledger().faults.at(-1)).toMatchObject({ kind: 'http.latency', route: 'POST /v1/orders' });
    const second = await post(ORDER, 'key-slow');
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect((await first).status).toBe(201);
  } finally {
    broker.admin.clearFaults();
  }
  const after = await post(ORDER, 'key-slow');
  expect(after.headers['idempotent-replayed']).toBe('true');
  expect(broker.ledger().orders.filter((o) => o.idempotencyKey === 'key-slow')).toHaveLength(1);
});

it('refuses an empty or over-long Idempotency-Key', async () => {
  const long = await post(ORDER, 'k'.repeat(256));
  expect(long.status).toBe(400);
  expect(long.json.error.message).toMatch(/Idempotency-Key/);
});
