import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyError, classifyHttpResponse, isKitError } from '@kit/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/rate-limiter';
import { createRetryPolicy } from '../src/retry-policy';
import type { RetryEvent } from '../src/retry-policy-options';
import { shouldRetry } from '../src/should-retry';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

const servers: Server[] = [];
async function serve(handler: Handler): Promise<{ url: string; hits: () => number; aborted: () => number }> {
  let hits = 0;
  let aborted = 0;
  const server = createServer((req, res) => {
    hits++;
    res.on('close', () => {
      if (!res.writableFinished) aborted++;
    });
    handler(req, res, hits);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, aborted: () => aborted };
}
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A GET through fetch that throws a classified KitError for non-2xx answers and network failures. */
async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throw signal.aborted ? signal.reason : classifyError(error, { method: 'GET', url });
  }
  const body = await response.text();
  if (!response.ok) {
    throw classifyHttpResponse({
      status: response.status,
      headers: response.headers,
      body,
      method: 'GET',
      path: '/v1/quote',
    });
  }
  return JSON.parse(body);
}

describe('retry policy against a real loopback server', () => {
  it('retries a 503 on GET after the Retry-After it asked for, then succeeds', async () => {
    const server = await serve((_req, res, hit) => {
      if (hit === 1) {
        res
          .writeHead(503, { 'retry-after-ms': '120', 'content-type': 'application/json' })
          .end('{"error":"busy"}');
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"price":42}');
    });
    const retries: RetryEvent[] = [];
    const policy = createRetryPolicy({ initialDelayMs: 1, maxDelayMs: 5, onRetry: (e) => retries.push(e) });
    const start = performance.now();
    const body = await policy.execute(({ signal }) => getJson(`${server.url}/v1/quote`, signal), {
      shouldRetry: (e) => shouldRetry(e, { method: 'GET' }),
    });
    expect(body).toEqual({ price: 42 });
    expect(server.hits()).toBe(2);
    expect(retries[0]?.error.code).toBe('server.unavailable');
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(120);
    expect(performance.now() - start).toBeGreaterThanOrEqual(115);
  });

  it('with 3 attempts and a 1 s deadline, a hanging server costs 1 s plus a small margin', async () => {
    const server = await serve(() => {
      // never answers
    });
    const policy = createRetryPolicy({
      maxAttempts: 3,
      deadlineMs: 1000,
      attemptTimeoutMs: 400,
      initialDelayMs: 10,
    });
    const start = performance.now();
    const error = await policy
      .execute(({ signal }) => getJson(`${server.url}/v1/quote`, signal), {
        shouldRetry: (e) => shouldRetry(e, { method: 'GET' }),
      })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - start;
    expect(isKitError(error, 'timeout.deadline')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1200);
    // Two attempts timed out at 400 ms each; the third was cut by the deadline. Every one was
    // really aborted on the wire (fetch honoured the combined signal).
    expect(server.hits()).toBe(3);
    await expect.poll(() => server.aborted()).toBe(3);
  });

  it('does not resend a POST whose attempt timed out (unknown outcome)', async () => {
    const server = await serve(() => {});
    const policy = createRetryPolicy({ attemptTimeoutMs: 150 });
    const error = await policy
      .execute(({ signal }) => fetch(`${server.url}/v1/orders`, { method: 'POST', body: '{}', signal }), {
        shouldRetry: (e) => shouldRetry(e, { method: 'POST' }),
      })
      .catch((e: unknown) => e);
    expect(isKitError(error, 'timeout.attempt')).toBe(true);
    expect(server.hits()).toBe(1);
  });

  it('an abort during backoff rejects within a few milliseconds', async () => {
    const server = await serve((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end());
    const controller = new AbortController();
    let abortedAt = 0;
    const policy = createRetryPolicy({
      onRetry: () => {
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort();
        }, 20);
      },
    });
    const error = await policy
      .execute(({ signal }) => getJson(`${server.url}/v1/quote`, signal), {
        signal: controller.signal,
        shouldRetry: () => true,
      })
      .catch((e: unknown) => e);
    const lag = performance.now() - abortedAt;
    expect(isKitError(error, 'cancelled.aborted')).toBe(true);
    expect(lag).toBeLessThan(50); // generous for a loaded 2-core CI box; the fake-clock test shows 0 ms
  });
});

describe('rate limiter against a real loopback server', () => {
  it('a 429 pauses every queued request until Retry-After, then all go through', async () => {
    const arrivals: number[] = [];
    const server = await serve((_req, res, hit) => {
      arrivals.push(performance.now());
      if (hit === 1) res.writeHead(429, { 'retry-after-ms': '250' }).end();
      else
        res
          .writeHead(200, {
            'x-ratelimit-limit': '100',
            'x-ratelimit-remaining': '90',
            'x-ratelimit-reset': '1',
          })
          .end('{}');
    });
    const limiter = createRateLimiter({ limits: [{ tokens: 100, intervalMs: 1000 }] });
    const call = async () => {
      await limiter.acquire();
      const response = await fetch(server.url);
      await response.arrayBuffer();
      limiter.observe({ status: response.status, headers: response.headers });
      return response.status;
    };
    expect(await call()).toBe(429);
    const statuses = await Promise.all([call(), call(), call()]);
    expect(statuses).toEqual([200, 200, 200]);
    const first = arrivals[0] as number;
    for (const later of arrivals.slice(1)) expect(later - first).toBeGreaterThanOrEqual(240);
  });
});
