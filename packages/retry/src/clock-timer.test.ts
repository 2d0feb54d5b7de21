import { KitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it, vi } from 'vitest';
import { raceAbort, throwIfAborted } from './abort-error';
import { startTimer } from './clock-timer';
import { systemClock } from './system-clock';

describe('startTimer', () => {
  it('runs on an injected clock, once, and not at all when cancelled first', async () => {
    const clock = createManualClock();
    const fired: string[] = [];
    startTimer(clock, 100, () => fired.push('a'));
    const cancel = startTimer(clock, 50, () => fired.push('b'));
    cancel();
    await clock.advance(100);
    expect(fired).toEqual(['a']);
    expect(clock.pending).toEqual([]);
  });

  it('reports a throwing callback to onError, on the system clock and an injected one', async () => {
    vi.useFakeTimers();
    try {
      const errors: unknown[] = [];
      startTimer(
        systemClock,
        10,
        () => {
          throw new Error('system');
        },
        (error) => errors.push(error),
      );
      vi.advanceTimersByTime(10);
      expect(errors).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
    const clock = createManualClock();
    const errors: unknown[] = [];
    startTimer(
      clock,
      10,
      () => {
        throw new Error('manual');
      },
      (error) => errors.push(error),
    );
    await clock.advance(10);
    expect((errors[0] as Error).message).toBe('manual');
  });
});

describe('throwIfAborted and raceAbort', () => {
  it('turn an abort into cancelled.aborted, or the KitError reason as it is', async () => {
    expect(() => throwIfAborted(AbortSignal.abort())).toThrow(
      expect.objectContaining({ code: 'cancelled.aborted' }),
    );
    const deadline = new KitError('timeout.deadline');
    expect(() => throwIfAborted(AbortSignal.abort(deadline))).toThrow(deadline);
    expect(() => throwIfAborted(undefined)).not.toThrow();
    const controller = new AbortController();
    const never = new Promise<string>(() => {});
    const raced = raceAbort(never, controller.signal);
    controller.abort();
    await expect(raced).rejects.toMatchObject({ code: 'cancelled.aborted' });
    await expect(raceAbort(Promise.resolve('ok'), new AbortController().signal)).resolves.toBe('ok');
  });
});
