import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store';

/** @kit/testing's manual clock, stepped synchronously: the store never sleeps, it only reads the time. */
function manualClock(startMs = 0) {
  const clock = createManualClock({ startMs });
  return Object.assign(clock, { step: (ms: number) => clock.set(clock.now() + ms) });
}

describe('createMemoryStore', () => {
  const windows = [
    { tokens: 10, intervalMs: 1000 },
    { tokens: 15, intervalMs: 60_000 },
  ];

  it('takes from every window or from none, and says how long until it fits', () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    expect(store.take('k', windows, [10])).toEqual({ granted: 1, retryInMs: 0 });
    expect(store.take('k', windows, [1])).toEqual({ granted: 0, retryInMs: 100 });
    clock.step(500);
    expect(store.take('k', windows, [5])).toEqual({ granted: 1, retryInMs: 0 });
    // The minute window now holds ~0.125 tokens: 1 token needs 0.875 * 4000 ms.
    expect(store.take('k', windows, [1])).toEqual({ granted: 0, retryInMs: 3500 });
  });

  it('serves a batch in order, stopping at the first weight that does not fit', () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    expect(store.take('k', windows, [3, 4, 5, 1])).toEqual({ granted: 2, retryInMs: 200 });
    // Nothing was taken for the refused 5 (or the 1 behind it): 3 tokens are left.
    expect(store.take('k', windows, [3])).toEqual({ granted: 1, retryInMs: 0 });
  });

  it('keeps keys apart', () => {
    const store = createMemoryStore({ clock: manualClock() });
    expect(store.take('a', windows, [10]).granted).toBe(1);
    expect(store.take('b', windows, [10]).granted).toBe(1);
  });

  it('refuses everything while blocked and never shortens a block', () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    store.block('k', 2000);
    store.block('k', 500);
    expect(store.take('k', windows, [1])).toEqual({ granted: 0, retryInMs: 2000 });
    clock.step(2000);
    expect(store.take('k', windows, [1]).granted).toBe(1);
  });

  it("clamps a window to the server's remaining count", () => {
    const store = createMemoryStore({ clock: manualClock() });
    store.clamp('k', windows, 0, 2);
    expect(store.take('k', windows, [2]).granted).toBe(1);
    expect(store.take('k', windows, [1]).granted).toBe(0);
  });

  it('tryTake takes one weight from every window or none, and nothing while blocked', () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    expect(store.tryTake('k', windows, 8)).toBe(true);
    expect(store.tryTake('k', windows, 3)).toBe(false);
    // The refused 3 took nothing: 2 tokens are left in the second window's view too.
    expect(store.take('k', windows, [2])).toEqual({ granted: 1, retryInMs: 0 });
    clock.step(1000);
    store.block('k', 500);
    expect(store.tryTake('k', windows, 1)).toBe(false);
    clock.step(500);
    expect(store.tryTake('k', windows, 1)).toBe(true);
  });
});

describe('createMemoryStore: after a pause', () => {
  const windows = [{ tokens: 10, intervalMs: 1000 }];

  it('leaves one token when the pause ends, then refills at the rate: no burst of the whole bucket', () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    expect(store.take('k', windows, [1]).granted).toBe(1);
    store.block('k', 500);
    clock.step(5_000);
    // Ten tokens' worth of time has passed since the pause, but the bucket restarted from one.
    expect(store.take('k', windows, [1, 1, 1, 1, 1, 1]).granted).toBe(6);
    store.block('k', 500);
    clock.step(500);
    expect(store.take('k', windows, [1, 1])).toEqual({ granted: 1, retryInMs: 100 });
    clock.step(100);
    expect(store.take('k', windows, [1]).granted).toBe(1);
  });

  it('a shorter pause inside a longer one changes nothing, and a key never used starts with one token', () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    store.block('fresh', 1_000);
    store.block('fresh', 100);
    clock.step(1_000);
    expect(store.take('fresh', windows, [1, 1])).toEqual({ granted: 1, retryInMs: 100 });
  });
});
