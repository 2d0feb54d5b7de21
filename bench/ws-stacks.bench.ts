// WebSocket against what users pick instead of kit: reconnecting-websocket and partysocket (its
// `partysocket/ws` reconnecting socket), both over `ws` with JSON.parse, next to kit's subscribe path
// (`@kit/ws-client`) and raw `ws`, on the same server and the same frames in the same run:
//  1. Throughput: the quote server of ws.bench.ts (ws-quote-server.ts: a child process writing
//     hand-framed ~120-byte quotes in 64 KiB chunks, so the client is the limit); messages/s and
//     this process's CPU per message, each path with and without valibot validation. The wrappers
//     get what a user writes: subscribe on every 'open', JSON.parse each `event.data`, keep the
//     messages of the subscribed channel. They do no gap detection; kit's path sequences every message.
//  2. Reconnect: close -> live (the subscription acknowledged again) after the server drops the
//     connection (1006), one subscription, each at its defaults after a stable session. kit's "stable"
//     is 5 s live: its clock jumps 5 s before each drop (as ws.bench.ts does); the wrappers' is their
//     `minUptime` (5 s), set to 200 ms and waited out, so the bench does not wait 5 s a drop.
// Ratios are paired: each round runs every path back to back, the ratio is taken within the round
// and the median over rounds is reported. Bounded: fixed message counts, rounds and drops; every
// wait has a timeout.
//
//   node --conditions=@kit/source --import tsx --expose-gc ws-stacks.bench.ts
//   WS_STACKS_MESSAGES=50000 WS_STACKS_ROUNDS=2 node --conditions=@kit/source --import tsx ws-stacks.bench.ts   (a quick look)
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { systemClock } from '@kit/retry';
import { createWsFaultServer } from '@kit/testing';
import { createWsClient, monotonicSequencer } from '@kit/ws-client';
import PartySocket from 'partysocket/ws';
import ReconnectingWebSocket from 'reconnecting-websocket';
import * as v from 'valibot';
import { WebSocket } from 'ws';
import { percentile, table, writeResults } from './lib';
import { CHANNEL, Quote, startServer, withTimeout } from './ws-quote-server';

const MESSAGES = Number(process.env.WS_STACKS_MESSAGES ?? 300_000);
const ROUNDS = Number(process.env.WS_STACKS_ROUNDS ?? 5);
const RECONNECTS = Number(process.env.WS_STACKS_RECONNECTS ?? 6);
const WRAPPER_MIN_UPTIME_MS = 200;

let sink = 0;

/** One measured run: the observed rate, and this process's CPU time per message. */
interface Run {
  perSecond: number;
  cpuUsPerMessage: number;
}

function measured(count: number, start: number, cpu: NodeJS.CpuUsage): Run {
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: (count / elapsed) * 1000, cpuUsPerMessage: (used.user + used.system) / count };
}

type QuoteMessage = v.InferOutput<typeof Quote>;

/** The minimal surface both wrappers share with the browser WebSocket. */
interface WrapperSocket {
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  send(data: string): void;
  close(): void;
}

type Wrapper = 'reconnecting-websocket' | 'partysocket';

function openWrapper(kind: Wrapper, url: string, options: Record<string, unknown> = {}): WrapperSocket {
  // Both take the WebSocket class to use; `ws` is what a Node user passes.
  const settings = { WebSocket, ...options };
  return (kind === 'reconnecting-websocket'
    ? new ReconnectingWebSocket(url, [], settings)
    : new PartySocket(url, [], settings)) as unknown as WrapperSocket;
}

/** Raw `ws`: the baseline (what ws.bench.ts calls "raw ws + JSON.parse"). */
async function rawRun(url: string, count: number, validate: boolean): Promise<Run> {
  const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  await withTimeout(once(socket, 'open'), 'raw open');
  let received = 0;
  const done = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const quote = JSON.parse(data.toString()) as QuoteMessage;
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

/** A wrapper as a user wires it: subscribe on every open, parse, keep the channel's messages. */
async function wrapperRun(kind: Wrapper, url: string, count: number, validate: boolean): Promise<Run> {
  const socket = openWrapper(kind, url);
  let received = 0;
  let subscribed: () => void = () => {};
  const acked = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  socket.addEventListener('open', () =>
    socket.send(JSON.stringify({ op: 'subscribe', channels: [CHANNEL] })),
  );
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data as string) as QuoteMessage & { op?: string };
    if (message.channel !== CHANNEL) return;
    if (message.op !== undefined) {
      if (message.op === 'subscribed') subscribed();
      return;
    }
    if (validate && !v.safeParse(Quote, message).success) throw new Error('invalid quote');
    sink += message.seq;
    if (++received === count) finish();
  });
  await withTimeout(acked, `${kind} subscribe`);
  const cpu = process.cpuUsage();
  const start = performance.now();
  socket.send(JSON.stringify({ op: 'go', count, channel: CHANNEL }));
  await withTimeout(done, `${kind} run`);
  const run = measured(count, start, cpu);
  socket.close();
  return run;
}

