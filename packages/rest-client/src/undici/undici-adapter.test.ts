import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import axios, { type AxiosHeaders, type AxiosInstance, type AxiosResponse } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciAdapter, type UndiciRequestInfo } from './index';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

const seen: Seen[] = [];
const JSON_BODY = JSON.stringify({ symbol: 'BTC-USD', bid: '1.5', nested: { list: [1, 2, 3] } });

function route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://x');
  switch (url.pathname) {
    case '/json':
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
      res.end(JSON_BODY);
      return;
    case '/text':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('\uFEFFhello wörld');
      return;
    case '/empty':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
      return;
    case '/no-content':
      res.writeHead(204, { 'x-note': 'nothing' });
      res.end();
      return;
    case '/headers':
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.setHeader('x-multi', ['one', 'two']);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
      return;
    case '/echo':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          body,
          contentType: req.headers['content-type'] ?? null,
          contentLength: req.headers['content-length'] ?? null,
          authorization: req.headers.authorization ?? null,
        }),
      );
      return;
    case '/gzip':
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON_BODY));
      return;
    case '/binary':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0, 1, 2, 253, 254, 255]));
      return;
    case '/redirect': {
      const left = Number(url.searchParams.get('left') ?? '0');
      res.writeHead(302, { location: left > 0 ? `/redirect?left=${left - 1}` : '/json' });
      res.end();
      return;
    }
    case '/cross-origin': {
      res.writeHead(307, { location: `${String(url.searchParams.get('to'))}/echo` });
      res.end();
      return;
    }
    case '/see-other':
      res.writeHead(303, { location: '/echo' });
      res.end();
      return;
    default:
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      socket: req.socket,
    });
    route(req, res, body);
  });
});

let baseURL = '';
const adapter = createUndiciAdapter();
let viaHttp: AxiosInstance;
let viaUndici: AxiosInstance;
const httpAgent = new http.Agent({ keepAlive: true });

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  viaHttp = axios.create({ baseURL, httpAgent });
  viaUndici = axios.create({ baseURL, adapter });
});

afterAll(async () => {
  await adapter.close();
  httpAgent.destroy();
  server.closeAllConnections();
  server.close();
});

/** What a caller observes of a response, minus the clock-dependent Date header. */
function observable(response: AxiosResponse): {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
} {
  const headers = { ...(response.headers as AxiosHeaders).toJSON() } as Record<string, unknown>;
  delete headers.date;
  return { status: response.status, data: response.data, headers };
}

describe('createUndiciAdapter: responses identical to axios http adapter', () => {
  it.each([
    ['JSON', 'get', '/json'],
    ['text with a BOM', 'get', '/text'],
    ['an empty body', 'get', '/empty'],
    ['204 No Content', 'get', '/no-content'],
    ['HEAD', 'head', '/json'],
    ['repeated and set-cookie headers', 'get', '/headers'],
    ['gzip-compressed JSON (decompressed, content-encoding removed)', 'get', '/gzip'],
    ['params through axios paramsSerializer', 'get', '/echo'],
  ] as const)('gives the same status, headers and data for %s', async (_name, method, url) => {
    const config = { method, url, params: url === '/echo' ? { b: 'x y', a: [1, 2] } : undefined };
    const expected = observable(await viaHttp.request(config));
    const actual = observable(await viaUndici.request(config));
    if (method === 'head') {
      // undici closes the connection after a HEAD (a guard against servers that send a body anyway),
      // so the hop-by-hop connection headers legitimately differ; everything else must match.
      for (const hopByHop of ['connection', 'keep-alive']) {
        delete expected.headers[hopByHop];
        delete actual.headers[hopByHop];
      }
    }
    expect(actual).toEqual(expected);
  });

  it.each([
    ['text', 'hello wörld'],
    ['arraybuffer', Buffer.from('\uFEFFhello wörld')],
  ] as const)('honours responseType %s like the http adapter', async (responseType, expected) => {
    const actual = await viaUndici.get('/text', { responseType });
    const reference = await viaHttp.get('/text', { responseType });
    expect(actual.data).toEqual(reference.data);
    expect(actual.data).toEqual(expected);
  });

  it('returns a readable stream for responseType stream', async () => {
    const response = await viaUndici.get<Readable>('/gzip', { responseType: 'stream' });
    const chunks: Buffer[] = [];
    for await (const chunk of response.data) chunks.push(chunk as Buffer);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toEqual(JSON.parse(JSON_BODY));
    expect(response.headers['content-encoding']).toBeUndefined();
  });

  it('keeps the body compressed when decompress is false', async () => {
    const response = await viaUndici.get('/gzip', { decompress: false, responseType: 'arraybuffer' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.data as Buffer).toString('utf8')).toBe(JSON_BODY);
  });

  it('sends the same request line and default headers', async () => {
    seen.length = 0;
    await viaHttp.get('/echo?z=1', { params: { q: 'a&b' } });
    await viaUndici.get('/echo?z=1', { params: { q: 'a&b' } });
    const [fromHttp, fromUndici] = seen as [Seen, Seen];
    expect(fromUndici.url).toBe(fromHttp.url);
    expect(fromUndici.headers['user-agent']).toBe(fromHttp.headers['user-agent']);
    expect(fromUndici.headers['accept-encoding']).toBe(fromHttp.headers['accept-encoding']);
    expect(fromUndici.headers.accept).toBe(fromHttp.headers.accept);
  });

  it('resolves a url with a plain query identically on repeated (cached) calls', async () => {
    for (const query of ['a=1&b=2', 'sig=abc%2Fdef&ts=1', 'a=1&b=2']) {
      const response = await viaUndici.get(`/echo?${query}`);
      expect(response.data.url).toBe(`/echo?${query}`);
    }
    const spaced = await viaUndici.get('/echo?q=a b');
    const reference = await viaHttp.get('/echo?q=a b');
    expect(spaced.data.url).toBe(reference.data.url);
  });
});

