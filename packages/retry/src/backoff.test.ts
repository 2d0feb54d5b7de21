import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff';

describe('createBackoff (decorrelated jitter)', () => {
  it('starts near initialDelayMs, grows and never passes the cap', () => {
    const backoff = createBackoff({ initialDelayMs: 500, maxDelayMs: 10_000, random: () => 0.5 });
    const delays = Array.from({ length: 12 }, () => backoff.next());
    expect(delays[0]).toBeGreaterThan(250);
    expect(delays[0]).toBeLessThan(1000);
    expect(delays[3]).toBeGreaterThan(delays[0] as number);
    expect(Math.max(...delays)).toBeLessThanOrEqual(10_000);
    expect(delays.at(-1)).toBe(10_000);
  });

  it('is deterministic for a given random source and spread by it', () => {
    const run = (r: number) => {
      const backoff = createBackoff({ random: () => r });
      return [backoff.next(), backoff.next(), backoff.next()];
    };
    expect(run(0.3)).toEqual(run(0.3));
    expect(run(0.1)[0]).not.toBe(run(0.9)[0]);
  });

  it('stays within [0, maxDelayMs] for any random value', () => {
    for (const r of [0, 0.001, 0.5, 0.999]) {
      const backoff = createBackoff({ initialDelayMs: 100, maxDelayMs: 2000, random: () => r });
      for (let i = 0; i < 20; i++) {
        const d = backoff.next();
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(2000);
      }
    }
  });
});
