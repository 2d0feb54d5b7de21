import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import { createNonceSource } from './nonce-source';

/** Reads the nonce once at each clock time, in order. */
function noncesAt(
  nonce: () => number,
  clock: ReturnType<typeof createManualClock>,
  times: number[],
): number[] {
  return times.map((time) => {
    clock.set(time);
    return nonce();
  });
}

describe('createNonceSource', () => {
  it('follows the clock', () => {
    const clock = createManualClock();
    const nonce = createNonceSource({ clock });
    expect(noncesAt(nonce, clock, [1000, 2000, 3000])).toEqual([1000, 2000, 3000]);
  });

  it('is strictly increasing for many calls in the same millisecond', () => {
    const nonce = createNonceSource({ clock: createManualClock({ startMs: 5000 }) });
    const values = Array.from({ length: 1000 }, () => nonce());
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    expect(values[999]).toBe(5999);
  });

  it('keeps increasing across a clock step backwards and rejoins the clock when it catches up', () => {
    const clock = createManualClock();
    const nonce = createNonceSource({ clock });
    expect(noncesAt(nonce, clock, [10_000, 10_001, 7_000, 7_001, 10_010])).toEqual([
      10_000, 10_001, 10_002, 10_003, 10_010,
    ]);
  });

  it('produces microsecond nonces when asked', () => {
    const nonce = createNonceSource({
      clock: createManualClock({ startMs: 1_700_000_000_000 }),
      unit: 'us',
    });
    expect([nonce(), nonce()]).toEqual([1_700_000_000_000_000, 1_700_000_000_000_001]);
  });
});
