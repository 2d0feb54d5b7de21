// When the reconciliation budget runs out while a lookup is still waiting for the broker, the warn
// line and the error say so ("budget_exhausted"), instead of the code of the aborted lookup
// ("cancelled.aborted"), which read as if someone had cancelled the call.
import { isKitError, type KitError } from '@kit/errors';
import { createCapturingLogger } from '@kit/logger/testing';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor, sandbox } from './support';

describe('an order whose lookups outlast the reconciliation budget', () => {
  let broker: SandboxBroker;
  beforeAll(async () => {
    broker = await sandbox({
      faults: {
        http: {
          // The order is never created, and every lookup by client order id takes 800 ms.
          executionUnknown: { probability: 1, createdProbability: 0 },
          latency: { probability: 1, minMs: 800, maxMs: 800 },
          match: ['POST /v1/orders', 'GET /v1/orders/by-client-id/:clientOrderId'],
        },
      },
    });
  });
  afterAll(() => broker.close());

  it('ends unknown, and names the spent budget as the reason', async () => {
    const capture = createCapturingLogger({ level: 'debug' });
    const adapter = adapterFor(broker, { reconcileBudgetMs: 300, logger: capture.logger });
    try {
      const error = await adapter
        .placeOrder({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isKitError(error)).toBe(true);
      expect((error as KitError).outcome).toBe('unknown');
      expect((error as KitError).details).toMatchObject({ lookups: 1, lastLookup: 'budget_exhausted' });
      const warn = capture.records.find(
        (r) => r.msg === 'sample-broker: order outcome unknown after reconciliation',
      );
      expect(warn?.fields).toMatchObject({ lookups: 1, lastLookup: 'budget_exhausted', budgetMs: 300 });
      expect(adapter.stats().ordersUnknown).toBe(1);
    } finally {
      await adapter.close();
    }
  });
});
