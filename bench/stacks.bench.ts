// REST against what users assemble instead of kit, on the same loopback server in the same run:
//   - axios + axios-retry + bottleneck (the limiter),
//   - got with its built-in retry + p-queue as the limiter,
//   - ky with its built-in retry + p-queue as the limiter (ky has none of its own),
// next to kit's full pipeline (API-key auth + retry policy + rate limiter + info logging over kit's
// undici adapter, exactly as rest.bench.ts builds it), bare axios and raw undici. Each stack is set up
// to do what kit's pipeline does as far as it can: a header-based API key, retries of idempotent calls
// on 5xx/429/network errors with exponential backoff and jitter, Retry-After honoured, a 30 s attempt
// timeout, and a rate limit far above the achieved rate so it never binds in the clean run.
//
// Versions (bench/package.json) are the newest that run on Node 20: got 15+, p-queue 9+ and ky 2+
// need Node 22, so got 14.x, p-queue 8.x and ky 1.x; axios-retry 4.x and bottleneck 2.x have no
// engine floor.
//
//  1. Clean run: a bare node:http server in a child process (so this process's CPU time is the
//     client's alone) answering the same ~200-byte JSON as rest.bench.ts; concurrency 1 and 32.
//  2. Faulty run: `@kit/testing`'s fault server (in this process) with seeded 503s and 429s carrying
//     `Retry-After: 1`; each contender gets the same seeded fault sequence (the server is reset before
//     each run); the figure is successful calls per second, and the calls that failed.
// Rounds are paired: every contender runs once per round, in an order rotated each round, ratios are
// taken within a round and the median over rounds is reported, so load from other work on the shared
// machine lands on all contenders alike. Bounded: fixed request counts and rounds.
//
//   node --conditions=@kit/source --import tsx --expose-gc stacks.bench.ts
//   STACKS_BENCH_REQUESTS=2000 STACKS_BENCH_ROUNDS=1 node --conditions=@kit/source --import tsx stacks.bench.ts  (a quick look)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { apiKeyAuth } from '@kit/auth';
import { createLogger } from '@kit/logger';
import { createRestClient } from '@kit/rest-client';
import { createUndiciAdapter } from '@kit/rest-client/undici';
import { createRateLimiter, type RetryPolicyOptions } from '@kit/retry';
import { createFaultServer, type FaultRule } from '@kit/testing';
import axios, { type AxiosError } from 'axios';
import axiosRetry, { exponentialDelay, isNetworkOrIdempotentRequestError } from 'axios-retry';
import Bottleneck from 'bottleneck';
import got from 'got';
import ky from 'ky';
import PQueue from 'p-queue';
import { Agent, request as undiciRequest } from 'undici';
import { percentile, table, writeResults } from './lib';

const REQUESTS = Number(process.env.STACKS_BENCH_REQUESTS ?? 5_000);
const WARMUP = Math.max(2_000, Math.floor(REQUESTS / 5));
const ROUNDS = Number(process.env.STACKS_BENCH_ROUNDS ?? 5);
const CONCURRENCIES = [1, 32] as const;
const FAULTY_REQUESTS = Number(process.env.STACKS_BENCH_FAULTY_REQUESTS ?? 2_000);
const FAULTY_ROUNDS = Number(process.env.STACKS_BENCH_FAULTY_ROUNDS ?? 3);
const FAULTY_CONCURRENCY = 32;
const FAULT_SEED = 15;
const P_503 = 0.05;
const P_429 = 0.01;
const RETRY_AFTER_S = 1;
/** The real limit of the `limit` faulty run, in calls per second: well below every stack's clean rate but Bottleneck's. */
const LIMIT_RPS = Number(process.env.STACKS_BENCH_LIMIT_RPS ?? 250);
const LIMIT_CALLS = Number(process.env.STACKS_BENCH_LIMIT_CALLS ?? 1_500);

const API_KEY = 'bench-api-key-0123456789abcdef';
const PATH = '/v1/quotes/BTC-USD';
// The same quote rest.bench.ts serves (208 bytes).
const BODY = JSON.stringify({
  symbol: 'BTC-USD',
  bid: '64210.15',
  ask: '64210.85',
  bidSize: '0.4210',
  askSize: '1.2000',
  last: '64210.50',
  volume24h: '18342.1194',
  sequence: 918273645,
  time: '2026-01-01T00:00:00.000Z',
  venue: 'sandbox',
});

