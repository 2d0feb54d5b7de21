// REST benchmark: bare axios (its own http adapter, keep-alive agent) against axios with kit's undici
// adapter, the full kit client (auth + retry + rate limiter + info logging over the undici adapter)
// and raw undici as the ceiling. One loopback keep-alive server returning ~200 bytes of JSON, all
// contenders in this process and run, at concurrency 1 and 32. Bounded: a fixed number of requests.
// Then the OpenTelemetry SDK is registered (./otel-sdk.ts) and the same is measured with kit's
// telemetry on, next to axios + the adapter and kit with `telemetry: false` under the same SDK, so
// the telemetry's cost is a difference within the run (see the verdict at the end).
//
//   node --import tsx --expose-gc rest.bench.ts            (after `pnpm build`)
//   REST_BENCH_REQUESTS=5000 node --import tsx --expose-gc rest.bench.ts   (a quick look)
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiKeyAuth } from '@kit/auth';
import { createLogger } from '@kit/logger';
import { createRestClient } from '@kit/rest-client';
import { createUndiciAdapter } from '@kit/rest-client/undici';
import { createRateLimiter } from '@kit/retry';
import { context as otelContext, metrics as otelMetrics, trace as otelTrace } from '@opentelemetry/api';
import axios from 'axios';
import { Agent, request as undiciRequest } from 'undici';
import { drive, percentile, type RunResult, table, writeResults } from './lib';
import { type RegisteredSdk, registerOtelSdk } from './otel-sdk';

const REQUESTS = Number(process.env.REST_BENCH_REQUESTS ?? 20_000);
const WARMUP = Math.max(500, Math.floor(REQUESTS / 10));
const CONCURRENCIES = [1, 32] as const;
const ROUNDS = Number(process.env.REST_BENCH_ROUNDS ?? 4);

// ~200 bytes of JSON, the size of a quote or an order acknowledgement.
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

/** A named way to send one GET of the quote. */
interface Contender {
  name: string;
  send: () => Promise<unknown>;
  close: () => Promise<void>;
}

async function startServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * The kit full pipeline: `createRestClient` with an API-key strategy, the retry policy (defaults),
 * a rate limiter too generous to throttle, and an info-level logger writing to a discarding sink,
 * over the undici adapter.
 */
function createKitPipeline(
  url: string,
  extra: Partial<Parameters<typeof createRestClient>[0]> = {},
): Omit<Contender, 'name'> {
  const adapter = createUndiciAdapter();
  const client = createRestClient({
    baseUrl: `${url}/v1`,
    auth: apiKeyAuth({ key: 'bench-api-key-0123456789abcdef', in: 'header', name: 'X-API-Key' }),
    retry: {},
    rateLimit: createRateLimiter({
      limits: [{ tokens: 1_000_000_000, intervalMs: 1_000 }],
      maxQueueSize: 10_000,
    }),
    logger: createLogger({ name: 'bench', level: 'info', format: 'json', sink: () => {} }),
    adapter,
    ...extra,
  });
  return {
    send: async () => assertQuote((await client.get('/quotes/BTC-USD')).data),
    close: () => adapter.close(),
  };
}

function assertQuote(data: unknown): void {
  if ((data as { symbol?: unknown } | null)?.symbol !== 'BTC-USD')
    throw new Error('unexpected response body');
}

