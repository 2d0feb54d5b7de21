// OpenTelemetry for the WebSocket client, against the real SDK (in-memory exporter and reader,
// AsyncHooks context manager) and the real WebSocket fault server: a span per connection session
// with the state changes, gaps and resyncs as events, and the metrics of connections, reconnects,
// streams, consumer buffers and the outbound queue.
import { Secret } from '@kit/logger';
import { createManualClock, createWsFaultServer, type WsFaultServer } from '@kit/testing';
import {
  createOtelHarness,
  type Histogram,
  type OtelHarness,
  type ReadableSpan,
  remember,
  undocumented,
} from '@kit/vitest-config/otel';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWsClient, monotonicSequencer, type WsClient, type WsClientOptions } from '../src/index';
import { nextState, waitForState } from './helpers';

const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

type Tick = { channel: string; seq: number; data: number };

let server: WsFaultServer;
let otel: OtelHarness;
const clients: WsClient[] = [];

beforeEach(async () => {
  otel = createOtelHarness();
  server = await createWsFaultServer();
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await server.close();
  await remember(otel);
  await otel.shutdown();
});
// Every metric, attribute and event the tests saw is in the docs' tables.
afterAll(() => expect(undocumented()).toEqual([]));

function client(extra: Partial<WsClientOptions> = {}): WsClient {
  const ws = createWsClient({
    url: server.url,
    random: () => 0,
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
    ...extra,
  });
  clients.push(ws);
  return ws;
}

const sessions = () => otel.spans().filter((s) => s.name === 'kit.ws.session');
const eventNames = (span: ReadableSpan | undefined) => span?.events.map((e) => e.name);
async function values(name: string, key?: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const point of await otel.points(name)) {
    const label = key === undefined ? 'all' : String(point.attributes[key]);
    out[label] = typeof point.value === 'number' ? point.value : (point.value as Histogram).count;
  }
  return out;
}