// The same retry settings for every stack, shortened from kit's defaults (500 ms first delay) so the
// faulty run is seconds, not minutes: 3 attempts in all, ~50 ms then ~100 ms, Retry-After honoured.
const ATTEMPTS = 3;
const BASE_DELAY_MS = 50;
const ATTEMPT_TIMEOUT_MS = 30_000;
/** Exponential backoff with 0-20% jitter (axios-retry's own shape), for the stacks that take a function. */
const backoffMs = (retry: number) => BASE_DELAY_MS * 2 ** (retry - 1) * (1 + 0.2 * Math.random());
const KIT_RETRY: RetryPolicyOptions = {
  maxAttempts: ATTEMPTS,
  initialDelayMs: BASE_DELAY_MS,
  attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
};
/** A limit no run reaches (the clean run's fastest is ~10^4/s): the limiter is on the path, never binding. */
const LIMIT_PER_SECOND = 1_000_000_000;

const KIT = 'kit full pipeline';
const KIT_PER_CALL = 'kit, a 429 holds back only its own call';

/** A named way to send one GET of the quote. */
interface Contender {
  name: string;
  /** Whether it retries (the faulty run measures only those). */
  retries: boolean;
  /** A diagnostic variant measured in the faulty run only. */
  faultyOnly?: boolean;
  send: () => Promise<unknown>;
  close: () => Promise<void>;
}

function assertQuote(data: unknown): void {
  if ((data as { symbol?: unknown } | null)?.symbol !== 'BTC-USD')
    throw new Error('unexpected response body');
}

/**
 * kit's full pipeline as rest.bench.ts builds it. With `throttleWide: false` (faulty runs only, to
 * show where kit's time goes there) a 429 holds back only its own call, as in the other stacks:
 * the retry policy's adaptive rate is off and the limiter is not told about responses. By default a
 * 429 slows every call to the host (the policy paces the host at a rate learned from the 429s and
 * the limiter pauses its queue until Retry-After), which is right when the 429 comes from a real
 * limit and costs throughput when 429s are random.
 */
function kitPipeline(url: string, throttleWide = true): Contender {
  const adapter = createUndiciAdapter();
  const limiter = createRateLimiter({
    limits: [{ tokens: LIMIT_PER_SECOND, intervalMs: 1_000 }],
    maxQueueSize: 10_000,
  });
  const client = createRestClient({
    baseUrl: `${url}/v1`,
    auth: apiKeyAuth({ key: API_KEY, in: 'header', name: 'X-API-Key' }),
    retry: throttleWide ? KIT_RETRY : { ...KIT_RETRY, adaptiveRate: false },
    rateLimit: throttleWide
      ? limiter
      : { acquire: (weight, options) => limiter.acquire(weight, options), observe: () => {} },
    logger: createLogger({ name: 'bench', level: 'info', format: 'json', sink: () => {} }),
    adapter,
  });
  return {
    name: throttleWide ? KIT : KIT_PER_CALL,
    retries: true,
    faultyOnly: !throttleWide,
    send: async () => assertQuote((await client.get('/quotes/BTC-USD')).data),
    close: () => adapter.close(),
  };
}

/**
 * axios + axios-retry + bottleneck: axios's own http adapter with a keep-alive agent, axios-retry on
 * network errors, 5xx of idempotent calls and 429 (its default leaves 429 out), exponential delay
 * from 50 ms (axios-retry's `exponentialDelay` honours Retry-After), and a Bottleneck reservoir as
 * the rate limit around each call, as its README shows (`schedule`): retries inside the call are
 * not counted by the limiter, where kit's limiter gates every attempt.
 */
