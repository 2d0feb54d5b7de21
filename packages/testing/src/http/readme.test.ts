// The README's HTTP quick start, verbatim between the markers, with its comments as assertions below.
// README:start HTTP quick start
import { createFaultServer } from '@kit/testing';

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

for (let i = 0; i < 3; i++) await fetch(`${server.url}/v1/quotes/AAPL`); // 503, then 503, then 200

// The same idempotency key twice: the handler runs once, the repeat gets the stored answer.
for (let i = 0; i < 2; i++) {
  await fetch(`${server.url}/v1/orders`, {
    method: 'POST',
    headers: { 'Idempotency-Key': 'k1' },
    body: '{}',
  });
}
server.sideEffectCount(); // 1 however many times k1 is sent
server.requests.map((r) => r.status); // the request log: method, path, query, headers, body, attempt, timing

// Change faults at run time: every request now gets a 429 with Retry-After: 2.
server.setFaults([{ fault: { type: 'rate_limit', retryAfter: { seconds: 2 } } }]);
await server.close(); // destroys open sockets, hung requests included

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';

it('runs the README HTTP quick start', () => {
  expect(server.sideEffectCount()).toBe(1);
  // Three quote requests (two 503s, then the handler), then k1 twice (created once, replayed once).
  expect(server.requests.map((r) => r.status)).toEqual([503, 503, 200, 201, 201]);
  expect(server.sideEffects('k1')).toBe(1);
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
