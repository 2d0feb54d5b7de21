import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { inspect } from 'node:util';
import axios from 'axios';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from './catalogue';
import { classifyError } from './classify-error';
import { type ErrorOutcome, isKitError, KitError } from './kit-error';

const SECRET = 'sk_live_9f8e7d6c5b4a3210';

function route(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  switch (url.pathname) {
    case '/v1/reset':
      // Headers and half a body, then the socket dies: a reset mid-response.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"orders":[', () => req.socket.destroy());
      return;
    case '/v1/hangup':
      req.socket.destroy();
      return;
    case '/v1/slow':
      return; // never answers; closeAllConnections() ends it
    case '/v1/not-modified':
      res.writeHead(304);
      res.end();
      return;
    case '/v1/bad-json':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"orders":');
      return;
    case '/v1/unauthorized':
      return json(
        401,
        { error: 'invalid_token' },
        {
          'www-authenticate':
            'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
        },
      );
    case '/v1/bad-key':
      return json(401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    case '/v1/banned':
      return json(403, { message: 'Your IP has been banned for 10 minutes' });
    case '/v1/teapot':
      return json(
        418,
        { code: -1003, msg: 'Way too much request weight used; IP banned until 1700000600000.' },
        { 'retry-after': '600' },
      );
    case '/v1/missing':
      return json(
        404,
        { error: { code: 'not_found', message: 'No such order' } },
        { 'x-request-id': 'req_404' },
      );
    case '/v1/too-many':
      return json(429, { message: 'Too many requests' }, { 'retry-after': '2', 'x-request-id': 'req_429' });
    case '/v1/boom':
      return json(500, { message: 'internal' }, { 'request-id': 'req_500' });
    case '/v1/not-implemented':
      return json(501, { message: 'nope' });
    case '/v1/gateway':
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    case '/v1/maintenance':
      return json(503, { message: 'maintenance' }, { 'retry-after': '30' });
    default:
      return json(200, { ok: true });
  }
}

let server: Server;
let base: string;
let closedPort: number;
const inputs = new Map<string, unknown>();

async function capture(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  server = createServer(route);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  closedPort = (closed.address() as AddressInfo).port;
  closed.close();
  await once(closed, 'close');

  const client = axios.create({ baseURL: base });
  const get = (path: string, config = {}) => capture(client.get(path, config));
  inputs.set('axios refused', await capture(axios.get(`http://127.0.0.1:${closedPort}/v1/orders`)));
  inputs.set('axios reset mid-response', await get('/v1/reset'));
  inputs.set('axios socket hang up', await get('/v1/hangup'));
  inputs.set('axios timeout', await get('/v1/slow', { timeout: 30 }));
  inputs.set(
    'axios timeout (clarified)',
    await get('/v1/slow', { timeout: 30, transitional: { clarifyTimeoutError: true } }),
  );
  const controller = new AbortController();
  const cancelled = get('/v1/slow', { signal: controller.signal });
  controller.abort();
  inputs.set('axios cancel', await cancelled);
  const deadline = new AbortController();
  const deadlined = get('/v1/slow', { signal: deadline.signal });
  deadline.abort(new KitError('timeout.deadline'));
  inputs.set('axios cancel with a KitError reason', await deadlined);
  inputs.set(
    'axios 304 rejected by validateStatus',
    await get('/v1/not-modified', { validateStatus: (status: number) => status === 200 }),
  );
  inputs.set(
    'axios invalid JSON',
    await get('/v1/bad-json', { transitional: { silentJSONParsing: false }, responseType: 'json' }),
  );
  inputs.set(
    'axios TLS to a plain port',
    await capture(axios.get(`${base.replace('http:', 'https:')}/v1/orders`)),
  );
  for (const path of [
    'unauthorized',
    'bad-key',
    'banned',
    'teapot',
    'missing',
    'too-many',
    'boom',
    'not-implemented',
    'gateway',
    'maintenance',
  ]) {
    inputs.set(`axios ${path}`, await get(`/v1/${path}`));
  }

  const socket = connect(closedPort, '127.0.0.1');
  const [netError] = await once(socket, 'error').catch((error: unknown) => [error]);
  inputs.set('net.connect refused', netError);
  inputs.set('dns lookup failure', await capture(lookup('nonexistent.invalid')));
  inputs.set('fetch refused (cause chain)', await capture(fetch(`http://127.0.0.1:${closedPort}/v1/orders`)));
  inputs.set('fetch other side closed (UND_ERR_SOCKET)', await capture(fetch(`${base}/v1/hangup`)));
  inputs.set(
    'fetch AbortSignal.timeout',
    await capture(fetch(`${base}/v1/slow`, { signal: AbortSignal.timeout(30) })),
  );
  const schema = v.object({ price: v.number(), side: v.picklist(['buy', 'sell']) });
  inputs.set(
    'valibot ValiError',
    await capture(Promise.resolve().then(() => v.parse(schema, { price: SECRET, side: 'hold' }))),
  );
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const kitError = new KitError('rate_limit.exceeded', { retryAfterMs: 1000 });
const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('trap');
    },
    has() {
      throw new Error('trap');
    },
    getPrototypeOf() {
      throw new Error('trap');
    },
  },
);
const undiciError = (code: string, name: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(name), { name, code }) });
const systemError = (code: string, message: string, syscall?: string) =>
  Object.assign(new Error(message), { code, syscall });

