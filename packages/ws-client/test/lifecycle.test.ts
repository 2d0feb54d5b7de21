import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, type WsClient } from '../src/index';
import { countingAuth, recordStates, waitForState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

const Quote = v.object({ channel: v.string(), seq: v.number(), data: v.object({ px: v.number() }) });

describe('ws-client lifecycle', () => {
  it('authenticates, subscribes, goes live and delivers to an async iterator', async () => {
    server = await createWsFaultServer({
      requireLogin: true,
      onSubscribe: (c, channel) => {
        for (let i = 1; i <= 3; i++) c.sendSequenced(channel, { px: i });
      },
    });
    const auth = countingAuth();
    client = createWsClient({ url: server.url, auth });
    const { states } = recordStates(client);
    const controller = new AbortController();
    const stream = client.subscribe('quotes:BTC', { schema: Quote, signal: controller.signal });
    client.connect();
    await client.ready();
    const got: number[] = [];
    for await (const quote of stream) {
      got.push(quote.data.px);
      if (got.length === 3) controller.abort();
    }
    expect(got).toEqual([1, 2, 3]);
    expect(states).toEqual(['connecting', 'authenticating', 'subscribing', 'live']);
    const connection = server.connections[0]!;
    expect(connection.logins).toBe(1);
    expect(connection.subscribeRequests.get('quotes:BTC')).toBe(1);
    expect(auth.calls).toBe(1);
    const login = connection.received[0] as { op: string; headers: Record<string, string> };
    expect(login.op).toBe('login');
    expect(login.headers['x-api-key']).toBe('test-key-123');
  });

  it('reports malformed frames and schema mismatches as error events and keeps the stream alive', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    const received: number[] = [];
    let arrived: () => void = () => {};
    const firstGood = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    client.subscribe('quotes:ETH', {
      schema: Quote,
      onMessage: (q) => {
        received.push(q.seq);
        arrived();
      },
    });
    client.connect();
    await client.ready();
    const connection = server.connections[0]!;
    connection.sendRaw('{"channel":"quotes:ETH",');
    connection.send({ channel: 'quotes:ETH', seq: 1, data: { px: 'not a number' } });
    connection.send({ channel: 'quotes:ETH', seq: 2, data: { px: 2 } });
    connection.send({ op: 'pong' });
    await firstGood;
    expect(received).toEqual([2]);
    expect(errors).toEqual(['protocol.ws_unexpected_message', 'schema.message_mismatch']);
    expect(client.state).toBe('live');
    expect(server.connections).toHaveLength(1);
  });

  it('closes cleanly: consumers end, the server sees a 1000 close, nothing reconnects', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    const stream = client.subscribe('orders');
    client.connect();
    await client.ready();
    const ended = (async () => {
      for await (const _ of stream) {
        // no messages expected
      }
      return 'ended';
    })();
    await client.close();
    expect(await ended).toBe('ended');
    await server.connections[0]!.waitClosed();
    expect(server.connections[0]!.closeCode).toBe(1000);
    expect(client.state).toBe('closed');
    await expect(client.send({ op: 'x' })).rejects.toMatchObject({ code: 'protocol.not_connected' });
  });

  it('a channel added while subscribing is sent too and counted before live; one dropped then does not block live', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url });
    client.subscribe('a', { onMessage: () => {} });
    const doomed = client.subscribe('b', { onMessage: () => {} });
    const off = client.on('state', (change) => {
      if (change.to !== 'subscribing') return;
      off();
      client!.subscribe('late', { onMessage: () => {} });
      doomed.unsubscribe();
    });
    client.connect();
    await client.ready();
    const connection = server.connections[0]!;
    expect(connection.subscribeRequests.get('a')).toBe(1);
    expect(connection.subscribeRequests.get('late')).toBe(1);
    expect(server.connections).toHaveLength(1);
  });

  it('unsubscribing while down edits only the registry', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, random: () => 0 });
    const a = client.subscribe('a', { onMessage: () => {} });
    client.subscribe('b', { onMessage: () => {} });
    client.connect();
    await client.ready();
    server.connections[0]!.terminate();
    await waitForState(client, 'backoff');
    a.unsubscribe();
    await waitForState(client, 'live');
    const second = server.connections[1]!;
    expect(second.subscribeRequests.has('a')).toBe(false);
    expect(second.subscribeRequests.get('b')).toBe(1);
    expect(server.connections[0]!.received.some((m) => (m as { op?: string }).op === 'unsubscribe')).toBe(
      false,
    );
  });
});
