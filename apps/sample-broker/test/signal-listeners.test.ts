// The adapter's signals do not accumulate: many placeOrder calls that reconcile, sharing one caller
// signal, leave no listener and no AbortSignal.any dependant behind (Node 20 never removes those),
// and 32 concurrent reconciling calls print no MaxListenersExceededWarning.
import { getEventListeners } from 'node:events';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor, sandbox } from './support';

/** Entries AbortSignal.any() left on `signal` (Node keeps them in an internal symbol-keyed set). */
function dependants(signal: AbortSignal): number {
  let count = 0;
  for (const key of Object.getOwnPropertySymbols(signal)) {
    // A primordials SafeSet, not instanceof Set: read its size.
    const value = (signal as unknown as Record<symbol, { size?: unknown } | undefined>)[key];
    if (key.description === 'kDependantSignals' && typeof value?.size === 'number') count += value.size;
  }
  return count;
}

describe('signals over many reconciling calls', () => {
  let broker: SandboxBroker;
  beforeAll(async () => {
    broker = await sandbox({
      faults: {
        http: {
          responseLost: { probability: 0.5 },
          executionUnknown: { probability: 0.5, createdProbability: 0.5 },
          match: ['POST /v1/orders'],
        },
      },
    });
  });
  afterAll(() => broker.close());

  it('leaves no listener or dependant on a long-lived caller signal', async () => {
    const adapter = adapterFor(broker, { reconcileBudgetMs: 300 });
    const caller = new AbortController();
    const before = getEventListeners(caller.signal, 'abort').length;
    for (let i = 0; i < 40; i++) {
      await adapter
        .placeOrder({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', signal: caller.signal })
        .catch(() => undefined);
    }
    for await (const _ of adapter.listOrders({ signal: caller.signal, pageSize: 5 })) break;
    expect(adapter.stats().ordersReconciled + adapter.stats().ordersUnknown).toBeGreaterThan(0);
    expect(getEventListeners(caller.signal, 'abort').length).toBe(before);
    expect(dependants(caller.signal)).toBe(0);
    await adapter.close();
  });

  it('prints no warning when 32 calls reconcile at once', async () => {
    // Every order answer is "execution unknown" here, so all 32 calls reconcile at the same time
    // (with the shared broker's 50/50 mix, how many do depends on the order the calls arrive in).
    const unknown = await sandbox({
      faults: {
        http: { executionUnknown: { probability: 1, createdProbability: 0.5 }, match: ['POST /v1/orders'] },
      },
    });
    const adapter = adapterFor(unknown, { reconcileBudgetMs: 300 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await Promise.allSettled(
        Array.from({ length: 32 }, () =>
          adapter.placeOrder({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' }),
        ),
      );
      expect(adapter.stats().ordersReconciled + adapter.stats().ordersUnknown).toBe(32);
      // process 'warning' is emitted on the next tick after the listener is added.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      await adapter.close();
      await unknown.close();
    }
    expect(warnings.map((w) => w.name)).toEqual([]);
  });
});
