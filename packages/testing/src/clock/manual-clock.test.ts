import { describe, expect, it, vi } from 'vitest';
import { createManualClock, DEFAULT_MANUAL_CLOCK_OPTIONS } from './manual-clock';

describe('createManualClock', () => {
  it('starts at the documented default time, or at startMs', () => {
    expect(createManualClock().now()).toBe(DEFAULT_MANUAL_CLOCK_OPTIONS.startMs);
    expect(createManualClock({ startMs: 5 }).now()).toBe(5);
  });

  it('resolves a sleep only once advance() moves time past it, in time order', async () => {
    const clock = createManualClock({ startMs: 0 });
    const fired: string[] = [];
    const late = clock.sleep(300).then(() => fired.push(`late at ${clock.now()}`));
    const early = clock.sleep(100).then(() => fired.push(`early at ${clock.now()}`));
    await clock.advance(99);
    expect(fired).toEqual([]);
    expect(clock.pending).toEqual([300, 100]);
    await clock.advance(250);
    await Promise.all([late, early]);
    expect(fired).toEqual(['early at 100', 'late at 300']);
    expect(clock.now()).toBe(349);
    expect(clock.pending).toEqual([]);
    expect(clock.sleeps).toEqual([300, 100]);
  });

  it('fires sleeps started by a firing when they fall due within the same advance', async () => {
    const clock = createManualClock({ startMs: 0 });
    const ticks: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        ticks.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(25);
    expect(ticks).toEqual([10, 20]);
    await clock.advance(5);
    await done;
    expect(ticks).toEqual([10, 20, 30]);
  });

  it('rejects an aborted sleep with the signal reason and forgets it', async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const reason = new Error('stop');
    const slept = clock.sleep(1_000, controller.signal);
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(clock.pending).toEqual([]);
    await expect(clock.sleep(1, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects with what abortError builds, for contracts that inspect the rejection', async () => {
    const clock = createManualClock({ abortError: () => new RangeError('cancelled') });
    await expect(clock.sleep(1, AbortSignal.abort())).rejects.toBeInstanceOf(RangeError);
  });

  it('nextSleep() resolves when the code under test starts a matching sleep', async () => {
    const clock = createManualClock();
    const next = clock.nextSleep((ms) => ms > 100);
    void clock.sleep(50);
    void clock.sleep(500);
    expect(await next).toBe(500);
    expect(await clock.nextSleep()).toBe(50); // an already pending one answers at once
  });

  it('set() moves time without firing anything, backwards too', async () => {
    const clock = createManualClock({ startMs: 1_000 });
    let fired = false;
    void clock.sleep(10).then(() => {
      fired = true;
    });
    clock.set(500);
    await clock.advance(0);
    expect(fired).toBe(false);
    expect(clock.now()).toBe(500);
  });

  it('rejects a negative or NaN advance and a non-finite start with a RangeError', async () => {
    const clock = createManualClock();
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await expect(clock.advance(Number.NaN)).rejects.toThrow(/non-negative/);
    expect(() => createManualClock({ startMs: Number.NaN })).toThrow(RangeError);
    expect(() => clock.set(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('takes undefined options as the defaults', () => {
    const clock = createManualClock({ startMs: undefined, abortError: undefined });
    expect(clock.now()).toBe(DEFAULT_MANUAL_CLOCK_OPTIONS.startMs);
  });
});

describe('createManualClock under fake timers', () => {
  it('advances without a real or fake timer to wait on', async () => {
    const clock = createManualClock({ startMs: 0 });
    vi.useFakeTimers();
    try {
      let woke = false;
      void clock.sleep(10).then(() => {
        woke = true;
      });
      await clock.advance(10);
      expect(woke).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
