import { describe, expect, it } from 'vitest';
import { readRateLimitInfo } from './rate-limit-info';

describe('readRateLimitInfo', () => {
  it('exposes the raw rate-limit headers and the parsed tightest window', () => {
    const info = readRateLimitInfo(
      {
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '7',
        'x-ratelimit-reset': '30',
        'x-mbx-used-weight-1m': '12',
        'content-type': 'application/json',
      },
      1_700_000_000_000,
    );
    expect(Object.keys(info.headers)).toEqual([
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'x-mbx-used-weight-1m',
    ]);
    expect(info.remaining).toBe(7);
    expect(info.limit).toBe(100);
    expect(info.resetMs).toBe(30_000);
    expect(info.observations.length).toBeGreaterThan(0);
  });

  it('is empty when the server announces nothing', () => {
    const info = readRateLimitInfo({ 'content-type': 'text/plain' });
    expect(info.headers).toEqual({});
    expect(info.remaining).toBeUndefined();
    expect(info.observations).toEqual([]);
  });
});
