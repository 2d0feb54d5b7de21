// Races and edge cases found in review, each against the fault server (injected clock where timing
// matters). Every test here failed before its fix, except `close() during authenticating`, which
// guards a race that was already handled.
import {
  createManualClock,
  createWsFaultServer,
  type WsFaultConnection,
  type WsFaultServer,
} from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWsClient,
  kitJsonProtocol,
  monotonicSequencer,
  type WsClient,
  type WsProtocol,
} from '../src/index';
import { countingAuth, waitForState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

type Tick = { channel: string; seq: number; data: number };

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('ws-client consumers (review)', () => {
  it('an aborted for await ends at once, without yielding messages still buffered', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    const controller = new AbortController();
    const stream = client.subscribe<Tick>('q', { signal: controller.signal });
    const fifth = deferred();
    // A second consumer of the channel sees each message right after the iterator's buffer got it.
    client.subscribe<Tick>('q', { onMessage: (m) => m.seq === 5 && fifth.resolve() });
    client.connect();
    await client.ready();
    for (let i = 0; i < 5; i++) server.publish('q', i);
    await fifth.promise;
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.seq).toBe(1);
    controller.abort();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('a stream subscribed with an already-aborted signal ends its for await at once', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    client.connect();
    await client.ready();
    const stream = client.subscribe('q', { signal: AbortSignal.abort() });
    const seen: unknown[] = [];
    for await (const message of stream) seen.push(message);
    expect(seen).toEqual([]);
    expect(server.connections[0]!.subscribeRequests.has('q')).toBe(false);
  });

  it('close() completes the close handshake while a full block consumer has paused reading', async () => {
    const clock = createManualClock(); // never advanced: the 1 s close timeout cannot rescue it
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, clock, pingIntervalMs: 0, idleTimeoutMs: 0 });
    client.subscribe<Tick>('q', { buffer: { size: 1, policy: 'block' } });
    const third = deferred();
    client.subscribe<Tick>('q', { onMessage: (m) => m.seq === 3 && third.resolve() });
    client.connect();
    await client.ready();
    for (let i = 0; i < 3; i++) server.publish('q', i);
    await third.promise; // the block consumer is full: reading is paused
    await client.close();
    await server.connections[0]!.waitClosed();
    expect(server.connections[0]!.closeCode).toBe(1000);
  });
});

describe('ws-client registry (review)', () => {
  it('unsubscribing a channel whose resubscription is unacknowledged sends the unsubscribe', async () => {
    const subscribeSeen = deferred<WsFaultConnection>();
    server = await createWsFaultServer({
      defaultProtocol: false, // acks are sent by the test
      onMessage: (connection, message) => {
        if ((message as { op?: string }).op === 'subscribe') subscribeSeen.resolve(connection);
      },
    });
    client = createWsClient({ url: server.url });
    client.subscribe('a', { onMessage: () => {} });
    const b = client.subscribe('b', { onMessage: () => {} });
    client.connect();
    const connection = await subscribeSeen.promise;
    expect(client.state).toBe('subscribing');
    b.unsubscribe();
    connection.send({ op: 'subscribed', channel: 'a' });
    await client.ready();
    await client.send({ op: 'probe' });
    await connection.nextMessage((m) => (m as { op?: string }).op === 'probe');
    expect(connection.received.map((m) => (m as { op?: string }).op)).toEqual([
      'subscribe',
      'unsubscribe',
      'probe',
    ]);
    expect(connection.received[1]).toEqual({ op: 'unsubscribe', channels: ['b'] });
  });

  it('close() during authenticating leaves no timer behind and never reconnects', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer({ faults: { ignoreLogin: true } });
    client = createWsClient({ url: server.url, clock, auth: countingAuth() });
    const authenticating = waitForState(client, 'authenticating');
    client.connect();
    await authenticating;
    await client.close();
    expect(client.state).toBe('closed');
    expect(clock.pending).toEqual([]);
    await clock.advance(60_000);
    expect(server.connections).toHaveLength(1);
  });
});

