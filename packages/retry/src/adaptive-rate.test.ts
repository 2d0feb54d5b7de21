import { isKitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { AdaptiveGate, AdaptiveRate, AdaptiveRates, GateRefusal } from './adaptive-rate';

/** @kit/testing's manual clock, with the time as a property (these tests read it a lot). */
function manualClock(startMs = 1_000_000) {
  const clock = createManualClock({ startMs });
  return {
    clock,
    get now() {
      return clock.now();
    },
    advance: (ms: number) => clock.advance(ms),
  };
}

const OPTIONS = { minRatePerSecond: 0.5, recoveryMs: 2_000, maxKeys: 1_000 };

function rate(overrides: Partial<ConstructorParameters<typeof AdaptiveRate>[0]> = {}) {
  return new AdaptiveRate({
    ratePerSecond: 20,
    minRatePerSecond: 0.5,
    maxRatePerSecond: Number.POSITIVE_INFINITY,
    recoveryMs: 2_000,
    nowMs: 0,
    okBefore: 0,
    firstMark: 0,
    ...overrides,
  });
}

describe('AdaptiveRate', () => {
  it('halves when nothing got through since the last cut, then climbs back along CUBIC’s curve', () => {
    const r = rate();
    expect(r.rateAt(0)).toBe(20);
    expect(r.onThrottle(1_000, 5, 6, undefined, false)).toBe('cut');
    expect(r.rateAt(1_000)).toBe(10);
    // Concave: fast at first, flat near the rate that was throttled, reached after recoveryMs.
    expect(r.rateAt(2_000)).toBeCloseTo(20 - 10 / 8, 6);
    expect(r.rateAt(3_000)).toBeCloseTo(20, 6);
    // Then it probes beyond, slowly at first.
    expect(r.rateAt(4_000)).toBeCloseTo(20 + 10 / 8, 6);
    expect(r.rateAt(5_000)).toBeCloseTo(30, 6);
  });

  it('cuts 0.85x when a few got through, and 0.95x for an isolated throttle after a run of successes', () => {
    const near = rate({ okBefore: 2 });
    near.onThrottle(0, 0, 1, undefined, false);
    expect(near.rateAt(0)).toBeCloseTo(17, 6);

    const isolated = rate({ okBefore: 8 });
    expect(isolated.onThrottle(0, 0, 1, undefined, false)).toBe('isolated');
    expect(isolated.rateAt(0)).toBeCloseTo(19, 6);
  });

  it('only the first throttle of a round cuts; later ones deepen it 0.9x each when asked, down to half', () => {
    const r = rate();
    const twin = rate();
    r.onThrottle(0, 10, 20, undefined, false);
    twin.onThrottle(0, 10, 20, undefined, false);
    expect(r.rateAt(0)).toBe(10);
    // Marked before 20: sent before the cut, the same round.
    expect(r.onThrottle(5, 12, 30, undefined, false)).toBe('round');
    expect(r.rateAt(5)).toBe(twin.rateAt(5));

    const deep = rate({ okBefore: 8 });
    deep.onThrottle(0, 10, 20, undefined, true);
    expect(deep.rateAt(0)).toBeCloseTo(19, 6);
    for (let i = 0; i < 20; i++) deep.onThrottle(0, 11, 20, undefined, true);
    expect(deep.rateAt(0)).toBeCloseTo(10, 6);
  });

  it('a success marked after the cut counts towards the next cut; one marked before does not', () => {
    const r = rate();
    r.onThrottle(0, 0, 10, undefined, false);
    r.onSuccess(9);
    const permitted = r.rateAt(100);
    r.onThrottle(100, 10, 20, undefined, false);
    // Nothing sent since the first cut got through: halved again.
    expect(r.rateAt(100)).toBeCloseTo(permitted * 0.5, 6);
    const before = rate();
    before.onThrottle(0, 0, 10, undefined, false);
    before.onSuccess(10);
    const at = before.rateAt(100);
    before.onThrottle(100, 10, 20, undefined, false);
    expect(before.rateAt(100)).toBeCloseTo(at * 0.85, 6);
  });

  it('cuts from the rate actually sent when that is lower, and stays within its bounds', () => {
    const r = rate({ okBefore: 2 });
    r.onThrottle(0, 0, 1, 8, false);
    expect(r.rateAt(0)).toBeCloseTo(8 * 0.85, 6);

    const capped = rate({ maxRatePerSecond: 20 });
    capped.onThrottle(0, 0, 1, undefined, false);
    // The curve never climbs above the configured rate.
    expect(capped.rateAt(60_000)).toBe(20);

    const floored = rate();
    for (let i = 0; i < 20; i++) floored.onThrottle(i, i, i + 1, undefined, false);
    expect(floored.rateAt(20)).toBe(0.5);
  });

  it('an isolated throttle at the plateau lowers it a step; one during the climb keeps it', () => {
    const r = rate({ okBefore: 8 });
    // At the plateau (20): a little high for this server's noise, so it moves to 0.98x.
    r.onThrottle(0, 0, 1, undefined, false);
    expect(r.rateAt(2_000)).toBeCloseTo(19.6, 6);
    for (let i = 0; i < 8; i++) r.onSuccess(1);
    // Early in the climb (19.09 of 19.6): noise, the plateau stays.
    r.onThrottle(100, 1, 2, undefined, false);
    expect(r.rateAt(2_100)).toBeCloseTo(19.6, 6);
  });
});

describe('AdaptiveGate', () => {
  it('lets attempts go one at a time, 1/rate apart, in order, and never during a pause', async () => {
    const m = manualClock();
    // A recovery so slow that the rate stays put during the test.
    const gate = new AdaptiveGate(m.clock, 10, 0, { ...OPTIONS, recoveryMs: 1e9 });
    // The first throttle halves the starting rate: 5 per second.
    gate.onThrottle(m.now, undefined, 60_000);
    const granted: Array<[string, number]> = [];
    const start = m.now;
    const all = ['a', 'b', 'c'].map((id) =>
      gate.acquire(undefined, start + 60_000).then(() => granted.push([id, m.now - start])),
    );
    await m.advance(0);
    expect(granted).toEqual([['a', 0]]);
    await m.advance(500);
    await Promise.all(all);
    expect(granted.map(([id]) => id)).toEqual(['a', 'b', 'c']);
    expect(granted.map(([, at]) => at)).toEqual([0, 200, 400]);

    gate.pauseUntil(m.now + 1_000);
    let released = -1;
    const held = gate.acquire(undefined, m.now + 60_000).then(() => {
      released = m.now;
    });
    const pausedAt = m.now;
    await m.advance(999);
    expect(released).toBe(-1);
    await m.advance(1);
    await held;
    expect(released - pausedAt).toBe(1_000);
  });

  it('a Retry-After pauses the key; a pause past the deadline is refused at once', async () => {
    const m = manualClock();
    const gate = new AdaptiveGate(m.clock, 10, 0, OPTIONS);
    gate.onThrottle(m.now, 5_000, 60_000);
    expect(gate.pausedUntil - m.now).toBe(5_000);
    const refusal = await gate.acquire(undefined, m.now + 4_000).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GateRefusal);
    expect(refusal).toMatchObject({ reason: 'paused', waitMs: 5_000 });
    // Capped at maxPauseMs.
    const capped = new AdaptiveGate(m.clock, 10, 0, OPTIONS);
    capped.onThrottle(m.now, 86_400_000, 60_000);
    expect(capped.pausedUntil - m.now).toBe(60_000);
  });

  it('a waiter leaves the queue when its deadline passes or its signal aborts, and the next moves up', async () => {
    const m = manualClock();
    const gate = new AdaptiveGate(m.clock, 2, 0, OPTIONS);
    gate.onThrottle(m.now, undefined, 60_000);
    await gate.acquire(undefined, m.now + 60_000);
    const controller = new AbortController();
    const aborted = gate.acquire(controller.signal, m.now + 60_000).catch((e: unknown) => e);
    const late = gate.acquire(undefined, m.now + 100).catch((e: unknown) => e);
    const last = gate.acquire(undefined, m.now + 60_000);
    expect(gate.queueSize).toBe(3);
    controller.abort();
    expect(isKitError(await aborted, 'cancelled.aborted')).toBe(true);
    await m.advance(100);
    expect(await late).toMatchObject({ reason: 'deadline' });
    expect(gate.queueSize).toBe(1);
    await m.advance(1_000);
    await last;
    expect(gate.queueSize).toBe(0);
  });

  it('an isolated throttle of the last attempt sent hands its slot back a fifth of an interval later', async () => {
    const m = manualClock();
    const gate = new AdaptiveGate(m.clock, 20, 0, { ...OPTIONS, recoveryMs: 1e9 });
    gate.onThrottle(m.now, undefined, 60_000);
    // 10 per second now; a run of successes, then one throttle of the last attempt sent.
    for (let i = 0; i < 9; i++) {
      await m.advance(100);
      await gate.acquire(undefined, m.now + 60_000);
      gate.onSuccess(m.now);
    }
    await m.advance(100);
    await gate.acquire(undefined, m.now + 60_000);
    const sentAt = m.now;
    await m.advance(3);
    gate.onThrottle(sentAt, undefined, 60_000);
    const throttledAt = m.now;
    let at = -1;
    const next = gate.acquire(undefined, m.now + 60_000).then(() => {
      at = m.now;
    });
    await m.advance(100);
    await next;
    // A fifth of the (now 9.5 per second) interval after the throttle, not a whole one after the send.
    expect(at - throttledAt).toBe(Math.ceil(1_000 / 9.5 / 5));
    // The attempt sent in the handed-back slot is part of that round: its throttle cuts nothing.
    const before = gate.rateAt(m.now);
    gate.onThrottle(at, undefined, 60_000);
    expect(gate.rateAt(m.now)).toBe(before);
  });
});

