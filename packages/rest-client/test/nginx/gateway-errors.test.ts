import { inspect } from 'node:util';
import type { KitError } from '@kit/errors';
import { createFaultServer, createSeededRandom, type FaultServer } from '@kit/testing';
import { type NginxProxy, requireNginx, startNginx } from '@kit/vitest-config/nginx';
import { freePort } from '@kit/vitest-config/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, type RestClientOptions } from '../../src/index';
import { createLogCapture, failure } from '../support';

// nginx's own error answers: its HTML 502 page when the upstream refuses connections, and its 504
// when the upstream does not answer within `proxy_read_timeout` (1 s here), once as nginx's stock
// HTML page and once through an `error_page` that answers JSON, the way API gateways usually do.
const nginxPath = requireNginx();

const capture = createLogCapture();
let upstream: FaultServer;
let nginx: NginxProxy;

/** Two attempts, with retry waits of a few milliseconds, so each 504 scenario takes about 2 s. */
const TWO_ATTEMPTS: RestClientOptions['retry'] = {
  maxAttempts: 2,
  initialDelayMs: 1,
  maxDelayMs: 2,
  budget: false,
  random: createSeededRandom(9),
};

function nginxConfig(upstreamPort: number, closedPort: number) {
  return {
    http: `
  upstream kit_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 16;
  }
  upstream down_upstream {
    server 127.0.0.1:${closedPort};
  }`,
    server: `
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_connect_timeout 2s;
    location @json_504 {
      default_type application/json;
      return 504 '{"error":"gateway_timeout"}';
    }
    location /down/ { proxy_pass http://down_upstream; }
    location /slow/ { proxy_read_timeout 1s; proxy_pass http://kit_upstream; }
    location /slow-json/ { proxy_read_timeout 1s; error_page 504 = @json_504; proxy_pass http://kit_upstream; }`,
  };
}

/** Every rendering of an error a user might log: none may carry the proxy's HTML page. */
function renderings(error: KitError): string[] {
  return [error.message, JSON.stringify(error), inspect(error, { depth: 5 }), String(error)];
}

