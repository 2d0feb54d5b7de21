// WebSocket benchmark, all on loopback, baseline and kit in the same process and run:
//  1. Throughput: kit's subscribe path (JSON parse + valibot validation + sequencing + dispatch) against
//     raw `ws` + JSON.parse, messages per second as a ratio. The server runs in a child process and
//     sends pre-shaped frames as fast as the client reads them, so the client is what is measured.
//     The raw baselines decode with `buffer.toString()`, the fastest idiom (String(buffer) costs about
//     75 ns more a message here), as kit does.
//  2. close -> live latency with 100 subscriptions at the client's defaults (p50/p95 over 50 drops).
//  3. Heap growth over 1,000,000 messages through the kit path (after gc).
// Bounded: fixed message counts and iterations, and every wait has a timeout.
//
//   node --import tsx --expose-gc ws.bench.ts              (after `pnpm build`)
//   WS_BENCH_MESSAGES=50000 node --import tsx --expose-gc ws.bench.ts   (a quick look)
import { on, once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { systemClock } from '@kit/retry';
import { createWsFaultServer } from '@kit/testing';
import { createWsClient, monotonicSequencer, type WsClient } from '@kit/ws-client';
import * as v from 'valibot';
import { WebSocket } from 'ws';
import { percentile, table, writeResults } from './lib';
import { type RegisteredSdk, registerOtelSdk } from './otel-sdk';
import { CHANNEL, Quote, startServer, withTimeout } from './ws-quote-server';

const MESSAGES = Number(process.env.WS_BENCH_MESSAGES ?? 300_000);
const ROUNDS = Number(process.env.WS_BENCH_ROUNDS ?? 5);
const HEAP_MESSAGES = Number(process.env.WS_BENCH_HEAP_MESSAGES ?? 1_000_000);
const RECONNECTS = Number(process.env.WS_BENCH_RECONNECTS ?? 50);
const SUBSCRIPTIONS = 100;

let sink = 0;

/** One measured run: the observed rate, and this process's CPU time per message (its capacity). */
interface Run {
  perSecond: number;
  busyUsPerMessage: number;
}

function measured(count: number, start: number, cpu: NodeJS.CpuUsage): Run {
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: (count / elapsed) * 1000, busyUsPerMessage: (used.user + used.system) / count };
}

async function rawRun(url: string, count: number, validate = false): Promise<Run> {
  const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  await once(socket, 'open');
  let received = 0;
  const done = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const quote = JSON.parse(data.toString()) as { seq: number };
      if (validate && !v.safeParse(Quote, quote).success) throw new Error('invalid quote');
      sink += quote.seq;
      if (++received === count) resolve();
    });
  });
  const cpu = process.cpuUsage();
  const start = performance.now();
  socket.send(JSON.stringify({ op: 'go', count, channel: CHANNEL }));
  await withTimeout(done, 'raw run');
  const run = measured(count, start, cpu);
  socket.terminate();
  return run;
}

/** The platform's own way to iterate raw `ws` messages (`events.on`): what `for await` itself costs. */
async function rawIteratorRun(url: string, count: number): Promise<Run> {
  const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  await once(socket, 'open');
  const stop = new AbortController();
  const messages = on(socket, 'message', { signal: stop.signal });
  const cpu = process.cpuUsage();
  const start = performance.now();
  socket.send(JSON.stringify({ op: 'go', count, channel: CHANNEL }));
  const consume = async () => {
    let received = 0;
    for await (const [data] of messages) {
      sink += (JSON.parse(data.toString()) as { seq: number }).seq;
      if (++received === count) return;
    }
  };
  await withTimeout(consume(), 'raw iterator run');
  const run = measured(count, start, cpu);
  stop.abort();
  socket.terminate();
  return run;
}

type KitMode = 'callback' | 'iterator' | 'no-schema' | 'iterator-no-schema';

/** Set while the telemetry-on rounds run: their clients report to the registered SDK. */
let otel: RegisteredSdk | undefined;

