import { createRateLimiter } from '@kit/retry';
import { createFaultServer, createSeededRandom, type FaultServer } from '@kit/testing';
import { type NginxProxy, requireNginx, startNginx } from '@kit/vitest-config/nginx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, type RestClientOptions } from '../../src/index';
import { createLogCapture, failure } from '../support';

// nginx in front of a fault server, enforcing `limit_req` the way an API gateway does. Each
// scenario has its own zone so that one scenario's traffic never uses up another's allowance.
//
// nginx's limit_req is a leaky bucket: with no `burst` (the default is 0; nginx rejects an explicit
// `burst=0`, and `nodelay` only matters with a burst) it admits one request per 1/rate and answers
// every request that comes sooner with `limit_req_status`. Its 429 goes to a named location that
// adds `Retry-After: 1` and a JSON body, so 200s never carry a Retry-After.
const nginxPath = requireNginx();
// Ten requests at once: enough for nginx to refuse most of them, few enough that the refused ones
// drain through nginx's 20 r/s in a few retry rounds. (With 30, the 1 s Retry-After waits, whose
// jitter is at most 100 ms, kept re-colliding: about 93 429s and up to 6 attempts over 11-16 s.)
const BURST = 10;

const capture = createLogCapture();
let upstream: FaultServer;
let nginx: NginxProxy;
let orders = 0;

function nginxConfig(upstreamPort: number) {
  return {
    http: `
  limit_req_zone $binary_remote_addr zone=burst_unlimited:1m rate=20r/s;
  limit_req_zone $binary_remote_addr zone=burst_limited:1m rate=20r/s;
  limit_req_zone $binary_remote_addr zone=orders:1m rate=1r/s;
  limit_req_zone $binary_remote_addr zone=stock_page:1m rate=1r/s;
  limit_req_zone $binary_remote_addr zone=refusing:1m rate=1r/m;
  limit_req_status 429;
  upstream kit_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 16;
  }`,
    server: `
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location @rate_limited {
      default_type application/json;
      add_header Retry-After 1 always;
      return 429 '{"error":"rate_limited"}';
    }
    location /unlimited/ { limit_req zone=burst_unlimited; error_page 429 = @rate_limited; proxy_pass http://kit_upstream; }
    location /limited/ { limit_req zone=burst_limited; error_page 429 = @rate_limited; proxy_pass http://kit_upstream; }
    location /orders/ { limit_req zone=orders; error_page 429 = @rate_limited; proxy_pass http://kit_upstream; }
    # nginx's stock 429 page (HTML), with the header added the quick way.
    location = /health { proxy_pass http://kit_upstream; }
    location /refusing/ { limit_req zone=refusing; error_page 429 = @rate_limited; proxy_pass http://kit_upstream; }
    location /stock/ { limit_req zone=stock_page; add_header Retry-After 1 always; proxy_pass http://kit_upstream; }`,
  };
}

/** What the client reported through its hooks, per attempt. */
function observe() {
  const statuses: number[] = [];
  const retries: {
    code: string;
    status: number | undefined;
    retryAfterMs: number | undefined;
    delayMs: number;
  }[] = [];
  const rateLimitEvents: number[] = [];
  const hooks: RestClientOptions['hooks'] = {
    onResponse: (e) => statuses.push(e.status),
    onRetry: (e) =>
      retries.push({
        code: e.error.code,
        status: e.error.status,
        retryAfterMs: e.error.retryAfterMs,
        delayMs: e.delayMs,
      }),
    onRateLimit: (e) => rateLimitEvents.push(e.status ?? 0),
  };
  return { statuses, retries, rateLimitEvents, hooks };
}

