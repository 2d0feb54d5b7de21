// The client-side limiter, weighted like the broker (API.md, "Rate limits"), keeps a burst of calls
// under the broker's real limit: the calls wait instead of collecting 429s.
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleBroker } from '../src/index';
import { adapterFor, sandbox } from './support';

let broker: SandboxBroker;
let adapter: SampleBroker;

beforeAll(async () => {
  broker = await sandbox({ rateLimit: { limit: 40, windowMs: 1_000 } });
  adapter = adapterFor(broker, {
    env: { SAMPLE_BROKER_RATE_LIMIT: '30', SAMPLE_BROKER_RATE_LIMIT_WINDOW_MS: '1000' },
  });
});
afterAll(async () => {
  await adapter?.close();
  await broker?.close();
});

describe('the client-side rate limiter', () => {
  it('paces 60 weighted calls under the broker’s limit: waits, no 429', async () => {
    // 40 quote reads (weight 1) and 20 order-list pages (weight 5): 140 units, about 4 windows' worth.
    const calls = [
      ...Array.from({ length: 40 }, () => adapter.getQuote('AAPL')),
      ...Array.from({ length: 20 }, async () => {
        for await (const _ of adapter.listOrders({ pageSize: 1 })) break;
      }),
    ];
    await Promise.all(calls);
    expect(broker.ledger().counts.rateLimited).toBe(0);
    const stats = adapter.stats();
    expect(stats.rateLimitWaits).toBeGreaterThan(0);
    expect(stats.rateLimitWaitMs).toBeGreaterThan(1_000);
  }, 30_000);
});
