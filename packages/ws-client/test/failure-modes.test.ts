// Failure modes from DESIGN §4 (WebSocket) that no other test in this package injects end to end
// (see docs/failure-modes.md, which links every failure mode to the test that proves it).
import { KitError } from '@kit/errors';
import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CloseDecision,
  createWsClient,
  defaultClassifyClose,
  type WsClient,
  type WsStateChange,
} from '../src/index';
import { countingAuth, nextState, recordStates, waitForState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** Resolves once `count` messages reached a callback consumer. */
function counter(count: number) {
  let seen = 0;
  let done: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    reached,
    onMessage: () => {
      if (++seen === count) done();
    },
  };
}

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

describe('reconnects: re-authentication and resubscription', () => {
  it('logs in and resubscribes every registered channel exactly once on each of 5 reconnects', async () => {
    server = await createWsFaultServer({ requireLogin: true });
    const auth = countingAuth();
    client = createWsClient({ url: server.url, auth, random: () => 0 });
    const channels = ['quotes:BTC', 'quotes:ETH', 'orders'];
    for (const channel of channels) client.subscribe(channel, { onMessage: () => {} });
    client.connect();
    await client.ready();
    for (let i = 0; i < 5; i++) {
      const live = nextState(client, 'live');
      server.connections.at(-1)!.terminate();
      await live;
    }
    expect(server.connections).toHaveLength(6);
    for (const connection of server.connections) {
      expect(connection.logins).toBe(1);
      expect(Object.fromEntries(connection.subscribeRequests)).toEqual({
        'quotes:BTC': 1,
        'quotes:ETH': 1,
        orders: 1,
      });
    }
    expect(auth.calls).toBe(6);
  });
});

describe('close codes', () => {
  it('lets classifyClose() override the default table (4500 reconnects, 1000 fails)', async () => {
    server = await createWsFaultServer();
    const seen: Array<[number, string]> = [];
    const classifyClose = (code: number, reason: string): CloseDecision => {
      seen.push([code, reason]);
      if (code === 4500)
        return { action: 'reconnect', error: new KitError('protocol.ws_closed', { closeCode: code }) };
      if (code === 1000)
        return { action: 'fail', error: new KitError('protocol.ws_normal_close', { closeCode: code }) };
      return defaultClassifyClose(code, reason);
    };
    client = createWsClient({ url: server.url, random: () => 0, classifyClose });
    const { states } = recordStates(client);
    client.connect();
    await client.ready();
    const live = nextState(client, 'live');
    server.connections[0]!.close(4500, 'venue maintenance');
    await live;
    const failed = waitForState(client, 'failed');
    server.connections[1]!.close(1000, 'bye');
    const change = (await failed) as WsStateChange;
    expect(change.error?.code).toBe('protocol.ws_normal_close');
    expect(change.closeCode).toBe(1000);
    expect(seen).toEqual([
      [4500, 'venue maintenance'],
      [1000, 'bye'],
    ]);
    expect(states).toEqual(['connecting', 'live', 'backoff', 'connecting', 'live', 'failed']);
    expect(server.connections).toHaveLength(2);
  });

  it('re-authenticates once after a 4003-style close during login, then fails instead of looping', async () => {
    server = await createWsFaultServer({
      faults: { closeWith: { code: 4003, reason: 'forbidden', afterMessages: 0 } },
    });
    const auth = countingAuth();
    client = createWsClient({ url: server.url, auth, random: () => 0 });
    const { states } = recordStates(client);
    const failed = waitForState(client, 'failed');
    client.connect();
    const change = (await failed) as WsStateChange;
    expect(states).toEqual([
      'connecting',
      'authenticating',
      'backoff',
      'connecting',
      'authenticating',
      'failed',
    ]);
    expect(change.closeCode).toBe(4003);
    expect(change.error?.code).toBe('protocol.ws_auth_rejected');
    expect([auth.calls, auth.unauthorized]).toEqual([2, 1]);
    expect(server.connections).toHaveLength(2);
    await expect(client.ready()).rejects.toBeInstanceOf(KitError);
  });
});

describe('consumer buffer policies on a real socket', () => {
  it('drop-oldest keeps the newest messages of a slow consumer and counts the drops', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    const slow = client.subscribe<{ seq: number }>('q', { buffer: { size: 4, policy: 'drop-oldest' } });
    const all = counter(20);
    client.subscribe('q', { onMessage: all.onMessage });
    client.connect();
    await client.ready();
    for (let i = 0; i < 20; i++) server.connections[0]!.sendSequenced('q', i);
    await all.reached;
    const got = await take(slow[Symbol.asyncIterator](), 4);
    expect(got.map((m) => m.seq)).toEqual([17, 18, 19, 20]);
    expect(slow.stats.dropped).toBe(16);
    expect(client.state).toBe('live');
  });

  it('latest conflates a slow quote consumer into the newest message and counts it', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    const slow = client.subscribe<{ seq: number }>('q', { buffer: { size: 2, policy: 'latest' } });
    const all = counter(10);
    client.subscribe('q', { onMessage: all.onMessage });
    client.connect();
    await client.ready();
    for (let i = 0; i < 10; i++) server.connections[0]!.sendSequenced('q', i);
    await all.reached;
    const got = await take(slow[Symbol.asyncIterator](), 2);
    expect(got.map((m) => m.seq)).toEqual([1, 10]);
    expect(slow.stats.conflated).toBe(8);
  });
});

describe('outbound queue', () => {
  it('flushes queued messages to the server in order once live, none lost or duplicated', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, outboundQueue: { maxMessages: 3 } });
    const sent = [1, 2, 3].map((n) => client!.send({ op: 'note', n }, { queue: true }));
    await expect(client.send({ op: 'note', n: 4 }, { queue: true })).rejects.toMatchObject({
      code: 'protocol.send_queue_full',
    });
    client.connect();
    await Promise.all(sent);
    const connection = server.connections[0]!;
    await connection.nextMessage((m) => (m as { n?: number }).n === 3);
    const notes = connection.received
      .filter((m) => (m as { op?: string }).op === 'note')
      .map((m) => (m as { n: number }).n);
    expect(notes).toEqual([1, 2, 3]);
  });
});