// The scenarios use separate zones and paths, so they run at the same time (the file takes as long
// as the slowest, the retry storm).
describe.skipIf(nginxPath === undefined)(
  '@kit/rest-client behind nginx limit_req (20 r/s, no burst)',
  { concurrent: true },
  () => {
    beforeAll(async () => {
      upstream = await createFaultServer({
        routes: [
          { method: 'GET', path: '/unlimited/items/:id', handler: (r) => ({ json: { id: r.params.id } }) },
          { method: 'GET', path: '/limited/items/:id', handler: (r) => ({ json: { id: r.params.id } }) },
          { method: 'GET', path: '/orders/status', handler: { json: { open: true } } },
          {
            method: 'POST',
            path: '/orders/place',
            sideEffect: true,
            handler: () => ({ status: 201, json: { id: `ord-${++orders}` } }),
          },
          { method: 'GET', path: '/health', handler: { json: { ok: true } } },
          { method: 'GET', path: '/refusing/status', handler: { json: { open: true } } },
          { method: 'GET', path: '/stock/items/:id', handler: (r) => ({ json: { id: r.params.id } }) },
        ],
      });
      nginx = await startNginx({ nginx: nginxPath as string, ...nginxConfig(upstream.port) });
    });
    afterAll(async () => {
      await nginx?.stop();
      await upstream?.close();
      expect(capture.leaks()).toEqual([]);
    });

    const upstreamSaw = (prefix: string) => upstream.requests.filter((r) => r.path.startsWith(prefix));

    it('without a client-side limiter, a burst gets 429s that kit classifies, waits out and retries until every GET succeeds', async () => {
      const seen = observe();
      const client = createRestClient({
        baseUrl: nginx.url,
        logger: capture.logger,
        // Enough attempts for the pile-up to drain at nginx's 20 r/s; no budget, so the
        // retry storm itself is what this test shows.
        retry: { maxAttempts: 10, budget: false, random: createSeededRandom(7) },
        hooks: seen.hooks,
      });
      const ids = Array.from({ length: BURST }, (_, i) => `u${i}`);
      const responses = await Promise.all(ids.map((id) => client.get(`/unlimited/items/${id}`)));

      expect(responses.map((r) => r.status)).toEqual(ids.map(() => 200));
      expect(responses.map((r) => (r.data as { id: string }).id)).toEqual(ids);

      const rejected = seen.statuses.filter((s) => s === 429).length;
      // Fired at once, nearly all of the burst is over nginx's rate.
      expect(rejected).toBeGreaterThanOrEqual(BURST / 2);
      // Every 429 was classified and waited out: Retry-After: 1 -> 1000 ms (plus at most 10% jitter).
      expect(seen.retries).toHaveLength(rejected);
      for (const retry of seen.retries) {
        expect(retry).toMatchObject({ code: 'rate_limit.exceeded', status: 429, retryAfterMs: 1_000 });
        expect(retry.delayMs).toBeGreaterThanOrEqual(1_000);
      }
      expect(responses.filter((r) => r.attempts > 1).length).toBeGreaterThan(0);
      expect(responses.reduce((sum, r) => sum + r.attempts, 0)).toBe(BURST + rejected);

      // What each side saw: nginx answered every attempt, the upstream only the admitted ones,
      // each item exactly once.
      const log = await nginx.accessLogFor('/unlimited/', BURST + rejected);
      expect(log.filter((e) => e.status === 429)).toHaveLength(rejected);
      expect(log.filter((e) => e.status === 429).every((e) => e.upstreamStatus === '-')).toBe(true);
      expect(log.filter((e) => e.status === 200)).toHaveLength(BURST);
      // Measured at nginx: every retry of an item came at least Retry-After (1 s) after the 429.
      for (const id of ids) {
        const times = log.filter((e) => e.uri === `/unlimited/items/${id}`).map((e) => e.atMs);
        for (let i = 1; i < times.length; i++)
          expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(1_000);
      }
      expect(
        upstreamSaw('/unlimited/')
          .map((r) => r.path)
          .sort(),
      ).toEqual(ids.map((id) => `/unlimited/items/${id}`).sort());
    });

    it('with a client-side limiter at 10 r/s (bucket of 1), the same burst sees no 429 and every GET succeeds first time', async () => {
      const seen = observe();
      const client = createRestClient({
        baseUrl: nginx.url,
        logger: capture.logger,
        // nginx admits one request per 50 ms and has no burst, so the client's bucket holds a single
        // token (a 10-token bucket would send 10 at once and 9 would bounce). The limiter spaces the
        // moments requests leave, not when they reach nginx: at 15 r/s (67 ms) a 20 ms stall of the
        // event loop was enough for two to land within 50 ms under load, so it runs at half nginx's rate.
        rateLimit: createRateLimiter({ limits: [{ tokens: 1, intervalMs: 100 }] }),
        retry: { maxAttempts: 3, budget: false, random: createSeededRandom(11) },
        hooks: seen.hooks,
      });
      // A first call outside the zone opens the connection and warms the client's code paths: a cold
      // first request left up to 130 ms late here, landing within 50 ms of the next one.
      await client.get('/health');
      const ids = Array.from({ length: BURST }, (_, i) => `l${i}`);
      const responses = await Promise.all(ids.map((id) => client.get(`/limited/items/${id}`)));

      expect(responses.map((r) => r.status)).toEqual(ids.map(() => 200));
      expect(responses.map((r) => r.attempts)).toEqual(ids.map(() => 1));
      expect(seen.statuses.filter((s) => s === 429)).toEqual([]);
      expect(seen.retries).toEqual([]);
      // The limiter made the queue wait (reported through onRateLimit with no status).
      expect(seen.rateLimitEvents.length).toBeGreaterThan(0);
      expect(seen.rateLimitEvents.every((s) => s === 0)).toBe(true);
      const log = await nginx.accessLogFor('/limited/', BURST);
      expect(log.map((e) => e.status)).toEqual(ids.map(() => 200));
      expect(upstreamSaw('/limited/')).toHaveLength(BURST);
    });

    it('retries a POST without an idempotency key after nginx’s 429: the upstream sees it once and the order is placed once', async () => {
      const seen = observe();
      const client = createRestClient({
        baseUrl: nginx.url,
        logger: capture.logger,
        idempotency: false,
        retry: { maxAttempts: 3, budget: false, random: createSeededRandom(3) },
        hooks: seen.hooks,
      });
      // The zone admits one request per second: this GET uses it up, so the POST right after is
      // refused by nginx before the upstream ever hears of it.
      await client.get('/orders/status');
      const response = await client.post('/orders/place', { symbol: 'AAPL', qty: 1 });

      expect(response.status).toBe(201);
      expect(response.data).toEqual({ id: 'ord-1' });
      expect(response.attempts).toBe(2);
      expect(seen.statuses).toEqual([200, 429, 201]);
      expect(seen.retries).toHaveLength(1);
      expect(seen.retries[0]).toMatchObject({
        code: 'rate_limit.exceeded',
        status: 429,
        retryAfterMs: 1_000,
      });
      expect(seen.retries[0]?.delayMs).toBeGreaterThanOrEqual(1_000);
      const posts = upstreamSaw('/orders/place');
      expect(posts).toHaveLength(1);
      expect(posts[0]?.idempotencyKey).toBeUndefined();
      expect(upstream.sideEffectCount()).toBe(1);
      expect((await nginx.accessLogFor('/orders/place', 2)).map((e) => `${e.method} ${e.status}`)).toEqual([
        'POST 429',
        'POST 201',
      ]);
    });

    it('treats nginx’s stock HTML 429 page as a retryable 429 with its Retry-After', async () => {
      const seen = observe();
      const client = createRestClient({
        baseUrl: nginx.url,
        logger: capture.logger,
        retry: { maxAttempts: 3, budget: false, random: createSeededRandom(5) },
        hooks: seen.hooks,
      });
      await client.get('/stock/items/first');
      const response = await client.get('/stock/items/second');

      expect(response.attempts).toBe(2);
      expect(seen.statuses).toEqual([200, 429, 200]);
      expect(seen.retries).toHaveLength(1);
      expect(seen.retries[0]).toMatchObject({ status: 429, retryAfterMs: 1_000 });
      // The body is nginx's HTML page: the status still decides the code, so it counts as a rate limit.
      expect(seen.retries[0]?.code).toBe('rate_limit.exceeded');
      expect(seen.retries[0]?.delayMs).toBeGreaterThanOrEqual(1_000);
      expect(upstreamSaw('/stock/').map((r) => r.path)).toEqual([
        '/stock/items/first',
        '/stock/items/second',
      ]);
    });

    it('fails a call with rate_limit.exceeded, status, retryAfterMs and a hint when retries are off', async () => {
      const client = createRestClient({
        baseUrl: nginx.url,
        logger: capture.logger,
        retry: false,
      });
      // One request a minute: of two calls at once, nginx admits one and refuses the other.
      const [first, second] = await Promise.allSettled([
        client.get('/refusing/status'),
        client.get('/refusing/status'),
      ]);
      const outcomes = [first, second];
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(refused).toHaveLength(1);
      const error = await failure(Promise.reject((refused[0] as PromiseRejectedResult).reason));
      expect(error.code).toBe('rate_limit.exceeded');
      expect(error.status).toBe(429);
      expect(error.retryAfterMs).toBe(1_000);
      expect(error.hint.length).toBeGreaterThan(0);
      expect(error.attempts).toBe(1);
      expect(error.message).not.toContain('<');
      expect(upstreamSaw('/refusing/')).toHaveLength(1);
    });
  },
);
