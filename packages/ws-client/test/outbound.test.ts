import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createWsClient, type WebSocketConstructor, type WsClient } from '../src/index';
import { nextState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** The real `ws` WebSocket, recording what the client asks of it. */
function recordingWebSocket() {
  const calls = { pause: 0, resume: 0, maxBufferedAtSend: 0 };
  class Recording extends WebSocket {
    override pause(): void {
      calls.pause++;
      super.pause();
    }
    override resume(): void {
      calls.resume++;
      super.resume();
    }
    override send(data: string): void {
      calls.maxBufferedAtSend = Math.max(calls.maxBufferedAtSend, this.bufferedAmount);
      super.send(data);
    }
  }
  return { WebSocketImpl: Recording as unknown as WebSocketConstructor, calls };
}

describe('ws-client outbound', () => {
  it('fails fast with protocol.not_connected when not live', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, random: () => 0 });
    await expect(client.send({ op: 'order' })).rejects.toMatchObject({
      code: 'protocol.not_connected',
      outcome: 'not_sent',
    });
    client.connect();
    await client.ready();
    await client.send({ op: 'order', id: 1 });
    const connection = server.connections[0]!;
    await connection.nextMessage((m) => (m as { id?: number }).id === 1);
  });

  it('queues with { queue: true } while down (bounded) and flushes in order when live', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, outboundQueue: { maxMessages: 2 } });
    const first = client.send({ op: 'note', n: 1 }, { queue: true });
    const second = client.send({ op: 'note', n: 2 }, { queue: true });
    await expect(client.send({ op: 'note', n: 3 }, { queue: true })).rejects.toMatchObject({
      code: 'protocol.send_queue_full',
    });
    client.connect();
    await Promise.all([first, second]);
    const connection = server.connections[0]!;
    await connection.nextMessage((m) => (m as { n?: number }).n === 2);
    const notes = connection.received.filter((m) => (m as { op?: string }).op === 'note');
    expect(notes).toEqual([
      { op: 'note', n: 1 },
      { op: 'note', n: 2 },
    ]);
  });

  it('resolves a request with its matching reply and rejects pending ones with outcome unknown on disconnect', async () => {
    server = await createWsFaultServer({
      onMessage: (connection, message) => {
        const body = message as { op?: string; id?: number };
        if (body.op === 'place' && body.id === 1) connection.send({ op: 'placed', id: 1 });
      },
    });
    client = createWsClient({ url: server.url, random: () => 0 });
    client.connect();
    await client.ready();
    const match = (id: number) => (m: unknown) =>
      (m as { op?: string; id?: number }).op === 'placed' && (m as { id?: number }).id === id;
    await expect(client.request({ op: 'place', id: 1 }, { match: match(1) })).resolves.toEqual({
      op: 'placed',
      id: 1,
    });
    const pending = client.request({ op: 'place', id: 2 }, { match: match(2) });
    await server.connections[0]!.nextMessage((m) => (m as { id?: number }).id === 2);
    server.connections[0]!.terminate();
    await expect(pending).rejects.toMatchObject({ code: 'network.connection_lost', outcome: 'unknown' });
  });

  it('waits while bufferedAmount is above the high-water mark and sends in order once the peer reads again', async () => {
    server = await createWsFaultServer({ faults: { slowRead: true } });
    const { WebSocketImpl, calls } = recordingWebSocket();
    const highWaterMark = 256 * 1024;
    client = createWsClient({
      url: server.url,
      WebSocket: WebSocketImpl,
      sendHighWaterMarkBytes: highWaterMark,
      pingIntervalMs: 0,
    });
    client.connect();
    await client.ready();
    const chunk = 'x'.repeat(64 * 1024);
    const sends: Array<Promise<void>> = [];
    let settled = 0;
    for (let i = 0; i < 400; i++) sends.push(client.send({ i, chunk }).then(() => void settled++));
    await sends[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBeLessThan(400);
    server.connections[0]!.resumeReading();
    await Promise.all(sends);
    expect(calls.maxBufferedAtSend).toBeLessThanOrEqual(highWaterMark);
    const last = await server.connections[0]!.nextMessage((m) => (m as { i?: number }).i === 399);
    expect((last as { i: number }).i).toBe(399);
    const order = server.connections[0]!.received.map((m) => (m as { i?: number }).i).filter(
      (i) => i !== undefined,
    );
    expect(order).toEqual(Array.from({ length: 400 }, (_, i) => i));
  });
});

describe('ws-client consumers', () => {
  it('a full block consumer pauses reading and resumes it; nothing is dropped', async () => {
    server = await createWsFaultServer();
    const { WebSocketImpl, calls } = recordingWebSocket();
    client = createWsClient({ url: server.url, WebSocket: WebSocketImpl });
    const controller = new AbortController();
    const stream = client.subscribe<{ seq: number }>('orders', {
      buffer: { size: 8, policy: 'block' },
      signal: controller.signal,
    });
    client.connect();
    await client.ready();
    for (let i = 0; i < 500; i++) server.connections[0]!.sendSequenced('orders', i);
    const seen: number[] = [];
    for await (const update of stream) {
      seen.push(update.seq);
      await new Promise((resolve) => setImmediate(resolve));
      if (seen.length === 500) controller.abort();
    }
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(calls.pause).toBeGreaterThan(0);
    expect(calls.resume).toBeGreaterThan(0);
    expect(stream.stats.dropped).toBe(0);
  });

  it('subscribes at once when live, and ends a rejected subscription with protocol.subscribe_rejected', async () => {
    server = await createWsFaultServer({ requireLogin: true });
    client = createWsClient({ url: server.url });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    client.connect();
    await client.ready();
    const stream = client.subscribe('private:orders');
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'protocol.subscribe_rejected',
    });
    expect(errors).toEqual(['protocol.subscribe_rejected']);
    expect(client.state).toBe('live');
  });

  it('a second consumer of a channel shares the subscription; the last one out unsubscribes', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    const a: number[] = [];
    const b: number[] = [];
    let bothGotIt: () => void = () => {};
    const delivered = new Promise<void>((resolve) => {
      bothGotIt = resolve;
    });
    const one = client.subscribe<{ seq: number }>('q', { onMessage: (m) => a.push(m.seq) });
    const two = client.subscribe<{ seq: number }>('q', {
      onMessage: (m) => {
        b.push(m.seq);
        bothGotIt();
      },
    });
    client.connect();
    await client.ready();
    const connection = server.connections[0]!;
    expect(connection.subscribeRequests.get('q')).toBe(1);
    server.publish('q', 1);
    await delivered;
    one.unsubscribe();
    expect(connection.received.some((m) => (m as { op?: string }).op === 'unsubscribe')).toBe(false);
    two.unsubscribe();
    await connection.nextMessage((m) => (m as { op?: string }).op === 'unsubscribe');
    expect(a).toEqual([1]);
    expect(b).toEqual([1]);
  });

  it('a client that closes during backoff ends every consumer and never reconnects', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, random: () => 0.99, reconnect: { initialDelayMs: 60_000 } });
    client.subscribe('q', { onMessage: () => {} });
    client.connect();
    await client.ready();
    const backoff = nextState(client, 'backoff');
    server.connections[0]!.terminate();
    await backoff;
    await client.close();
    expect(client.state).toBe('closed');
    expect(server.connections).toHaveLength(1);
  });
});
