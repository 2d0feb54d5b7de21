// Sandbox broker benchmark: the sandbox must never be what limits a benchmark or a chaos run, so
// each of its servers is measured against a bare server doing the same work in the same run.
//
//  1. WebSocket (this file's first half): quote messages/s from the sandbox stream (`attachStream`,
//     faults off) to 1 and to 10 clients, against a bare `ws` server sending the same frames
//     (`{"channel":"quotes:AAPL","seq":n,"data":<quote>}`, seq per connection, one JSON.stringify
//     per quote). Both servers run in this process, one at a time; the clients run in a child
//     process, so this process's CPU time is the server's alone. The quotes are real ones from
//     `createMarket`, replayed as fast as the sockets take them (the same flow control for both), so
//     the stream's fan-out is what is measured, not the market's 100 ms tick.
//  2. REST (`restSection()`, below): signed GET /v1/quotes/:symbol requests/s against a bare
//     node:http server answering the same JSON, client in a child process, target >= 0.7x.
// Ratios are paired per round (bare and sandbox back to back) and the median is reported.
// Bounded: fixed message counts and rounds, and every wait has a timeout.
//
//   node --import tsx --expose-gc sandbox.bench.ts                      (after `pnpm build`)
//   node --conditions=@kit/source --import tsx sandbox.bench.ts         (from sources, no build)
//   SANDBOX_BENCH_QUOTES=20000 node --conditions=@kit/source --import tsx sandbox.bench.ts   (a quick look)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { type WebSocket, WebSocketServer } from 'ws';
import { DEMO_CREDENTIALS, startSandboxBroker } from '../apps/sandbox-broker/src/index';
// The sandbox is a private app run from source: its parts are imported from there directly.
import { createMarket } from '../apps/sandbox-broker/src/market/create-market';
import { manualEvery } from '../apps/sandbox-broker/src/market/interval';
import type { Market, Quote } from '../apps/sandbox-broker/src/market/market-types';
import { attachStream } from '../apps/sandbox-broker/src/ws/attach-stream';
import { percentile, table, writeResults } from './lib';

const QUOTES_ONE = Number(process.env.SANDBOX_BENCH_QUOTES ?? 200_000);
const QUOTES_TEN = Math.floor(QUOTES_ONE / 5);
const ROUNDS = Number(process.env.SANDBOX_BENCH_ROUNDS ?? 5);
const TIMEOUT_MS = 120_000;
const CHANNEL = 'quotes:AAPL';
/** Flow control: quotes published between checks of the servers' socket buffers. */
const BATCH = 64;
/** Flow control: a socket holding more than this waits for 'drain' (well under any slow-consumer bound). */
const HIGH_WATER_BYTES = 256 * 1024;

// The clients: plain `ws` in a child process, driven by JSON lines on stdin, answering on stdout.
// Each client subscribes to quotes:AAPL, JSON.parses every frame and counts data messages.
const CLIENTS_SOURCE = `
const { WebSocket } = require(process.env.KIT_WS_PATH);
const readline = require('node:readline');
const say = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
let clients = [];
let target = 0;
let first;
const check = () => {
  if (target > 0 && clients.every((c) => c.count >= target)) {
    target = 0;
    say({ done: true, first });
  }
};
readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = JSON.parse(line);
  if (cmd.cmd === 'connect') {
    clients = await Promise.all(Array.from({ length: cmd.clients }, () => new Promise((resolve, reject) => {
      const socket = new WebSocket(cmd.url, { perMessageDeflate: false });
      const client = { socket, count: 0 };
      socket.on('error', reject);
      socket.on('message', (data) => {
        const text = data.toString();
        const message = JSON.parse(text);
        if (message.op === 'subscribed') return resolve(client);
        if (message.op !== undefined) return;
        if (client.count++ === 0 && client === clients[0]) first = text;
        if (client.count === target) check();
      });
      socket.on('open', () => socket.send(JSON.stringify({ op: 'subscribe', channels: [cmd.channel] })));
    })));
    first = undefined;
    say({ ready: true });
  } else if (cmd.cmd === 'expect') {
    target = cmd.count;
    check();
  } else if (cmd.cmd === 'close') {
    for (const c of clients) c.socket.terminate();
    clients = [];
    say({ closed: true });
  }
});
`;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Clients {
  connect(url: string, clients: number): Promise<void>;
  expect(count: number): Promise<{ first: string }>;
  close(): Promise<void>;
  stop(): void;
}

