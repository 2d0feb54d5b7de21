// Issue 8, item 7: subscribe and unsubscribe messages carry request ids the client allocates, and
// replies that name only the id (Binance `{"result":null,"id":N}`, `{"code":2,"msg":…,"id":N}`)
// settle them, with no id map in the adapter. Against a real loopback server speaking Binance's
// live-subscription protocol (SUBSCRIBE / UNSUBSCRIBE with `params` and `id`, combined-stream data).
import { createWsFaultServer, type WsFaultConnection, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, kitJsonProtocol, type WsClient, type WsProtocol } from '../src/index';
import { nextState, recordStates, waitForState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

type BinanceRequest = { method: string; params: string[]; id: number };

/** The adapter's whole protocol: no id bookkeeping of its own. */
const binanceStyle: WsProtocol = {
  subscribeMessage: (subscriptions, id) => ({
    method: 'SUBSCRIBE',
    params: subscriptions.map((s) => s.channel),
    id,
  }),
  unsubscribeMessage: (subscriptions, id) => ({
    method: 'UNSUBSCRIBE',
    params: subscriptions.map((s) => s.channel),
    id,
  }),
  replyId: (message) => {
    const body = message as { id?: unknown; stream?: unknown };
    return typeof body.id === 'number' && body.stream === undefined ? body.id : undefined;
  },
  // Success is `{"result": null, "id": N}`; errors carry `code`/`msg` (or `error`) and no `result`.
  isReplyRejection: (message) => !('result' in (message as object)),
  route: (message) => {
    const stream = (message as { stream?: unknown }).stream;
    return typeof stream === 'string' ? stream : undefined;
  },
};

interface BinanceServerOptions {
  /** Streams the server refuses (answered with Binance's error shape). */
  unknown?: readonly string[];
  /** Hold replies until `flush()`, then send them in reverse order. */
  holdReplies?: boolean;
}

/** A loopback server that speaks Binance's live subscribe protocol. */
async function binanceServer(options: BinanceServerOptions = {}) {
  const requests: BinanceRequest[] = [];
  const held: Array<{ connection: WsFaultConnection; reply: unknown }> = [];
  const subscribed = new Map<WsFaultConnection, Set<string>>();
  const reply = (connection: WsFaultConnection, body: unknown) => {
    if (options.holdReplies) held.push({ connection, reply: body });
    else connection.send(body);
  };
  const ws = await createWsFaultServer({
    defaultProtocol: false,
    onMessage: (connection, message) => {
      const request = message as BinanceRequest;
      requests.push(request);
      const streams = subscribed.get(connection) ?? new Set<string>();
      subscribed.set(connection, streams);
      if (request.method === 'SUBSCRIBE') {
        const bad = request.params.find((p) => options.unknown?.includes(p));
        if (bad)
          return reply(connection, {
            code: 2,
            msg: `Invalid request: unknown stream ${bad}`,
            id: request.id,
          });
        for (const stream of request.params) streams.add(stream);
        return reply(connection, { result: null, id: request.id });
      }
      if (request.method === 'UNSUBSCRIBE') {
        for (const stream of request.params) streams.delete(stream);
        return reply(connection, { result: null, id: request.id });
      }
    },
  });
  return {
    ws,
    requests,
    flushReversed() {
      for (const { connection, reply: body } of held.splice(0).reverse()) connection.send(body);
    },
    publish(stream: string, data: unknown) {
      for (const [connection, streams] of subscribed)
        if (connection.open && streams.has(stream)) connection.send({ stream, data });
    },
  };
}

describe('request ids for subscribe and unsubscribe (issue 8, item 7)', () => {
  it('acks by id settle the whole batch; data flows; the replies are not left for `message`', async () => {
    const venue = await binanceServer();
    server = venue.ws;
    client = createWsClient({ url: venue.ws.url, protocol: binanceStyle });
    const unclaimed: unknown[] = [];
    client.on('message', (message) => unclaimed.push(message));
    const trades: unknown[] = [];
    client.subscribe('btcusdt@trade', { onMessage: (m) => trades.push(m) });
    client.subscribe('ethusdt@trade', { onMessage: (m) => trades.push(m) });
    client.connect();
    await client.ready();
    expect(venue.requests).toEqual([
      { method: 'SUBSCRIBE', params: ['btcusdt@trade', 'ethusdt@trade'], id: 1 },
    ]);
    const third = new Promise<void>((resolve) => {
      client!.subscribe('bnbusdt@trade', { onMessage: () => resolve() });
    });
    venue.publish('btcusdt@trade', { p: '1' });
    venue.publish('ethusdt@trade', { p: '2' });
    expect(client.state).toBe('live');
    // Added while live: its own message and id, acked by id.
    await expect.poll(() => venue.requests.length).toBe(2);
    expect(venue.requests[1]).toEqual({ method: 'SUBSCRIBE', params: ['bnbusdt@trade'], id: 2 });
    venue.publish('bnbusdt@trade', { p: '3' });
    await third;
    expect(trades).toEqual([
      { stream: 'btcusdt@trade', data: { p: '1' } },
      { stream: 'ethusdt@trade', data: { p: '2' } },
    ]);
    expect(unclaimed).toEqual([]);
  });

  it('acks that arrive out of order are matched to their own message', async () => {
    const venue = await binanceServer({ holdReplies: true });
    server = venue.ws;
    client = createWsClient({
      url: venue.ws.url,
      protocol: { ...binanceStyle, maxSubscriptionsPerMessage: 1 },
    });
    for (const stream of ['a@trade', 'b@trade', 'c@trade']) client.subscribe(stream, { onMessage: () => {} });
    const live = waitForState(client, 'live');
    client.connect();
    await expect.poll(() => venue.requests.length).toBe(3);
    expect(venue.requests.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(client.state).toBe('subscribing');
    venue.flushReversed();
    await live;
  });

  it('a rejection with the same id rejects every subscription of that message, naming the server reason', async () => {
    const venue = await binanceServer({ unknown: ['nope@trade'] });
    server = venue.ws;
    client = createWsClient({
      url: venue.ws.url,
      protocol: { ...binanceStyle, maxSubscriptionsPerMessage: 1 },
    });
    const errors: Array<{ code: string; channel: unknown; serverMessage: unknown; vendorCode?: string }> = [];
    client.on('error', (error) => {
      const details = error.details as { channel?: unknown; serverMessage?: unknown } | undefined;
      errors.push({
        code: error.code,
        channel: details?.channel,
        serverMessage: details?.serverMessage,
        vendorCode: error.vendorCode,
      });
    });
    const good = client.subscribe('btcusdt@trade', { onMessage: () => {} });
    const bad = client.subscribe('nope@trade');
    client.connect();
    await client.ready();
    expect(errors).toEqual([
      {
        code: 'protocol.subscribe_rejected',
        channel: 'nope@trade',
        serverMessage: 'Invalid request: unknown stream nope@trade',
        vendorCode: '2',
      },
    ]);
    await expect(bad[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'protocol.subscribe_rejected',
    });
    expect(good.channel).toBe('btcusdt@trade');
  });

  it('unsubscribe sends UNSUBSCRIBE with a fresh id and consumes its ack', async () => {
    const venue = await binanceServer();
    server = venue.ws;
    client = createWsClient({ url: venue.ws.url, protocol: binanceStyle });
    const unclaimed: unknown[] = [];
    client.on('message', (message) => unclaimed.push(message));
    const stream = client.subscribe('btcusdt@trade', { onMessage: () => {} });
    client.connect();
    await client.ready();
    stream.unsubscribe();
    await expect.poll(() => venue.requests.length).toBe(2);
    expect(venue.requests[1]).toEqual({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 2 });
    // Replies come back in order on one socket: once data for a channel subscribed after the
    // unsubscribe arrives, the UNSUBSCRIBE ack has been handled.
    const delivered = new Promise<void>((resolve) => {
      client!.subscribe('ethusdt@trade', { onMessage: () => resolve() });
    });
    await expect.poll(() => venue.requests.length).toBe(3);
    venue.publish('ethusdt@trade', { p: '1' });
    await delivered;
    expect(unclaimed).toEqual([]);
  });

  it('resubscribes after a reconnect with new ids, never reusing one', async () => {
    const venue = await binanceServer();
    server = venue.ws;
    client = createWsClient({ url: venue.ws.url, protocol: binanceStyle, random: () => 0 });
    client.subscribe('btcusdt@trade', { onMessage: () => {} });
    client.connect();
    await client.ready();
    const live = nextState(client, 'live');
    venue.ws.connections[0]!.terminate();
    await live;
    expect(venue.requests).toEqual([
      { method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 },
      { method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 2 },
    ]);
  });

  it('a protocol with neither isSubscribeAck nor replyId is a config error at creation', () => {
    const { replyId: _unused, ...noAcks } = binanceStyle;
    expect(() => createWsClient({ url: 'ws://127.0.0.1:1', protocol: noAcks })).toThrow(
      expect.objectContaining({ code: 'config.invalid', message: expect.stringContaining('`replyId`') }),
    );
  });
});

describe('kitJsonProtocol is unchanged on the wire', () => {
  it('sends no id, and still matches acks by channel when a server echoes an id', async () => {
    server = await createWsFaultServer({
      defaultProtocol: false,
      onMessage: (connection, message) => {
        const body = message as { op?: string; channels?: string[] };
        if (body.op !== 'subscribe') return;
        for (const channel of body.channels ?? []) connection.send({ op: 'subscribed', channel, id: 99 });
      },
    });
    client = createWsClient({ url: server.url, protocol: kitJsonProtocol });
    const { states } = recordStates(client);
    client.subscribe('quotes:AAPL', { onMessage: () => {} });
    client.connect();
    await client.ready();
    expect(server.connections[0]!.received).toEqual([{ op: 'subscribe', channels: ['quotes:AAPL'] }]);
    expect(states).toEqual(['connecting', 'subscribing', 'live']);
  });
});
