// The README's quick start, verbatim between the markers, with its comments as assertions below.
// README:start quick start
import { bearerAuth } from '@kit/auth';
import { createRestClient, defineEndpoint } from '@kit/rest-client';
import { createFaultServer } from '@kit/testing';
import * as v from 'valibot';

const server = await createFaultServer({
  routes: [
    {
      method: 'GET',
      path: '/v1/orders/:id',
      handler: (req) => ({ json: { id: req.params.id, status: 'open', qty: 5 } }),
    },
    {
      method: 'POST',
      path: '/v1/orders',
      sideEffect: true,
      handler: () => ({ status: 201, json: { id: 'ord_1' } }),
    },
  ],
  // The first POST creates the order, then fails with a 503: a lost response.
  faults: [
    { firstN: 1, match: { method: 'POST' }, fault: { type: 'status', status: 503, afterHandler: true } },
  ],
});

const Order = v.object({ id: v.string(), status: v.picklist(['open', 'filled']), qty: v.number() });
const getOrder = defineEndpoint({ method: 'GET', path: '/orders/{id}', response: Order });
const placeOrder = defineEndpoint({
  method: 'POST',
  path: '/orders',
  body: v.object({ symbol: v.string(), qty: v.number() }),
  response: v.object({ id: v.string() }),
});

const client = createRestClient({
  baseUrl: `${server.url}/v1`,
  auth: bearerAuth({ token: 'sandbox-token' }),
  retry: { initialDelayMs: 50 }, // the default is 500 ms
});

const placed = await client.call(placeOrder, { body: { symbol: 'AAPL', qty: 5 } });
placed.data.id; // 'ord_1' (typed from the schema)
placed.attempts; // 2: the 503 was retried with the same Idempotency-Key...
server.sideEffectCount(); // 1: ...so the server created one order, not two

const { data: order } = await client.call(getOrder, { params: { id: placed.data.id } });
order.status; // 'open'
await server.close();

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';

it('runs the README quick start', () => {
  expect([placed.data.id, placed.attempts]).toEqual(['ord_1', 2]);
  expect(server.sideEffectCount()).toBe(1);
  expect(order.status).toBe('open');
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
