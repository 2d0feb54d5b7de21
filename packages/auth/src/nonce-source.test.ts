import { describe, expect, it } from 'vitest';
import { createNonceSource } from './nonce-source';

const steppingClock = (times: number[]) => {
  let i = 0;
  return { now: () => times[Math.min(i++, times.length - 1)]!, sleep: async () => {} };
};

describe('createNonceSource', () => {
  it('follows the clock', () => {
    const nonce = createNonceSource({ clock: steppingClock([1000, 2000, 3000]) });
    expect([nonce(), nonce(), nonce()]).toEqual([1000, 2000, 3000]);
  });

  it('is strictly increasing for many calls in the same millisecond', () => {
    const nonce = createNonceSource({ clock: { now: () => 5000, sleep: async () => {} } });
    const values = Array.from({ length: 1000 }, () => nonce());
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    expect(values[999]).toBe(5999);
  });

  it('keeps increasing across a clock step backwards and rejoins the clock when it catches up', () => {
    const nonce = createNonceSource({ clock: steppingClock([10_000, 10_001, 7_000, 7_001, 10_010]) });
    expect([nonce(), nonce(), nonce(), nonce(), nonce()]).toEqual([10_000, 10_001, 10_002, 10_003, 10_010]);
  });

  it('produces microsecond nonces when asked', () => {
    const nonce = createNonceSource({
      clock: { now: () => 1_700_000_000_000, sleep: async () => {} },
      unit: 'us',
    });
    expect([nonce(), nonce()]).toEqual([1_700_000_000_000_000, 1_700_000_000_000_001]);
  });
});
