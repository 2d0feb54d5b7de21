import { describe, expect, it } from 'vitest';
import { binanceDepthSequencer } from './binance-depth-sequencer';
import { monotonicSequencer } from './sequencer';

describe('monotonicSequencer', () => {
  it('classifies in order, duplicate, gap and passes unnumbered messages', () => {
    const s = monotonicSequencer();
    const m = (seq: number) => ({ seq });
    expect(s.check(m(10))).toBe('in_order');
    s.accept(m(10));
    expect(s.check(m(11))).toBe('in_order');
    expect(s.check(m(10))).toBe('duplicate');
    expect(s.check(m(9))).toBe('duplicate');
    expect(s.check(m(13))).toBe('gap');
    expect(s.expected()).toBe(11);
    expect(s.check({})).toBe('in_order');
  });

  it('with start: 0 a missing first message is a gap; isReset restarts numbering', () => {
    const s = monotonicSequencer<{ seq: number; reset?: boolean }>({
      start: 0,
      isReset: (m) => m.reset === true,
    });
    expect(s.check({ seq: 2 })).toBe('gap');
    expect(s.check({ seq: 1 })).toBe('in_order');
    expect(s.check({ seq: 1, reset: true })).toBe('reset');
  });
});

describe('binanceDepthSequencer', () => {
  // The rule from Binance's current "How to manage a local order book correctly": every event is
  // checked against the local book's update id L, applied when U <= L + 1 <= u.
  it('needs a snapshot, drops u <= lastUpdateId, takes the straddling event, then chains U = u + 1', () => {
    const s = binanceDepthSequencer();
    expect(s.check({ U: 1, u: 5 })).toBe('gap');
    s.reset(100);
    expect(s.check({ U: 90, u: 100 })).toBe('duplicate');
    expect(s.check({ U: 95, u: 105 })).toBe('in_order');
    s.accept({ U: 95, u: 105 });
    expect(s.check({ U: 106, u: 110 })).toBe('in_order');
    expect(s.check({ U: 108, u: 112 })).toBe('gap');
    expect(s.seqOf({ U: 108, u: 112 })).toBe(112);
  });

  it('applies an event that overlaps the last one (U <= L + 1 <= u), which the older U = u + 1 rule refused', () => {
    const s = binanceDepthSequencer();
    s.reset(100);
    s.accept({ U: 101, u: 105 });
    expect(s.check({ U: 103, u: 108 })).toBe('in_order');
    s.accept({ U: 103, u: 108 });
    expect(s.check({ U: 100, u: 108 })).toBe('duplicate');
    expect(s.check({ U: 110, u: 111 })).toBe('gap');
  });

  it('futures mode chains by pu', () => {
    const s = binanceDepthSequencer<{ U: number; u: number; pu: number }>({ previous: (m) => m.pu });
    s.reset(100);
    expect(s.check({ U: 99, u: 103, pu: 98 })).toBe('in_order');
    s.accept({ U: 99, u: 103, pu: 98 });
    expect(s.check({ U: 110, u: 120, pu: 103 })).toBe('in_order');
    expect(s.check({ U: 110, u: 120, pu: 104 })).toBe('gap');
  });
});
