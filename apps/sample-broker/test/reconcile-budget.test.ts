// When the reconciliation budget runs out while a lookup is still waiting for the broker, the warn
// line and the error say so ("budget_exhausted"), instead of the code of the aborted lookup
// ("cancelled.aborted"), which read as if someone had cancelled the call; when the caller stops
// the call mid-lookup, they say "stopped".
import { isKitError, type KitError } from '@kit/errors';
import { createLogger, type LogRecord } from '@kit/logger';
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

describe('an order whose caller stops it while a lookup waits', () => {
  let broker: SandboxBroker;
  beforeAll(async () => {
    broker = await sandbox({
      faults: {
        http: { executionUnknown: { probability: 1, createdProbability: 0 }, match: ['POST /v1/orders'] },
      },
    });
  });
  afterAll(() => broker.close());

  it('ends unknown, and names the stop as the reason', async () => {
    const caller = new AbortController();
    const records: LogRecord[] = [];
    const logger = createLogger({
      name: 'stop-test',
      level: 'debug',
      format: 'json',
      sink: (_line, record) => {
        records.push(record);
        // The order's one answer ("execution unknown") is in: from here every lookup hangs for a
        // minute, and the caller stops the call a little later, while the first one waits.
        if (record.msg === 'rest: attempt' && record.fields.method === 'POST') {
          broker.admin.setFaults({
            http: {
              latency: { probability: 1, minMs: 60_000, maxMs: 60_000 },
              match: ['GET /v1/orders/by-client-id/:clientOrderId'],
            },
          });
          setTimeout(() => caller.abort(), 200);
        }
      },
    });
    const adapter = adapterFor(broker, { reconcileBudgetMs: 30_000, logger });
    try {
      const error = await adapter
        .placeOrder({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', signal: caller.signal })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isKitError(error)).toBe(true);
      expect((error as KitError).outcome).toBe('unknown');
      expect((error as KitError).details).toMatchObject({ lookups: 1, lastLookup: 'stopped' });
      const warn = records.find((r) => r.msg === 'sample-broker: order outcome unknown after reconciliation');
      expect(warn?.fields).toMatchObject({ lookups: 1, lastLookup: 'stopped' });
    } finally {
      await adapter.close();
    }
  });
});