function contenders(url: string): Contender[] {
  const httpAgent = new http.Agent({ keepAlive: true });
  const bare = axios.create({ baseURL: url, httpAgent });

  const adapter = createUndiciAdapter();
  const withAdapter = axios.create({ baseURL: url, adapter });

  const kit = createKitPipeline(url);

  const rawAgent = new Agent();
  return [
    {
      name: 'bare axios (http adapter)',
      send: async () => assertQuote((await bare.get('/v1/quotes/BTC-USD')).data),
      close: async () => httpAgent.destroy(),
    },
    {
      name: 'axios + kit undici adapter',
      send: async () => assertQuote((await withAdapter.get('/v1/quotes/BTC-USD')).data),
      close: () => adapter.close(),
    },
    { name: 'kit full pipeline', send: kit.send, close: kit.close },
    {
      name: 'raw undici (ceiling)',
      send: async () => {
        const { body } = await undiciRequest(`${url}/v1/quotes/BTC-USD`, { dispatcher: rawAgent });
        assertQuote(await body.json());
      },
      close: () => rawAgent.close(),
    },
  ];
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** One measured run plus the process CPU time it used (client and in-process server together). */
type Measured = RunResult & { concurrency: number; cpuUsPerRequest: number };

async function measureOnce(contender: Contender, concurrency: number): Promise<Measured> {
  collectGarbage();
  const before = process.cpuUsage();
  const result = await drive(contender.name, REQUESTS, concurrency, contender.send);
  const cpu = process.cpuUsage(before);
  return { ...result, concurrency, cpuUsPerRequest: (cpu.user + cpu.system) / REQUESTS };
}

/**
 * Rounds are interleaved (every contender once, then again) and the best run of each contender is
 * kept, so a burst of load from other processes on the machine, or one unlucky GC pause, does not
 * decide a ratio. CPU time per request is reported too: it is far less sensitive to such noise.
 * Within each round every plain contender runs without the SDK, then the SDK is registered and the
 * instrumented contenders run, then it is taken down again, so load that drifts over the run lands
 * on both sides; the per-round runs give the paired differences.
 */
async function measureWithSdk(
  plain: readonly Contender[],
  instrumented: readonly Contender[],
  sdk: RegisteredSdk,
  concurrency: number,
): Promise<{ best: Measured[]; rounds: Array<Map<string, Measured>> }> {
  const best = new Map<string, Measured>();
  const rounds: Array<Map<string, Measured>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const runs = new Map<string, Measured>();
    for (const [group, registered] of [
      [plain, false],
      [instrumented, true],
    ] as const) {
      if (registered) sdk.enter();
      try {
        for (const contender of group) {
          const result = await measureOnce(contender, concurrency);
          runs.set(contender.name, result);
          const previous = best.get(contender.name);
          if (!previous || result.perSecond > previous.perSecond) best.set(contender.name, result);
          console.error(
            `round ${round + 1} c=${concurrency} ${contender.name}: ${Math.round(result.perSecond)} req/s, ${Math.round(result.cpuUsPerRequest)} cpu µs/req`,
          );
        }
      } finally {
        if (registered) sdk.leave();
      }
    }
    rounds.push(runs);
  }
  return { best: [...plain, ...instrumented].map((c) => best.get(c.name) as Measured), rounds };
}

/** Names of the contenders measured with the OpenTelemetry SDK registered. */
const SDK_AXIOS = 'axios + kit undici adapter (SDK registered)';
const SDK_KIT_OFF = 'kit full pipeline, telemetry: false (SDK registered)';
const SDK_KIT_ON = 'kit full pipeline, telemetry on (SDK registered)';
const SDK_BY_HAND = 'axios + kit undici adapter, the same telemetry by hand (SDK registered)';

/**
 * What kit's telemetry emits for a successful call, produced by hand around axios + the adapter, the
 * way an application instruments a client itself: an INTERNAL span made active for the call, a
 * CLIENT span with the same attributes, its `traceparent` on the request, `url.full` and the status
 * at the end, one `http.client.request.duration` point. What this adds over plain axios + adapter
 * is the SDK's own work; kit's telemetry cost (on - `telemetry: false`) minus it is what kit's
 * instrumentation costs beyond that.
 */
function byHandTelemetry(url: string): Contender {
  const adapter = createUndiciAdapter();
  const instance = axios.create({ baseURL: url, adapter });
  const tracer = otelTrace.getTracer('by-hand');
  const duration = otelMetrics
    .getMeter('by-hand')
    .createHistogram('http.client.request.duration', { unit: 's' });
  const { hostname, port } = new URL(url);
  const server = { 'server.address': hostname, 'server.port': Number(port) };
  const fullUrl = `${url}/v1/quotes/BTC-USD`;
  return {
    name: SDK_BY_HAND,
    send: async () => {
      const parent = otelContext.active();
      const call = tracer.startSpan(
        'GET',
        { kind: 0, attributes: { 'http.request.method': 'GET', ...server } },
        parent,
      );
      const callContext = otelTrace.setSpan(parent, call);
      await otelContext.with(callContext, async () => {
        const start = performance.now();
        const attempt = tracer.startSpan(
          'GET',
          { kind: 2, startTime: start, attributes: { 'http.request.method': 'GET', ...server } },
          callContext,
        );
        const ids = attempt.spanContext();
        const headers = { traceparent: `00-${ids.traceId}-${ids.spanId}-0${ids.traceFlags & 1}` };
        const response = await instance.get('/v1/quotes/BTC-USD', { headers });
        assertQuote(response.data);
        const end = performance.now();
        attempt.setAttributes({ 'url.full': fullUrl, 'http.response.status_code': response.status });
        attempt.end(end);
        duration.record((end - start) / 1_000, {
          'http.request.method': 'GET',
          ...server,
          'http.response.status_code': response.status,
        });
      });
      call.setAttributes({
        'kit.rest.attempts': 1,
        'kit.rest.total_delay_ms': 0,
        'http.response.status_code': 200,
      });
      call.end();
    },
    close: () => adapter.close(),
  };
}

