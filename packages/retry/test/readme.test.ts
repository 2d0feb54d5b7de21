// The README's quick start, verbatim between the markers, against a loopback server that answers one
// 503 and then a quote (`baseUrl`, which the README leaves to the reader).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectReadmeShows } from '@kit/vitest-config/readme';
import { afterAll, expect, it } from 'vitest';

let hits = 0;
const server = createServer((_req, res) => {
  hits++;
  if (hits === 1) res.writeHead(503, { 'retry-after-ms': '50' }).end();
  else
    res
      .writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-remaining': '99' })
      .end('{"price":42}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// README:start quick start
import { classifyHttpResponse, isKitError } from '@kit/errors';
import { createRateLimiter, createRetryPolicy, shouldRetry } from '@kit/retry';

const policy = createRetryPolicy({ deadlineMs: 10_000 }); // 3 attempts, backoff from 500 ms
const limiter = createRateLimiter({
  limits: [
    { tokens: 10, intervalMs: 1_000 }, // 10 requests a second
    { tokens: 1_200, intervalMs: 60_000 }, // and 1,200 weight a minute
  ],
});

async function getQuote(symbol: string): Promise<unknown> {
  return policy.execute(
    async ({ signal }) => {
      await limiter.acquire(2, { signal }); // this endpoint costs 2
      const response = await fetch(`${baseUrl}/v1/quotes/${symbol}`, { signal });
      limiter.observe({ status: response.status, headers: response.headers });
      const body = await response.text();
      if (!response.ok) {
        throw classifyHttpResponse({
          status: response.status,
          headers: response.headers,
          body,
          method: 'GET',
        });
      }
      return JSON.parse(body);
    },
    { shouldRetry: (error) => shouldRetry(error, { method: 'GET' }), budgetKey: '127.0.0.1' },
  );
}

try {
  console.log(await getQuote('ACME')); // { price: 42 }, after one 503 and a Retry-After wait
} catch (error) {
  if (isKitError(error)) console.error(error.code, error.attempts, error.hint);
}
// README:end

it('runs the README quick start: one 503, a Retry-After wait, then the quote', async () => {
  expect(hits).toBe(2);
  expect(await getQuote('ACME')).toEqual({ price: 42 });
  expect(hits).toBe(3);
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
