// The client's direct path into kit's undici adapter (DIRECT_EXCHANGE) against the same adapter
// driven through axios: the server must see byte-identical requests (header names spelled the
// same, in the same order) and the caller the same responses and the same classified errors, so
// skipping axios's request machinery changes nothing a user or a server can observe.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { AuthRequest } from '@kit/auth';
import { KitError } from '@kit/errors';
import { freePort } from '@kit/vitest-config/ports';
import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECT_EXCHANGE, type DirectRequest } from '../src/direct-exchange';
import { createRestClient, type RestClient } from '../src/index';
import { createUndiciAdapter } from '../src/undici/index';
import { createLogCapture, FAST_RETRY } from './support';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: Array<[string, string]>;
  body: string;
}

const capture = createLogCapture();
const seen: Seen[] = [];
let server: http.Server;
let origin: string;
const adapter = createUndiciAdapter();
let axiosCalls = 0;
let directCalls = 0;
// The same adapter, counting which entry each client uses.
const counting = Object.assign(
  (config: InternalAxiosRequestConfig) => {
    axiosCalls++;
    return adapter(config);
  },
  {
    [DIRECT_EXCHANGE]: (request: DirectRequest) => {
      directCalls++;
      return (adapter as unknown as Record<symbol, (r: DirectRequest) => Promise<unknown>>)[
        DIRECT_EXCHANGE
      ]?.(request);
    },
  },
) as unknown as AxiosAdapter;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      // Exactly as they came off the wire: names as spelled, in order.
      const headers: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
      seen.push({ method: req.method, url: req.url, headers, body });
      if (req.url?.startsWith('/v1/repeated')) {
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.setHeader('x-multi', ['one', 'two']);
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-request-id', 'req-7');
        res.end('\ufeff{"ok":true}');
        return;
      }
      if (req.url?.startsWith('/v1/gzip')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ zipped: true })));
        return;
      }
      if (req.url?.startsWith('/v1/html')) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>Bad gateway</body></html>');
        return;
      }
      if (req.url?.startsWith('/v1/hang')) return; // never answers: for the abort
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await adapter.close();
  expect(capture.leaks()).toEqual([]);
});

const options = (base = `http://${origin}/v1`) => ({
  baseUrl: base,
  logger: capture.logger,
  retry: { ...FAST_RETRY, maxAttempts: 1 },
  headers: { 'X-Client': 'parity', 'X-Padded': '  spaced\t' },
  requestIdHeader: false as const,
  idempotency: { generate: () => 'fixed-key' },
  // Signs nothing; when the call carries X-Trace it repeats it in another case and clears
  // X-Client, as a careless strategy might: both paths must send the same thing for that too.
  auth: {
    name: 'careless',
    authenticate: async (request: AuthRequest): Promise<AuthRequest> =>
      request.headers['X-Trace'] === undefined
        ? request
        : {
            ...request,
            headers: { ...request.headers, 'x-trace': 'second', 'X-Client': undefined as never },
          },
  },
});
const direct = (base?: string): RestClient => createRestClient({ ...options(base), adapter: counting });
const throughAxios = (base?: string): RestClient =>
  createRestClient({ ...options(base), axios: axios.create({ adapter: counting, maxRedirects: 0 }) });

/** Runs `call` on both clients and returns what the server saw and what each caller got. */
async function both<T>(call: (client: RestClient) => Promise<T>, base?: string) {
  const outcome = async (client: RestClient) => {
    seen.length = 0;
    const result = await call(client).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    return { result, requests: seen.map((s) => ({ ...s })) };
  };
  axiosCalls = 0;
  directCalls = 0;
  const a = await outcome(throughAxios(base));
  expect([axiosCalls, directCalls]).toEqual([a.requests.length === 0 ? 1 : a.requests.length, 0]);
  axiosCalls = 0;
  const d = await outcome(direct(base));
  expect(axiosCalls).toBe(0);
  expect(directCalls).toBeGreaterThan(0);
  return { axios: a, direct: d };
}

