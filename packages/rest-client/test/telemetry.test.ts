// OpenTelemetry for the REST client, against the real SDK (in-memory exporter and reader, AsyncHooks
// context manager) and a real loopback fault server: spans per call and per attempt with the HTTP
// client conventions' attributes, W3C trace context on the wire, the metrics, log correlation, and
// no secret in anything exported.
import { apiKeyAuth, bearerAuth, binanceAuth } from '@kit/auth';
import { Secret } from '@kit/logger';
import { createCapturingLogger } from '@kit/logger/testing';
import { createRetryBudget } from '@kit/retry';
import { createFaultServer, type FaultServer } from '@kit/testing';
import {
  createOtelHarness,
  type Histogram,
  type OtelHarness,
  remember,
  undocumented,
} from '@kit/vitest-config/otel';
import { trace } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient, defineEndpoint, type RestClientOptions } from '../src/index';
import { createLogCapture, FAST_RETRY, failure, TEST_SECRETS } from './support';

const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

const capture = createLogCapture();
let server: FaultServer;
let otel: OtelHarness;

beforeEach(async () => {
  capture.clear();
  otel = createOtelHarness();
  server = await createFaultServer({
    routes: [
      {
        method: 'POST',
        path: '/v1/orders',
        sideEffect: true,
        handler: () => ({ status: 201, json: { id: 'ord-1' } }),
      },
      { method: 'GET', path: '/v1/orders/:id', handler: (r) => ({ json: { id: r.params.id } }) },
      {
        method: 'GET',
        path: '/v1/account',
        handler: {
          json: { id: 'acc-1' },
          headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '25' },
        },
      },
      { method: 'GET', path: '/v1/echo', handler: (r) => ({ json: { query: r.query } }) },
    ],
  });
});
afterEach(async () => {
  await server.close();
  await remember(otel);
  await otel.shutdown();
});
afterAll(() => expect(capture.leaks()).toEqual([]));
// Every metric, attribute and event the tests saw is in the docs' tables.
afterAll(() => expect(undocumented()).toEqual([]));

function client(extra: Partial<RestClientOptions> = {}) {
  return createRestClient({
    baseUrl: `${server.url}/v1`,
    logger: capture.logger,
    retry: FAST_RETRY,
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
    ...extra,
  });
}

