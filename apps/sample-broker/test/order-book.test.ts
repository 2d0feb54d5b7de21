// The maintained order book under the sandbox's stream faults (skipped diffs, duplicates, corrupted
// checksums, dropped connections, stalled heartbeats): every view handed out is uncrossed, and
// whenever a view and a fresh REST snapshot are at the same seq they are equal, including at the
// end; resyncs happen on their own and are counted.
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderBookView, ResyncEvent, SampleBroker } from '../src/index';
import { adapterFor, sandbox } from './support';

const DEPTH = 10;
const MIN_DIFFS = 1500;
const MIN_RESYNCS = 10;

let broker: SandboxBroker;
let adapter: SampleBroker;
let checker: SampleBroker;

beforeAll(async () => {
  broker = await sandbox({
    seed: 2024,
    quoteIntervalMs: 5,
    heartbeatIntervalMs: 200,
    // Snapshots weigh 5 and this test takes hundreds; the limit is not what is tested here.
    rateLimit: false,
    faults: {
      ws: {
        skipSeq: { probability: 0.01 },
        duplicateSeq: { probability: 0.02 },
        corruptChecksum: { probability: 0.01 },
        drop: { probability: 0.002 },
        stallHeartbeat: { probability: 0.1 },
      },
    },
  });
  adapter = adapterFor(broker, {
    env: { SAMPLE_BROKER_IDLE_TIMEOUT_MS: '1000' },
    wsPingIntervalMs: 500,
    wsPongTimeoutMs: 500,
  });
  // A second adapter only for REST snapshots to compare with (the faults above are stream faults).
  checker = adapterFor(broker, { credentials: 'reader' });
});
afterAll(async () => {
  await adapter?.close();
  await checker?.close();
  await broker?.close();
});

function sameBook(
  view: OrderBookView,
  snapshot: { bids: readonly (readonly [string, string])[]; asks: readonly (readonly [string, string])[] },
) {
  expect(view.bids).toEqual(snapshot.bids.slice(0, DEPTH));
  expect(view.asks).toEqual(snapshot.asks.slice(0, DEPTH));
}

describe('the maintained order book', () => {
  it('stays equal to the broker’s book through gaps, duplicates, corrupt checksums and drops', async () => {
    const resyncs: ResyncEvent[] = [];
    let mismatches = 0;
    let gaps = 0;
    adapter.on('resync', (event) => resyncs.push(event));
    adapter.on('checksum_mismatch', () => mismatches++);
    adapter.on('gap', () => gaps++);

    const stop = new AbortController();
    const bySeq = new Map<number, OrderBookView>();
    let views = 0;
    let firstSeq: number | undefined;
    let lastSeq = 0;
    let crossed = 0;
    let notVerified = 0;
    let waiter: { seq: number; resolve: () => void } | undefined;

    const consuming = (async () => {
      for await (const view of adapter.streamOrderBook('AAPL', { depth: DEPTH, signal: stop.signal })) {
        views++;
        firstSeq ??= view.seq;
        expect(view.seq).toBeGreaterThanOrEqual(lastSeq);
        lastSeq = view.seq;
        const bid = view.bids[0];
        const ask = view.asks[0];
        if (bid !== undefined && ask !== undefined && Number(bid[0]) >= Number(ask[0])) crossed++;
        if (view.checksumOk !== true) notVerified++;
        bySeq.set(view.seq, view);
        if (bySeq.size > 5000) bySeq.delete(bySeq.keys().next().value as number);
        if (waiter !== undefined && view.seq >= waiter.seq) {
          const { resolve } = waiter;
          waiter = undefined;
          resolve();
        }
      }
    })();
    const viewAtOrAfter = (seq: number) =>
      lastSeq >= seq
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiter = { seq, resolve };
          });

    /** Takes a snapshot, waits for the stream to reach its seq and compares when a view sits exactly there. */
    const compare = async (): Promise<boolean> => {
      const snapshot = await checker.getOrderBook('AAPL', { depth: 50 });
      await viewAtOrAfter(snapshot.seq);
      const view = bySeq.get(snapshot.seq);
      if (view === undefined) return false; // conflated past it: try another
      sameBook(view, snapshot);
      return true;
    };

    let compared = 0;
    let attempts = 0;
    while (
      (lastSeq - (firstSeq ?? lastSeq) < MIN_DIFFS || resyncs.length <= MIN_RESYNCS) &&
      attempts < 1000
    ) {
      attempts++;
      if (await compare()) compared++;
      // Compare again once the book has moved on by a few diffs.
      await viewAtOrAfter(lastSeq + 5);
    }

    // At the end, with the faults off, the book must still equal a fresh snapshot at the same seq.
    broker.admin.clearFaults();
    let finalMatch = false;
    for (let i = 0; i < 50 && !finalMatch; i++) finalMatch = await compare();
    stop.abort();
    await consuming;

    const ledger = broker.ledger();
    const figures = {
      views,
      diffsCovered: lastSeq - (firstSeq ?? 0),
      comparedAtSameSeq: compared,
      compareAttempts: attempts,
      resyncs: resyncs.length - 1,
      resyncReasons: resyncs.reduce<Record<string, number>>((acc, r) => {
        acc[r.reason] = (acc[r.reason] ?? 0) + 1;
        return acc;
      }, {}),
      gapsDetected: gaps,
      checksumMismatchesDetected: mismatches,
      injected: ledger.counts.faultsByKind,
      adapter: adapter.stats(),
      crossed,
    };
    console.log(`order-book figures: ${JSON.stringify(figures)}`);

    expect(finalMatch).toBe(true);
    expect(crossed).toBe(0);
    expect(notVerified).toBe(0);
    expect(compared).toBeGreaterThan(10);
    expect(resyncs[0]?.reason).toBe('initial');
    expect(figures.resyncs).toBeGreaterThan(MIN_RESYNCS);
    expect(gaps).toBeGreaterThan(0);
    expect(mismatches).toBeGreaterThan(0);
    expect(adapter.stats().resyncs).toBe(figures.resyncs);
  }, 80_000);
});