const CALLS: Array<[string, (client: RestClient) => Promise<unknown>]> = [
  [
    'a GET with a query',
    (c) => c.get('/plain', { query: { symbol: 'BTC-USD', depth: 5, tags: ['a', 'b'] } }),
  ],
  ['a POST with a JSON body', (c) => c.post('/orders', { side: 'buy', qty: '1.5' })],
  ['a POST without a body', (c) => c.post('/orders/1/cancel')],
  ['a PUT with a text body', (c) => c.put('/notes/1', 'plain text')],
  ['a PATCH with a form', (c) => c.patch('/notes/1', new URLSearchParams({ a: '1', b: 'two words' }))],
  [
    'a DELETE overriding accept and user-agent in another case',
    (c) => c.delete('/orders/1', { headers: { accept: 'text/plain', 'user-agent': 'mine/1.0' } }),
  ],
  [
    'a header the auth strategy repeats in another case, and one it clears',
    (c) => c.get('/plain', { headers: { 'X-Trace': 'first' } }),
  ],
  [
    'headers with control characters, keep-alive headers and non-strings',
    (c) =>
      c.get('/plain', {
        headers: {
          'X-Injected': 'a\r\nb\u0007c',
          Connection: 'keep-alive',
          'Keep-Alive': 'timeout=5',
          'X-Num': 7 as never,
        },
      }),
  ],
];

describe('the direct exchange', () => {
  it.each(CALLS)('sends %s exactly as the axios path does', async (_name, call) => {
    const { axios: a, direct: d } = await both(call);
    expect(a.result.ok).toBe(true);
    expect(d.requests).toEqual(a.requests);
    expect((d.result as { value: { data: unknown } }).value.data).toEqual(
      (a.result as { value: { data: unknown } }).value.data,
    );
  });

  it('rejects credentials in the base URL, which neither path would send', () => {
    expect(() => direct(`http://user:secret-pw@${origin}/v1`)).toThrow(
      expect.objectContaining({ code: 'config.invalid', message: expect.not.stringContaining('secret-pw') }),
    );
  });

  it('hands back repeated headers, a BOM body and the request id as the axios path does', async () => {
    const { axios: a, direct: d } = await both((c) => c.get('/repeated'));
    const pick = (r: typeof a) => {
      const value = (
        r.result as { value: { headers: Record<string, string>; data: unknown; requestId: unknown } }
      ).value;
      const { date: _date, ...headers } = value.headers;
      return { headers, data: value.data, requestId: value.requestId };
    };
    expect(pick(a)).toEqual({
      headers: expect.objectContaining({ 'set-cookie': 'a=1, b=2', 'x-multi': 'one, two' }),
      data: { ok: true },
      requestId: 'req-7',
    });
    expect(pick(d)).toEqual(pick(a));
  });

  it('decompresses a gzip body as the axios path does', async () => {
    const { axios: a, direct: d } = await both((c) => c.get('/gzip'));
    expect((d.result as { value: { data: unknown } }).value.data).toEqual({ zipped: true });
    expect((a.result as { value: { data: unknown } }).value.data).toEqual({ zipped: true });
  });

  it.each([
    ['an HTML error page', (c: RestClient) => c.get('/html')],
    ['an abort while waiting', (c: RestClient) => c.get('/hang', { signal: AbortSignal.timeout(50) })],
  ])('fails %s with the same classified error', async (_name, call) => {
    const { axios: a, direct: d } = await both(call);
    expect(a.result.ok).toBe(false);
    const summary = (r: typeof a) => {
      const error = (r.result as { error: KitError }).error;
      expect(error).toBeInstanceOf(KitError);
      return { code: error.code, status: error.status, outcome: error.outcome, retryable: error.retryable };
    };
    expect(summary(d)).toEqual(summary(a));
  });

  it('fails a refused connection with the same classified error', async () => {
    const port = await freePort();
    const { axios: a, direct: d } = await both((c) => c.get('/plain'), `http://127.0.0.1:${port}/v1`);
    const code = (r: typeof a) => [
      (r.result as { error: KitError }).error.code,
      (r.result as { error: KitError }).error.outcome,
    ];
    expect(code(a)).toEqual(['network.connection_refused', 'not_sent']);
    expect(code(d)).toEqual(code(a));
  });

  it('is not used when the application changed axios.defaults (axios sends what it set)', async () => {
    const common = axios.defaults.headers.common as Record<string, unknown>;
    common['X-Global'] = 'from-defaults';
    try {
      directCalls = 0;
      axiosCalls = 0;
      seen.length = 0;
      await direct().get('/plain');
      expect([directCalls, axiosCalls]).toEqual([0, 1]);
      expect(seen[0]?.headers).toContainEqual(['X-Global', 'from-defaults']);
    } finally {
      delete common['X-Global'];
    }
    directCalls = 0;
    await direct().get('/plain');
    expect(directCalls).toBe(1);
  });

  it('is not used with an axios instance the caller passes (its interceptors must run)', async () => {
    const instance = axios.create({ adapter: counting });
    let intercepted = 0;
    instance.interceptors.request.use((config) => {
      intercepted++;
      return config;
    });
    directCalls = 0;
    await createRestClient({ ...options(), axios: instance }).get('/plain');
    expect([intercepted, directCalls]).toEqual([1, 0]);
  });
});
