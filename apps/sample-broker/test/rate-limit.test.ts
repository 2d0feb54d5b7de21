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
    // Under half the broker's limit: a token bucket can send its burst at the end of one of the
    // broker's fixed windows and a refill at the start of the next (the headroom @kit/rest-client
    // documents), and on a loaded machine calls released just before a window can arrive in it.
    env: { SAMPLE_BROKER_RATE_LIMIT: '15', SAMPLE_BROKER_RATE_LIMIT_WINDOW_MS: '1000' },
  });
});
afterAll(async () => {
  await adapter?.close();
  await broker?.close();
});

describe('the client-side rate limiter', () => {
  it('paces 40 weighted calls under the broker’s limit: waits, no 429', async () => {
    // 30 quote reads (weight 1) and 10 order-list pages (weight 5): 80 units, 2 windows of the broker's.
    const calls = [
      ...Array.from({ length: 30 }, () => adapter.getQuote('AAPL')),
      ...Array.from({ length: 10 }, async () => {
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
