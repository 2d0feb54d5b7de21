import { once } from 'node:events';
import { createServer } from 'node:http';
import { isKitError } from '@kit/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bookChecksum } from '../market/book-checksum';
import type { BookLevel } from '../market/market-types';
import { BOOK_LEVELS } from '../market/simulated-book';
import { attachStream } from './attach-stream';
import {
  fakeAuth,
  fakeLedger,
  fakeOrders,
  type Harness,
  HEARTBEAT_MS,
  NOW,
  orderEvent,
  PING_MS,
  startHarness,
  type TestClient,
} from './stream-test-support';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

describe('login', () => {
  it('verifies the login as a signed GET /v1/stream with lower-cased headers and an empty body', async () => {
    const h = await start();
    const client = await h.connect();
    const answer = await client.request(
      {
        op: 'login',
        headers: { 'X-API-Key': 'key_a', 'X-Timestamp': '123', 'X-Signature': 'good' },
        query: {},
        id: 7,
      },
      (m) => m.op === 'login',
    );
    expect(answer).toEqual({ op: 'login', ok: true, id: 7 });
    expect(h.auth.requests).toEqual([
      {
        method: 'GET',
        target: '/v1/stream',
        headers: { 'x-api-key': 'key_a', 'x-timestamp': '123', 'x-signature': 'good' },
        body: '',
      },
    ]);
    expect(h.stream.connections()[0]?.accountId).toBe('acc_a');
  });

  it('signs the query into the target when the client sent one', async () => {
    const h = await start();
    const client = await h.connect();
    await client.request({ op: 'login', headers: {}, query: { a: '1', b: 'x y' } }, (m) => m.op === 'login');
    expect(h.auth.requests[0]?.target).toBe('/v1/stream?a=1&b=x+y');
  });

  it('answers a rejected login with its code, then closes with 4001', async () => {
    const h = await start();
    const client = await h.connect();
    const answer = await client.login({ 'X-API-Key': 'key_a', 'X-Signature': 'bad' });
    expect(answer).toEqual({
      op: 'login',
      ok: false,
      code: 'INVALID_SIGNATURE',
      message: 'The signature does not match',
    });
    expect((await client.closed).code).toBe(4001);
  });

  it('treats missing or malformed headers as no credentials', async () => {
    const h = await start();
    const client = await h.connect();
    const answer = await client.request({ op: 'login', headers: ['nope'] }, (m) => m.op === 'login');
    expect(answer.ok).toBe(false);
    expect(h.auth.requests[0]?.headers).toEqual({});
    expect((await client.closed).code).toBe(4001);
  });

  it('closes with 1011, not a crash, when the verifier throws', async () => {
    const h = await start();
    const client = await h.connect();
    const answer = await client.login({ 'X-API-Key': 'explode' });
    expect(answer).toMatchObject({ op: 'login', ok: false, code: 'INTERNAL' });
    expect((await client.closed).code).toBe(1011);
  });
});