describe('AdaptiveRates', () => {
  it('keeps one gate per key, created at its first throttle, and forgets the least recently throttled beyond maxKeys', () => {
    const m = manualClock();
    const rates = new AdaptiveRates(m.clock, { maxKeys: 2 });
    expect(rates.gateFor('a')).toBeUndefined();
    const a = rates.onThrottle('a', m.now, undefined, 10, 0, 60_000);
    expect(rates.gateFor('a')).toBe(a);
    expect(rates.gateFor('b')).toBeUndefined();
    rates.onThrottle('b', m.now, undefined, 10, 0, 60_000);
    rates.onThrottle('c', m.now, undefined, 10, 0, 60_000);
    expect(rates.gateFor('a')).toBeUndefined();
    expect(rates.gateFor('b')).toBeDefined();
    expect(rates.gateFor('c')).toBeDefined();
  });

  it('rejects options that cannot work with client.invalid_argument', () => {
    const m = manualClock();
    for (const bad of [
      { minRatePerSecond: 0 },
      { recoveryMs: -1 },
      { maxKeys: 0 },
      { recoveryMs: Number.NaN },
    ]) {
      expect(() => new AdaptiveRates(m.clock, bad)).toThrow(
        expect.objectContaining({ code: 'client.invalid_argument' }),
      );
    }
  });
});