interface Row {
  name: string;
  input: () => unknown;
  context?: Parameters<typeof classifyError>[1];
  code: ErrorCode;
  outcome?: ErrorOutcome;
  status?: number;
  message?: string | RegExp;
  check?: (error: KitError) => void;
}

const rows: Row[] = [
  // axios, real errors against the loopback server
  {
    name: 'axios refused',
    input: () => inputs.get('axios refused'),
    code: 'network.connection_refused',
    outcome: 'not_sent',
    message: 'GET /v1/orders: The connection was refused (ECONNREFUSED)',
  },
  {
    name: 'axios reset mid-response',
    input: () => inputs.get('axios reset mid-response'),
    code: 'schema.truncated_body',
    outcome: 'unknown',
    message: /^GET \/v1\/reset: /,
  },
  {
    name: 'axios socket hang up',
    input: () => inputs.get('axios socket hang up'),
    code: 'network.socket_hang_up',
    outcome: 'unknown',
  },
  {
    name: 'axios timeout',
    input: () => inputs.get('axios timeout'),
    code: 'timeout.attempt',
    outcome: 'unknown',
    message: 'GET /v1/slow: The request attempt timed out (ECONNABORTED)',
  },
  {
    name: 'axios timeout (clarified)',
    input: () => inputs.get('axios timeout (clarified)'),
    code: 'timeout.attempt',
    message: /\(ETIMEDOUT\)$/,
  },
  {
    name: 'axios cancel',
    input: () => inputs.get('axios cancel'),
    code: 'cancelled.aborted',
    outcome: 'unknown',
  },
  {
    name: 'axios 304 rejected by validateStatus',
    input: () => inputs.get('axios 304 rejected by validateStatus'),
    code: 'client.error',
    status: 304,
  },
  {
    name: 'axios invalid JSON',
    input: () => inputs.get('axios invalid JSON'),
    code: 'schema.invalid_json',
    status: 200,
  },
  {
    name: 'axios TLS to a plain port',
    input: () => inputs.get('axios TLS to a plain port'),
    code: 'network.tls_failure',
    outcome: 'not_sent',
    check: (e) => expect(e.hint).toMatch(/plain-http port/),
  },
  {
    name: 'axios 401 invalid_token',
    input: () => inputs.get('axios unauthorized'),
    code: 'auth.expired_token',
    status: 401,
    outcome: 'rejected',
  },
  {
    name: 'axios 401 bad key',
    input: () => inputs.get('axios bad-key'),
    code: 'auth.invalid_credentials',
    status: 401,
    check: (e) => expect(e.vendorCode).toBe('-2015'),
  },
  {
    name: 'axios 403 banned',
    input: () => inputs.get('axios banned'),
    code: 'rate_limit.ip_banned',
    status: 403,
  },
  {
    name: 'axios 418',
    input: () => inputs.get('axios teapot'),
    code: 'rate_limit.ip_banned',
    status: 418,
    check: (e) => expect(e.retryAfterMs).toBe(600_000),
  },
  {
    name: 'axios 404',
    input: () => inputs.get('axios missing'),
    code: 'client.not_found',
    status: 404,
    message: 'GET /v1/missing: Not found (HTTP 404)',
    check: (e) => {
      expect(e.requestId).toBe('req_404');
      expect(e.details).toEqual({ serverMessage: 'No such order' });
    },
  },
  {
    name: 'axios 429',
    input: () => inputs.get('axios too-many'),
    code: 'rate_limit.exceeded',
    status: 429,
    outcome: 'rejected',
    check: (e) => {
      expect(e.retryAfterMs).toBe(2000);
      expect(e.requestId).toBe('req_429');
      expect(e.retryable).toBe(true);
    },
  },
  {
    name: 'axios 500',
    input: () => inputs.get('axios boom'),
    code: 'server.internal',
    status: 500,
    outcome: 'unknown',
    check: (e) => expect(e.requestId).toBe('req_500'),
  },
  {
    name: 'axios 501',
    input: () => inputs.get('axios not-implemented'),
    code: 'server.not_implemented',
    outcome: 'rejected',
    check: (e) => expect(e.retryable).toBe(false),
  },
  {
    name: 'axios 502 HTML',
    input: () => inputs.get('axios gateway'),
    code: 'server.bad_gateway',
    check: (e) => expect(e.details).toEqual({ bodyKind: 'html' }),
  },
  {
    name: 'axios 503 Retry-After',
    input: () => inputs.get('axios maintenance'),
    code: 'server.unavailable',
    check: (e) => expect(e.retryAfterMs).toBe(30_000),
  },
  {
    name: 'axios context wins over config',
    input: () => inputs.get('axios missing'),
    context: { method: 'delete', path: '/v1/orders/42?sig=abc' },
    code: 'client.not_found',
    message: 'DELETE /v1/orders/42: Not found (HTTP 404)',
  },
  {
    name: 'axios-shaped ERR_NETWORK (browser)',
    input: () =>
      Object.assign(new Error('Network Error'), {
        isAxiosError: true,
        code: 'ERR_NETWORK',
        config: { method: 'get', url: '/v1/x' },
      }),
    code: 'network.unreachable',
    check: (e) => expect(e.hint).toMatch(/CORS/),
  },
  {
    // What axios's http adapter does with a connect-phase timeout: AxiosError.from() copies the
    // code but not the syscall, which stays on the cause.
    name: 'axios-wrapped connect ETIMEDOUT',
    input: () =>
      axios.AxiosError.from(
        systemError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443', 'connect'),
        'ETIMEDOUT',
        {
          method: 'get',
          url: '/v1/x',
        } as never,
      ),
    code: 'timeout.connect',
    outcome: 'not_sent',
  },
  // Node system errors
  {
    name: 'net.connect refused',
    input: () => inputs.get('net.connect refused'),
    code: 'network.connection_refused',
    outcome: 'not_sent',
  },
  {
    name: 'dns lookup failure',
    input: () => inputs.get('dns lookup failure'),
    code: 'network.dns_failure',
    outcome: 'not_sent',
  },
  {
    name: 'ECONNRESET',
    input: () => systemError('ECONNRESET', 'read ECONNRESET', 'read'),
    context: { method: 'GET', path: '/v1/orders' },
    code: 'network.connection_reset',
    message: 'GET /v1/orders: The connection was reset (ECONNRESET)',
  },
  {
    name: 'ETIMEDOUT on connect',
    input: () => systemError('ETIMEDOUT', 'connect ETIMEDOUT', 'connect'),
    code: 'timeout.connect',
    outcome: 'not_sent',
  },
  {
    name: 'ETIMEDOUT on read',
    input: () => systemError('ETIMEDOUT', 'read ETIMEDOUT', 'read'),
    code: 'timeout.attempt',
    outcome: 'unknown',
  },
  {
    name: 'EAI_AGAIN',
    input: () => systemError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN api.example.com', 'getaddrinfo'),
    code: 'network.dns_failure',
  },
  {
    name: 'EPIPE',
    input: () => systemError('EPIPE', 'write EPIPE', 'write'),
    code: 'network.connection_reset',
    outcome: 'unknown',
  },
  {
    name: 'EHOSTUNREACH',
    input: () => systemError('EHOSTUNREACH', 'connect EHOSTUNREACH', 'connect'),
    code: 'network.unreachable',
  },
  {
    name: 'ENETUNREACH',
    input: () => systemError('ENETUNREACH', 'connect ENETUNREACH', 'connect'),
    code: 'network.unreachable',
  },
  {
    name: 'CERT_HAS_EXPIRED',
    input: () => systemError('CERT_HAS_EXPIRED', 'certificate has expired'),
    code: 'network.tls_failure',
    check: (e) => expect(e.hint).toMatch(/expired/),
  },
  {
    name: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    input: () => systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
    code: 'network.tls_failure',
  },
  {
    name: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    input: () => systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
    code: 'network.tls_failure',
    check: (e) => expect(e.hint).toMatch(/NODE_EXTRA_CA_CERTS/),
  },
  {
    name: 'ERR_TLS_CERT_ALTNAME_INVALID',
    input: () =>
      systemError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
    code: 'network.tls_failure',
  },
  // fetch / undici
  {
    name: 'fetch refused (cause chain)',
    input: () => inputs.get('fetch refused (cause chain)'),
    context: { method: 'GET', url: `http://user:${SECRET}@127.0.0.1/v1/orders?signature=${SECRET}` },
    code: 'network.connection_refused',
    message: 'GET /v1/orders: The connection was refused (ECONNREFUSED)',
  },
  {
    name: 'fetch other side closed',
    input: () => inputs.get('fetch other side closed (UND_ERR_SOCKET)'),
    code: 'network.connection_reset',
    outcome: 'unknown',
  },
  {
    name: 'fetch AbortSignal.timeout',
    input: () => inputs.get('fetch AbortSignal.timeout'),
    code: 'timeout.attempt',
  },
  {
    name: 'UND_ERR_CONNECT_TIMEOUT',
    input: () => undiciError('UND_ERR_CONNECT_TIMEOUT', 'ConnectTimeoutError'),
    code: 'timeout.connect',
    outcome: 'not_sent',
  },
  {
    name: 'UND_ERR_HEADERS_TIMEOUT',
    input: () => undiciError('UND_ERR_HEADERS_TIMEOUT', 'HeadersTimeoutError'),
    code: 'timeout.attempt',
    outcome: 'unknown',
  },
  {
    name: 'UND_ERR_BODY_TIMEOUT',
    input: () => undiciError('UND_ERR_BODY_TIMEOUT', 'BodyTimeoutError'),
    code: 'timeout.attempt',
  },
  {
    name: 'AggregateError (happy eyeballs)',
    input: () =>
      new TypeError('fetch failed', {
        cause: new AggregateError([systemError('ECONNREFUSED', 'connect ECONNREFUSED ::1:1', 'connect')]),
      }),
    code: 'network.connection_refused',
  },
  // valibot
  {
    name: 'valibot ValiError',
    input: () => inputs.get('valibot ValiError'),
    context: { method: 'GET', path: '/v1/account' },
    code: 'schema.response_mismatch',
    message: 'GET /v1/account: The response did not match the expected schema (2 issues: price, side)',
    check: (e) =>
      expect(e.details).toEqual({
        issues: [
          { path: 'price', expected: 'number', receivedType: 'string', check: 'number' },
          { path: 'side', expected: '("buy" | "sell")', receivedType: 'string', check: 'picklist' },
        ],
      }),
  },
  // WebSocket
  {
    name: 'close event 1006',
    input: () => ({ type: 'close', code: 1006, reason: '', wasClean: false }),
    code: 'protocol.ws_abnormal_close',
    check: (e) => expect(e.closeCode).toBe(1006),
  },
  {
    name: 'close event 4001 auth',
    input: () => ({ type: 'close', code: 4001, reason: 'invalid key', wasClean: true }),
    code: 'protocol.ws_auth_rejected',
    check: (e) => expect(e.retryable).toBe(false),
  },
  { name: 'close code number 1012', input: () => 1012, code: 'protocol.ws_server_restart' },
  {
    name: 'ws handshake rejected with 401',
    input: () => new Error('Unexpected server response: 401'),
    code: 'auth.invalid_credentials',
    status: 401,
  },
  {
    name: 'ws handshake timeout',
    input: () => new Error('Opening handshake has timed out'),
    code: 'timeout.handshake',
  },
  {
    name: 'ws ErrorEvent wrapping a reset',
    input: () => ({
      type: 'error',
      message: 'read ECONNRESET',
      error: systemError('ECONNRESET', 'read ECONNRESET', 'read'),
    }),
    code: 'network.connection_reset',
  },
  // AbortSignal reasons
  { name: 'DOMException AbortError', input: () => AbortSignal.abort().reason, code: 'cancelled.aborted' },
  {
    name: 'DOMException TimeoutError',
    input: () => new DOMException('The operation timed out.', 'TimeoutError'),
    code: 'timeout.attempt',
  },
  {
    name: 'an aborted AbortSignal',
    input: () => AbortSignal.abort(new DOMException('late', 'TimeoutError')),
    code: 'timeout.attempt',
  },
  {
    name: 'Node AbortError carrying a KitError',
    input: () =>
      Object.assign(new Error('The operation was aborted'), {
        name: 'AbortError',
        code: 'ABORT_ERR',
        cause: kitError,
      }),
    code: 'rate_limit.exceeded',
    check: (e) => expect(e).toBe(kitError),
  },
  // HTTP-response-like objects
  {
    name: 'fetch Response thrown',
    input: () => new Response('{"message":"slow down"}', { status: 429, headers: { 'retry-after': '3' } }),
    code: 'rate_limit.exceeded',
    check: (e) => expect(e.retryAfterMs).toBe(3000),
  },
  {
    name: '{ statusCode, headers, body }',
    input: () => ({ statusCode: 409, headers: {}, body: { message: 'duplicate client order id' } }),
    code: 'client.conflict',
    check: (e) => expect(e.details).toEqual({ serverMessage: 'duplicate client order id' }),
  },
  // anything else
  {
    name: 'a string',
    input: () => `boom Bearer ${SECRET}`,
    code: 'internal.unexpected',
    message: 'Unexpected error: boom Bearer [REDACTED]',
  },
  {
    name: 'null',
    input: () => null,
    code: 'internal.unexpected',
    message: 'Unexpected error: null was thrown',
  },
  {
    name: 'undefined',
    input: () => undefined,
    code: 'internal.unexpected',
    message: 'Unexpected error: undefined was thrown',
  },
  {
    name: 'a number',
    input: () => 42,
    code: 'internal.unexpected',
    message: 'Unexpected error: the number 42 was thrown',
  },
  { name: 'a symbol', input: () => Symbol('x'), code: 'internal.unexpected' },
  {
    name: 'a plain object with a message',
    input: () => ({ message: `token=${SECRET} failed` }),
    code: 'internal.unexpected',
    message: 'Unexpected error: token=[REDACTED] failed',
  },
  {
    name: 'a plain object with a system code',
    input: () => ({ code: 'ECONNREFUSED' }),
    code: 'network.connection_refused',
  },
  {
    name: 'an empty object',
    input: () => ({}),
    code: 'internal.unexpected',
    message: 'A non-error object was thrown',
  },
  {
    name: 'a TypeError',
    input: () => new TypeError('x is not a function'),
    code: 'internal.unexpected',
    message: 'Unexpected error (TypeError): x is not a function',
  },
  { name: 'a code named constructor', input: () => ({ code: 'constructor' }), code: 'internal.unexpected' },
  { name: 'a hostile proxy', input: () => hostile, code: 'internal.unexpected' },
];