describe('subscriptions', () => {
  it('acknowledges subscribe and unsubscribe per channel, echoing the id', async () => {
    const h = await start();
    const client = await h.connect();
    const acks = Promise.all([
      client.waitFor((m) => m.op === 'subscribed' && m.channel === 'quotes:AAPL'),
      client.waitFor((m) => m.op === 'subscribed' && m.channel === 'book:BTC-USD'),
    ]);
    client.send({ op: 'subscribe', channels: ['quotes:AAPL', 'book:BTC-USD'], id: 'a1' });
    expect(await acks).toEqual([
      { op: 'subscribed', channel: 'quotes:AAPL', id: 'a1' },
      { op: 'subscribed', channel: 'book:BTC-USD', id: 'a1' },
    ]);
    const without = await client.request(
      { op: 'unsubscribe', channels: ['quotes:AAPL'] },
      (m) => m.op === 'unsubscribed',
    );
    expect(without).toEqual({ op: 'unsubscribed', channel: 'quotes:AAPL' });
    expect(h.stream.connections()[0]?.channels).toEqual(['book:BTC-USD']);
  });

  it('rejects unknown symbols and channels, and orders before a login, each with its code', async () => {
    const h = await start();
    const client = await h.connect();
    const errors = Promise.all(
      ['quotes:NOPE', 'trades:AAPL', 'orders', 'quotes'].map((channel) =>
        client.waitFor((m) => m.op === 'error' && m.channel === channel),
      ),
    );
    client.send({ op: 'subscribe', channels: ['quotes:NOPE', 'trades:AAPL', 'orders', 'quotes'], id: 3 });
    const [symbol, channel, orders, bare] = await errors;
    expect(symbol).toMatchObject({ code: 'UNKNOWN_SYMBOL', id: 3 });
    expect(symbol?.message).toMatch(/AAPL, BTC-USD/);
    expect(channel).toMatchObject({ code: 'UNKNOWN_CHANNEL', id: 3 });
    expect(orders).toMatchObject({ code: 'LOGIN_REQUIRED', id: 3 });
    expect(bare).toMatchObject({ code: 'UNKNOWN_CHANNEL' });
    expect(h.stream.connections()[0]?.channels).toEqual([]);
  });

  it('answers malformed messages with INVALID_REQUEST and keeps the connection', async () => {
    const h = await start();
    const client = await h.connect();
    const notJson = await client.request('{nope', (m) => m.op === 'error');
    expect(notJson.code).toBe('INVALID_REQUEST');
    const noChannels = await client.request(
      { op: 'subscribe', id: 1 },
      (m) => m.op === 'error' && m.id === 1,
    );
    expect(noChannels.message).toMatch(/channels/);
    const unknownOp = await client.request({ op: 'fly', id: 2 }, (m) => m.op === 'error' && m.id === 2);
    expect(unknownOp.message).toMatch(/Unknown op "fly"/);
    const nonString = await client.request({ op: 'subscribe', channels: [42], id: 4 }, (m) => m.id === 4);
    expect(nonString).toMatchObject({ op: 'error', code: 'UNKNOWN_CHANNEL', channel: 42 });
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.barrier('still-open')).toBe(true);
    expect(h.stream.connectionCount).toBe(1);
  });

  it('accepts the single-channel form too', async () => {
    const h = await start();
    const client = await h.connect();
    const ack = await client.request({ op: 'subscribe', channel: 'book:AAPL' }, (m) => m.op === 'subscribed');
    expect(ack.channel).toBe('book:AAPL');
  });
});

