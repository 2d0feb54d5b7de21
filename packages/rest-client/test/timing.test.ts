import { createFaultServer, createManualClock, type FaultServer } from '@kit/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index';
import { createLogCapture, failure } from './support';

const capture = createLogCapture();
let server: FaultServer;
beforeEach(async () => {
  server = await createFaultServer({
    routes: [
      {
        method: 'GET',
        path: '/v1/quotes/:symbol',
        handler: (r) => ({ json: { symbol: r.params.symbol, bid: 1 } }),
      },
    ],
  });
});
afterEach(() => server.close());
afterAll(() => expect(capture.leaks()).toEqual([]));

const ATTEMPT_MS = 30_000;
const DEADLINE_MS = 60_000;
const isGuard = (ms: number) => ms === ATTEMPT_MS || ms === DEADLINE_MS;

function setup(retry: Record<string, unknown> = {}) {
  const virtual = createManualClock();
  const client = createRestClient({
    baseUrl: `${server.url}/v1`,
    logger: capture.logger,
    timeouts: { attemptMs: ATTEMPT_MS, deadlineMs: DEADLINE_MS },
    retry: { clock: virtual, random: () => 0, budget: false, maxAttempts: 5, ...retry },
  });
  return { virtual, client };
}

describe('waiting: Retry-After, deadline, abort', () => {
  it.each([
    ['delta-seconds', { seconds: 7 }, 7_000],
    ['retry-after-ms', { ms: 2_500 }, 2_500],
  ] as const)('waits for a Retry-After in %s before retrying', async (_name, retryAfter, expectedMs) => {
    server.setFaults([{ firstN: 1, fault: { type: 'rate_limit', retryAfter } }]);
    const { virtual, client } = setup();
    const call = client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' } });
    const waitMs = await virtual.nextSleep((ms) => !isGuard(ms));
    expect(waitMs).toBe(expectedMs);
    expect(server.requests).toHaveLength(1);
    await virtual.advance(waitMs - 1);
    expect(server.requests).toHaveLength(1);
    await virtual.advance(1);
    const response = await call;
    expect(response.attempts).toBe(2);
    expect(server.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('waits for a Retry-After given as an HTTP-date, measured against the injected clock', async () => {
    const { virtual, client } = setup();
    // The virtual clock starts on a whole second, so the one-second date resolution loses nothing.
    server.setFaults([
      { firstN: 1, fault: { type: 'rate_limit', retryAfter: { date: virtual.now() + 20_000 } } },
    ]);
    const call = client.get('/quotes/{symbol}', { params: { symbol: 'MSFT' } });
    const waitMs = await virtual.nextSleep((ms) => !isGuard(ms));
    expect(waitMs).toBe(20_000);
    await virtual.advance(waitMs);
    expect((await call).status).toBe(200);
  });

  it('fails at once with rate_limit.exceeded when the server asks to wait past the deadline', async () => {
    server.setFaults([{ fault: { type: 'rate_limit', retryAfter: { seconds: 90 } } }]);
    const { virtual, client } = setup();
    const error = await failure(client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' } }));
    expect(error.code).toBe('rate_limit.exceeded');
    expect(error.retryAfterMs).toBe(90_000);
    expect(error.attempts).toBe(1);
    expect([error.method, error.path]).toEqual(['GET', '/v1/quotes/AAPL']);
    expect(virtual.sleeps.filter((ms) => !isGuard(ms))).toEqual([]);
  });

  it('lets the deadline win over the attempt count when the server hangs', async () => {
    server.setFaults([{ fault: { type: 'hang' } }]);
    const { virtual, client } = setup({ maxAttempts: 10 });
    const call = failure(client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' } }));
    for (let attempt = 1; attempt <= 2; attempt++) {
      await expect.poll(() => server.requests.length).toBe(attempt);
      await virtual.advance(ATTEMPT_MS);
    }
    const error = await call;
    expect(error.code).toBe('timeout.deadline');
    expect([error.method, error.path]).toEqual(['GET', '/v1/quotes/AAPL']);
    expect(error.attempts).toBeLessThan(10);
    expect(server.requests.length).toBe(error.attempts);
  });

  it('times an attempt out and retries a GET', async () => {
    server.setFaults([{ firstN: 1, fault: { type: 'hang' } }]);
    const { virtual, client } = setup();
    const call = client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' } });
    await expect.poll(() => server.requests.length).toBe(1);
    const nextBackoff = virtual.nextSleep((ms) => !isGuard(ms));
    await virtual.advance(ATTEMPT_MS);
    const backoff = await nextBackoff;
    await virtual.advance(backoff);
    const response = await call;
    expect(response.attempts).toBe(2);
  });

  it('stops at once when the caller aborts during a request in flight', async () => {
    server.setFaults([{ fault: { type: 'hang' } }]);
    const { client } = setup();
    const controller = new AbortController();
    const call = failure(
      client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' }, signal: controller.signal }),
    );
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    const error = await call;
    expect(error.code).toBe('cancelled.aborted');
    expect(error.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once when the caller aborts during a backoff wait', async () => {
    server.setFaults([{ fault: { type: 'status', status: 503 } }]);
    const { virtual, client } = setup();
    const controller = new AbortController();
    const call = failure(
      client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' }, signal: controller.signal }),
    );
    await virtual.nextSleep((ms) => !isGuard(ms));
    controller.abort();
    const error = await call;
    expect(error.code).toBe('cancelled.aborted');
    expect(server.requests).toHaveLength(1);
  });

  it('does not send at all when the signal is already aborted', async () => {
    const { client } = setup();
    const error = await failure(
      client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' }, signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe('cancelled.aborted');
    expect(server.requests).toHaveLength(0);
  });
});
