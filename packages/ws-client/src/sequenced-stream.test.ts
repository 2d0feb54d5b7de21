import { systemClock } from '@kit/retry';
import { describe, expect, it } from 'vitest';
import { SequencedStream, type WsGapEvent, type WsResyncedEvent } from './sequenced-stream';
import { monotonicSequencer } from './sequencer';

type M = { seq: number };

function setup(resync?: (watermark: number | undefined) => Promise<{ lastSeq: number; messages?: M[] }>) {
  const delivered: number[] = [];
  const gaps: WsGapEvent[] = [];
  const resynced: WsResyncedEvent[] = [];
  const errors: string[] = [];
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const stream = new SequencedStream<M>({
    stream: 'book',
    sequencer: monotonicSequencer<M>({ start: 0 }),
    resync: resync ? (_s, { watermark }) => resync(watermark) : undefined,
    bufferSize: 3,
    retryDelayMs: 0,
    timeoutMs: 10_000,
    clock: systemClock,
    deliver: (m) => delivered.push(m.seq),
    onGap: (e) => gaps.push(e),
    onResynced: (e) => {
      resynced.push(e);
      settle();
    },
    onError: (e) => errors.push(e.code),
  });
  return { stream, delivered, gaps, resynced, errors, settled };
}

describe('SequencedStream', () => {
  it('buffers on a gap, delivers the snapshot, drops what it covers and replays the rest', async () => {
    let release: (v: { lastSeq: number; messages: M[] }) => void = () => {};
    const t = setup(() => new Promise((resolve) => (release = resolve)));
    for (const seq of [1, 2, 1, 5, 6, 7]) t.stream.push({ seq });
    expect(t.delivered).toEqual([1, 2]);
    expect(t.gaps).toEqual([{ stream: 'book', expected: 3, received: 5 }]);
    expect(t.stream.resyncing).toBe(true);
    release({ lastSeq: 5, messages: [{ seq: 3 }, { seq: 4 }, { seq: 5 }] });
    await t.settled;
    expect(t.delivered).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(t.resynced).toEqual([{ stream: 'book', lastSeq: 5, replayed: 2, dropped: 1 }]);
    expect(t.stream.stats.duplicates).toBe(1);
  });

  it('retries a failing resync hook and reports each failure as an error event', async () => {
    let calls = 0;
    const t = setup(async () => {
      calls++;
      if (calls < 3) throw new Error('snapshot endpoint down');
      return { lastSeq: 2, messages: [{ seq: 1 }, { seq: 2 }] };
    });
    t.stream.push({ seq: 3 });
    await t.settled;
    expect(t.errors).toHaveLength(2);
    expect(t.delivered).toEqual([1, 2, 3]);
  });

  it('without a resync hook reports the gap and carries on', () => {
    const t = setup();
    for (const seq of [1, 4, 5]) t.stream.push({ seq });
    expect(t.delivered).toEqual([1, 4, 5]);
    expect(t.gaps).toHaveLength(1);
  });

  it('bounds the resync buffer by dropping the oldest (a later gap heals it)', async () => {
    let release: (v: { lastSeq: number }) => void = () => {};
    const t = setup(() => new Promise((resolve) => (release = resolve)));
    for (const seq of [2, 3, 4, 5, 6]) t.stream.push({ seq });
    expect(t.stream.stats.overflowed).toBe(2);
    release({ lastSeq: 3 });
    await t.settled;
    expect(t.delivered).toEqual([4, 5, 6]);
  });

  it('reports a resync hook result without a numeric lastSeq and retries (never an unhandled rejection)', async () => {
    let calls = 0;
    const t = setup(async () => {
      calls++;
      if (calls === 1) return undefined as unknown as { lastSeq: number };
      return { lastSeq: 2, messages: [{ seq: 1 }, { seq: 2 }] };
    });
    t.stream.push({ seq: 3 });
    await t.settled;
    expect(t.errors).toEqual(['client.invalid_argument']);
    expect(t.delivered).toEqual([1, 2, 3]);
  });

  it('delivers once a message that arrives again while the resync is in flight', async () => {
    let release: (v: { lastSeq: number; messages: M[] }) => void = () => {};
    const t = setup(() => new Promise((resolve) => (release = resolve)));
    for (const seq of [1, 3, 3, 4]) t.stream.push({ seq });
    release({ lastSeq: 2, messages: [{ seq: 2 }] });
    await t.settled;
    expect(t.delivered).toEqual([1, 2, 3, 4]);
    expect(t.resynced).toEqual([{ stream: 'book', lastSeq: 2, replayed: 2, dropped: 1 }]);
  });
});