/**
 * With the SDK registered: axios + the adapter (the baseline under the SDK's process-wide costs),
 * kit with `telemetry: false` (the same pipeline, no telemetry of its own) and kit finding the
 * global providers (spans, metrics, trace context on the wire). Created after the registration:
 * a client looks for providers once, when it is created.
 */
function sdkContenders(url: string): Contender[] {
  const adapter = createUndiciAdapter();
  const withAdapter = axios.create({ baseURL: url, adapter });
  const off = createKitPipeline(url, { telemetry: false });
  const on = createKitPipeline(url);
  return [
    {
      name: SDK_AXIOS,
      send: async () => assertQuote((await withAdapter.get('/v1/quotes/BTC-USD')).data),
      close: () => adapter.close(),
    },
    { name: SDK_KIT_OFF, send: off.send, close: off.close },
    { name: SDK_KIT_ON, send: on.send, close: on.close },
    byHandTelemetry(url),
  ];
}

/** A CPU difference with its sign: `+3.1 µs`, `-14.5 µs`. */
function signed(us: number): string {
  return `${us >= 0 ? '+' : ''}${us.toFixed(1)} µs`;
}

async function main(): Promise<void> {
  const server = await startServer();
  const all = contenders(server.url);
  const results: Measured[] = [];
  const paired = new Map<number, Array<Map<string, Measured>>>();
  // Created while the SDK is registered: a client looks for providers once, when it is created.
  const sdk = registerOtelSdk();
  const instrumented = sdkContenders(server.url);
  for (const contender of instrumented) await drive(contender.name, WARMUP, 8, contender.send);
  sdk.leave();
  try {
    for (const contender of all) await drive(contender.name, WARMUP, 8, contender.send);
    for (const concurrency of CONCURRENCIES) {
      const measured = await measureWithSdk(all, instrumented, sdk, concurrency);
      results.push(...measured.best);
      paired.set(concurrency, measured.rounds);
    }
  } finally {
    for (const contender of [...all, ...instrumented]) await contender.close();
    await sdk.shutdown();
    await server.close();
  }

  const rows: Array<Array<string | number>> = [];
  const summary: Array<Record<string, unknown>> = [];
  for (const concurrency of CONCURRENCIES) {
    const runs = results.filter((r) => r.concurrency === concurrency);
    const baseline = runs[0] as Measured;
    for (const run of runs) {
      const ratio = run.perSecond / baseline.perSecond;
      const addedP50 = run.p50Us - baseline.p50Us;
      const addedP99 = run.p99Us - baseline.p99Us;
      rows.push([
        concurrency,
        run.name,
        Math.round(run.perSecond),
        `${ratio.toFixed(2)}x`,
        Math.round(run.p50Us),
        Math.round(run.p99Us),
        Math.round(run.cpuUsPerRequest),
        run === baseline ? '-' : Math.round(addedP50),
        run === baseline ? '-' : Math.round(addedP99),
      ]);
      summary.push({
        ...run,
        concurrency,
        ratioVsBareAxios: ratio,
        addedP50Us: addedP50,
        addedP99Us: addedP99,
      });
    }
  }
  // Differences taken within each round (so drifting load cancels), median over the rounds.
  const telemetry = CONCURRENCIES.map((concurrency) => {
    const rounds = paired.get(concurrency) ?? [];
    const median = (of: (round: Map<string, Measured>) => number) =>
      percentile(
        rounds.map((round) => of(round)),
        50,
      );
    const cpu = (round: Map<string, Measured>, name: string) => (round.get(name) as Measured).cpuUsPerRequest;
    const rate = (round: Map<string, Measured>, name: string) => (round.get(name) as Measured).perSecond;
    const offCost = (r: Map<string, Measured>) =>
      cpu(r, 'kit full pipeline') - cpu(r, 'axios + kit undici adapter');
    const onCost = (r: Map<string, Measured>) => cpu(r, SDK_KIT_ON) - cpu(r, SDK_AXIOS);
    return {
      concurrency,
      offCpuUsVsAxiosAdapter: median(offCost),
      offRatioVsAxiosAdapter: median(
        (r) => rate(r, 'kit full pipeline') / rate(r, 'axios + kit undici adapter'),
      ),
      onCpuUsVsAxiosAdapter: median(onCost),
      onCpuUsVsOff: median(onCost) - median(offCost),
      kitTelemetryCpuUs: median((r) => cpu(r, SDK_KIT_ON) - cpu(r, SDK_KIT_OFF)),
      byHandTelemetryCpuUs: median((r) => cpu(r, SDK_BY_HAND) - cpu(r, SDK_AXIOS)),
      kitBeyondSdkCpuUs: median(
        (r) => cpu(r, SDK_KIT_ON) - cpu(r, SDK_KIT_OFF) - (cpu(r, SDK_BY_HAND) - cpu(r, SDK_AXIOS)),
      ),
      sdkProcessCpuUs: median((r) => cpu(r, SDK_AXIOS) - cpu(r, 'axios + kit undici adapter')),
      onRatioVsAxiosAdapter: median((r) => rate(r, SDK_KIT_ON) / rate(r, SDK_AXIOS)),
    };
  });
  const kitRuns = summary.filter((s) => s.name === 'kit full pipeline');
  const verdict =
    kitRuns.length === 0
      ? 'The kit full pipeline is not measured yet (`createRestClient` is not available).'
      : kitRuns
          .map(
            (s) =>
              `c=${s.concurrency}: ratio ${(s.ratioVsBareAxios as number).toFixed(2)}x (target >= 1.00), added p99 ${Math.round(s.addedP99Us as number)} µs (target < 100 µs)`,
          )
          .join('; ');
  const markdown = [
    '## REST: kit against bare axios',
    '',
    `One loopback keep-alive node:http server in the same process returning ${Buffer.byteLength(BODY)} bytes of JSON; ${REQUESTS} GETs per run after ${WARMUP} warm-up requests, best of ${ROUNDS} interleaved runs. Latency in µs; cpu µs/req is this process's CPU time per request (client and server together); "added" is against bare axios at the same concurrency (negative is faster).`,
    '',
    table(
      [
        'concurrency',
        'contender',
        'req/s',
        'vs bare axios',
        'p50 µs',
        'p99 µs',
        'cpu µs/req',
        'added p50 µs',
        'added p99 µs',
      ],
      rows,
    ),
    '',
    `Kit full pipeline: ${verdict}`,
    '',
    '### Telemetry off and on',
    '',
    `CPU µs per request added over axios + kit undici adapter run in the same round and under the same conditions (without the SDK for telemetry off, with it registered for telemetry on), so the difference is kit's; each round runs both sides back to back, the figures are medians over the ${ROUNDS} rounds. Targets: off within 10 µs of axios + adapter (0.9x of its requests/s or better); on within another 15 µs.`,
    '',
    table(
      [
        'concurrency',
        'off: kit vs axios + adapter',
        'off: req/s ratio',
        'on: kit vs axios + adapter',
        'on - off',
        "kit's telemetry (on - telemetry: false)",
        'the same telemetry by hand (over axios + adapter)',
        "kit's telemetry beyond the SDK's work (kit's - by hand)",
        "SDK's process-wide cost (axios under the SDK - without)",
      ],
      telemetry.map((t) => [
        t.concurrency,
        signed(t.offCpuUsVsAxiosAdapter),
        `${t.offRatioVsAxiosAdapter.toFixed(2)}x`,
        signed(t.onCpuUsVsAxiosAdapter),
        signed(t.onCpuUsVsOff),
        signed(t.kitTelemetryCpuUs),
        signed(t.byHandTelemetryCpuUs),
        signed(t.kitBeyondSdkCpuUs),
        signed(t.sdkProcessCpuUs),
      ]),
    ),
    '',
    "With the SDK registered (AsyncLocalStorage context manager, batch span processor and periodic metric reader with exporters that discard), telemetry on means per call one INTERNAL span, one CLIENT span per attempt, one `http.client.request.duration` point and a `traceparent` header. \"The same telemetry by hand\" produces exactly that around axios + the adapter (spans started, made active, ended, the point recorded, the header written), so kit's telemetry cost minus that one is what kit's instrumentation costs beyond the SDK's own work (kit on is below the by-hand contender itself because kit's pipeline sends without axios's request machinery).",
  ].join('\n');
  writeResults(
    'rest',
    {
      requests: REQUESTS,
      warmup: WARMUP,
      rounds: ROUNDS,
      bodyBytes: Buffer.byteLength(BODY),
      runs: summary,
      telemetry,
    },
    markdown,
  );
}

await main();
