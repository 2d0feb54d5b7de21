// The end-of-session book check against a book stream the faults left in a long backoff: it waits
// for the stream to be live before taking each snapshot, instead of spending its snapshots while
// the stream is away and then reporting the book "different" (a harsh run's reconnect can take up
// to the client's 30 s maximum delay). Driven by a simulated clock: no real waiting.
import type { OrderBookView } from '@kit/sample-broker';
import { describe, expect, it } from 'vitest';
import { checkBook } from '../src/start/check-book';
import { isDelivering } from '../src/start/session-state';

/** A view at `seq` (the fields the check does not read filled in). */
const viewAt = (seq: number): OrderBookView => ({
  symbol: 'AAPL',
  seq,
  bids: [['1', '1']],
  asks: [['2', '1']],
  checksumOk: true,
  resynced: false,
});

/** A book stream that is away until `backAtMs`, then delivers a view at every seq (one per 100 ms). */
function world(backAtMs: number) {
  let now = 0;
  const views = new Map<number, OrderBookView>();
  let latest: OrderBookView | undefined = viewAt(1);
  views.set(1, latest);
  const seqAt = (t: number) => 1 + Math.floor(t / 100);
  const advance = (ms: number) => {
    now += ms;
    if (now < backAtMs) return;
    for (let seq = (latest?.seq ?? 0) + 1; seq <= seqAt(now); seq++) {
      latest = viewAt(seq);
      views.set(seq, latest);
    }
  };
  return {
    views,
    latest: () => latest,
    isDelivering: () => now >= backAtMs,
    // The server's book is always at the current seq; the snapshot is of that seq.
    truth: {
      bookSnapshot: async () => ({ seq: seqAt(now), bids: [['1', '1']], asks: [['2', '1']] }) as const,
    },
    waitFor: async (predicate: () => boolean, timeoutMs: number) => {
      for (let waited = 0; !predicate() && waited < timeoutMs; waited += 250) advance(250);
      return predicate();
    },
  };
}

describe('checkBook', () => {
  it('compares the book once a stream in a long backoff is back (20 s after the faults went off)', async () => {
    const w = world(20_000);
    const problems: string[] = [];
    const check = await checkBook({ ...w, symbol: 'AAPL', depth: 10, problems });
    expect(check).toMatchObject({ equal: true });
    expect(check.seq).toBeGreaterThanOrEqual(201);
    expect(problems).toEqual([]);
  });

  it('says the stream did not come back, rather than "different", when it stays away', async () => {
    const check = await checkBook({
      ...world(Number.POSITIVE_INFINITY),
      symbol: 'AAPL',
      depth: 10,
      problems: [],
    });
    expect(check).toEqual({
      equal: false,
      detail: 'the book stream was not live within 35 s of the faults going off',
    });
  });
});

describe('isDelivering', () => {
  it('counts a book back in step after a resync as delivering, not one resyncing or reconnecting', () => {
    expect(
      ['live', 'resynced', 'stale', 'reconnecting', 'connecting', 'closed', undefined].map(isDelivering),
    ).toEqual([true, true, false, false, false, false, false]);
  });
});
