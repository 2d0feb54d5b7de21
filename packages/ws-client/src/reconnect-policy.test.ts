import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_OPTIONS } from './options';
import { ReconnectPolicy } from './reconnect-policy';

describe('ReconnectPolicy', () => {
  it('uses full jitter random(0, min(30 s, 500 ms * 2^n))', () => {
    const randoms = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const policy = new ReconnectPolicy(DEFAULT_RECONNECT_OPTIONS, () => randoms.shift() ?? 0.5);
    const delays = Array.from({ length: 8 }, () => policy.nextDelayMs('reconnect', false));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
    expect(policy.failures).toBe(8);
  });

  it('retries within 0-250 ms after a stable session and restarts the counter', () => {
    const policy = new ReconnectPolicy(DEFAULT_RECONNECT_OPTIONS, () => 0.999);
    policy.nextDelayMs('reconnect', false);
    policy.nextDelayMs('reconnect', false);
    expect(policy.nextDelayMs('reconnect', true)).toBe(249);
    expect(policy.nextDelayMs('reconnect', false)).toBe(999);
  });

  it('pauses 1-5 s for a restart and backs off from 10 s when told to try later', () => {
    const low = new ReconnectPolicy(DEFAULT_RECONNECT_OPTIONS, () => 0);
    const high = new ReconnectPolicy(DEFAULT_RECONNECT_OPTIONS, () => 0.999);
    expect(low.nextDelayMs('reconnect_after_pause', false)).toBe(1000);
    expect(high.nextDelayMs('reconnect_after_pause', false)).toBe(4996);
    expect(low.nextDelayMs('backoff', false)).toBe(10_000);
    expect(high.nextDelayMs('backoff', false)).toBeGreaterThan(10_000);
  });
});