/** kit's subscribe path with onMessage (parse + [valibot] + sequence + dispatch), as ws.bench.ts runs it. */
async function kitRun(url: string, count: number, validate: boolean, sequence = true): Promise<Run> {
  const client = createWsClient({ url });
  let received = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  client.subscribe(CHANNEL, {
    schema: validate ? Quote : undefined,
    sequencer: sequence ? monotonicSequencer<QuoteMessage>() : undefined,
    onMessage: (quote) => {
      sink += quote.seq;
      if (++received === count) finish();
    },
  });
  client.connect();
  await withTimeout(client.ready(), 'kit connect');
  const cpu = process.cpuUsage();
  const start = performance.now();
  await client.send({ op: 'go', count, channel: CHANNEL });
  await withTimeout(done, 'kit run');
  const run = measured(count, start, cpu);
  await client.close();
  return run;
}

interface Path {
  key: string;
  name: string;
  validated: boolean;
  run: (url: string, count: number) => Promise<Run>;
}

const PATHS: Path[] = [
  { key: 'raw', name: 'raw ws + JSON.parse', validated: false, run: (u, n) => rawRun(u, n, false) },
  {
    key: 'rws',
    name: 'reconnecting-websocket + JSON.parse',
    validated: false,
    run: (u, n) => wrapperRun('reconnecting-websocket', u, n, false),
  },
  {
    key: 'partysocket',
    name: 'partysocket + JSON.parse',
    validated: false,
    run: (u, n) => wrapperRun('partysocket', u, n, false),
  },
  {
    key: 'kit',
    name: 'kit subscribe (parse + sequence + dispatch)',
    validated: false,
    run: (u, n) => kitRun(u, n, false),
  },
  {
    // Like for like with the wrappers, which do not sequence: what kit's sequencer costs is the difference.
    key: 'kitUnsequenced',
    name: 'kit subscribe, no sequencer (parse + dispatch)',
    validated: false,
    run: (u, n) => kitRun(u, n, false, false),
  },
  {
    key: 'rawValidated',
    name: 'raw ws + JSON.parse + valibot',
    validated: true,
    run: (u, n) => rawRun(u, n, true),
  },
  {
    key: 'rwsValidated',
    name: 'reconnecting-websocket + JSON.parse + valibot',
    validated: true,
    run: (u, n) => wrapperRun('reconnecting-websocket', u, n, true),
  },
  {
    key: 'partysocketValidated',
    name: 'partysocket + JSON.parse + valibot',
    validated: true,
    run: (u, n) => wrapperRun('partysocket', u, n, true),
  },
  {
    key: 'kitValidated',
    name: 'kit subscribe + valibot schema',
    validated: true,
    run: (u, n) => kitRun(u, n, true),
  },
];

