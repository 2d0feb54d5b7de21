import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createFaultServer, type FaultServer } from './fault-server';

interface RawResult {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
  chunks: number;
}

/** A plain node:http client, so the server is tested without the code it is meant to test. */
function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    const result: RawResult = { body: '', chunks: 0 };
    const req = httpRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: init.agent },
      (res) => {
        result.status = res.statusCode;
        result.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          result.body += chunk;
          result.chunks++;
        });
        res.on('end', () => resolve(result));
        res.on('aborted', () => resolve({ ...result, error: 'aborted' }));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ ...result, error: error.code ?? error.message }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ...result, error: error.code ?? error.message }),
    );
    req.end(init.body);
  });
}

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createFaultServer', () => {
  it('routes by method and pattern and logs every request with query, headers and body', async () => {
    server = await createFaultServer({
      routes: [
        { method: 'GET', path: '/orders/:id', handler: (r) => ({ json: { id: r.params.id, q: r.query } }) },
        { method: 'POST', path: '/echo', handler: (r) => ({ status: 201, json: r.json }) },
      ],
    });
    const got = await send(`${server.url}/orders/a%2Fb?x=1&x=2&y=z`);
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body)).toEqual({ id: 'a/b', q: { x: ['1', '2'], y: 'z' } });
    const posted = await send(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
      body: '{"a":1}',
    });
    expect(posted.status).toBe(201);
    expect(JSON.parse(posted.body)).toEqual({ a: 1 });
    expect((await send(`${server.url}/missing`)).status).toBe(404);
    expect(server.requests.map((r) => [r.method, r.path, r.route, r.status])).toEqual([
      ['GET', '/orders/a%2Fb', 'GET /orders/:id', 200],
      ['POST', '/echo', 'POST /echo', 201],
      ['GET', '/missing', undefined, 404],
    ]);
    expect(server.requests[0]?.rawQuery).toBe('x=1&x=2&y=z');
    expect(server.requests[1]?.idempotencyKey).toBe('k1');
    expect(server.requests[1]?.body).toBe('{"a":1}');
  });

  it('runs a side-effect handler once per idempotency key and replays the stored answer', async () => {
    let created = 0;
    server = await createFaultServer({
      routes: [
        {
          method: 'POST',
          path: '/orders',
          sideEffect: true,
          handler: () => ({ status: 201, json: { id: `o${++created}` } }),
        },
      ],
    });
    const post = (key?: string) =>
      send(`${server?.url}/orders`, {
        method: 'POST',
        headers: key ? { 'Idempotency-Key': key } : {},
        body: '{}',
      });
    const first = await post('k1');
    const repeat = await post('k1');
    await post('k2');
    await post();
    await post();
    expect(JSON.parse(first.body)).toEqual({ id: 'o1' });
    expect(JSON.parse(repeat.body)).toEqual({ id: 'o1' });
    expect(server.sideEffects('k1')).toBe(1);
    expect(server.sideEffects('k2')).toBe(1);
    expect(server.sideEffectCount()).toBe(4);
    expect(server.requests.map((r) => r.attempt)).toEqual([1, 2, 1, 1, 2]);
  });

  it('fails the first N requests of a route, then answers normally', async () => {
    server = await createFaultServer({
      routes: [
        {
          method: 'GET',
          path: '/time',
          handler: { json: { t: 1 } },
          faults: [{ firstN: 2, fault: { type: 'status', status: 503 } }],
        },
      ],
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(`${server.url}/time`)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(server.requests.map((r) => r.faults)).toEqual([['status'], ['status'], []]);
  });

  it('sends 429 with Retry-After in seconds, HTTP-date or milliseconds and rate-limit headers', async () => {
    server = await createFaultServer({ routes: [{ method: 'GET', path: '/x' }] });
    server.setFaults([
      { firstN: 1, fault: { type: 'rate_limit', retryAfter: { seconds: 3 }, limit: 10, resetSeconds: 3 } },
    ]);
    const seconds = await send(`${server.url}/x`);
    expect(seconds.status).toBe(429);
    expect(seconds.headers?.['retry-after']).toBe('3');
    expect(seconds.headers?.['x-ratelimit-limit']).toBe('10');
    expect(seconds.headers?.['x-ratelimit-remaining']).toBe('0');
    expect(seconds.headers?.['x-ratelimit-reset']).toBe('3');
    server.setFaults([
      { firstN: 1, fault: { type: 'rate_limit', retryAfter: { date: Date.UTC(2030, 0, 1) } } },
    ]);
    expect((await send(`${server.url}/x`)).headers?.['retry-after']).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    server.setFaults([{ firstN: 1, fault: { type: 'rate_limit', retryAfter: { ms: 250 } } }]);
    expect((await send(`${server.url}/x`)).headers?.['retry-after-ms']).toBe('250');
    expect((await send(`${server.url}/x`)).status).toBe(200);
  });

  it('resets the connection before the response and in the middle of the body', async () => {
    server = await createFaultServer({
      routes: [{ method: 'GET', path: '/big', handler: { json: { data: 'x'.repeat(2000) } } }],
    });
    server.setFaults([{ firstN: 1, fault: { type: 'reset' } }]);
    const before = await send(`${server.url}/big`);
    expect(before.status).toBeUndefined();
    expect(before.error).toBe('ECONNRESET');
    server.setFaults([{ firstN: 1, fault: { type: 'reset', midBody: true } }]);
    const mid = await send(`${server.url}/big`);
    expect(mid.status).toBe(200);
    expect(mid.error).toBeDefined();
    expect(mid.body.length).toBeGreaterThan(0);
    expect(mid.body.length).toBeLessThan(2000);
  });

  it('truncates, malforms, empties and replaces bodies with a proxy HTML page', async () => {
    server = await createFaultServer({
      routes: [{ method: 'GET', path: '/x', handler: { json: { id: 1, name: 'abc' } } }],
    });
    server.setFaults([{ firstN: 1, fault: { type: 'truncated' } }]);
    const truncated = await send(`${server.url}/x`);
    expect(truncated.error).toBe('aborted');
    expect(Number(truncated.headers?.['content-length'])).toBeGreaterThan(truncated.body.length);

    server.setFaults([{ firstN: 1, fault: { type: 'malformed_json' } }]);
    const malformed = await send(`${server.url}/x`);
    expect(malformed.headers?.['content-type']).toContain('application/json');
    expect(() => JSON.parse(malformed.body)).toThrow();

    server.setFaults([{ firstN: 1, fault: { type: 'empty_body' } }]);
    const empty = await send(`${server.url}/x`);
    expect([empty.status, empty.body]).toEqual([200, '']);

    server.setFaults([{ firstN: 1, fault: { type: 'html_error' } }]);
    const html = await send(`${server.url}/x`);
    expect(html.status).toBe(502);
    expect(html.headers?.['content-type']).toBe('text/html');
    expect(html.body).toContain('<title>502 Bad Gateway</title>');
  });

  it('drifts the handler JSON and sends a slow body in chunks', async () => {
    server = await createFaultServer({
      routes: [{ method: 'GET', path: '/q', handler: { json: { bid: 1, ask: 2, ts: 3 } } }],
      faults: [
        {
          fault: {
            type: 'drift',
            rename: { bid: 'b' },
            add: { extra: true },
            remove: ['ts'],
            retype: { ask: '2' },
          },
        },
      ],
    });
    expect(JSON.parse((await send(`${server.url}/q`)).body)).toEqual({ b: 1, ask: '2', extra: true });
    server.setFaults([{ fault: { type: 'slow_body', chunkBytes: 4, delayMs: 1 } }]);
    const slow = await send(`${server.url}/q`);
    expect(JSON.parse(slow.body)).toEqual({ bid: 1, ask: 2, ts: 3 });
    expect(slow.chunks).toBeGreaterThan(2);
  });

  it('replays the same random faults for the same seed', async () => {
    const run = async (seed: number) => {
      const s = await createFaultServer({
        seed,
        routes: [{ method: 'GET', path: '/x' }],
        faults: [{ probability: 0.5, fault: { type: 'status', status: 500 } }],
      });
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await send(`${s.url}/x`)).status);
      s.reset();
      const again = [];
      for (let i = 0; i < 12; i++) again.push((await send(`${s.url}/x`)).status);
      await s.close();
      return { statuses, again };
    };
    const a = await run(42);
    const b = await run(42);
    expect(a.statuses).toEqual(b.statuses);
    expect(a.statuses).toEqual(a.again);
    expect(a.statuses).toContain(500);
    expect(a.statuses).toContain(200);
  });

  it('applies seeded random latency and reports socket reuse on keep-alive', async () => {
    server = await createFaultServer({
      routes: [{ method: 'GET', path: '/x' }],
      faults: [{ fault: { type: 'latency', minMs: 5, maxMs: 15 } }],
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const started = Date.now();
    await send(`${server.url}/x`, { agent });
    await send(`${server.url}/x`, { agent });
    expect(Date.now() - started).toBeGreaterThanOrEqual(10);
    expect(server.requests.map((r) => r.socketReused)).toEqual([false, true]);
    agent.destroy();
  });

  it('hangs until closed, and close() ends the hung request instead of waiting for it', async () => {
    server = await createFaultServer({
      routes: [{ method: 'GET', path: '/x' }],
      faults: [{ fault: { type: 'hang' } }],
    });
    const pending = send(`${server.url}/x`);
    await expect.poll(() => server?.requests.length).toBe(1);
    await server.close();
    const result = await pending;
    expect(result.status).toBeUndefined();
    expect(result.error).toBeDefined();
  });
});