async function kitRun(url: string, count: number, mode: KitMode, telemetry = false): Promise<Run> {
  const client = createWsClient({
    url,
    ...(telemetry && otel !== undefined
      ? { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }
      : {}),
  });
  let received = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = new AbortController();
  const options = {
    schema: mode === 'no-schema' || mode === 'iterator-no-schema' ? undefined : Quote,
    sequencer: monotonicSequencer<v.InferOutput<typeof Quote>>(),
  };
  if (mode === 'callback' || mode === 'no-schema') {
    client.subscribe(CHANNEL, {
      ...options,
      onMessage: (quote) => {
        sink += quote.seq;
        if (++received === count) finish();
      },
    });
  } else {
    const stream = client.subscribe(CHANNEL, { ...options, signal: stop.signal });
    void (async () => {
      for await (const quote of stream) {
        sink += quote.seq;
        if (++received === count) finish();
      }
    })();
  }
  client.connect();
  await withTimeout(client.ready(), 'kit connect');
  const cpu = process.cpuUsage();
  const start = performance.now();
  await client.send({ op: 'go', count, channel: CHANNEL });
  await withTimeout(done, `kit ${mode} run`);
  const run = measured(count, start, cpu);
  stop.abort();
  await client.close();
  return run;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function throughput(url: string) {
  // Warm up both paths (JIT) before measuring.
  await rawRun(url, 20_000);
  await rawRun(url, 20_000, true);
  await rawIteratorRun(url, 20_000);
  await kitRun(url, 20_000, 'no-schema');
  await kitRun(url, 20_000, 'iterator-no-schema');
  await kitRun(url, 20_000, 'callback');
  await kitRun(url, 20_000, 'iterator');
  const raw: Run[] = [];
  const rawValidated: Run[] = [];
  const rawIterator: Run[] = [];
  const callback: Run[] = [];
  const iterator: Run[] = [];
  const noSchema: Run[] = [];
  const iteratorNoSchema: Run[] = [];
  const callbackOtel: Run[] = [];
  const noSchemaOtel: Run[] = [];
  // Telemetry on (the SDK registered, its providers passed to the client): per message the path
  // only counts, the spans and metric points come from state changes and collection. No context is
  // entered (the WebSocket client uses none), so the other paths run exactly as before.
  otel = registerOtelSdk({ enterContext: false });
  await kitRun(url, 20_000, 'callback', true);
  await kitRun(url, 20_000, 'no-schema', true);
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await rawRun(url, MESSAGES));
    rawValidated.push(await rawRun(url, MESSAGES, true));
    rawIterator.push(await rawIteratorRun(url, MESSAGES));
    // Telemetry on and off back to back, in alternating order: the place in a round (what ran
    // just before, the heap it left) must not be what separates them.
    const pair = async (mode: KitMode, off: Run[], on: Run[]) => {
      if (round % 2 === 0) {
        off.push(await kitRun(url, MESSAGES, mode));
        on.push(await kitRun(url, MESSAGES, mode, true));
      } else {
        on.push(await kitRun(url, MESSAGES, mode, true));
        off.push(await kitRun(url, MESSAGES, mode));
      }
    };
    await pair('callback', callback, callbackOtel);
    iterator.push(await kitRun(url, MESSAGES, 'iterator'));
    await pair('no-schema', noSchema, noSchemaOtel);
    iteratorNoSchema.push(await kitRun(url, MESSAGES, 'iterator-no-schema'));
  }
  await otel.shutdown();
  otel = undefined;
  const median = (runs: Run[]): Run => ({
    perSecond: percentile(
      runs.map((r) => r.perSecond),
      50,
    ),
    busyUsPerMessage: percentile(
      runs.map((r) => r.busyUsPerMessage),
      50,
    ),
  });
  return {
    raw: median(raw),
    rawValidated: median(rawValidated),
    callback: median(callback),
    iterator: median(iterator),
    noSchema: median(noSchema),
    iteratorNoSchema: median(iteratorNoSchema),
    rawIterator: median(rawIterator),
    callbackOtel: median(callbackOtel),
    noSchemaOtel: median(noSchemaOtel),
    samples: {
      raw,
      rawValidated,
      rawIterator,
      callback,
      iterator,
      noSchema,
      iteratorNoSchema,
      callbackOtel,
      noSchemaOtel,
    },
  };
}

async function heapGrowth(url: string) {
  const client = createWsClient({ url });
  let received = 0;
  let target = 0;
  let finish: () => void = () => {};
  client.subscribe(CHANNEL, {
    schema: Quote,
    sequencer: monotonicSequencer<v.InferOutput<typeof Quote>>(),
    onMessage: (quote) => {
      sink += quote.seq;
      if (++received === target) finish();
    },
  });
  client.connect();
  await withTimeout(client.ready(), 'heap connect');
  const stream = async (count: number) => {
    target = received + count;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    await client.send({ op: 'go', count, channel: CHANNEL });
    await withTimeout(done, 'heap run');
  };
  await stream(100_000);
  const before = gcHeap();
  await stream(HEAP_MESSAGES);
  const after = gcHeap();
  await client.close();
  return { beforeMb: before / 1e6, afterMb: after / 1e6, growthMb: (after - before) / 1e6 };
}