describe('ws-client telemetry', () => {
  it('a reconnect and a resync: session spans with their events, and the metric points', async () => {
    const ws = client();
    const seen: number[] = [];
    let reached: (() => void) | undefined;
    ws.subscribe<Tick>('book:BTC-USD', {
      sequencer: monotonicSequencer<Tick>({ start: 0 }),
      resync: async (stream, { watermark }) => {
        const missed = server.history(stream, watermark ?? 0) as Tick[];
        return { lastSeq: missed.at(-1)?.seq ?? watermark ?? 0, messages: missed };
      },
      onMessage: (tick) => {
        seen.push(tick.seq);
        if (tick.seq === 4) reached?.();
      },
    });
    ws.connect();
    await ws.ready();
    expect(await values('kit.ws.connections', 'kit.ws.state')).toMatchObject({ live: 1 });

    // The server restarts the connection: a reconnect.
    const live = nextState(ws, 'live');
    server.connections[0]?.close(1011, 'internal error');
    await live;

    // A gap on the new connection, healed by the resync hook.
    const fourth = new Promise<void>((resolve) => {
      reached = resolve;
    });
    server.publish('book:BTC-USD', 1);
    server.setFaults({ skipProbability: 1 });
    server.publish('book:BTC-USD', 2);
    server.setFaults({});
    server.publish('book:BTC-USD', 3);
    server.publish('book:BTC-USD', 4);
    await fourth;
    expect(seen).toEqual([1, 2, 3, 4]);

    const [first] = sessions();
    expect(sessions()).toHaveLength(1);
    expect(first?.kind).toBe(SPAN_KIND_CLIENT);
    expect(first?.parentSpanContext).toBeUndefined();
    expect(eventNames(first)).toEqual(['subscribing', 'live', 'backoff']);
    expect(first?.attributes).toMatchObject({
      'server.address': '127.0.0.1',
      'url.full': server.url.replace(/\/?$/, '/'),
      'kit.ws.attempt': 1,
      'kit.ws.close.code': 1011,
      'kit.ws.close.reason': 'internal error',
      'kit.ws.state.final': 'backoff',
      'error.type': 'protocol.ws_internal_error',
    });
    expect(first?.status.code).toBe(STATUS_ERROR);

    await ws.close();
    const second = sessions()[1];
    expect(second?.links.map((l) => l.context.spanId)).toEqual([first?.spanContext().spanId]);
    expect(second?.attributes).toMatchObject({ 'kit.ws.attempt': 2, 'kit.ws.state.final': 'closed' });
    expect(second?.attributes).not.toHaveProperty('error.type');
    expect(eventNames(second)).toEqual(['subscribing', 'live', 'gap', 'resynced', 'closed']);
    const gap = second?.events.find((e) => e.name === 'gap');
    expect(gap?.attributes).toEqual({
      'kit.ws.stream': 'book:BTC-USD',
      'kit.ws.sequence.expected': 2,
      'kit.ws.sequence.received': 3,
    });
    const resynced = second?.events.find((e) => e.name === 'resynced');
    expect(resynced?.attributes?.['kit.ws.stream']).toBe('book:BTC-USD');
    // The snapshot covers 3 or, when it is taken after the server sent 4, 4.
    expect(resynced?.attributes?.['kit.ws.sequence.last']).toBeGreaterThanOrEqual(3);

    expect(await values('kit.ws.reconnects', 'kit.ws.reason')).toEqual({ 'close 1011': 1 });
    const [reconnect] = await otel.points('kit.ws.reconnects');
    expect(reconnect?.attributes['error.type']).toBe('protocol.ws_internal_error');
    expect(await values('kit.ws.reconnect.duration')).toEqual({ all: 1 });
    // Counted per stream kind (no symbol), and kept after the client closed.
    expect(await values('kit.ws.messages', 'kit.ws.stream')).toEqual({ book: 3 });
    expect(await values('kit.ws.sequence.gaps', 'kit.ws.stream')).toEqual({ book: 1 });
    expect(await values('kit.ws.sequence.resyncs', 'kit.ws.stream')).toEqual({ book: 1 });
    expect((await values('kit.ws.connections', 'kit.ws.state')).live).toBe(0);
  });

  it('sums streams and clients that share attributes, and keeps counts of streams that are gone', async () => {
    const a = client();
    const b = client();
    const stop = new AbortController();
    a.subscribe('quotes:AAA', { onMessage: () => {} });
    a.subscribe('quotes:BBB', { onMessage: () => {}, signal: stop.signal });
    b.subscribe('quotes:AAA', { onMessage: () => {} });
    a.connect();
    b.connect();
    await Promise.all([a.ready(), b.ready()]);
    for (let i = 0; i < 3; i++) server.publish('quotes:AAA', i);
    server.publish('quotes:BBB', 0);
    await expect.poll(async () => (await values('kit.ws.messages', 'kit.ws.stream')).quotes).toBe(7);
    expect(await values('kit.ws.connections', 'kit.ws.state')).toMatchObject({ live: 2 });
    stop.abort();
    expect((await values('kit.ws.messages', 'kit.ws.stream')).quotes).toBe(7);
    // Opting in: one series per channel.
    const c = client({ telemetry: { streamAttribute: (channel) => channel } });
    c.subscribe('quotes:CCC', { onMessage: () => {} });
    c.connect();
    await c.ready();
    server.publish('quotes:CCC', 0);
    await expect.poll(async () => (await values('kit.ws.messages', 'kit.ws.stream'))['quotes:CCC']).toBe(1);
  });

  it('consumer buffer depth and drops, the outbound queue', async () => {
    const ws = client({ outboundQueue: {} });
    const oldest = ws.subscribe('quotes:AAA', { buffer: { size: 2, policy: 'drop-oldest' } });
    const latest = ws.subscribe('book:AAA', { buffer: { size: 1, policy: 'latest' } });
    const queued = ws.send({ op: 'hello' }, { queue: true });
    expect(await values('kit.ws.outbound.queued')).toEqual({ all: 1 });
    expect(await values('kit.ws.connections', 'kit.ws.state')).toEqual({ idle: 1 });
    ws.connect();
    await ws.ready();
    await queued;
    for (let i = 0; i < 5; i++) server.publish('quotes:AAA', i);
    for (let i = 0; i < 3; i++) server.publish('book:AAA', i);
    await expect.poll(() => oldest.stats.dropped + latest.stats.conflated).toBe(5);
    const dropped = await otel.points('kit.ws.consumer.dropped');
    const byStream = Object.fromEntries(
      dropped
        .filter((p) => (p.value as number) > 0)
        .map((p) => [`${p.attributes['kit.ws.stream']} ${p.attributes['kit.ws.drop.reason']}`, p.value]),
    );
    expect(byStream).toEqual({ 'quotes dropped': 3, 'book conflated': 2 });
    expect(await values('kit.ws.consumer.buffered', 'kit.ws.stream')).toEqual({ quotes: 2, book: 1 });
    expect(await values('kit.ws.outbound.queued')).toEqual({ all: 0 });
  });

  it('stale detections by the data watchdog', async () => {
    const clock = createManualClock();
    const ws = client({ clock, pingIntervalMs: 0 });
    ws.connect();
    await ws.ready();
    const backoff = waitForState(ws, 'backoff');
    await clock.advance(15_000);
    await backoff;
    expect(await values('kit.ws.stale', 'kit.ws.detector')).toEqual({ 'data watchdog': 1 });
    expect(await values('kit.ws.reconnects', 'kit.ws.reason')).toEqual({ 'idle timeout': 1 });
    expect(eventNames(sessions()[0])).toEqual(['live', 'stale', 'backoff']);
  });

  it('no secret from the URL query, the login or a close reason reaches an attribute', async () => {
    const token = new Secret('Qws-listen-key-8f3a2c917');
    const ws = client({ url: `${server.url}?listenKey=${token.reveal()}` });
    ws.connect();
    await ws.ready();
    const backoff = nextState(ws, 'backoff');
    server.connections[0]?.close(1011, `restarting ${token.reveal()}`);
    await backoff;
    const text = await otel.exported();
    expect(text).toContain('kit.ws.close.reason');
    expect(text).not.toContain(token.reveal());
  });

  it('does nothing when no provider is found or telemetry is false', async () => {
    const off = createWsClient({ url: server.url, telemetry: false, tracerProvider: otel.tracerProvider });
    clients.push(off);
    const none = createWsClient({ url: server.url });
    clients.push(none);
    off.connect();
    none.connect();
    await Promise.all([off.ready(), none.ready()]);
    expect(sessions()).toHaveLength(0);
  });
});
