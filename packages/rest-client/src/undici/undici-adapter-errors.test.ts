import { EventEmitter, getEventListeners, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, CanceledError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciAdapter } from './index';

const arrivals = new EventEmitter();
const hanging = new Set<http.ServerResponse>();
const requestsPerSocket = new WeakMap<object, number>();

const server = http.createServer((req, res) => {
  req.resume();
  const path = (req.url ?? '/').split('?')[0];
  arrivals.emit(path ?? '/');
  switch (path) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    case '/hang':
      hanging.add(res);
      return;
    case '/reset-before-response':
      req.socket.destroy();
      return;
    case '/reset-when-reused': {
      // The keep-alive race: the server drops a pooled socket as the next request arrives on it.
      const count = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, count);
      if (count > 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    case '/reset-mid-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":', () => req.socket.destroy());
      return;
    case '/stream-then-hang':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('first chunk');
      hanging.add(res);
      return;
    case '/large':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(5000));
      return;
    case '/bad-request':
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"code":-1102,"msg":"Mandatory parameter missing"}');
      return;
    case '/unavailable':
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"error":"maintenance"}');
      return;
    default:
      res.writeHead(404);
      res.end();
  }
});

let baseURL = '';
const adapter = createUndiciAdapter();
let viaHttp: AxiosInstance;
let viaUndici: AxiosInstance;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  viaHttp = axios.create({ baseURL });
  viaUndici = axios.create({ baseURL, adapter });
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await adapter.close();
  server.closeAllConnections();
  server.close();
});

async function failure(promise: Promise<unknown>): Promise<AxiosError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof AxiosError)) throw new Error(`expected an AxiosError, got ${String(outcome)}`);
  return outcome;
}

/** Runs the same failing request through both adapters and returns both errors. */
async function bothFail(run: (client: AxiosInstance) => Promise<unknown>): Promise<[AxiosError, AxiosError]> {
  return [await failure(run(viaHttp)), await failure(run(viaUndici))];
}