describe('classifyError', () => {
  it('returns a KitError as is', () => {
    expect(classifyError(kitError)).toBe(kitError);
  });

  it('returns the KitError an axios request was aborted with', () => {
    const error = classifyError(inputs.get('axios cancel with a KitError reason'));
    expect(error.code).toBe('timeout.deadline');
  });

  it.each(rows)('$name -> $code', (row) => {
    const error = classifyError(row.input(), row.context);
    expect(isKitError(error)).toBe(true);
    expect(error.code).toBe(row.code);
    if (row.outcome) expect(error.outcome).toBe(row.outcome);
    if (row.status) expect(error.status).toBe(row.status);
    if (typeof row.message === 'string') expect(error.message).toBe(row.message);
    if (row.message instanceof RegExp) expect(error.message).toMatch(row.message);
    row.check?.(error);
    const shown = `${error.message}\n${JSON.stringify(error)}\n${inspect(error, { depth: 10 })}`;
    expect(shown).not.toContain(SECRET);
  });

  it('never shows an Authorization header, basic-auth password, URL credentials or signature from an axios config', async () => {
    const raw = await capture(
      axios.get(`${base.replace('http://', `http://user:${SECRET}@`)}/v1/missing?signature=${SECRET}`, {
        headers: { Authorization: `Bearer ${SECRET}`, 'X-API-KEY': SECRET },
        params: { apiKey: SECRET },
      }),
    );
    const error = classifyError(raw);
    expect(error.code).toBe('client.not_found');
    expect(error.path).toBe('/v1/missing');
    expect(error.cause).toBe(raw);
    for (const shown of [
      error.message,
      JSON.stringify(error),
      inspect(error, { depth: 20, showHidden: true }),
      String(error),
    ]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toMatch(/Authorization/i);
    }
  });

  it('keeps valibot received values out of details, toJSON and inspect', () => {
    const error = classifyError(inputs.get('valibot ValiError'));
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain('hold');
    expect(inspect(error, { depth: 20 })).not.toContain(SECRET);
  });
});