describe('createUndiciAdapter: request bodies', () => {
  it.each([
    ['a JSON object', { id: 1, side: 'buy' }],
    ['a string', 'plain text body'],
    ['URLSearchParams', new URLSearchParams({ a: '1', b: 'two words' })],
    ['a Buffer', Buffer.from('binary-ish')],
    ['an ArrayBuffer', new TextEncoder().encode('array buffer').buffer],
  ])('sends %s exactly like the http adapter', async (_name, data) => {
    const expected = await viaHttp.post('/echo', data);
    const actual = await viaUndici.post('/echo', data);
    expect(actual.data).toEqual(expected.data);
  });

  it('sends a stream body', async () => {
    const response = await viaUndici.post(
      '/echo',
      Readable.from([Buffer.from('chunk-1,'), Buffer.from('chunk-2')]),
      {
        headers: { 'content-type': 'application/octet-stream' },
      },
    );
    expect(response.data.body).toBe('chunk-1,chunk-2');
  });

  it('sends FormData as multipart with a boundary', async () => {
    const form = new FormData();
    form.append('symbol', 'BTC-USD');
    const response = await viaUndici.post('/echo', form);
    expect(response.data.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(response.data.body).toContain('name="symbol"');
    expect(response.data.body).toContain('BTC-USD');
  });

  it('sends basic auth from config.auth like the http adapter', async () => {
    const auth = { username: 'user', password: 'pässword' };
    const expected = await viaHttp.get('/echo', { auth });
    const actual = await viaUndici.get('/echo', { auth });
    expect(actual.data.authorization).toBe(expected.data.authorization);
  });
});

describe('createUndiciAdapter: redirects and keep-alive', () => {
  it('follows redirects to the final response and reports its URL', async () => {
    const response = await viaUndici.get('/redirect?left=2');
    expect(response.status).toBe(200);
    expect(response.data).toEqual(JSON.parse(JSON_BODY));
    expect((response.request as UndiciRequestInfo).responseUrl).toBe(`${baseURL}/json`);
  });

  it('drops Authorization and Cookie (not other headers) when a redirect changes origin', async () => {
    const other = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          authorization: req.headers.authorization ?? null,
          custom: req.headers['x-custom'] ?? null,
        }),
      );
    });
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const to = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const response = await viaUndici.get('/cross-origin', {
        params: { to },
        headers: { Authorization: 'Bearer must-not-travel', 'X-Custom': 'kept' },
      });
      expect(response.data).toEqual({ authorization: null, custom: 'kept' });
    } finally {
      other.closeAllConnections();
      other.close();
    }
  });

  it('turns a POST into a GET on 303 See Other', async () => {
    const response = await viaUndici.post('/see-other', { a: 1 });
    expect(response.data.method).toBe('GET');
  });

  it('does not follow redirects when maxRedirects is 0 (the 302 fails validateStatus like the http adapter)', async () => {
    const error = await viaUndici.get('/redirect?left=0', { maxRedirects: 0 }).catch((e: unknown) => e);
    const reference = await viaHttp.get('/redirect?left=0', { maxRedirects: 0 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect((error as { code?: string }).code).toBe((reference as { code?: string }).code);
    expect((error as { response?: { status: number } }).response?.status).toBe(302);
  });

  it('fails with ERR_FR_TOO_MANY_REDIRECTS past the limit, like follow-redirects', async () => {
    const limited = createUndiciAdapter({ maxRedirections: 2 });
    try {
      const client = axios.create({ baseURL, adapter: limited });
      // left=N answers with N + 1 redirects before the final 200.
      await expect(client.get('/redirect?left=1')).resolves.toMatchObject({ status: 200 });
      const error = await client.get('/redirect?left=2').catch((e: unknown) => e);
      const reference = await viaHttp.get('/redirect?left=2', { maxRedirects: 2 }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('ERR_FR_TOO_MANY_REDIRECTS');
      expect((error as { code?: string }).code).toBe((reference as { code?: string }).code);
    } finally {
      await limited.close();
    }
  });

  it('reuses keep-alive sockets for 100 sequential requests and reports reusedSocket', async () => {
    const own = createUndiciAdapter();
    try {
      const client = axios.create({ baseURL, adapter: own });
      seen.length = 0;
      const reused: boolean[] = [];
      for (let i = 0; i < 100; i++) {
        const response = await client.get('/json');
        reused.push((response.request as UndiciRequestInfo).reusedSocket);
      }
      const sockets = new Set(seen.map((s) => s.socket));
      // undici's pool opens one spare connection while the first is still busy, so two at most.
      expect(sockets.size).toBeLessThanOrEqual(2);
      expect(reused.filter((r) => !r).length).toBe(sockets.size);
      expect(reused.slice(10).every(Boolean)).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('keeps axios interceptors and transforms working around the adapter', async () => {
    const client = axios.create({ baseURL, adapter });
    client.interceptors.request.use((config) => {
      config.headers.set('Authorization', 'Bearer from-interceptor');
      return config;
    });
    client.interceptors.response.use((response) => ({ ...response, data: { wrapped: response.data } }));
    const response = await client.get('/echo');
    expect(response.data.wrapped.authorization).toBe('Bearer from-interceptor');
  });
});