// Each scenario has its own path, so they run at the same time (the 504s take about 2 s each).
describe.skipIf(nginxPath === undefined)(
  '@kit/rest-client behind nginx: 502 and 504 pages',
  { concurrent: true },
  () => {
    beforeAll(async () => {
      upstream = await createFaultServer({
        routes: [
          { method: 'GET', path: '/slow/quotes/:symbol', faults: [{ fault: { type: 'hang' } }] },
          { method: 'GET', path: '/slow-json/quotes/:symbol', faults: [{ fault: { type: 'hang' } }] },
          {
            method: 'POST',
            path: '/slow-json/orders/:name',
            sideEffect: true,
            handler: { status: 201, json: { id: 'ord-1' } },
            // The order is placed, then the answer never comes: the case a caller must reconcile.
            faults: [{ fault: { type: 'hang', afterHandler: true } }],
          },
        ],
      });
      // A port that was just free and is closed again: nginx's connect gets ECONNREFUSED.
      const closedPort = await freePort();
      nginx = await startNginx({ nginx: nginxPath as string, ...nginxConfig(upstream.port, closedPort) });
    });
    afterAll(async () => {
      await nginx?.stop();
      await upstream?.close();
      expect(capture.leaks()).toEqual([]);
    });
    const upstreamSaw = (prefix: string) => upstream.requests.filter((r) => r.path.startsWith(prefix));

    it('classifies nginx’s HTML 502 page (upstream down) with a code and hint, retries the GET, and keeps the HTML out of the error', async () => {
      const client = createRestClient({ baseUrl: nginx.url, logger: capture.logger, retry: TWO_ATTEMPTS });
      const error = await failure(client.get('/down/quotes/AAPL'));

      expect(error.status).toBe(502);
      // The status decides the code; the HTML page is only noted.
      expect(error.code).toBe('server.bad_gateway');
      expect(error.details).toMatchObject({ bodyKind: 'html' });
      expect(error.retryable).toBe(true);
      expect(error.hint.length).toBeGreaterThan(0);
      expect(error.docsSlug.length).toBeGreaterThan(0);
      expect(error.attempts).toBe(2);
      expect(error.method).toBe('GET');
      expect(error.path).toBe('/down/quotes/AAPL');
      for (const text of renderings(error)) {
        expect(text).not.toMatch(/<html|<body|<center|nginx\//i);
      }
      // nginx answered both attempts itself: its connect to the upstream was refused each time.
      expect((await nginx.accessLogFor('/down/', 2)).map((e) => `${e.status} ${e.upstreamStatus}`)).toEqual([
        '502 502',
        '502 502',
      ]);
      expect(nginx.errorLog()).toContain('Connection refused');
    });

    it('turns nginx’s stock HTML 504 (proxy_read_timeout 1s) into a retryable gateway timeout and gives up after the attempts', async () => {
      const client = createRestClient({ baseUrl: nginx.url, logger: capture.logger, retry: TWO_ATTEMPTS });
      const started = Date.now();
      const error = await failure(client.get('/slow/quotes/AAPL'));

      expect(error.status).toBe(504);
      expect(error.code).toBe('server.gateway_timeout');
      expect(error.details).toMatchObject({ bodyKind: 'html' });
      expect(error.hint.length).toBeGreaterThan(0);
      expect(error.attempts).toBe(2);
      // Each attempt waited out nginx's 1 s read timeout.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      for (const text of renderings(error)) expect(text).not.toMatch(/<html|<body|<center/i);
      expect(upstreamSaw('/slow/').map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /slow/quotes/AAPL',
        'GET /slow/quotes/AAPL',
      ]);
      expect((await nginx.accessLogFor('/slow/', 2)).map((e) => `${e.status} ${e.upstreamStatus}`)).toEqual([
        '504 504',
        '504 504',
      ]);
    });

    it('classifies a JSON 504 from nginx as server.gateway_timeout with the attempts made', async () => {
      const client = createRestClient({ baseUrl: nginx.url, logger: capture.logger, retry: TWO_ATTEMPTS });
      const error = await failure(client.get('/slow-json/quotes/MSFT'));

      expect(error.code).toBe('server.gateway_timeout');
      expect(error.status).toBe(504);
      expect(error.retryable).toBe(true);
      expect(error.hint).toMatch(/\S/);
      expect(error.attempts).toBe(2);
      expect(upstreamSaw('/slow-json/quotes/')).toHaveLength(2);
    });

    it('does not resend a POST without an idempotency key after a 504: the order may exist, so the caller reconciles', async () => {
      const client = createRestClient({
        baseUrl: nginx.url,
        logger: capture.logger,
        retry: TWO_ATTEMPTS,
        idempotency: false,
      });
      const error = await failure(client.post('/slow-json/orders/no-key', { symbol: 'AAPL', qty: 1 }));

      expect(error.code).toBe('server.gateway_timeout');
      expect(error.status).toBe(504);
      expect(error.outcome).toBe('unknown');
      expect(error.attempts).toBe(1);
      const posts = upstreamSaw('/slow-json/orders/no-key');
      expect(posts).toHaveLength(1);
      expect(posts[0]?.idempotencyKey).toBeUndefined();
    });

    it('resends a POST with an idempotency key after a 504, with the same key, so the order is placed once', async () => {
      const client = createRestClient({ baseUrl: nginx.url, logger: capture.logger, retry: TWO_ATTEMPTS });
      const error = await failure(client.post('/slow-json/orders/with-key', { symbol: 'AAPL', qty: 1 }));

      expect(error.code).toBe('server.gateway_timeout');
      expect(error.attempts).toBe(2);
      const posts = upstreamSaw('/slow-json/orders/with-key');
      expect(posts).toHaveLength(2);
      const key = posts[0]?.idempotencyKey;
      expect(key).toMatch(/\S/);
      expect(posts[1]?.idempotencyKey).toBe(key);
      expect(upstream.sideEffects(key as string)).toBe(1);
    });
  },
);
