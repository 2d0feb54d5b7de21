import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  const bounds = { initialDelayMs: 500, maxDelayMs: 5000 };

  it('doubles per retry and stays within [ceiling/2, ceiling]', () => {
    expect(backoffDelayMs(1, bounds, () => 0)).toBe(250);
    expect(backoffDelayMs(1, bounds, () => 1)).toBe(500);
    expect(backoffDelayMs(2, bounds, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, bounds, () => 0.5)).toBe(1500);
  });

  it('never exceeds maxDelayMs however many retries', () => {
    for (let retry = 1; retry < 60; retry++) {
      expect(backoffDelayMs(retry, bounds, () => 1)).toBeLessThanOrEqual(5000);
    }
  });

  it('clamps a misbehaving random source', () => {
    expect(backoffDelayMs(1, bounds, () => 7)).toBe(500);
    expect(backoffDelayMs(1, bounds, () => -3)).toBe(250);
  });
});
