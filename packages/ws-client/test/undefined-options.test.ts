// An option passed as `undefined` means its documented default, for every public option: a caller
// who writes `{ pingIntervalMs: config.pingMs }` with the setting unset gets the default.
import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  binanceDepthSequencer,
  createWsClient,
  DEFAULT_BUFFER_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
  DEFAULT_WS_CLIENT_OPTIONS,
  monotonicSequencer,
  type WsClient,
  type WsClientOptions,
} from '../src/index';
import { resolveWsClientOptions } from '../src/resolve-options';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** Every optional field of WsClientOptions, each `undefined` (nested option objects too). */
function everyOptionUndefined(url: string): WsClientOptions {
  return {
    url,
    auth: undefined,
    protocol: undefined,
    logger: undefined,
    clock: undefined,
    random: undefined,
    WebSocket: undefined,
    pingIntervalMs: undefined,
    pongTimeoutMs: undefined,
    idleTimeoutMs: undefined,
    handshakeTimeoutMs: undefined,
    authTimeoutMs: undefined,
    subscribeTimeoutMs: undefined,
    closeTimeoutMs: undefined,
    reconnect: {
      initialDelayMs: undefined,
      maxDelayMs: undefined,
      fastRetryMaxMs: undefined,
      stableAfterMs: undefined,
      degradedAfterFailures: undefined,
      restartMinDelayMs: undefined,
      restartMaxDelayMs: undefined,
      tryAgainLaterDelayMs: undefined,
    },
    subscribeBatchSize: undefined,
    subscribeRateLimit: { messages: undefined, intervalMs: undefined },
    sendHighWaterMarkBytes: undefined,
    sendDrainPollMs: undefined,
    outboundQueue: undefined,
    requestTimeoutMs: undefined,
    buffer: { size: undefined, policy: undefined },
    resyncBufferSize: undefined,
    resyncRetryDelayMs: undefined,
    resyncTimeoutMs: undefined,
    maxPayloadBytes: undefined,
    perMessageDeflate: undefined,
    classifyClose: undefined,
    tracerProvider: undefined,
    meterProvider: undefined,
    telemetry: undefined,
  };
}

describe('createWsClient with every option undefined', () => {
  it('resolves to exactly the defaults of a client given only its url', () => {
    const url = 'ws://127.0.0.1:1/stream';
    const resolved = resolveWsClientOptions(everyOptionUndefined(url));
    expect(resolved).toEqual(resolveWsClientOptions({ url }));
    expect(resolved).toMatchObject({
      ...DEFAULT_WS_CLIENT_OPTIONS,
      reconnect: DEFAULT_RECONNECT_OPTIONS,
      buffer: DEFAULT_BUFFER_OPTIONS,
      outboundQueue: undefined,
    });
  });

  it('connects, goes live and streams with the defaults', async () => {
    server = await createWsFaultServer({
      onSubscribe: (connection, channel) => {
        for (let i = 0; i < 3; i++) connection.sendSequenced(channel, { bid: 100 + i });
      },
    });
    client = createWsClient(everyOptionUndefined(server.url));
    client.connect();
    const stop = new AbortController();
    const bids: number[] = [];
    for await (const message of client.subscribe<{ data: { bid: number } }>('quotes:A', {
      signal: stop.signal,
    })) {
      bids.push(message.data.bid);
      if (bids.length === 3) stop.abort();
    }
    expect(bids).toEqual([100, 101, 102]);
    expect(client.state).toBe('live');
  });
});

describe('subscribe, send and request with options undefined', () => {
  it('a consumer whose options are undefined streams in order', async () => {
    server = await createWsFaultServer({
      onSubscribe: (connection, channel) => {
        for (let i = 0; i < 3; i++) connection.sendSequenced(channel, { bid: i });
      },
    });
    client = createWsClient({ url: server.url });
    client.connect();
    const stop = new AbortController();
    const stream = client.subscribe<{ seq: number }>('quotes:B', {
      params: undefined,
      schema: undefined,
      signal: stop.signal,
      buffer: undefined,
      onError: undefined,
      sequencer: undefined,
      resync: undefined,
      idleTimeoutMs: undefined,
    });
    const seqs: number[] = [];
    for await (const message of stream) {
      seqs.push(message.seq);
      if (seqs.length === 3) stop.abort();
    }
    expect(seqs).toEqual([1, 2, 3]);
  });

  // subscribe() merged `{ ...o.buffer, ...options.buffer }`, so undefined fields replaced the client's
  // (size NaN, policy undefined: an unbounded buffer that never conflated or blocked).
  it('a consumer whose buffer fields are undefined gets the client buffer (here size 1, latest)', async () => {
    server = await createWsFaultServer({
      // After the subscribe ack has gone out (the next turn), five quotes at once.
      onSubscribe: (connection, channel) =>
        setImmediate(() => {
          for (let i = 0; i < 5; i++) connection.sendSequenced(channel, { bid: i });
        }),
    });
    client = createWsClient({ url: server.url, buffer: { size: 1, policy: 'latest' } });
    client.connect();
    const buffer = { size: undefined, policy: undefined };
    const stream = client.subscribe<{ seq: number }>('quotes:C', { buffer });
    // All five arrive before the consumer reads: a size-1 'latest' buffer keeps only the last.
    await expect.poll(() => stream.stats.conflated, { timeout: 1_000 }).toBe(4);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.seq).toBe(5);
    await iterator.return?.();
  });

  it('send({ queue: undefined }) fails fast when not live, as without options', async () => {
    client = createWsClient({ url: 'ws://127.0.0.1:1/never' });
    await expect(client.send({ op: 'x' }, { queue: undefined })).rejects.toMatchObject({
      code: 'protocol.not_connected',
    });
  });
});

describe('sequencers with options undefined', () => {
  it('monotonicSequencer reads seq and has no watermark yet', () => {
    const sequencer = monotonicSequencer<{ seq: number }>({
      seq: undefined,
      isReset: undefined,
      start: undefined,
    });
    expect(sequencer.watermark).toBeUndefined();
    expect(sequencer.check({ seq: 7 })).toBe('in_order');
    sequencer.accept({ seq: 7 });
    expect(sequencer.check({ seq: 9 })).toBe('gap');
  });

  it('binanceDepthSequencer reads U and u', () => {
    const sequencer = binanceDepthSequencer<{ U: number; u: number }>({
      first: undefined,
      last: undefined,
      previous: undefined,
    });
    sequencer.reset(100);
    expect(sequencer.check({ U: 101, u: 105 })).toBe('in_order');
  });
});
