import { KitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { RequestManager } from './request-manager';

describe('RequestManager', () => {
  it('gives a message to the first matching request only', async () => {
    const manager = new RequestManager(createManualClock(), () => {});
    const a = manager.add((m) => m === 'a', 1_000);
    const b = manager.add((m) => m === 'b', 1_000);
    expect(manager.offer('x')).toBe(false);
    expect(manager.offer('b')).toBe(true);
    await expect(b.reply).resolves.toBe('b');
    expect(manager.size).toBe(1);
    a.cancel();
    expect(manager.size).toBe(0);
  });

  it('times out with outcome unknown, and rejects everything on disconnect', async () => {
    const clock = createManualClock();
    const manager = new RequestManager(clock, () => {});
    const slow = manager.add(() => false, 1_000);
    const lost = manager.add(() => false, 60_000);
    const settled = expect(slow.reply).rejects.toMatchObject({ code: 'timeout.attempt', outcome: 'unknown' });
    await clock.advance(1_000);
    await settled;
    manager.rejectAll(new KitError('network.connection_lost', { outcome: 'unknown' }));
    await expect(lost.reply).rejects.toMatchObject({ code: 'network.connection_lost', outcome: 'unknown' });
    expect(clock.pending).toEqual([]);
  });
});