async function throughput(url: string) {
  for (const path of PATHS) await path.run(url, 20_000);
  const samples: Record<string, Run[]> = Object.fromEntries(PATHS.map((p) => [p.key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PATHS.length; i++) {
      const path = PATHS[(i + round) % PATHS.length] as Path;
      const run = await path.run(url, MESSAGES);
      samples[path.key]?.push(run);
      console.error(
        `round ${round + 1} ${path.name}: ${Math.round(run.perSecond)} msg/s, ${run.cpuUsPerMessage.toFixed(2)} cpu µs/msg, load ${os.loadavg()[0]?.toFixed(2)}`,
      );
    }
  }
  const paired = (a: Run[], b: Run[], of: (r: Run) => number) =>
    percentile(
      a.map((run, i) => of(run) / of(b[i] as Run)),
      50,
    );
  const rate = (r: Run) => r.perSecond;
  const capacity = (r: Run) => 1 / r.cpuUsPerMessage;
  return PATHS.map((path) => {
    const runs = samples[path.key] as Run[];
    const kit = samples[path.validated ? 'kitValidated' : 'kit'] as Run[];
    const raw = samples[path.validated ? 'rawValidated' : 'raw'] as Run[];
    return {
      key: path.key,
      name: path.name,
      validated: path.validated,
      perSecond: percentile(runs.map(rate), 50),
      cpuUsPerMessage: percentile(
        runs.map((r) => r.cpuUsPerMessage),
        50,
      ),
      /** This path's rate over raw ws's (same validation), paired per round. */
      vsRaw: paired(runs, raw, rate),
      /** This path's capacity (1 / CPU per message) over raw ws's. */
      capacityVsRaw: paired(runs, raw, capacity),
      /** kit's rate over this path's (same validation): > 1 means kit is faster. */
      kitRatio: paired(kit, runs, rate),
      /** kit's capacity over this path's (same validation): > 1 means kit costs less CPU a message. */
      kitCapacityRatio: paired(kit, runs, capacity),
      samples: runs,
    };
  });
}

/** close -> live after server drops, at each client's defaults after a stable session. */
async function reconnects() {
  const server = await createWsFaultServer();
  const drop = () => server.connections.at(-1)?.terminate();
  const out: Record<string, { samples: number[]; p50Ms: number; p95Ms: number; note: string }> = {};
  const summarise = (samples: number[], note: string) => ({
    samples,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    note,
  });
  try {
    // kit: its defaults, the clock 5 s ahead before each drop so every session counts as stable.
    let skewMs = 0;
    const clock = { now: () => Date.now() + skewMs, sleep: systemClock.sleep };
    const client = createWsClient({ url: server.url, clock });
    client.subscribe(CHANNEL, { onMessage: () => {} });
    client.connect();
    await withTimeout(client.ready(), 'kit first live');
    const kitSamples: number[] = [];
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
      drop();
      await withTimeout(live, 'kit reconnect');
      kitSamples.push(performance.now() - start);
    }
    await client.close();
    out.kit = summarise(kitSamples, 'defaults (fast retry after a stable session: 0-250 ms jitter)');

    for (const kind of ['reconnecting-websocket', 'partysocket'] as const) {
      const socket = openWrapper(kind, server.url, { minUptime: WRAPPER_MIN_UPTIME_MS });
      let onAck: () => void = () => {};
      socket.addEventListener('open', () =>
        socket.send(JSON.stringify({ op: 'subscribe', channels: [CHANNEL] })),
      );
      socket.addEventListener('message', (event) => {
        const message = JSON.parse(event.data as string) as { op?: string };
        if (message.op === 'subscribed') onAck();
      });
      const nextAck = () =>
        new Promise<void>((resolve) => {
          onAck = resolve;
        });
      await withTimeout(nextAck(), `${kind} first live`);
      const samples: number[] = [];
      for (let i = 0; i < RECONNECTS; i++) {
        // A stable session by the wrapper's own rule (minUptime), so the next delay is its first one.
        await delay(WRAPPER_MIN_UPTIME_MS + 50);
        const live = nextAck();
        const start = performance.now();
        drop();
        await withTimeout(live, `${kind} reconnect`);
        samples.push(performance.now() - start);
      }
      socket.close();
      out[kind] = summarise(
        samples,
        kind === 'reconnecting-websocket'
          ? 'defaults (minReconnectionDelay: 1-5 s, drawn once per process at import)'
          : 'defaults (minReconnectionDelay: 3 s)',
      );
    }
  } finally {
    await server.close();
  }
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['ws', 'reconnecting-websocket', 'partysocket', 'valibot']) {
    try {
      const pkg = new URL(`./node_modules/${name}/package.json`, import.meta.url);
      out[name] = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  return out;
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const server = await startServer();
  let paths: Awaited<ReturnType<typeof throughput>>;
  try {
    paths = await throughput(server.url);
  } finally {
    server.stop();
  }
  const reconnect = await reconnects();
  const loadAfter = os.loadavg();
  const row = (p: (typeof paths)[number]) => [
    p.name,
    fmt(p.perSecond),
    `${p.vsRaw.toFixed(2)}x`,
    p.cpuUsPerMessage.toFixed(2),
    p.key.startsWith('kit') ? '-' : `${p.kitRatio.toFixed(2)}x`,
    p.key.startsWith('kit') ? '-' : `${p.kitCapacityRatio.toFixed(2)}x`,
  ];
  const behind = paths.filter(
    (p) => !p.key.startsWith('kit') && !p.key.startsWith('raw') && p.kitCapacityRatio < 1,
  );
  const markdown = [
    '## WebSocket: kit against the reconnecting wrappers',
    '',
    `Throughput: ${MESSAGES.toLocaleString('en')} quotes (~120 bytes) per run from ws.bench.ts's server (child process, 64 KiB chunks, so the client is the limit), ${ROUNDS} paired rounds (order rotated); medians. "vs raw" is against raw ws with the same validation; "kit vs" is kit's messages/s over the path's, "kit capacity vs" kit's 1 / CPU per message over the path's (> 1.00x: kit is ahead), each taken within a round. The wrappers route by channel but do no gap detection; kit sequences every message.`,
    '',
    table(['path', 'messages/s', 'vs raw', 'client CPU µs/msg', 'kit vs', 'kit capacity vs'], paths.map(row)),
    '',
    `close -> live (subscription acknowledged again) after the server drops the connection, 1 subscription, ${RECONNECTS} drops after a stable session:`,
    '',
    table(
      ['client', 'p50 ms', 'p95 ms', 'settings'],
      Object.entries(reconnect).map(([name, r]) => [name, r.p50Ms.toFixed(1), r.p95Ms.toFixed(1), r.note]),
    ),
    '',
    behind.length === 0
      ? 'kit is ahead of both wrappers in capacity (CPU per message), with and without validation.'
      : `kit is behind in capacity against: ${behind.map((p) => `${p.name} (${p.kitCapacityRatio.toFixed(2)}x)`).join('; ')}.`,
  ].join('\n');
  writeResults(
    'ws-stacks',
    {
      messages: MESSAGES,
      rounds: ROUNDS,
      loadAverage: { before: loadBefore, after: loadAfter },
      paths,
      reconnect: {
        subscriptions: 1,
        drops: RECONNECTS,
        wrapperMinUptimeMs: WRAPPER_MIN_UPTIME_MS,
        ...reconnect,
      },
      versions: versions(),
      sink,
    },
    markdown,
  );
}

await main();
