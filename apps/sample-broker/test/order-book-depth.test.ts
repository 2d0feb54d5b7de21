// A view as deep as the stream allows is as right as a shallow one: the snapshot the book starts
// from holds the broker's whole book, so a level that moves up into the view after the price has
// moved was in the adapter's book all along (a snapshot only as deep as the view missed it).
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderBookView, SampleBroker } from '../src/index';
import { MAX_BOOK_VIEW_DEPTH } from '../src/order-book';
import { adapterFor, sandbox } from './support';

let broker: SandboxBroker;
let adapter: SampleBroker;
let checker: SampleBroker;

beforeAll(async () => {
  broker = await sandbox({ seed: 99, quoteIntervalMs: 2, rateLimit: false });
  adapter = adapterFor(broker);
  checker = adapterFor(broker, { credentials: 'reader' });
});
afterAll(async () => {
  await adapter?.close();
  await checker?.close();
  await broker?.close();
});

describe('the deepest order-book view', () => {
  it(`equals the broker's top ${MAX_BOOK_VIEW_DEPTH} levels after the price has moved`, async () => {
    const stop = new AbortController();
    const bySeq = new Map<number, OrderBookView>();
    let firstSeq: number | undefined;
    let lastSeq = 0;
    let waiter: { seq: number; resolve: () => void } | undefined;
    const consuming = (async () => {
      for await (const view of adapter.streamOrderBook('AAPL', {
        depth: MAX_BOOK_VIEW_DEPTH,
        signal: stop.signal,
      })) {
        firstSeq ??= view.seq;
        lastSeq = view.seq;
        bySeq.set(view.seq, view);
        if (waiter !== undefined && view.seq >= waiter.seq) {
          const { resolve } = waiter;
          waiter = undefined;
          resolve();
        }
      }
    })();
    const reach = (seq: number) =>
      lastSeq >= seq ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { seq, resolve }));

    await reach(1);
    const started = firstSeq as number;
    const firstMid = Number((bySeq.get(started) as OrderBookView).bids[0]?.[0]);
    let compared = 0;
    let moved = 0;
    for (let attempt = 0; attempt < 400 && (compared < 20 || lastSeq - started < 600); attempt++) {
      const snapshot = await checker.getOrderBook('AAPL', { depth: MAX_BOOK_VIEW_DEPTH });
      await reach(snapshot.seq);
      const view = bySeq.get(snapshot.seq);
      if (view === undefined) continue;
      expect(view.bids).toEqual(snapshot.bids);
      expect(view.asks).toEqual(snapshot.asks);
      compared++;
      moved = Math.max(moved, Math.abs(Number(view.bids[0]?.[0]) - firstMid));
      await reach(lastSeq + 20);
    }
    stop.abort();
    await consuming;
    expect(compared).toBeGreaterThanOrEqual(20);
    // The point of the test: the best price moved while it ran, so deep levels changed rank.
    expect(moved).toBeGreaterThan(0);
  }, 60_000);
});