function axiosStack(url: string): Contender {
  const httpAgent = new http.Agent({ keepAlive: true });
  const client = axios.create({
    baseURL: url,
    httpAgent,
    timeout: ATTEMPT_TIMEOUT_MS,
    headers: { 'X-API-Key': API_KEY },
  });
  axiosRetry(client, {
    retries: ATTEMPTS - 1,
    retryDelay: (retry, error) => exponentialDelay(retry - 1, error, BASE_DELAY_MS),
    retryCondition: (error: AxiosError) =>
      isNetworkOrIdempotentRequestError(error) || error.response?.status === 429,
  });
  const limiter = new Bottleneck({
    reservoir: LIMIT_PER_SECOND,
    reservoirRefreshAmount: LIMIT_PER_SECOND,
    reservoirRefreshInterval: 1_000,
  });
  return {
    name: 'axios + axios-retry + bottleneck',
    retries: true,
    send: async () => assertQuote((await limiter.schedule(() => client.get(PATH))).data),
    close: async () => {
      await limiter.stop({ dropWaitingJobs: true });
      httpAgent.destroy();
    },
  };
}

/**
 * got with its built-in retry (GET on 408/413/429/5xx and network errors by default, Retry-After
 * honoured for 413/429/503) and `calculateDelay` for the 50 ms base (its own is a fixed 1 s base),
 * plus p-queue with an interval cap as the rate limit around each call.
 */
function gotStack(url: string): Contender {
  const agent = new http.Agent({ keepAlive: true });
  const client = got.extend({
    prefixUrl: url,
    agent: { http: agent },
    headers: { 'X-API-Key': API_KEY },
    timeout: { request: ATTEMPT_TIMEOUT_MS },
    retry: {
      limit: ATTEMPTS - 1,
      calculateDelay: ({ computedValue, attemptCount, retryAfter }) =>
        // 0 means "do not retry" (not retryable, or out of attempts); a Retry-After wins.
        computedValue === 0 ? 0 : retryAfter !== undefined ? computedValue : backoffMs(attemptCount),
    },
  });
  const queue = new PQueue({ interval: 1_000, intervalCap: LIMIT_PER_SECOND });
  return {
    name: 'got + p-queue',
    retries: true,
    send: async () => assertQuote(await queue.add(() => client.get(PATH.slice(1)).json())),
    close: async () => {
      queue.clear();
      agent.destroy();
    },
  };
}

/**
 * ky with its built-in retry (GET on 408/413/429/5xx and network errors, Retry-After honoured for
 * 413/429/503) and a `delay` for the 50 ms base, over Node's fetch; p-queue as the rate limit.
 */
function kyStack(url: string): Contender {
  const client = ky.create({
    prefixUrl: url,
    headers: { 'X-API-Key': API_KEY },
    timeout: ATTEMPT_TIMEOUT_MS,
    retry: { limit: ATTEMPTS - 1, delay: backoffMs },
  });
  const queue = new PQueue({ interval: 1_000, intervalCap: LIMIT_PER_SECOND });
  return {
    name: 'ky + p-queue',
    retries: true,
    send: async () => assertQuote(await queue.add(() => client.get(PATH.slice(1)).json())),
    close: async () => {
      queue.clear();
    },
  };
}

function bareAxios(url: string): Contender {
  const httpAgent = new http.Agent({ keepAlive: true });
  const client = axios.create({ baseURL: url, httpAgent });
  return {
    name: 'bare axios (http adapter)',
    retries: false,
    send: async () => assertQuote((await client.get(PATH)).data),
    close: async () => httpAgent.destroy(),
  };
}

function rawUndici(url: string): Contender {
  const agent = new Agent();
  return {
    name: 'raw undici (ceiling)',
    retries: false,
    send: async () => {
      const { body } = await undiciRequest(`${url}${PATH}`, { dispatcher: agent });
      assertQuote(await body.json());
    },
    close: () => agent.close(),
  };
}

function contenders(url: string): Contender[] {
  return [
    kitPipeline(url),
    axiosStack(url),
    gotStack(url),
    kyStack(url),
    bareAxios(url),
    rawUndici(url),
    kitPipeline(url, false),
  ];
}

// The clean server: plain node:http in a child process, so process.cpuUsage() here is the client's.
const SERVER_SOURCE = `
const http = require('node:http');
const body = process.env.KIT_BODY;
const length = Buffer.byteLength(body);
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
`;