describe('ws-client requests (review)', () => {
  it('a request still waiting for the send buffer to drain rejects cleanly on a drop (no unhandled rejection)', async () => {
    server = await createWsFaultServer({ faults: { slowRead: true } });
    client = createWsClient({
      url: server.url,
      sendHighWaterMarkBytes: 256 * 1024,
      pingIntervalMs: 0,
      random: () => 0,
    });
    client.connect();
    await client.ready();
    const chunk = 'x'.repeat(64 * 1024);
    const sends = Array.from({ length: 200 }, (_, i) => client!.send({ i, chunk }).catch((e) => e));
    await sends[0];
    const request = client.request({ op: 'place' }, { match: () => false });
    const backoff = waitForState(client, 'backoff');
    server.connections[0]!.terminate();
    await backoff;
    // It never left: not_sent, so the caller may simply resend.
    await expect(request).rejects.toMatchObject({ code: 'protocol.not_connected', outcome: 'not_sent' });
    // Let any stray rejection surface before the test ends (vitest fails the run on one).
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('ws-client inbound hooks (review)', () => {
  it('a protocol hook that throws on a message is an error event; the process and the stream survive', async () => {
    server = await createWsFaultServer();
    const protocol: WsProtocol = {
      ...kitJsonProtocol,
      route: (message) => {
        if ((message as { data?: unknown }).data === 'poison') throw new Error('venue hook bug');
        return kitJsonProtocol.route(message);
      },
    };
    client = createWsClient({ url: server.url, protocol });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    const got = deferred<number>();
    client.subscribe<Tick>('q', { onMessage: (m) => got.resolve(m.seq) });
    client.connect();
    await client.ready();
    server.publish('q', 'poison');
    server.publish('q', 'fine');
    expect(await got.promise).toBe(2);
    expect(errors).toEqual(['protocol.ws_unexpected_message']);
    expect(client.state).toBe('live');
  });

  it('an unsubscribe hook that throws when a consumer aborts is an error event, not an uncaught exception', async () => {
    server = await createWsFaultServer();
    const protocol: WsProtocol = {
      ...kitJsonProtocol,
      unsubscribeMessage: () => {
        throw new Error('venue hook bug');
      },
    };
    client = createWsClient({ url: server.url, protocol });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.message));
    const controller = new AbortController();
    client.subscribe('q', { signal: controller.signal, onMessage: () => {} });
    client.connect();
    await client.ready();
    controller.abort();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('venue hook bug');
    expect(client.state).toBe('live');
  });

  it('a hanging resync hook is aborted after resyncTimeoutMs and retried; the stream recovers in order', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    const fault = server;
    client = createWsClient({ url: server.url, clock, pingIntervalMs: 0, idleTimeoutMs: 0 });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
    const signals: AbortSignal[] = [];
    const firstCall = deferred();
    const received: number[] = [];
    const fourth = deferred();
    client.subscribe<Tick>('book', {
      sequencer: monotonicSequencer<Tick>({ start: 0 }),
      resync: (stream, { signal, watermark }) => {
        signals.push(signal);
        if (signals.length === 1) {
          firstCall.resolve();
          return new Promise(() => {}); // hangs, ignoring its signal
        }
        const missed = fault.history(stream, watermark ?? 0) as Tick[];
        return Promise.resolve({ lastSeq: missed.at(-1)?.seq ?? 0, messages: missed });
      },
      onMessage: (tick) => {
        received.push(tick.seq);
        if (tick.seq === 4) fourth.resolve();
      },
    });
    client.connect();
    await client.ready();
    const connection = server.connections[0]!;
    server.publish('book', 1);
    connection.subscriptions.delete('book'); // 2 and 3 are allocated but never sent: a gap
    server.publish('book', 2);
    server.publish('book', 3);
    connection.subscriptions.add('book');
    server.publish('book', 4);
    await firstCall.promise;
    await clock.advance(10_000);
    expect(signals[0]?.aborted).toBe(true);
    expect(
      errors.some((m) => m.startsWith('timeout.resync:') && m.includes('did not settle within 10000 ms')),
    ).toBe(true);
    await clock.advance(1_000);
    await fourth.promise;
    expect(received).toEqual([1, 2, 3, 4]);
    expect(client.state).toBe('live');
  });

  it('close() while a resync hook hangs aborts its signal and leaves no timer behind', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, clock, pingIntervalMs: 0, idleTimeoutMs: 0 });
    const called = deferred<AbortSignal>();
    client.subscribe<Tick>('book', {
      sequencer: monotonicSequencer<Tick>({ start: 0 }),
      resync: (_stream, { signal }) => {
        called.resolve(signal);
        return new Promise(() => {});
      },
      onMessage: () => {},
    });
    client.connect();
    await client.ready();
    server.connections[0]!.subscriptions.delete('book');
    server.publish('book', 1); // never sent: 2 is a gap
    server.connections[0]!.subscriptions.add('book');
    server.publish('book', 2);
    const signal = await called.promise;
    await client.close();
    expect(signal.aborted).toBe(true);
    expect(clock.pending).toEqual([]);
  });
});
