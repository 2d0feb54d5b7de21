// Log correlation against the real OpenTelemetry SDK (in memory, AsyncHooks context manager) and
// the real WebSocket fault server: the lines the client logs about a connection (its state
// changes, the reconnect after its loss, gaps, errors) carry the trace and span ids of that
// connection's `kit.ws.session` span.
import type { LogRecord } from '@kit/logger';
import { createCapturingLogger } from '@kit/logger/testing';
import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { createOtelHarness, type OtelHarness, type ReadableSpan } from '@kit/vitest-config/otel';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWsClient, monotonicSequencer, type WsClient } from '../src/index';
import { nextState } from './helpers';

type Tick = { channel: string; seq: number; data: number };
const Tick = v.object({ channel: v.string(), seq: v.number(), data: v.number() });

let server: WsFaultServer;
let otel: OtelHarness;

beforeEach(async () => {
  otel = createOtelHarness();
  server = await createWsFaultServer();
});
afterEach(async () => {
  await server.close();
  await otel.shutdown();
});

const sessions = () => otel.spans().filter((s) => s.name === 'kit.ws.session');
const ids = (span: ReadableSpan | undefined) => ({
  trace_id: span?.spanContext().traceId,
  span_id: span?.spanContext().spanId,
});
const correlation = (record: LogRecord | undefined) => ({
  trace_id: record?.trace_id,
  span_id: record?.span_id,
});

/** Connects, loses the first connection (1011), and on the second sees a gap and a schema mismatch. */
async function reconnectWithGapAndError(ws: WsClient): Promise<void> {
  const gap = new Promise<void>((resolve) => ws.on('gap', () => resolve()));
  const mismatch = new Promise<void>((resolve) =>
    ws.on('error', (error) => {
      if (error.code === 'schema.message_mismatch') resolve();
    }),
  );
  ws.subscribe<Tick>('book:BTC-USD', {
    sequencer: monotonicSequencer<Tick>({ start: 0 }),
    onMessage: () => {},
  });
  ws.subscribe('quotes:BTC-USD', { schema: Tick, onMessage: () => {} });
  ws.connect();
  await ws.ready();
  const live = nextState(ws, 'live');
  server.connections[0]?.close(1011, 'internal error');
  await live;
  server.publish('book:BTC-USD', 1);
  server.setFaults({ skipProbability: 1 });
  server.publish('book:BTC-USD', 2);
  server.setFaults({});
  server.publish('book:BTC-USD', 3);
  server.publish('quotes:BTC-USD', 'not a number');
  await gap;
  await mismatch;
  await ws.close();
}

describe('ws-client log correlation', () => {
  it("a reconnect's lines carry the span ids of the session they are about", async () => {
    const capture = createCapturingLogger();
    const ws = createWsClient({
      url: server.url,
      random: () => 0,
      logger: capture.logger,
      tracerProvider: otel.tracerProvider,
    });
    await reconnectWithGapAndError(ws);

    const [first, second] = sessions();
    expect(sessions()).toHaveLength(2);
    expect(first?.spanContext().spanId).not.toBe(second?.spanContext().spanId);
    const line = (msg: string, where: (record: LogRecord) => boolean = () => true) =>
      capture.records.find((record) => record.msg === msg && where(record));
    const reason = (value: string) => (record: LogRecord) => record.fields.reason === value;

    // The lost connection: its states, and the reconnect line (backoff) that reports its loss.
    expect(correlation(line('WebSocket connecting', reason('connect')))).toEqual(ids(first));
    expect(correlation(line('WebSocket live'))).toEqual(ids(first));
    const backoff = line('WebSocket backoff');
    expect(backoff?.fields).toMatchObject({ reason: 'close 1011', closeCode: 1011 });
    expect(correlation(backoff)).toEqual(ids(first));
    // The next connection: from its `connecting` line to the close, with the gap and the error.
    expect(correlation(line('WebSocket connecting', reason('reconnect')))).toEqual(ids(second));
    expect(correlation(line('WebSocket sequence gap'))).toEqual(ids(second));
    expect(line('WebSocket sequence gap')?.fields).toMatchObject({
      stream: 'book:BTC-USD',
      expected: 2,
      received: 3,
    });
    expect(correlation(line('A message on "quotes:BTC-USD" did not match its schema'))).toEqual(ids(second));
    expect(correlation(line('WebSocket closed'))).toEqual(ids(second));
    // Every line the client wrote belongs to one of the two sessions.
    const both = [first?.spanContext().spanId, second?.spanContext().spanId];
    expect(capture.records.filter((record) => !both.includes(record.span_id))).toEqual([]);
  });

  it('writes the same lines without ids when telemetry is off', async () => {
    const capture = createCapturingLogger();
    const ws = createWsClient({
      url: server.url,
      random: () => 0,
      logger: capture.logger,
      tracerProvider: otel.tracerProvider,
      telemetry: false,
    });
    await reconnectWithGapAndError(ws);

    expect(sessions()).toEqual([]);
    expect(capture.records.map((record) => record.msg)).toContain('WebSocket backoff');
    expect(capture.records.map((record) => record.msg)).toContain('WebSocket sequence gap');
    expect(capture.records.filter((record) => record.trace_id !== undefined)).toEqual([]);
  });
});