function startClients(): Clients {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const child = spawn(process.execPath, ['-e', CLIENTS_SOURCE], {
    env: { ...process.env, KIT_WS_PATH: wsPath },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(message: Record<string, unknown>) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const ask = (command: object, what: string) => {
    const answer = new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve));
    child.stdin.write(`${JSON.stringify(command)}\n`);
    return withTimeout(answer, what);
  };
  return {
    connect: async (url, clients) => {
      await ask({ cmd: 'connect', url, clients, channel: CHANNEL }, 'clients connect');
    },
    expect: (count) => ask({ cmd: 'expect', count }, 'clients receive') as Promise<{ first: string }>,
    close: async () => {
      await ask({ cmd: 'close' }, 'clients close');
    },
    stop: () => child.kill(),
  };
}

/** A server that can publish a quote to its subscribers. */
interface Contender {
  readonly url: string;
  publish(quote: Quote): void;
  /** The TCP sockets of the server (flow control reads their buffers). */
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<{ port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, sockets };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The baseline: a bare `ws` server that acknowledges subscriptions and sends each quote to every subscriber. */
async function startBare(): Promise<Contender> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const subscribers: Array<{ socket: WebSocket; seq: number }> = [];
  http.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as { op: string; channels: string[] };
        if (message.op !== 'subscribe') return;
        for (const channel of message.channels) {
          subscribers.push({ socket: ws, seq: 0 });
          ws.send(JSON.stringify({ op: 'subscribed', channel }));
        }
      });
      ws.on('close', () => {
        const at = subscribers.findIndex((s) => s.socket === ws);
        if (at !== -1) subscribers.splice(at, 1);
      });
    });
  });
  const { port, sockets } = await listen(http);
  const prefix = `{"channel":"${CHANNEL}","seq":`;
  return {
    url: `ws://127.0.0.1:${port}/v1/stream`,
    sockets,
    publish(quote) {
      const tail = `,"data":${JSON.stringify(quote)}}`;
      for (const subscriber of subscribers) subscriber.socket.send(prefix + ++subscriber.seq + tail);
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await closeServer(http);
    },
  };
}

