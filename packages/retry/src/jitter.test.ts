import { describe, expect, it } from 'vitest';
import { decorrelatedJitter, equalJitterMs, exponentialCeilingMs, fullJitterMs } from './jitter';

describe('exponentialCeilingMs', () => {
  it('doubles from the initial delay and stops at the cap, however many retries', () => {
    expect([0, 1, 2, 3].map((n) => exponentialCeilingMs(n, 500, 3_000))).toEqual([500, 1000, 2000, 3000]);
    expect(exponentialCeilingMs(10_000, 500, 30_000)).toBe(30_000);
    expect(exponentialCeilingMs(-1, 500, 30_000)).toBe(500);
  });
});

describe('fullJitterMs', () => {
  it('spans [0, ceiling) in whole milliseconds', () => {
    expect(fullJitterMs(1000, () => 0)).toBe(0);
    expect(fullJitterMs(1000, () => 0.5)).toBe(500);
    expect(fullJitterMs(1000, () => 0.999_999)).toBe(999);
  });

  it('clamps a random source that strays outside [0, 1)', () => {
    expect(fullJitterMs(1000, () => 1.5)).toBe(999);
    expect(fullJitterMs(1000, () => -1)).toBe(0);
    expect(fullJitterMs(1000, () => Number.NaN)).toBe(0);
  });
});

describe('equalJitterMs', () => {
  it('keeps half the ceiling and adds up to the other half', () => {
    expect(equalJitterMs(500, () => 0)).toBe(250);
    expect(equalJitterMs(500, () => 0.5)).toBe(375);
    expect(equalJitterMs(1000, () => 0.5)).toBe(750);
  });
});

describe('decorrelatedJitter', () => {
  it('grows about 2x per step from the initial delay and never passes the cap', () => {
    let state: Parameters<typeof decorrelatedJitter>[0];
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const [delay, next] = decorrelatedJitter(
        state,
        { initialDelayMs: 500, maxDelayMs: 10_000, exponent: 2 },
        () => 0.5,
      );
      delays.push(delay);
      state = next;
    }
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays[0]).toBeLessThan(1000);
    expect(delays[3]! / delays[2]!).toBeGreaterThan(1.5);
    expect(Math.max(...delays)).toBe(10_000);
  });
});