async function closeToLive() {
  const server = await createWsFaultServer();
  // The client's defaults, except that `now()` jumps 5 s before each drop: every session has then
  // been live for the 5 s that makes it stable (as in production), without the bench waiting 4 min.
  // Sleeps stay real, so the 0-250 ms fast-retry jitter is really waited.
  let skewMs = 0;
  const clock = { now: () => Date.now() + skewMs, sleep: systemClock.sleep };
  const measure = async (client: WsClient): Promise<number[]> => {
    for (let i = 0; i < SUBSCRIPTIONS; i++) client.subscribe(`quotes:S${i}`, { onMessage: () => {} });
    client.connect();
    await withTimeout(client.ready(), 'first live');
    const samples: number[] = [];
    for (let i = 0; i < RECONNECTS; i++) {
      skewMs += 5_000;
      const live = new Promise<void>((resolve) => {
        const off = client.on('state', (change) => {
          if (change.to === 'live') {
            off();
            resolve();
          }
        });
      });
      const start = performance.now();
      server.connections.at(-1)?.terminate();
      await withTimeout(live, 'reconnect');
      samples.push(performance.now() - start);
    }
    await client.close();
    return samples;
  };
  const defaults = await measure(createWsClient({ url: server.url, clock }));
  // The same without the jitter: what reconnecting, resubscribing 100 channels and the acks cost.
  const mechanics = await measure(createWsClient({ url: server.url, clock, random: () => 0 }));
  const resubscribes = server.connections
    .slice(1)
    .map((c) => c.received.filter((m) => (m as { op?: string }).op === 'subscribe').length);
  await server.close();
  return { defaults, mechanics, subscribeMessagesPerReconnect: Math.max(...resubscribes) };
}