describe('quotes', () => {
  it('streams every tick with a seq per connection and channel from 1', async () => {
    const h = await start();
    const first = await h.connect();
    await first.subscribe('quotes:AAPL');
    h.market.tick();
    h.market.tick();
    const second = await h.connect();
    await second.subscribe('quotes:AAPL', 'quotes:BTC-USD');
    h.market.tick();
    await first.barrier('q1');
    await second.barrier('q2');
    expect(first.data('quotes:AAPL').map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(second.data('quotes:AAPL').map((m) => m.seq)).toEqual([1]);
    expect(second.data('quotes:BTC-USD').map((m) => m.seq)).toEqual([1]);
    expect(first.data('quotes:AAPL').at(-1)?.data).toEqual(h.market.quote('AAPL'));
    expect(second.data('quotes:BTC-USD')[0]?.data).toMatchObject({ symbol: 'BTC-USD', time: NOW });
  });

  it('stops after unsubscribe and continues the seq after a resubscribe', async () => {
    const h = await start();
    const client = await h.connect();
    await client.subscribe('quotes:AAPL');
    h.market.tick();
    await client.request({ op: 'unsubscribe', channels: ['quotes:AAPL'] }, (m) => m.op === 'unsubscribed');
    h.market.tick();
    await client.subscribe('quotes:AAPL');
    h.market.tick();
    await client.barrier('done');
    expect(client.data('quotes:AAPL').map((m) => m.seq)).toEqual([1, 2]);
  });
});

/** A client-side book that applies diffs the way API.md tells clients to (Binance's procedure). */
function clientBook(snapshot: { seq: number; bids: readonly BookLevel[]; asks: readonly BookLevel[] }) {
  const bids = new Map(snapshot.bids);
  const asks = new Map(snapshot.asks);
  let seq = snapshot.seq;
  const sorted = (side: Map<string, string>, sign: number): BookLevel[] =>
    [...side.entries()].sort((a, b) => (Number(a[0]) - Number(b[0])) * sign);
  return {
    get seq() {
      return seq;
    },
    apply(message: { seq: number; data: { bids: BookLevel[]; asks: BookLevel[] } }) {
      if (message.seq <= seq) return;
      expect(message.seq).toBe(seq + 1);
      seq = message.seq;
      for (const [price, size] of message.data.bids)
        size === '0' ? bids.delete(price) : bids.set(price, size);
      for (const [price, size] of message.data.asks)
        size === '0' ? asks.delete(price) : asks.set(price, size);
    },
    bids: () => sorted(bids, -1),
    asks: () => sorted(asks, 1),
  };
}

describe('book', () => {
  it('sends diffs that rebuild the same book as a fresh snapshot, checksums matching at every step', async () => {
    const h = await start();
    const client = await h.connect();
    await client.subscribe('book:AAPL');
    // Diffs arrive before the snapshot is taken: the client buffers them and drops the stale ones.
    h.market.tick();
    h.market.tick();
    const book = clientBook(h.market.book('AAPL', BOOK_LEVELS)!);
    for (let step = 0; step < 60; step++) {
      h.market.tick();
      const seq = h.market.book('AAPL')!.seq;
      await client.waitFor((m) => m.channel === 'book:AAPL' && m.seq === seq);
      for (const message of client.data('book:AAPL')) book.apply(message as never);
      const fresh = h.market.book('AAPL', BOOK_LEVELS)!;
      expect(book.seq).toBe(fresh.seq);
      expect(book.bids()).toEqual(fresh.bids);
      expect(book.asks()).toEqual(fresh.asks);
      const last = client.data('book:AAPL').at(-1) as unknown as { data: { checksum: number } };
      expect(bookChecksum(book.bids(), book.asks())).toBe(last.data.checksum);
      expect(last.data.checksum).toBe(fresh.checksum);
    }
    expect(client.data('book:AAPL').map((m) => m.seq)).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
  });
});

describe('orders', () => {
  it("streams the logged-in account's order events with their own seq, and no one else's", async () => {
    const h = await start();
    const a = await h.connect();
    await a.login();
    await a.subscribe('orders');
    const b = await h.connect();
    await b.login({ Authorization: 'Bearer token_b' });
    await b.subscribe('orders');
    h.orders.emit('acc_a', orderEvent(41));
    h.orders.emit('acc_b', orderEvent(7));
    h.orders.emit('acc_a', orderEvent(42));
    await a.barrier('a');
    await b.barrier('b');
    expect(a.data('orders').map((m) => m.seq)).toEqual([41, 42]);
    expect(a.data('orders')[0]?.data).toEqual(orderEvent(41));
    expect(b.data('orders').map((m) => m.seq)).toEqual([7]);
  });

  it('moves the orders subscription when the connection logs in as another account', async () => {
    const h = await start();
    const client = await h.connect();
    await client.login();
    await client.subscribe('orders');
    await client.login({ Authorization: 'Bearer token_b' });
    h.orders.emit('acc_a', orderEvent(1));
    h.orders.emit('acc_b', orderEvent(2));
    await client.barrier('x');
    expect(client.data('orders').map((m) => m.seq)).toEqual([2]);
  });
});

describe('heartbeats and pings', () => {
  it('sends heartbeats with the server time, protocol pings, and answers app pings', async () => {
    const h = await start();
    const client = await h.connect();
    const pinged = once(client.socket, 'ping');
    h.clock.fire(HEARTBEAT_MS);
    h.clock.fire(PING_MS);
    await pinged;
    expect(await client.waitFor((m) => m.op === 'heartbeat')).toEqual({ op: 'heartbeat', time: NOW });
    expect(await client.request({ op: 'ping', id: 'p' }, (m) => m.op === 'pong')).toEqual({
      op: 'pong',
      id: 'p',
    });
    const pong = once(client.socket, 'pong');
    client.socket.ping();
    await pong;
  });
});

describe('real timers', () => {
  it('sends heartbeats on its own when no scheduler is injected', async () => {
    const h = await start({ every: undefined, heartbeatIntervalMs: 5 });
    const client = await h.connect();
    expect(await client.waitFor((m) => m.op === 'heartbeat')).toEqual({ op: 'heartbeat', time: NOW });
  });
});

describe('slow consumer', () => {
  it('closes a client whose send buffer passes slowConsumerBytes with 1013', async () => {
    const h = await start({ slowConsumerBytes: 64 * 1024 });
    const client = await h.connect();
    await client.subscribe('book:AAPL', 'book:BTC-USD', 'quotes:AAPL');
    const healthy = await h.connect();
    await healthy.subscribe('quotes:AAPL');
    client.socket.pause();
    // The kernel's socket buffers fill first; only then does the server's own buffer grow.
    for (let batch = 0; batch < 2_000; batch++) {
      for (let i = 0; i < 50; i++) h.market.tick();
      await new Promise((resolve) => setImmediate(resolve));
      if (h.stream.connections()[0]?.closing) break;
    }
    expect(h.stream.connections()[0]?.closing).toBe(true);
    client.socket.resume();
    expect(await client.closed).toEqual({ code: 1013, reason: 'slow consumer' });
    expect(await healthy.barrier('fine')).toBe(true);
  });
});

describe('admin actions', () => {
  it('drops every connection with the code asked for, and records it', async () => {
    const h = await start();
    const a = await h.connect();
    const b = await h.connect();
    h.stream.dropConnections(4000);
    expect((await a.closed).code).toBe(4000);
    expect((await b.closed).code).toBe(4000);
    expect(h.ledger.faults.map((f) => f.kind)).toEqual(['ws.drop', 'ws.drop']);
    const c = await h.connect();
    h.stream.dropConnections();
    expect((await c.closed).code).toBe(1012);
    expect(() => h.stream.dropConnections(1006)).toThrow(/close code/);
    try {
      h.stream.dropConnections(99);
    } catch (error) {
      expect(isKitError(error) && error.code).toBe('client.invalid_argument');
    }
  });

  it('stalls every connection: silent, no pongs, TCP kept open until the client leaves', async () => {
    const h = await start();
    const client = await h.connect();
    await client.subscribe('quotes:AAPL');
    h.stream.stallConnections();
    const before = client.messages.length;
    h.market.tick();
    h.clock.fire(HEARTBEAT_MS);
    client.send({ op: 'ping', id: 'anyone' });
    client.socket.ping();
    let pongs = 0;
    client.socket.on('pong', () => pongs++);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(h.stream.connectionCount).toBe(1);
    // The server still reads: it answers the close frame, and frames are ordered, so anything it
    // had sent for the tick, heartbeat or pings would have arrived before this close.
    client.socket.close(1000);
    expect(await client.closed).toMatchObject({ code: 1000 });
    expect(client.messages.length).toBe(before);
    expect(pongs).toBe(0);
    expect(h.ledger.faults).toEqual([{ kind: 'ws.stall_heartbeat', detail: 'connection=1 by=admin' }]);
  });

  it('closes clients with 1001 on close(), refuses new upgrades and never hangs on a stalled client', async () => {
    const h = await start();
    const a = await h.connect();
    const b = await h.connect();
    h.stream.stallConnections();
    b.socket.pause();
    await h.stream.close();
    expect((await a.closed).code).toBe(1001);
    b.socket.resume();
    expect(h.stream.connectionCount).toBe(0);
    const refused = new WebSocket(h.url);
    const [error] = (await once(refused, 'error')) as [Error];
    expect(error.message).toMatch(/404|Unexpected server response/);
  });
});

describe('ledger', () => {
  it('counts connections and every message sent', async () => {
    const h = await start();
    const a = await h.connect();
    const b = await h.connect();
    await a.login();
    await a.subscribe('quotes:AAPL', 'book:AAPL');
    await b.subscribe('quotes:BTC-USD');
    for (let i = 0; i < 5; i++) h.market.tick();
    h.clock.fire(HEARTBEAT_MS);
    await a.barrier('a');
    await b.barrier('b');
    expect(h.ledger.connections).toBe(2);
    expect(h.ledger.messages).toBe(a.messages.length + b.messages.length);
  });
});

describe('upgrades', () => {
  it('answers 404 to upgrades on other paths when nothing else serves them', async () => {
    const h = await start();
    const other = new WebSocket(h.url.replace('/v1/stream', '/v2/other'));
    const [error] = (await once(other, 'error')) as [Error];
    expect(error.message).toMatch(/404/);
    const withQuery = new WebSocket(`${h.url}?x=1`);
    await once(withQuery, 'open');
    withQuery.terminate();
  });

  it('rejects missing dependencies and bad tunables with a config error', () => {
    const server = createServer();
    const base = {
      server,
      market: { onQuote: () => () => {} } as never,
      orders: fakeOrders(),
      auth: fakeAuth(),
      ledger: fakeLedger(),
    };
    const attempt = (options: object) => {
      try {
        attachStream(options as never);
      } catch (error) {
        return isKitError(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return 'no error';
    };
    expect(attempt({ ...base, server: undefined })).toMatch(/config.invalid: .*server/);
    expect(attempt({ ...base, auth: {} })).toMatch(/config.invalid: .*authenticator/);
    expect(attempt({ ...base, heartbeatIntervalMs: 0 })).toMatch(/heartbeatIntervalMs/);
    expect(attempt({ ...base, slowConsumerBytes: Number.NaN })).toMatch(/slowConsumerBytes/);
    expect(attempt({ ...base, faults: {} })).toMatch(/faults must be a function/);
  });
});

// ---- faults -------------------------------------------------------------------------------------

interface Run {
  received: Array<Array<[string, number | undefined]>>;
  closes: number[];
  faults: Array<{ kind: string; detail?: string }>;
}

/** Three clients on quotes and books, 40 ticks under `faults`; what each saw, and the ledger's faults. */
async function faultRun(seed: number, faults: object, clients = 3): Promise<Run> {
  const h = await startHarness({ seed, faults });
  try {
    const connected: TestClient[] = [];
    for (let i = 0; i < clients; i++) {
      const client = await h.connect();
      await client.subscribe('quotes:AAPL', 'book:AAPL', 'book:BTC-USD');
      connected.push(client);
    }
    for (let i = 0; i < 40; i++) h.market.tick();
    const closes: number[] = [];
    for (const [i, client] of connected.entries()) {
      if (!(await client.barrier(`end-${i}`))) closes.push((await client.closed).code);
    }
    return {
      received: connected.map((c) =>
        c.messages.filter((m) => m.op === undefined).map((m) => [m.channel as string, m.seq]),
      ),
      closes,
      faults: h.ledger.faults,
    };
  } finally {
    await h.close();
  }
}

const seqs = (run: Run, client: number, channel: string) =>
  run.received[client]!.filter(([c]) => c === channel).map(([, seq]) => seq!);

describe('WebSocket faults', () => {
  it.each([
    ['drop', { drop: { probability: 0.02 } }, 'ws.drop'],
    ['skipSeq', { skipSeq: { probability: 0.1 } }, 'ws.skip_seq'],
    ['duplicateSeq', { duplicateSeq: { probability: 0.1 } }, 'ws.duplicate_seq'],
    ['corruptChecksum', { corruptChecksum: { probability: 0.1 } }, 'ws.corrupt_checksum'],
  ])('%s: the same seed replays the same schedule, another seed another', async (_name, ws, kind) => {
    const a = await faultRun(9, ws);
    const b = await faultRun(9, ws);
    const c = await faultRun(10, ws);
    expect(a).toEqual(b);
    expect(a.faults.length).toBeGreaterThan(0);
    expect(new Set(a.faults.map((f) => f.kind))).toEqual(new Set([kind]));
    expect(c.faults).not.toEqual(a.faults);
  });

  it('skipSeq leaves a gap exactly where the ledger says', async () => {
    const run = await faultRun(3, { skipSeq: { probability: 0.1 } });
    const skipped = run.faults.map((f) => f.detail);
    for (let client = 0; client < 3; client++) {
      for (const channel of ['quotes:AAPL', 'book:AAPL']) {
        const got = new Set(seqs(run, client, channel));
        for (let seq = 1; seq <= 40; seq++) {
          expect(got.has(seq)).toBe(
            !skipped.includes(`connection=${client + 1} channel=${channel} seq=${seq}`),
          );
        }
      }
    }
  });

  it('duplicateSeq sends a message twice, once per recorded fault', async () => {
    const run = await faultRun(4, { duplicateSeq: { probability: 0.1 } });
    let repeats = 0;
    for (let client = 0; client < 3; client++) {
      for (const channel of ['quotes:AAPL', 'book:AAPL', 'book:BTC-USD']) {
        const list = seqs(run, client, channel);
        repeats += list.length - new Set(list).size;
        expect([...new Set(list)]).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      }
    }
    expect(repeats).toBe(run.faults.length);
  });

  it('drop closes the connection with 1012 at the recorded message', async () => {
    const run = await faultRun(5, { drop: { probability: 0.03 } });
    expect(run.closes.length).toBe(run.faults.length);
    expect(run.closes.every((code) => code === 1012)).toBe(true);
  });

  it('corruptChecksum sends a wrong checksum on book diffs only, which a client book detects', async () => {
    const h = await start({ seed: 6, faults: { corruptChecksum: { probability: 0.2 } } });
    const client = await h.connect();
    await client.subscribe('book:AAPL', 'quotes:AAPL');
    const book = clientBook(h.market.book('AAPL', BOOK_LEVELS)!);
    let mismatches = 0;
    for (let i = 0; i < 30; i++) {
      h.market.tick();
      const message = (await client.waitFor(
        (m) => m.channel === 'book:AAPL' && m.seq === i + 1,
      )) as never as {
        seq: number;
        data: { bids: BookLevel[]; asks: BookLevel[]; checksum: number };
      };
      book.apply(message);
      if (bookChecksum(book.bids(), book.asks()) !== message.data.checksum) mismatches++;
    }
    expect(mismatches).toBeGreaterThan(0);
    expect(mismatches).toBe(h.ledger.faults.length);
    expect(h.ledger.faults.every((f) => f.detail?.includes('channel=book:AAPL'))).toBe(true);
  });

  it('stallHeartbeat: one draw per connection; stalled ones go silent with TCP open, and it replays', async () => {
    const stallRun = async (seed: number) => {
      const h = await startHarness({ seed, faults: { stallHeartbeat: { probability: 0.5 } } });
      try {
        const clients: TestClient[] = [];
        for (let i = 0; i < 8; i++) {
          const client = await h.connect();
          await client.subscribe('quotes:AAPL');
          clients.push(client);
        }
        h.clock.fire(HEARTBEAT_MS);
        h.clock.fire(HEARTBEAT_MS);
        h.market.tick();
        const stalled = h.ledger.faults.map((f) => Number(/connection=(\d+)/.exec(f.detail ?? '')?.[1]) - 1);
        expect(h.stream.connectionCount).toBe(8);
        for (const [i, client] of clients.entries()) {
          if (stalled.includes(i)) {
            expect(client.socket.readyState).toBe(WebSocket.OPEN);
            client.send({ op: 'ping', id: 'x' });
            client.socket.close(1000);
            await client.closed;
            expect(client.messages.filter((m) => m.op !== 'subscribed')).toEqual([]);
          } else {
            expect(await client.barrier(`b${i}`)).toBe(true);
            expect(client.messages.filter((m) => m.op === 'heartbeat')).toHaveLength(2);
            expect(client.data('quotes:AAPL')).toHaveLength(1);
          }
        }
        return stalled;
      } finally {
        await h.close();
      }
    };
    const a = await stallRun(12);
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBeLessThan(8);
    expect(await stallRun(12)).toEqual(a);
  });

  it('slowRead: delays handling, keeps the order of client messages, and replays', async () => {
    const slowRun = async (seed: number) => {
      const h = await startHarness({ seed, faults: { slowRead: { probability: 0.3, delayMs: 2 } } });
      try {
        const client = await h.connect();
        const pongs: unknown[] = [];
        for (let i = 0; i < 20; i++) {
          // Two at once: the second arrives while the first may be held back.
          const both = Promise.all([
            client.waitFor((m) => m.op === 'pong' && m.id === `${i}a`),
            client.waitFor((m) => m.op === 'pong' && m.id === `${i}b`),
          ]);
          client.send({ op: 'ping', id: `${i}a` });
          client.send({ op: 'ping', id: `${i}b` });
          await both;
        }
        for (const m of client.messages) if (m.op === 'pong') pongs.push(m.id);
        expect(pongs).toEqual(Array.from({ length: 20 }, (_, i) => [`${i}a`, `${i}b`]).flat());
        return h.ledger.faults;
      } finally {
        await h.close();
      }
    };
    const a = await slowRun(21);
    expect(a.length).toBeGreaterThan(0);
    expect(a.every((f) => f.kind === 'ws.slow_read')).toBe(true);
    expect(await slowRun(21)).toEqual(a);
  });

  it('applies a run-time switch from the next message on, and ignores nonsense probabilities', async () => {
    const h = await start({ seed: 2 });
    const client = await h.connect();
    await client.subscribe('quotes:AAPL');
    h.market.tick();
    h.setFaults({ skipSeq: { probability: 1 } });
    h.market.tick();
    h.setFaults({ skipSeq: { probability: Number.NaN }, duplicateSeq: { probability: 'x' as never } });
    h.market.tick();
    await client.barrier('end');
    expect(client.data('quotes:AAPL').map((m) => m.seq)).toEqual([1, 3]);
    expect(h.ledger.faults.map((f) => f.kind)).toEqual(['ws.skip_seq']);
  });
});