/** The sandbox stream, faults off, fed by a market whose quotes the bench publishes. */
async function startSandbox(): Promise<Contender> {
  const real = createMarket({ seed: 1, symbols: ['AAPL'], every: manualEvery().every });
  let listeners: Array<(quote: Quote) => void> = [];
  const market: Market = {
    symbols: real.symbols,
    has: (symbol) => real.has(symbol),
    quote: (symbol) => real.quote(symbol),
    book: (symbol, depth) => real.book(symbol, depth),
    onQuote(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    onBookDiff: () => () => {},
    close: () => real.close(),
  };
  // What the real ledger does for the stream: count.
  const counts = { connections: 0, messages: 0, faults: 0 };
  const http = createServer();
  const stream = attachStream({
    server: http,
    market,
    orders: { eventsAfter: () => [], onOrderEvent: () => () => {} },
    auth: { verify: () => ({ ok: false, status: 401, code: 'MISSING_CREDENTIALS', message: 'no' }) },
    ledger: {
      recordFault: () => {
        counts.faults++;
      },
      countWsConnection: () => {
        counts.connections++;
      },
      countWsMessage: (count = 1) => {
        counts.messages += count;
      },
    },
    faults: () => ({}),
  });
  const { port, sockets } = await listen(http);
  return {
    url: `ws://127.0.0.1:${port}/v1/stream`,
    sockets,
    publish(quote) {
      for (const listener of listeners) listener(quote);
    },
    close: async () => {
      await stream.close();
      market.close();
      await closeServer(http);
    },
  };
}

/** Real quotes, recorded from the market once, replayed by every run. */
function recordQuotes(count: number): Quote[] {
  const market = createMarket({ seed: 42, symbols: ['AAPL'], every: manualEvery().every });
  const quotes: Quote[] = [];
  market.onQuote((quote) => quotes.push(quote));
  for (let i = 0; i < count; i++) market.tick();
  market.close();
  return quotes;
}

const QUOTES = recordQuotes(4_096);

/** Publishes `count` quotes as fast as the sockets take them; the same flow control for every server. */
async function pump(contender: Contender, count: number): Promise<void> {
  let sent = 0;
  while (sent < count) {
    const end = Math.min(count, sent + BATCH);
    for (; sent < end; sent++) contender.publish(QUOTES[sent % QUOTES.length]!);
    for (const socket of contender.sockets) {
      if (socket.writableLength > HIGH_WATER_BYTES) await once(socket, 'drain');
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface Run {
  /** Quote frames delivered per second, all clients together. */
  perSecond: number;
  /** Server CPU time (user + system) per frame delivered, in microseconds. */
  cpuUsPerMessage: number;
  first: string;
}

async function measure(contender: Contender, clients: Clients, fanOut: number, quotes: number): Promise<Run> {
  await clients.connect(contender.url, fanOut);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const received = clients.expect(quotes);
  await withTimeout(pump(contender, quotes), 'pump');
  const { first } = await received;
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await clients.close();
  const frames = quotes * fanOut;
  return { perSecond: (frames / elapsed) * 1000, cpuUsPerMessage: (used.user + used.system) / frames, first };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function wsSection(): Promise<{ data: unknown; markdown: string }> {
  const clients = startClients();
  const bare = await startBare();
  const sandbox = await startSandbox();
  try {
    const cases = [
      { fanOut: 1, quotes: QUOTES_ONE },
      { fanOut: 10, quotes: QUOTES_TEN },
    ];
    // Warm both paths (JIT) before measuring.
    for (const { fanOut } of cases) {
      await measure(bare, clients, fanOut, 10_000);
      await measure(sandbox, clients, fanOut, 10_000);
    }
    const results = [];
    for (const { fanOut, quotes } of cases) {
      const bareRuns: Run[] = [];
      const sandboxRuns: Run[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate who goes first, so drift within a round does not always favour one side.
        if (round % 2 === 0) {
          bareRuns.push(await measure(bare, clients, fanOut, quotes));
          sandboxRuns.push(await measure(sandbox, clients, fanOut, quotes));
        } else {
          sandboxRuns.push(await measure(sandbox, clients, fanOut, quotes));
          bareRuns.push(await measure(bare, clients, fanOut, quotes));
        }
      }
      if (bareRuns[0]!.first !== sandboxRuns[0]!.first) {
        throw new Error(
          `the servers sent different frames:\n${bareRuns[0]!.first}\n${sandboxRuns[0]!.first}`,
        );
      }
      const paired = (of: (run: Run) => number) =>
        percentile(
          sandboxRuns.map((run, i) => of(run) / of(bareRuns[i]!)),
          50,
        );
      results.push({
        fanOut,
        quotes,
        bare: {
          perSecond: percentile(
            bareRuns.map((r) => r.perSecond),
            50,
          ),
          cpuUsPerMessage: percentile(
            bareRuns.map((r) => r.cpuUsPerMessage),
            50,
          ),
        },
        sandbox: {
          perSecond: percentile(
            sandboxRuns.map((r) => r.perSecond),
            50,
          ),
          cpuUsPerMessage: percentile(
            sandboxRuns.map((r) => r.cpuUsPerMessage),
            50,
          ),
        },
        rateRatio: paired((r) => r.perSecond),
        capacityRatio: paired((r) => 1 / r.cpuUsPerMessage),
        frame: bareRuns[0]!.first,
        samples: {
          bare: bareRuns.map(({ first: _, ...r }) => r),
          sandbox: sandboxRuns.map(({ first: _, ...r }) => r),
        },
      });
    }
    const tick = marketTickCost();
    const rows = results.flatMap((r) => [
      [
        `bare ws, ${r.fanOut} client${r.fanOut > 1 ? 's' : ''}`,
        fmt(r.bare.perSecond),
        '1.00x',
        r.bare.cpuUsPerMessage.toFixed(2),
        '1.00x',
      ],
      [
        `sandbox stream, ${r.fanOut} client${r.fanOut > 1 ? 's' : ''}`,
        fmt(r.sandbox.perSecond),
        `${r.rateRatio.toFixed(2)}x`,
        r.sandbox.cpuUsPerMessage.toFixed(2),
        `${r.capacityRatio.toFixed(2)}x`,
      ],
    ]);
    const markdown = [
      '### WebSocket quotes (loopback, faults off)',
      '',
      `${QUOTES_ONE.toLocaleString('en')} quotes to 1 client, ${QUOTES_TEN.toLocaleString('en')} quotes to each of 10 clients per run, median of ${ROUNDS} rounds; the servers in this process, the clients (plain ws + JSON.parse) in a child process. Frame: \`${results[0]!.frame}\` (${Buffer.byteLength(results[0]!.frame)} bytes).`,
      '',
      table(['Server', 'frames/s delivered', 'vs bare', 'server CPU µs/frame', 'capacity vs bare'], rows),
      '',
      '"vs bare" is the paired ratio of delivered frames/s (each round runs both servers back to back); "capacity vs bare" compares the inverse of the server process\'s CPU time per frame. With 2 cores shared by the servers and the clients, the delivered rate is bounded by whichever side is busier; the CPU ratio is the server\'s own cost.',
      '',
      `Market: one \`tick()\` of 4 symbols (quotes + 100-level book diffs with checksums) costs ${tick.usPerTick.toFixed(1)} µs, ${((tick.usPerTick / 100_000) * 100).toFixed(3)}% of one core at the default 100 ms interval.`,
      '',
      'Target: >= 0.8x of the bare ws server.',
    ].join('\n');
    return { data: { ws: results, marketTick: tick }, markdown };
  } finally {
    await sandbox.close();
    await bare.close();
    clients.stop();
  }
}

function marketTickCost(): { ticks: number; usPerTick: number } {
  const market = createMarket({ seed: 3, every: manualEvery().every });
  let sink = 0;
  market.onBookDiff((diff) => {
    sink += diff.seq;
  });
  for (let i = 0; i < 2_000; i++) market.tick();
  const ticks = 20_000;
  const start = performance.now();
  for (let i = 0; i < ticks; i++) market.tick();
  const usPerTick = ((performance.now() - start) * 1000) / ticks;
  market.close();
  if (sink === 0) throw new Error('the market did not tick');
  return { ticks, usPerTick };
}

// ---------------------------------------------------------------------------------------------
// REST: signed GET /v1/quotes/AAPL against the sandbox (faults off, the rate limiter on with a budget
// too large to bite, so its bookkeeping and headers are paid for) and against a bare node:http server
// answering the same JSON with only content-type and content-length. The client, in a child process,
// signs every request the same way for both (HMAC-SHA256 over timestamp + method + path), keeps
// `concurrency` requests in flight on keep-alive sockets, reads every body and checks every status.

const REQUESTS = Number(process.env.SANDBOX_BENCH_REQUESTS ?? 20_000);
const REST_CONCURRENCIES = [1, 16] as const;
const QUOTE_PATH = '/v1/quotes/AAPL';

const REST_CLIENT_SOURCE = `
const http = require('node:http');
const { createHmac } = require('node:crypto');
const readline = require('node:readline');
const say = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = JSON.parse(line);
  const url = new URL(cmd.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: cmd.concurrency });
  let next = 0;
  let bad = 0;
  let first;
  const one = () => new Promise((resolve, reject) => {
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', cmd.secret).update(timestamp + 'GET' + cmd.path).digest('hex');
    const req = http.request({ agent, host: url.hostname, port: url.port, path: cmd.path, method: 'GET',
      headers: { 'x-api-key': cmd.keyId, 'x-timestamp': timestamp, 'x-signature': signature } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        if (res.statusCode !== 200) bad++;
        JSON.parse(body);
        first ??= body;
        resolve();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  const worker = async () => { while (next < cmd.count) { next++; await one(); } };
  const start = performance.now();
  await Promise.all(Array.from({ length: cmd.concurrency }, worker));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  say({ elapsedMs, bad, first });
});
`;

interface RestClient {
  run(
    url: string,
    count: number,
    concurrency: number,
  ): Promise<{ elapsedMs: number; bad: number; first: string }>;
  stop(): void;
}

function startRestClient(keyId: string, secret: string): RestClient {
  const child = spawn(process.execPath, ['-e', REST_CLIENT_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(message: { elapsedMs: number; bad: number; first: string }) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  return {
    run(url, count, concurrency) {
      const answer = new Promise<{ elapsedMs: number; bad: number; first: string }>((resolve) =>
        waiting.push(resolve),
      );
      child.stdin.write(`${JSON.stringify({ url, path: QUOTE_PATH, count, concurrency, keyId, secret })}\n`);
      return withTimeout(answer, 'REST client run');
    },
    stop: () => child.kill(),
  };
}

interface RestRun {
  perSecond: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  cpuUsPerRequest: number;
  first: string;
}

async function measureRest(
  url: string,
  client: RestClient,
  count: number,
  concurrency: number,
): Promise<RestRun> {
  const cpu = process.cpuUsage();
  const { elapsedMs, bad, first } = await client.run(url, count, concurrency);
  const used = process.cpuUsage(cpu);
  if (bad > 0) throw new Error(`${bad} of ${count} requests to ${url} did not answer 200`);
  return { perSecond: (count / elapsedMs) * 1000, cpuUsPerRequest: (used.user + used.system) / count, first };
}

async function restSection(): Promise<{ data: unknown; markdown: string }> {
  const broker = await startSandboxBroker({ seed: 1, rateLimit: { limit: 1_000_000_000, windowMs: 10_000 } });
  const { keyId, secret } = DEMO_CREDENTIALS.trader;
  const client = startRestClient(keyId, secret);
  // The bare server answers the sandbox's own quote JSON, the same bytes.
  const bareBody = (await client.run(broker.url, 1, 1)).first;
  const bare = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(bareBody),
    });
    res.end(bareBody);
  });
  bare.keepAliveTimeout = 30_000;
  const { port } = await listen(bare);
  const bareUrl = `http://127.0.0.1:${port}`;
  try {
    for (const concurrency of REST_CONCURRENCIES) {
      await measureRest(bareUrl, client, 3_000, concurrency);
      await measureRest(broker.url, client, 3_000, concurrency);
    }
    const results = [];
    for (const concurrency of REST_CONCURRENCIES) {
      const count = concurrency === 1 ? Math.floor(REQUESTS / 4) : REQUESTS;
      const bareRuns: RestRun[] = [];
      const sandboxRuns: RestRun[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 0) {
          bareRuns.push(await measureRest(bareUrl, client, count, concurrency));
          sandboxRuns.push(await measureRest(broker.url, client, count, concurrency));
        } else {
          sandboxRuns.push(await measureRest(broker.url, client, count, concurrency));
          bareRuns.push(await measureRest(bareUrl, client, count, concurrency));
        }
      }
      const median = (values: number[]) => percentile(values, 50);
      results.push({
        concurrency,
        requests: count,
        bare: {
          perSecond: median(bareRuns.map((r) => r.perSecond)),
          cpuUsPerRequest: median(bareRuns.map((r) => r.cpuUsPerRequest)),
        },
        sandbox: {
          perSecond: median(sandboxRuns.map((r) => r.perSecond)),
          cpuUsPerRequest: median(sandboxRuns.map((r) => r.cpuUsPerRequest)),
        },
        rateRatio: median(sandboxRuns.map((r, i) => r.perSecond / bareRuns[i]!.perSecond)),
        capacityRatio: median(sandboxRuns.map((r, i) => bareRuns[i]!.cpuUsPerRequest / r.cpuUsPerRequest)),
        samples: {
          bare: bareRuns.map(({ first: _, ...r }) => r),
          sandbox: sandboxRuns.map(({ first: _, ...r }) => r),
        },
      });
    }
    const requestsServed = broker.ledger().counts.requests;
    const rows = results.flatMap((r) => [
      [
        `bare node:http, ${r.concurrency} in flight`,
        fmt(r.bare.perSecond),
        '1.00x',
        r.bare.cpuUsPerRequest.toFixed(1),
        '1.00x',
      ],
      [
        `sandbox, ${r.concurrency} in flight`,
        fmt(r.sandbox.perSecond),
        `${r.rateRatio.toFixed(2)}x`,
        r.sandbox.cpuUsPerRequest.toFixed(1),
        `${r.capacityRatio.toFixed(2)}x`,
      ],
    ]);
    const markdown = [
      '### REST: signed GET /v1/quotes/AAPL (loopback, faults off)',
      '',
      `${fmt(REQUESTS / 4)} requests with 1 in flight, ${fmt(REQUESTS)} with 16 in flight per run, median of ${ROUNDS} rounds. The client (node:http, keep-alive, HMAC-signing every request, parsing every body) runs in a child process; both servers run in this process. The sandbox verifies the signature and timestamp window, checks the scope, spends rate-limit weight (a budget too large to bite) and sends its 8 extra headers; the bare server sends the same body (\`${bareBody}\`, ${Buffer.byteLength(bareBody)} bytes) with content-type and content-length only.`,
      '',
      table(['Server', 'requests/s', 'vs bare', 'server CPU µs/request', 'capacity vs bare'], rows),
      '',
      `"vs bare" is the paired ratio of requests/s; "capacity vs bare" compares the inverse of the server process's CPU time per request. The sandbox served ${fmt(requestsServed)} requests in this run, all answered 200.`,
      '',
      'Target: >= 0.7x of the bare node:http server.',
    ].join('\n');
    return { data: { rest: results }, markdown };
  } finally {
    client.stop();
    await closeServer(bare);
    await broker.close();
  }
}

async function main(): Promise<void> {
  const ws = await wsSection();
  const rest = await restSection();
  const markdown = ['## Sandbox broker', '', rest.markdown, '', ws.markdown].join('\n');
  writeResults('sandbox', { ws: ws.data, rest: rest?.data }, markdown);
}

await main();
