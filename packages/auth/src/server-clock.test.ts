import { isKitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { createServerClock } from './server-clock';

const localClock = (startMs: number) => createManualClock({ startMs });

describe('createServerClock', () => {
  it('measures skew at the midpoint of the round trip and applies it to now()', async () => {
    const local = localClock(1_000_000);
    const clock = createServerClock({
      clock: local,
      fetchServerTime: async () => {
        await local.advance(200); // a 200 ms round trip; the server answered at its 1_005_100
        return 1_005_100;
      },
    });
    expect(clock.now()).toBe(1_000_000);
    expect(await clock.sync()).toBe(5_000); // 1_005_100 - (1_000_000 + 1_000_200) / 2
    expect(clock.now()).toBe(1_005_200);
  });

  it('refuses an implausible skew and keeps the previous one', async () => {
    const local = localClock(1_000_000);
    const clock = createServerClock({
      clock: local,
      maxSkewMs: 60_000,
      fetchServerTime: async () => 1_000_000 + 3_600_000,
    });
    await expect(clock.sync()).rejects.toSatisfy((e) => isKitError(e, 'auth.clock_skew'));
    expect(clock.skewMs).toBe(0);
  });

  it('rejects a non-numeric server time and a sync without fetchServerTime', async () => {
    const bad = createServerClock({ fetchServerTime: async () => Number.NaN });
    await expect(bad.sync()).rejects.toSatisfy((e) => isKitError(e, 'auth.clock_skew'));
    await expect(createServerClock().sync()).rejects.toSatisfy((e) =>
      isKitError(e, 'client.invalid_argument'),
    );
  });

  it('moves the skew to the nearest value a Date header allows, and only when outside it', async () => {
    const local = localClock(Date.parse('2026-01-01T00:00:00.000Z'));
    const clock = createServerClock({ clock: local });
    // The server says 00:00:05 (anywhere in [5.000, 5.999]) when our clock reads 00:00:00.000.
    clock.observeDateHeader('Thu, 01 Jan 2026 00:00:05 GMT');
    expect(clock.skewMs).toBe(5_000);
    // A later header consistent with the current skew changes nothing.
    await local.advance(10_400);
    clock.observeDateHeader('Thu, 01 Jan 2026 00:00:15 GMT');
    expect(clock.skewMs).toBe(5_000);
    // The server is behind by more than 1 s now: skew moves down to the header's upper bound.
    clock.observeDateHeader('Thu, 01 Jan 2026 00:00:12 GMT', {
      sentAt: local.now() - 100,
      receivedAt: local.now(),
    });
    expect(clock.skewMs).toBe(12_999 - 10_300);
  });

  it('ignores unparseable and implausible Date headers', () => {
    const local = localClock(Date.parse('2026-01-01T00:00:00.000Z'));
    const clock = createServerClock({ clock: local, maxSkewMs: 60_000 });
    clock.observeDateHeader('not a date');
    clock.observeDateHeader(undefined);
    clock.observeDateHeader('Thu, 01 Jan 2026 05:00:00 GMT');
    expect(clock.skewMs).toBe(0);
  });

  it('delegates sleep to the local clock', async () => {
    let slept = 0;
    const clock = createServerClock({
      clock: {
        now: () => 0,
        sleep: async (ms) => {
          slept = ms;
        },
      },
    });
    await clock.sleep(250);
    expect(slept).toBe(250);
  });
});
