// Placing an order exactly once while the answers get lost: the docs build runs this against the
// sandbox with `responseLost` faults on POST /v1/orders (the order is stored, then the socket dies).
import { hmacAuth } from '@kit/auth';
import { isKitError } from '@kit/errors';
import { createRestClient, defineEndpoint } from '@kit/rest-client';
import * as v from 'valibot';
import { brokerConfig } from './broker-config';

const config = brokerConfig.load();
const client = createRestClient({
  baseUrl: config.baseUrl,
  auth: hmacAuth({ apiKey: config.apiKey, apiSecret: config.apiSecret }),
  retry: { initialDelayMs: 100 },
  hooks: {
    onRetry: (event) =>
      console.log(
        `attempt ${event.attempt} failed with ${event.error.code} (outcome ${event.error.outcome}); retrying in ${event.delayMs} ms with the same Idempotency-Key`,
      ),
  },
});

const Order = v.object({
  id: v.string(),
  clientOrderId: v.string(),
  symbol: v.string(),
  side: v.string(),
  type: v.string(),
  quantity: v.string(),
  limitPrice: v.nullable(v.string()),
  status: v.string(),
  filledQuantity: v.string(),
  avgFillPrice: v.nullable(v.string()),
  createdAt: v.number(),
  updatedAt: v.number(),
});
const placeOrder = defineEndpoint({
  method: 'POST',
  path: '/orders',
  body: v.object({
    symbol: v.string(),
    side: v.picklist(['buy', 'sell']),
    type: v.picklist(['market', 'limit']),
    quantity: v.string(),
    clientOrderId: v.string(),
  }),
  response: Order,
});
const getByClientId = defineEndpoint({
  method: 'GET',
  path: '/orders/by-client-id/{clientOrderId}',
  response: Order,
});

const clientOrderId = `docs-${process.pid}`;
try {
  const placed = await client.call(placeOrder, {
    body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', clientOrderId },
  });
  console.log(`placed ${placed.data.id} (${placed.data.status}) in ${placed.attempts} attempts`);
} catch (error) {
  if (!isKitError(error) || error.outcome !== 'unknown') throw error;
  // Every attempt lost its answer: ask the broker by our own id, never place it again under a new one.
  console.log(
    `outcome unknown after ${error.attempts} attempts (${error.code}); reconciling by client order id`,
  );
  const found = await client.call(getByClientId, { params: { clientOrderId } });
  console.log(`reconciled: ${found.data.id} exists (${found.data.status})`);
}