const byKind = (kind: number) => otel.spans().filter((span) => span.kind === kind);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('traces', () => {
  it('a retried call: one INTERNAL span with the key, attempts and delay, one CLIENT span per attempt, trace context on the wire', async () => {
    server.setFaults([{ firstN: 1, match: { path: '/v1/orders' }, fault: { type: 'status', status: 503 } }]);
    const delays: number[] = [];
    const api = client({
      auth: apiKeyAuth({ key: TEST_SECRETS.apiKey, in: 'query', name: 'apiKey' }),
      hooks: { onRetry: (e) => delays.push(e.delayMs) },
    });
    const outer = otel.tracerProvider.getTracer('test');
    const PlaceOrder = defineEndpoint({
      method: 'POST',
      path: '/orders',
      body: v.object({ symbol: v.string() }),
      response: v.object({ id: v.string() }),
    });
    const response = await outer.startActiveSpan('checkout', async (span) => {
      const result = await api.call(PlaceOrder, { body: { symbol: 'BTC-USD' } });
      span.end();
      return result;
    });
    expect(response.status).toBe(201);

    const root = otel.spans().find((s) => s.name === 'checkout') as ReadableSpan;
    const [call] = byKind(SPAN_KIND_INTERNAL).filter((s) => s !== root);
    const attempts = byKind(SPAN_KIND_CLIENT);
    expect(call?.name).toBe('POST /v1/orders');
    expect(parentOf(call as ReadableSpan)).toBe(root.spanContext().spanId);
    const key = server.requests[0]?.idempotencyKey;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(call?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(server.url).port),
      'url.template': '/v1/orders',
      'kit.rest.idempotency_key': key,
      'kit.rest.attempts': 2,
      'http.response.status_code': 201,
    });
    expect(call?.attributes['kit.rest.total_delay_ms']).toBeGreaterThanOrEqual(delays[0] as number);
    expect(call?.attributes).not.toHaveProperty('error.type');

    expect(attempts.map((s) => s.name)).toEqual(['POST /v1/orders', 'POST /v1/orders']);
    expect(attempts.every((s) => parentOf(s) === call?.spanContext().spanId)).toBe(true);
    expect(attempts.every((s) => s.spanContext().traceId === root.spanContext().traceId)).toBe(true);
    const [first, second] = attempts as [ReadableSpan, ReadableSpan];
    const port = new URL(server.url).port;
    expect(first.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': Number(port),
      'url.template': '/v1/orders',
      'url.full': `http://127.0.0.1:${port}/v1/orders?apiKey=REDACTED`,
      'http.response.status_code': 503,
      'error.type': 'server.unavailable',
    });
    expect(first.status.code).toBe(STATUS_ERROR);
    expect(second.attributes).toMatchObject({
      'http.request.resend_count': 1,
      'http.response.status_code': 201,
    });
    expect(second.attributes).not.toHaveProperty('error.type');

    // Each attempt carried its own CLIENT span as the parent for the server.
    const sent = server.requests.map((r) => r.headers.traceparent);
    expect(sent).toEqual(attempts.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`));
  });

  it('log lines carry the ids of the span they were written under', async () => {
    server.setFaults([{ firstN: 1, match: { path: '/v1/account' }, fault: { type: 'status', status: 500 } }]);
    await client().get('/account');
    const call = byKind(SPAN_KIND_INTERNAL)[0] as ReadableSpan;
    const attempts = byKind(SPAN_KIND_CLIENT);
    const lines = capture.records.filter((r) => r.msg === 'rest: attempt' || r.msg === 'rest: retrying');
    expect(lines.map((r) => [r.msg, r.span_id])).toEqual([
      ['rest: attempt', attempts[0]?.spanContext().spanId],
      ['rest: retrying', call.spanContext().spanId],
      ['rest: attempt', attempts[1]?.spanContext().spanId],
    ]);
    expect(lines.every((r) => r.trace_id === call.spanContext().traceId)).toBe(true);
  });

  it('without request logging, what runs below the attempt (the auth strategy) is under the call span', async () => {
    // An info-level logger: no debug lines, no request hooks, so no logging step and the attempt
    // span is not made active; the strategy's own line carries the call's ids, and the wire still
    // carries the attempt's.
    const info = createCapturingLogger({ level: 'info', name: 'rest-info' });
    const signing = {
      name: 'signing',
      async authenticate(request: Parameters<ReturnType<typeof apiKeyAuth>['authenticate']>[0]) {
        // After an await, as a strategy that fetches a token would: the context must carry over.
        await Promise.resolve();
        info.logger.info('strategy: signing');
        return { ...request, headers: { ...request.headers, 'x-signed': '1' } };
      },
    };
    await client({ logger: info.logger, auth: signing }).get('/account');
    const call = byKind(SPAN_KIND_INTERNAL)[0] as ReadableSpan;
    const [attempt] = byKind(SPAN_KIND_CLIENT);
    const line = info.records.find((r) => r.msg === 'strategy: signing');
    expect([line?.trace_id, line?.span_id]).toEqual([call.spanContext().traceId, call.spanContext().spanId]);
    expect(server.requests.map((r) => r.headers.traceparent)).toEqual([
      `00-${attempt?.spanContext().traceId}-${attempt?.spanContext().spanId}-01`,
    ]);
  });

  it('a call that fails for good: the final code, outcome and status on the call span', async () => {
    server.setFaults([{ match: { path: '/v1/account' }, fault: { type: 'status', status: 503 } }]);
    const error = await failure(client().get('/account'));
    expect(error.code).toBe('server.unavailable');
    const call = byKind(SPAN_KIND_INTERNAL)[0] as ReadableSpan;
    expect(call.attributes).toMatchObject({
      'error.type': 'server.unavailable',
      'kit.rest.attempts': 3,
      'http.response.status_code': 503,
      'kit.rest.outcome': 'unknown',
    });
    expect(call.status.code).toBe(STATUS_ERROR);
    expect(byKind(SPAN_KIND_CLIENT)).toHaveLength(3);
  });

  it('a transport failure: error.type from the KitError, no status code', async () => {
    const closed = await createFaultServer();
    const url = closed.url;
    await closed.close();
    const api = createRestClient({ baseUrl: `${url}/v1`, retry: false, tracerProvider: otel.tracerProvider });
    const error = await failure(api.get('/orders/{id}', { params: { id: 'o-1' } }));
    expect(error.code).toBe('network.connection_refused');
    const [attempt] = byKind(SPAN_KIND_CLIENT);
    expect(attempt?.name).toBe('GET /v1/orders/{id}');
    expect(attempt?.attributes['error.type']).toBe('network.connection_refused');
    expect(attempt?.attributes).not.toHaveProperty('http.response.status_code');
    expect(attempt?.attributes['url.full']).toBe(`${url}/v1/orders/o-1`);
  });

  it('names spans by url.template only when it is one: endpoints, {param} paths, or pathsAreTemplates', async () => {
    const Account = defineEndpoint({
      method: 'GET',
      path: '/account',
      response: v.object({ id: v.string() }),
    });
    const api = client();
    await api.get('/orders/o-1');
    await api.get('/orders/{id}', { params: { id: 'o-2' } });
    await api.call(Account);
    await client({ telemetry: { pathsAreTemplates: true } }).get('/orders/o-3');
    expect(byKind(SPAN_KIND_INTERNAL).map((s) => [s.name, s.attributes['url.template']])).toEqual([
      ['GET', undefined],
      ['GET /v1/orders/{id}', '/v1/orders/{id}'],
      ['GET /v1/account', '/v1/account'],
      ['GET /v1/orders/o-3', '/v1/orders/o-3'],
    ]);
  });

  it('propagateContext: false sends no trace context; telemetry: false emits nothing at all', async () => {
    await client({ telemetry: { propagateContext: false } }).get('/account');
    expect(server.requests[0]?.headers).not.toHaveProperty('traceparent');
    expect(otel.spans()).toHaveLength(2);
    await client({ telemetry: false }).get('/account');
    expect(server.requests[1]?.headers).not.toHaveProperty('traceparent');
    expect(otel.spans()).toHaveLength(2);
    expect(await otel.points('http.client.request.duration')).toHaveLength(1);
  });

  it('a call the sampler drops: no spans, the unsampled context still sent, metrics still recorded', async () => {
    const sampledOut = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
    await client({ tracerProvider: sampledOut }).get('/account');
    expect(otel.spans()).toHaveLength(0);
    expect(server.requests[0]?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(await otel.points('http.client.request.duration')).toHaveLength(1);
  });

  it('looks for providers once, when the client is created: registering later changes nothing', async () => {
    let lookups = 0;
    const counting = {
      getTracer: (name: string, version?: string) => {
        lookups++;
        return otel.tracerProvider.getTracer(name, version);
      },
    };
    const api = client({ tracerProvider: counting, meterProvider: undefined });
    for (let i = 0; i < 3; i++) await api.get('/account');
    expect(lookups).toBe(1);
    expect(byKind(SPAN_KIND_INTERNAL)).toHaveLength(3);

    // Nothing registered at creation: the client has no telemetry, whatever is registered later.
    const early = createRestClient({ baseUrl: `${server.url}/v1` });
    trace.setGlobalTracerProvider(otel.tracerProvider);
    await early.get('/account');
    expect(byKind(SPAN_KIND_INTERNAL)).toHaveLength(3);
    expect(server.requests.at(-1)?.headers).not.toHaveProperty('traceparent');
    // A client created after the registration finds the global provider.
    await createRestClient({ baseUrl: `${server.url}/v1` }).get('/account');
    expect(byKind(SPAN_KIND_INTERNAL)).toHaveLength(4);
  });
});

describe('metrics', () => {
  it('http.client.request.duration per attempt and kit.rest.retries by code', async () => {
    server.setFaults([{ firstN: 2, match: { path: '/v1/account' }, fault: { type: 'status', status: 503 } }]);
    await client().get('/account');
    const port = Number(new URL(server.url).port);
    const durations = await otel.points('http.client.request.duration');
    expect(
      durations
        .map((p) => [p.attributes, (p.value as Histogram).count])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([
      [
        {
          'http.request.method': 'GET',
          'server.address': '127.0.0.1',
          'server.port': port,
          'http.response.status_code': 200,
        },
        1,
      ],
      [
        {
          'http.request.method': 'GET',
          'server.address': '127.0.0.1',
          'server.port': port,
          'http.response.status_code': 503,
          'error.type': 'server.unavailable',
        },
        2,
      ],
    ]);
    const metric = (await otel.metrics()).find((m) => m.descriptor.name === 'http.client.request.duration');
    expect(metric?.descriptor.unit).toBe('s');
    expect((durations[0]!.value as Histogram).buckets.boundaries).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
    const retries = await otel.points('kit.rest.retries');
    expect(retries.map((p) => [p.attributes, p.value])).toEqual([
      [
        {
          'server.address': '127.0.0.1',
          'server.port': port,
          'http.request.method': 'GET',
          'error.type': 'server.unavailable',
        },
        2,
      ],
    ]);
  });

  it('url.template on the duration only when asked', async () => {
    await client({ telemetry: { metricUrlTemplate: true } }).get('/orders/{id}', { params: { id: 'o-9' } });
    const [point] = await otel.points('http.client.request.duration');
    expect(point?.attributes['url.template']).toBe('/v1/orders/{id}');
  });

  it('rate-limit waits, the queue and the headroom the server announced', async () => {
    const api = client({ rateLimit: { limits: [{ tokens: 1, intervalMs: 40 }] } });
    await Promise.all([api.get('/account'), api.get('/account'), api.get('/account')]);
    const waits = await otel.points('kit.rest.rate_limit.wait.duration');
    expect(waits).toHaveLength(1);
    // The second call waits one refill (40 ms), the third two; the first may wait a clock tick.
    expect((waits[0]!.value as Histogram).count).toBeGreaterThanOrEqual(2);
    expect((waits[0]!.value as Histogram).sum).toBeGreaterThan(0.09);
    const [headroom] = await otel.points('kit.rest.rate_limit.headroom');
    expect(headroom?.value).toBe(0.25);
    expect((await otel.points('kit.rest.rate_limit.remaining'))[0]?.value).toBe(25);
    expect((await otel.points('kit.rest.rate_limit.queued'))[0]?.value).toBe(0);
  });

  it('retry-budget exhaustion', async () => {
    server.setFaults([{ match: { path: '/v1/account' }, fault: { type: 'status', status: 503 } }]);
    const api = client({
      retry: { ...FAST_RETRY, budget: createRetryBudget({ capacity: 5, retryCost: 5 }) },
    });
    await failure(api.get('/account'));
    const [point] = await otel.points('kit.rest.retry_budget.exhausted');
    expect(point?.value).toBe(1);
    expect(point?.attributes['error.type']).toBe('server.unavailable');
  });

  it('the circuit breaker state as the client sees it', async () => {
    server.setFaults([{ match: { path: '/v1/account' }, fault: { type: 'status', status: 503 } }]);
    const api = client({
      retry: { ...FAST_RETRY, maxAttempts: 1, circuitBreaker: { consecutiveFailures: 2 } },
    });
    const state = async () =>
      Object.fromEntries(
        (await otel.points('kit.rest.circuit_breaker.state')).map((p) => [
          p.attributes['kit.circuit_breaker.state'],
          p.value,
        ]),
      );
    expect(await state()).toEqual({ closed: 1, half_open: 0, open: 0 });
    await failure(api.get('/account'));
    await failure(api.get('/account'));
    expect((await failure(api.get('/account'))).code).toBe('server.circuit_open');
    expect(await state()).toEqual({ closed: 0, half_open: 0, open: 1 });
  });

  it('the circuit breaker state is the policy’s own: open as soon as it opens, before any call is refused', async () => {
    server.setFaults([{ match: { path: '/v1/account' }, fault: { type: 'status', status: 503 } }]);
    const api = client({
      retry: { ...FAST_RETRY, maxAttempts: 1, circuitBreaker: { consecutiveFailures: 2 } },
    });
    await failure(api.get('/account'));
    await failure(api.get('/account'));
    // No call has met the open breaker yet, so nothing the client saw says "open"; the policy does.
    const points = await otel.points('kit.rest.circuit_breaker.state');
    expect(
      Object.fromEntries(points.map((p) => [p.attributes['kit.circuit_breaker.state'], p.value])),
    ).toEqual({
      closed: 0,
      half_open: 0,
      open: 1,
    });
  });

  it('the client-side limiter’s headroom: the share of its tightest window still free', async () => {
    const api = client({ rateLimit: { limits: [{ tokens: 10, intervalMs: 600_000 }] } });
    await Promise.all([api.get('/account'), api.get('/account'), api.get('/account')]);
    const [point] = await otel.points('kit.rest.rate_limiter.headroom');
    // 7 of 10 tokens left (the refill over the test's milliseconds is a rounding error).
    expect(point?.value).toBeCloseTo(0.7, 2);
    expect(point?.attributes['server.address']).toBe('127.0.0.1');
  });
});

describe('no secret in any attribute', () => {
  // Secrets hold an upper-case letter and a digit around random text; everything else the
  // requests carry is lower-case, so a match can only be a leak.
  const secret = fc.stringMatching(/^[A-Za-z0-9]{10,24}$/).map((core) => `Q${core}7`);
  const word = fc.stringMatching(/^[a-z]{1,8}$/);
  const sensitiveName = fc.constantFrom(
    'token',
    'apiKey',
    'signature',
    'password',
    'access_token',
    'key',
    'secret',
  );

  it('api keys, bearer tokens, HMAC signatures and secrets in the caller query never reach a span or a metric', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        secret,
        fc.array(fc.tuple(word, word), { maxLength: 3 }),
        sensitiveName,
        word,
        fc.constantFrom('query-key', 'bearer', 'binance'),
        async (key, apiSecret, query, name, plainName, strategy) => {
          // As config and auth would: credentials are Secrets, registered for redaction.
          new Secret(key);
          new Secret(apiSecret);
          const auth =
            strategy === 'query-key'
              ? apiKeyAuth({ key, in: 'query', name: 'apiKey' })
              : strategy === 'bearer'
                ? bearerAuth({ token: key })
                : binanceAuth({ apiKey: key, apiSecret });
          const seen = server.requests.length;
          const api = client({ auth, retry: false });
          const pairs: Record<string, string> = Object.fromEntries(query);
          // The caller puts a secret in its own query too, under a sensitive name and a plain one.
          pairs[name] = key;
          pairs[`x${plainName}`] = apiSecret;
          await api.get('/echo', { query: pairs });
          const signatures = server.requests
            .slice(seen)
            .map((r) => r.query.signature)
            .filter((s): s is string => typeof s === 'string');
          const text = await otel.exported();
          for (const leaked of [key, apiSecret, ...signatures]) expect(text).not.toContain(leaked);
        },
      ),
      { numRuns: 40, seed: 20_261_201 },
    );
    expect(byKind(SPAN_KIND_CLIENT).length).toBeGreaterThanOrEqual(40);
  });
});