describe('createUndiciAdapter: errors identical in code and class to the http adapter', () => {
  it('connection refused: ECONNREFUSED with the system error as cause', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/ok`;
    closed.close();
    await once(closed, 'close');
    const [reference, actual] = await bothFail((client) => client.get(url));
    expect(actual.code).toBe('ECONNREFUSED');
    expect(actual.code).toBe(reference.code);
    expect((actual.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(actual.response).toBeUndefined();
  });

  it('reset before the response: ECONNRESET, undici code kept on cause', async () => {
    const [reference, actual] = await bothFail((client) => client.get('/reset-before-response'));
    expect(actual.code).toBe('ECONNRESET');
    expect(actual.code).toBe(reference.code);
    expect((actual.cause as { code?: string }).code).toBe('UND_ERR_SOCKET');
    expect(actual.response).toBeUndefined();
  });

  it('a reset on a reused keep-alive socket says so on error.request.reusedSocket', async () => {
    const own = createUndiciAdapter();
    try {
      const client = axios.create({ baseURL, adapter: own });
      let error: AxiosError | undefined;
      for (let i = 0; i < 5 && !error; i++) {
        error = await client.get('/reset-when-reused').then(
          () => undefined,
          (e: AxiosError) => e,
        );
      }
      expect(error?.code).toBe('ECONNRESET');
      expect((error?.request as { reusedSocket?: boolean } | undefined)?.reusedSocket).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('reset in the middle of the body: ERR_BAD_RESPONSE carrying the 200 response', async () => {
    const [reference, actual] = await bothFail((client) => client.get('/reset-mid-body'));
    expect(actual.code).toBe(AxiosError.ERR_BAD_RESPONSE);
    expect(actual.code).toBe(reference.code);
    expect(actual.message).toBe(reference.message);
    expect(actual.response?.status).toBe(200);
  });

  it('timeout: ECONNABORTED with axios wording, ETIMEDOUT with clarifyTimeoutError', async () => {
    const [reference, actual] = await bothFail((client) => client.get('/hang', { timeout: 30 }));
    expect(actual.code).toBe(AxiosError.ECONNABORTED);
    expect(actual.code).toBe(reference.code);
    expect(actual.message).toBe('timeout of 30ms exceeded');
    expect(actual.message).toBe(reference.message);

    const clarified = {
      timeout: 30,
      transitional: { clarifyTimeoutError: true },
      timeoutErrorMessage: 'too slow',
    };
    const [reference2, actual2] = await bothFail((client) => client.get('/hang', clarified));
    expect(actual2.code).toBe(AxiosError.ETIMEDOUT);
    expect(actual2.code).toBe(reference2.code);
    expect(actual2.message).toBe('too slow');
  });

  it('abort via signal while waiting for the response: CanceledError ERR_CANCELED', async () => {
    const [reference, actual] = await bothFail(async (client) => {
      const controller = new AbortController();
      const arrived = once(arrivals, '/hang');
      const pending = client.get('/hang', { signal: controller.signal });
      await arrived;
      controller.abort();
      return pending;
    });
    expect(actual).toBeInstanceOf(CanceledError);
    expect(actual.code).toBe(AxiosError.ERR_CANCELED);
    expect(actual.code).toBe(reference.code);
    expect(actual.message).toBe(reference.message);
  });

  it('an already aborted signal fails before anything is sent', async () => {
    const [reference, actual] = await bothFail((client) =>
      client.get('/ok', { signal: AbortSignal.abort() }),
    );
    expect(actual).toBeInstanceOf(CanceledError);
    expect(actual.code).toBe(reference.code);
  });

  it('cancel token: the token reason is the error', async () => {
    const [reference, actual] = await bothFail(async (client) => {
      const source = axios.CancelToken.source();
      const arrived = once(arrivals, '/hang');
      const pending = client.get('/hang', { cancelToken: source.token });
      await arrived;
      source.cancel('user navigated away');
      return pending;
    });
    expect(actual).toBeInstanceOf(CanceledError);
    expect(actual.message).toBe('user navigated away');
    expect(actual.message).toBe(reference.message);
  });

  it.each([
    ['/bad-request', 400, AxiosError.ERR_BAD_REQUEST],
    ['/unavailable', 503, AxiosError.ERR_BAD_RESPONSE],
  ])('%s: settle semantics (code, status, parsed body, headers)', async (path, status, code) => {
    const [reference, actual] = await bothFail((client) => client.get(path));
    expect(actual.code).toBe(code);
    expect(actual.code).toBe(reference.code);
    expect(actual.status).toBe(status);
    expect(actual.message).toBe(reference.message);
    expect(actual.response?.data).toEqual(reference.response?.data);
    expect(actual.response?.headers['content-type']).toBe('application/json');
  });

  it('validateStatus decides like settle (a 503 can be accepted)', async () => {
    const response = await viaUndici.get('/unavailable', { validateStatus: () => true });
    expect(response.status).toBe(503);
    expect(response.data).toEqual({ error: 'maintenance' });
  });

  it('maxContentLength: ERR_BAD_RESPONSE with the axios message', async () => {
    const [reference, actual] = await bothFail((client) => client.get('/large', { maxContentLength: 100 }));
    expect(actual.code).toBe(reference.code);
    expect(actual.message).toBe('maxContentLength size of 100 exceeded');
    expect(actual.message).toBe(reference.message);
  });

  it('maxBodyLength: ERR_BAD_REQUEST before sending', async () => {
    const [reference, actual] = await bothFail((client) =>
      client.post('/ok', 'y'.repeat(200), { maxBodyLength: 10, maxRedirects: 0 }),
    );
    expect(actual.code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect(actual.code).toBe(reference.code);
    expect(actual.message).toBe(reference.message);
  });

  it('rejects options it cannot honour with ERR_NOT_SUPPORT instead of ignoring them', async () => {
    const error = await failure(viaUndici.get('/ok', { socketPath: '/tmp/kit-none.sock' }));
    expect(error.code).toBe(AxiosError.ERR_NOT_SUPPORT);
    const progress = await failure(viaUndici.get('/ok', { onDownloadProgress: () => {} }));
    expect(progress.code).toBe(AxiosError.ERR_NOT_SUPPORT);
    const sensitive = await failure(viaUndici.get('/ok', { sensitiveHeaders: ['X-Api-Key'] }));
    expect(sensitive.code).toBe(AxiosError.ERR_NOT_SUPPORT);
    // Without redirects there is nothing to strip, so the option is harmless.
    const direct = await viaUndici.get('/ok', { sensitiveHeaders: ['X-Api-Key'], maxRedirects: 0 });
    expect(direct.status).toBe(200);
  });

  it('errors a streamed response with CanceledError when the signal aborts after it resolved', async () => {
    const controller = new AbortController();
    const response = await viaUndici.get<Readable>('/stream-then-hang', {
      responseType: 'stream',
      signal: controller.signal,
    });
    const failed = once(response.data, 'error').then(([error]) => error as unknown);
    response.data.resume();
    controller.abort();
    const error = await failed;
    expect(error).toBeInstanceOf(CanceledError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('enforces maxContentLength on streamed responses too', async () => {
    const response = await viaUndici.get<Readable>('/large', {
      responseType: 'stream',
      maxContentLength: 100,
    });
    const failed = once(response.data, 'error').then(
      ([e]) => e as AxiosError,
      (e: unknown) => e as AxiosError,
    );
    response.data.resume();
    const error = await failed;
    expect(error.message).toBe('maxContentLength size of 100 exceeded');
  });

  it('releases the request when the caller destroys a streamed response early', async () => {
    const controller = new AbortController();
    const response = await viaUndici.get<Readable>('/stream-then-hang', {
      responseType: 'stream',
      signal: controller.signal,
    });
    response.data.destroy();
    await once(response.data, 'close');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // The adapter still serves requests afterwards.
    await expect(viaUndici.get('/ok')).resolves.toMatchObject({ status: 200 });
  });

  it('removes its abort listeners once requests finish (no leak on a long-lived signal)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await viaUndici.get('/ok', { signal: controller.signal });
    await failure(viaUndici.get('/bad-request', { signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('fails with an AxiosError, not a crash, after the adapter is closed', async () => {
    const closing = createUndiciAdapter();
    const client = axios.create({ baseURL, adapter: closing });
    await client.get('/ok');
    await closing.close();
    const error = await failure(client.get('/ok'));
    expect(error.code).toBe('UND_ERR_DESTROYED');
  });

  it('an error never carries the request headers in its message or its JSON', async () => {
    const error = await failure(
      viaUndici.get('/bad-request', { headers: { 'X-Api-Key': 'kit-test-secret-0123456789' } }),
    );
    expect(error.message).not.toContain('kit-test-secret');
    expect(JSON.stringify(error.request)).not.toContain('kit-test-secret');
  });
});