async function main(): Promise<void> {
  const server = await startServer();
  try {
    const rate = await throughput(server.url);
    const heap = await heapGrowth(server.url);
    const latency = await closeToLive();
    // Capacity: messages per second this process could take at its measured CPU cost per message.
    // Ratios are paired: each round measures every path back to back, the ratio is taken within the
    // round, and the median over rounds is reported, so load that drifts between rounds (a shared
    // 2-core machine) cancels out instead of landing on whichever path ran during it.
    const paired = (runs: Run[], base: Run[], of: (run: Run) => number) =>
      percentile(
        runs.map((run, i) => of(run) / of(base[i] as Run)),
        50,
      );
    const rateOf = (run: Run) => run.perSecond;
    const capacityOf = (run: Run) => 1 / run.busyUsPerMessage;
    const s = rate.samples;
    const row = (name: string, runs: Run[]) => [
      name,
      fmt(percentile(runs.map(rateOf), 50)),
      `${paired(runs, s.raw, rateOf).toFixed(2)}x`,
      percentile(
        runs.map((r) => r.busyUsPerMessage),
        50,
      ).toFixed(2),
      `${paired(runs, s.raw, capacityOf).toFixed(2)}x`,
    ];
    const ratioCallback = paired(s.callback, s.raw, rateOf);
    const ratioIterator = paired(s.iterator, s.raw, rateOf);
    const ratioNoSchema = paired(s.noSchema, s.raw, rateOf);
    const ratioIteratorNoSchema = paired(s.iteratorNoSchema, s.raw, rateOf);
    const capacityCallback = paired(s.callback, s.raw, capacityOf);
    const capacityIterator = paired(s.iterator, s.raw, capacityOf);
    const capacityNoSchema = paired(s.noSchema, s.raw, capacityOf);
    const capacityIteratorNoSchema = paired(s.iteratorNoSchema, s.raw, capacityOf);
    const capacityVsValidated = paired(s.callback, s.rawValidated, capacityOf);
    const capacityIteratorVsRawIterator = paired(s.iterator, s.rawIterator, capacityOf);
    const capacityIteratorNoSchemaVsRawIterator = paired(s.iteratorNoSchema, s.rawIterator, capacityOf);
    const telemetry = {
      noSchemaOnVsRaw: paired(s.noSchemaOtel, s.raw, capacityOf),
      noSchemaOffVsRaw: capacityNoSchema,
      schemaOnVsRawValidated: paired(s.callbackOtel, s.rawValidated, capacityOf),
      schemaOffVsRawValidated: capacityVsValidated,
    };
    const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
    const data = {
      messages: MESSAGES,
      rounds: ROUNDS,
      throughput: rate,
      ratio: {
        callback: ratioCallback,
        iterator: ratioIterator,
        noSchema: ratioNoSchema,
        iteratorNoSchema: ratioIteratorNoSchema,
      },
      capacityRatio: {
        callback: capacityCallback,
        iterator: capacityIterator,
        noSchema: capacityNoSchema,
        iteratorNoSchema: capacityIteratorNoSchema,
        callbackVsRawValidated: capacityVsValidated,
        iteratorVsRawIterator: capacityIteratorVsRawIterator,
        iteratorNoSchemaVsRawIterator: capacityIteratorNoSchemaVsRawIterator,
      },
      closeToLive: {
        subscriptions: SUBSCRIPTIONS,
        reconnects: RECONNECTS,
        subscribeMessagesPerReconnect: latency.subscribeMessagesPerReconnect,
        defaults: { p50Ms: percentile(latency.defaults, 50), p95Ms: percentile(latency.defaults, 95) },
        withoutJitter: { p50Ms: percentile(latency.mechanics, 50), p95Ms: percentile(latency.mechanics, 95) },
      },
      telemetry,
      heap,
      sink,
    };
    const markdown = [
      '## WebSocket (loopback)',
      '',
      `Throughput: ${MESSAGES.toLocaleString('en')} quotes (~120 bytes) per run, median of ${ROUNDS} runs; server in a child process.`,
      '',
      table(
        ['Path', 'messages/s', 'vs raw', 'client CPU µs/msg', 'capacity vs raw'],
        [
          row('raw ws + JSON.parse', s.raw),
          row('raw ws + JSON.parse + valibot', s.rawValidated),
          row('raw ws + JSON.parse, for await (events.on)', s.rawIterator),
          row('kit subscribe, onMessage (parse + valibot + sequence + dispatch)', s.callback),
          row('kit subscribe, for await (+ bounded buffer)', s.iterator),
          row('kit subscribe, onMessage, no schema (parse + sequence + dispatch)', s.noSchema),
          row('kit subscribe, for await, no schema', s.iteratorNoSchema),
          row('kit subscribe, onMessage, telemetry on (SDK registered)', s.callbackOtel),
          row('kit subscribe, onMessage, no schema, telemetry on (SDK registered)', s.noSchemaOtel),
        ],
      ),
      '',
      'The server frames quotes itself and writes 64 KiB chunks, so the client is the limit and messages/s is each path\'s own rate. "client CPU µs/msg" is this process\'s CPU time (user + system) per message, the server process excluded; "capacity vs raw" compares its inverse. Ratios are the median of per-round ratios (each round runs every path back to back).',
      '',
      `Like for like: kit onMessage with schema vs raw + valibot ${capacityVsValidated.toFixed(2)}x; kit for await vs raw for await (events.on) ${capacityIteratorVsRawIterator.toFixed(2)}x with schema, ${capacityIteratorNoSchemaVsRawIterator.toFixed(2)}x without (capacity).`,
      '',
      `Telemetry (capacity): without a schema ${telemetry.noSchemaOffVsRaw.toFixed(2)}x of raw off, ${telemetry.noSchemaOnVsRaw.toFixed(2)}x on; with a schema ${telemetry.schemaOffVsRawValidated.toFixed(2)}x of raw + valibot off, ${telemetry.schemaOnVsRawValidated.toFixed(2)}x on. On means the OpenTelemetry SDK registered and its providers given to the client (session span, metrics read at collection); targets 0.92x both ways.`,
      '',
      `close -> live with ${SUBSCRIPTIONS} subscriptions (${latency.subscribeMessagesPerReconnect} subscribe messages), ${RECONNECTS} drops (1006) after a stable session:`,
      '',
      table(
        ['Client', 'p50 ms', 'p95 ms'],
        [
          ['defaults (fast retry: 0-250 ms jitter)', p(latency.defaults, 50), p(latency.defaults, 95)],
          [
            'jitter 0 (reconnect + login-free resubscribe + acks)',
            p(latency.mechanics, 50),
            p(latency.mechanics, 95),
          ],
        ],
      ),
      '',
      `Heap growth over ${HEAP_MESSAGES.toLocaleString('en')} messages through the kit path (after gc): ${heap.growthMb.toFixed(2)} MB (${heap.beforeMb.toFixed(1)} -> ${heap.afterMb.toFixed(1)} MB).`,
      '',
      'Targets: >= 0.9x raw throughput; close -> live p95 < 1 s at defaults; heap growth < 10 MB.',
    ].join('\n');
    writeResults('ws', data, markdown);
  } finally {
    await server.stop();
  }
}

await main();
