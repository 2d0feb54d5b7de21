import { getEventListeners } from 'node:events';
import { isKitError, KitError } from '@kit/errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep';
import { systemClock } from './system-clock';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the given time and not before', async () => {
    let done = false;
    const pending = sleep(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(done).toBe(true);
  });

  it('rejects at once with cancelled.aborted when the signal aborts, removing its listener', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toSatisfy((e: unknown) => isKitError(e, 'cancelled.aborted'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with the signal's KitError reason (a deadline stays a deadline)", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new KitError('timeout.deadline'));
    await expect(pending).rejects.toSatisfy((e: unknown) => isKitError(e, 'timeout.deadline'));
  });

  it('rejects without waiting when the signal is already aborted', async () => {
    await expect(sleep(10, AbortSignal.abort())).rejects.toSatisfy((e: unknown) =>
      isKitError(e, 'cancelled.aborted'),
    );
  });

  it('removes the listener when the sleep completes', async () => {
    const controller = new AbortController();
    const pending = systemClock.sleep(5, controller.signal);
    await vi.advanceTimersByTimeAsync(5);
    await pending;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(systemClock.now()).toBe(Date.now());
  });
});
