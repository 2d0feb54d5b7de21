import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_OPTIONS } from './options';
import { reconnectDelayMs } from './reconnect-policy';

describe('reconnectDelayMs', () => {
  it('uses full jitter random(0, min(30 s, 500 ms * 2^n))', () => {
    const randoms = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const delays = Array.from({ length: 8 }, (_, failures) =>
      reconnectDelayMs('reconnect', failures, false, DEFAULT_RECONNECT_OPTIONS, () => randoms.shift() ?? 0.5),
    );
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
    expect(randoms).toEqual([]);
  });

  it('retries within 0-250 ms after a stable session', () => {
    const high = () => 0.999;
    expect(reconnectDelayMs('reconnect', 0, true, DEFAULT_RECONNECT_OPTIONS, high)).toBe(249);
    expect(reconnectDelayMs('reconnect', 1, false, DEFAULT_RECONNECT_OPTIONS, high)).toBe(999);
  });

  it('pauses 1-5 s for a restart and backs off from 10 s when told to try later', () => {
    const low = () => 0;
    const high = () => 0.999;
    expect(reconnectDelayMs('reconnect_after_pause', 0, false, DEFAULT_RECONNECT_OPTIONS, low)).toBe(1000);
    expect(reconnectDelayMs('reconnect_after_pause', 0, false, DEFAULT_RECONNECT_OPTIONS, high)).toBe(4996);
    expect(reconnectDelayMs('backoff', 0, false, DEFAULT_RECONNECT_OPTIONS, low)).toBe(10_000);
    expect(reconnectDelayMs('backoff', 1, false, DEFAULT_RECONNECT_OPTIONS, high)).toBeGreaterThan(10_000);
  });
});
