// The README's HTTP quick start, kept runnable: the same code, with its comments as assertions.
import { expect, it } from 'vitest';
import { createFaultServer } from './fault-server';

it('runs the README HTTP quick start', async () => {
  const server = await createFaultServer({
    seed: 42,
    routes: [
      {
        method: 'GET',
        path: '/v1/quotes/:symbol',
        handler: (req) => ({ json: { symbol: req.params.symbol, bid: 101.5 } }),
      },
      {
        method: 'POST',
        path: '/v1/orders',
        sideEffect: true,
        handler: () => ({ status: 201, json: { id: 'ord_1' } }),
      },
    ],
    // "Fail the first 2": the first two quote requests get a 503.
    faults: [{ firstN: 2, match: { path: '/v1/quotes/:symbol' }, fault: { type: 'status', status: 503 } }],
  });

  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.url}/v1/quotes/AAPL`)).status);
  expect(statuses).toEqual([503, 503, 200]);

  // The same idempotency key twice: the handler runs once, the repeat gets the stored answer.
  for (let i = 0; i < 2; i++) {
    await fetch(`${server.url}/v1/orders`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'k1' },
      body: '{}',
    });
  }
  expect(server.sideEffectCount()).toBe(1);
  expect(server.requests.map((r) => r.status)).toEqual([503, 503, 200, 201, 201]);

  // Change faults at run time: every request now gets a 429 with Retry-After: 2.
  server.setFaults([{ fault: { type: 'rate_limit', retryAfter: { seconds: 2 } } }]);
  const limited = await fetch(`${server.url}/v1/quotes/AAPL`);
  expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
  await server.close();
});