async function startCleanServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], {
    env: { ...process.env, KIT_BODY: BODY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const timer = setTimeout(() => child.kill(), 30_000);
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  clearTimeout(timer);
  const { port } = JSON.parse(line.toString()) as { port: number };
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** One run of one contender. */
interface Run {
  name: string;
  concurrency: number;
  calls: number;
  succeeded: number;
  failed: number;
  elapsedMs: number;
  /** Successful calls per second. */
  perSecond: number;
  p50Us: number;
  p99Us: number;
  /** This process's CPU time (user + system) per call, in µs. */
  cpuUsPerCall: number;
  /** Requests the server saw (faulty run: attempts, retries included). */
  serverRequests?: number;
  /** Requests the server answered 429 (faulty runs). */
  refused?: number;
  firstError?: string;
}

/** Runs `total` calls with at most `concurrency` in flight; a failed call is counted, not thrown. */
async function runOnce(contender: Contender, total: number, concurrency: number): Promise<Run> {
  collectGarbage();
  const latencies = new Float64Array(total);
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  let firstError: string | undefined;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const t0 = performance.now();
      try {
        await contender.send();
        succeeded++;
      } catch (error) {
        failed++;
        firstError ??= String((error as Error).message ?? error).slice(0, 160);
      }
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const samples = Array.from(latencies);
  return {
    name: contender.name,
    concurrency,
    calls: total,
    succeeded,
    failed,
    elapsedMs,
    perSecond: (succeeded / elapsedMs) * 1000,
    p50Us: percentile(samples, 50) * 1000,
    p99Us: percentile(samples, 99) * 1000,
    cpuUsPerCall: (used.user + used.system) / total,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** Every contender once per round, in an order rotated by one each round. */
async function rounds(
  all: readonly Contender[],
  count: number,
  total: number,
  concurrency: number,
  before?: () => Promise<void> | void,
  after?: (run: Run) => void,
): Promise<Run[][]> {
  const byRound: Run[][] = [];
  for (let round = 0; round < count; round++) {
    const runs = new Map<string, Run>();
    for (let i = 0; i < all.length; i++) {
      const contender = all[(i + round) % all.length] as Contender;
      await before?.();
      const run = await runOnce(contender, total, concurrency);
      after?.(run);
      runs.set(contender.name, run);
      console.error(
        `round ${round + 1} c=${concurrency} ${contender.name}: ${Math.round(run.perSecond)} ok/s, ${run.failed} failed, ${Math.round(run.cpuUsPerCall)} cpu µs/call, load ${os.loadavg()[0]?.toFixed(2)}`,
      );
    }
    byRound.push(all.map((c) => runs.get(c.name) as Run));
  }
  return byRound;
}

const median = (xs: readonly number[]) => percentile(xs, 50);

/** Per-contender medians over rounds, and kit's paired ratio to it (rate and CPU per call). */
function summarise(byRound: Run[][], names: readonly string[]) {
  const kitIndex = names.indexOf(KIT);
  return names.map((name, i) => {
    const runs = byRound.map((round) => round[i] as Run);
    const kitRuns = byRound.map((round) => round[kitIndex] as Run);
    return {
      name,
      concurrency: runs[0]?.concurrency,
      calls: runs[0]?.calls,
      perSecond: median(runs.map((r) => r.perSecond)),
      p50Us: median(runs.map((r) => r.p50Us)),
      p99Us: median(runs.map((r) => r.p99Us)),
      cpuUsPerCall: median(runs.map((r) => r.cpuUsPerCall)),
      failed: median(runs.map((r) => r.failed)),
      failedMax: Math.max(...runs.map((r) => r.failed)),
      serverRequests:
        runs[0]?.serverRequests === undefined ? undefined : median(runs.map((r) => r.serverRequests ?? 0)),
      refused: runs[0]?.refused === undefined ? undefined : median(runs.map((r) => r.refused ?? 0)),
      /** kit's calls/s over this contender's, paired per round (> 1: kit is faster). */
      kitRatio: median(runs.map((r, k) => (kitRuns[k] as Run).perSecond / r.perSecond)),
      /** This contender's CPU per call over kit's, paired per round (> 1: kit uses less CPU). */
      kitCpuRatio: median(runs.map((r, k) => r.cpuUsPerCall / (kitRuns[k] as Run).cpuUsPerCall)),
      firstError: runs.find((r) => r.firstError !== undefined)?.firstError,
      samples: runs.map(({ perSecond, cpuUsPerCall, failed, elapsedMs }) => ({
        perSecond,
        cpuUsPerCall,
        failed,
        elapsedMs,
      })),
    };
  });
}

async function clean() {
  const server = await startCleanServer();
  const created = contenders(server.url);
  const all = created.filter((c) => c.faultyOnly !== true);
  const results: Array<ReturnType<typeof summarise>> = [];
  try {
    for (const contender of all) await runOnce(contender, WARMUP, 8);
    for (const concurrency of CONCURRENCIES) {
      results.push(
        summarise(
          await rounds(all, ROUNDS, REQUESTS, concurrency),
          all.map((c) => c.name),
        ),
      );
    }
  } finally {
    for (const contender of created) await contender.close();
    server.stop();
  }
  return results.flat();
}

/**
 * The faulty runs. `random`: seeded 503s and 429s, independent of the rate (a flaky upstream).
 * `limit`: the server allows LIMIT_RPS calls a second (fixed one-second windows) and answers 429 +
 * Retry-After past it, the way a real API's limit behaves; nobody is told the limit.
 */
async function faulty(scenario: 'random' | 'limit') {
  const faults: FaultRule[] =
    scenario === 'random'
      ? [
          { probability: P_503, fault: { type: 'status', status: 503, json: { error: 'unavailable' } } },
          { probability: P_429, fault: { type: 'rate_limit', retryAfter: { seconds: RETRY_AFTER_S } } },
        ]
      : [];
  let window = 0;
  let used = 0;
  let refused = 0;
  const ok = { headers: { 'content-type': 'application/json' }, body: BODY };
  const server = await createFaultServer({
    seed: FAULT_SEED,
    keepAliveTimeoutMs: 60_000,
    routes: [
      {
        method: 'GET',
        path: '/v1/quotes/:symbol',
        handler:
          scenario === 'random'
            ? ok
            : () => {
                const now = Date.now();
                const current = Math.floor(now / 1_000);
                if (current !== window) {
                  window = current;
                  used = 0;
                }
                if (++used <= LIMIT_RPS) return ok;
                refused++;
                // The window ends within the second: Retry-After's whole seconds round that up to 1.
                return { status: 429, headers: { 'retry-after': '1' }, json: { error: 'rate limited' } };
              },
      },
    ],
    faults,
  });
  const created = contenders(server.url);
  const all = created.filter((c) => c.retries);
  try {
    server.setFaults([]);
    // Warm-up below the limit, so no contender starts throttled.
    for (const contender of all) await runOnce(contender, Math.min(WARMUP, LIMIT_RPS / 2), 1);
    server.setFaults(faults);
    const byRound = await rounds(
      all,
      FAULTY_ROUNDS,
      scenario === 'random' ? FAULTY_REQUESTS : LIMIT_CALLS,
      FAULTY_CONCURRENCY,
      // The same seeded fault sequence for every run (by arrival order), a fresh request log, and a
      // second's pause so a run starts in a fresh window with no pause carried over.
      async () => {
        await delay(1_000);
        server.reset();
        refused = 0;
      },
      (run) => {
        run.serverRequests = server.requests.length;
        run.refused = scenario === 'limit' ? refused : server.requests.filter((r) => r.status === 429).length;
      },
    );
    return summarise(
      byRound,
      all.map((c) => c.name),
    );
  } finally {
    for (const contender of created) await contender.close();
    await server.close();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const cleanRuns = await clean();
  const randomRuns = await faulty('random');
  const limitRuns = await faulty('limit');
  const loadAfter = os.loadavg();

  const isKit = (name: string) => name.startsWith('kit');
  const versus = (r: { name: string; kitRatio: number }) =>
    r.name === KIT ? '-' : `${r.kitRatio.toFixed(2)}x`;
  const cleanRows = cleanRuns.map((r) => [
    r.concurrency ?? '',
    r.name,
    fmt(r.perSecond),
    versus(r),
    fmt(r.p50Us),
    fmt(r.p99Us),
    Math.round(r.cpuUsPerCall),
    r.name === KIT ? '-' : `${r.kitCpuRatio.toFixed(2)}x`,
    r.failed,
  ]);
  const faultyRows = (runs: typeof randomRuns) =>
    runs.map((r) => [
      r.name,
      fmt(r.perSecond),
      versus(r),
      `${r.failed} (max ${r.failedMax})`,
      fmt(r.serverRequests ?? 0),
      fmt(r.refused ?? 0),
      fmt(r.p99Us / 1000),
    ]);
  const faultyHeader = [
    'contender',
    'ok calls/s',
    'kit vs',
    'failed calls',
    'server requests',
    '429s',
    'p99 ms',
  ];
  const behind = [
    ...cleanRuns.map((r) => ({ ...r, run: `clean c=${r.concurrency}` })),
    ...randomRuns.map((r) => ({ ...r, run: 'random 503/429' })),
    ...limitRuns.map((r) => ({ ...r, run: `server limit ${LIMIT_RPS}/s` })),
  ].filter((r) => !isKit(r.name) && r.name !== 'raw undici (ceiling)' && r.kitRatio < 1);
  const markdown = [
    '## REST: kit against the stacks users assemble',
    '',
    `Clean run: a bare node:http server in a child process returning ${Buffer.byteLength(BODY)} bytes of JSON; ${REQUESTS.toLocaleString('en')} GETs per run after ${WARMUP} warm-up calls, ${ROUNDS} paired rounds (every contender once a round, order rotated); medians. "kit vs" is kit's calls/s over the contender's, taken within each round (> 1.00x: kit is faster); "CPU vs kit" is the contender's client CPU per call over kit's (> 1.00x: kit uses less).`,
    '',
    table(
      [
        'concurrency',
        'contender',
        'calls/s',
        'kit vs',
        'p50 µs',
        'p99 µs',
        'client CPU µs/call',
        'CPU vs kit',
        'failed',
      ],
      cleanRows,
    ),
    '',
    `Every stack in the faulty runs: ${ATTEMPTS} attempts, exponential backoff from ${BASE_DELAY_MS} ms with jitter, Retry-After honoured; concurrency ${FAULTY_CONCURRENCY}, ${FAULTY_ROUNDS} paired rounds; "ok calls/s" counts successful calls only, "server requests" includes retries. "${KIT_PER_CALL}" is kit with the retry policy's adaptive rate off and the limiter not fed responses: where kit's time goes when 429s are random.`,
    '',
    `Faulty run 1, random faults: \`@kit/testing\`'s fault server (seed ${FAULT_SEED}) answering ${P_503 * 100}% of requests with 503 and ${P_429 * 100}% with 429 + \`Retry-After: ${RETRY_AFTER_S}\`, the same seeded sequence for every run; ${FAULTY_REQUESTS.toLocaleString('en')} calls per run.`,
    '',
    table(faultyHeader, faultyRows(randomRuns)),
    '',
    `Faulty run 2, a real limit: the server allows ${LIMIT_RPS} calls a second (one-second windows) and answers 429 + \`Retry-After: 1\` past it; nobody is told the limit; ${LIMIT_CALLS.toLocaleString('en')} calls per run (at best ${LIMIT_RPS} ok calls/s).`,
    '',
    table(faultyHeader, faultyRows(limitRuns)),
    '',
    behind.length === 0
      ? 'Kit is ahead of every stack in every run.'
      : `Kit is behind in: ${behind.map((r) => `${r.name}, ${r.run} (${r.kitRatio.toFixed(2)}x)`).join('; ')}.`,
  ].join('\n');
  const faultyData = (runs: typeof randomRuns, calls: number) => ({
    calls,
    rounds: FAULTY_ROUNDS,
    concurrency: FAULTY_CONCURRENCY,
    runs,
  });
  writeResults(
    'stacks',
    {
      requests: REQUESTS,
      warmup: WARMUP,
      rounds: ROUNDS,
      bodyBytes: Buffer.byteLength(BODY),
      loadAverage: { before: loadBefore, after: loadAfter },
      retry: { attempts: ATTEMPTS, baseDelayMs: BASE_DELAY_MS },
      clean: cleanRuns,
      faulty: {
        ...faultyData(randomRuns, FAULTY_REQUESTS),
        seed: FAULT_SEED,
        p503: P_503,
        p429: P_429,
        retryAfterSeconds: RETRY_AFTER_S,
      },
      limit: { ...faultyData(limitRuns, LIMIT_CALLS), limitPerSecond: LIMIT_RPS },
      versions: versions(),
    },
    markdown,
  );
}

function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['axios', 'axios-retry', 'bottleneck', 'got', 'ky', 'p-queue', 'undici']) {
    try {
      const pkg = new URL(`./node_modules/${name}/package.json`, import.meta.url);
      out[name] = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  return out;
}

await main();
