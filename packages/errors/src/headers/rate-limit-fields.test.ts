import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders } from './rate-limit-fields';

const NOW = Date.UTC(2030, 0, 1, 0, 0, 0);

describe('parseRateLimitHeaders', () => {
  it('reads X-RateLimit-* with the reset as delta seconds', () => {
    const headers = { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '7', 'X-RateLimit-Reset': '30' };
    expect(parseRateLimitHeaders(headers, { nowMs: NOW })).toEqual([
      { source: 'x-ratelimit', limit: 100, remaining: 7, resetMs: 30_000 },
    ]);
  });

  it('tells an epoch-seconds reset (GitHub style) from a delta', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 42) };
    expect(parseRateLimitHeaders(headers, { nowMs: NOW })[0]?.resetMs).toBe(42_000);
    const reset = (value: string) =>
      parseRateLimitHeaders({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': value }, { nowMs: NOW })[0]
        ?.resetMs;
    expect(reset(String(NOW + 1500))).toBe(1500);
    expect(reset('0.25')).toBe(250);
    expect(reset('soon')).toBeUndefined();
  });

  it('reads draft -06: RateLimit-Limit / -Remaining / -Reset, with an optional policy in the limit', () => {
    const headers = new Headers({
      'RateLimit-Limit': '100, 100;w=60',
      'RateLimit-Remaining': '50',
      'RateLimit-Reset': '5',
    });
    expect(parseRateLimitHeaders(headers, { nowMs: NOW })).toEqual([
      { source: 'draft-06', limit: 100, remaining: 50, resetMs: 5000, windowMs: 60_000 },
    ]);
  });

  it('reads draft -07: RateLimit: limit=, remaining=, reset= with RateLimit-Policy', () => {
    const headers = { ratelimit: 'limit=100, remaining=50, reset=5', 'ratelimit-policy': '100;w=60' };
    expect(parseRateLimitHeaders(headers, { nowMs: NOW })).toEqual([
      { source: 'draft-07', limit: 100, remaining: 50, resetMs: 5000, windowMs: 60_000 },
    ]);
  });

  it('reads the current draft: named policies in RateLimit and RateLimit-Policy', () => {
    const headers = {
      RateLimit: '"default";r=50;t=30, "day";r=900;t=3600',
      'RateLimit-Policy': '"default";q=100;w=60, "day";q=1000;w=86400',
    };
    expect(parseRateLimitHeaders(headers, { nowMs: NOW })).toEqual([
      {
        source: 'draft-current',
        policy: 'default',
        remaining: 50,
        resetMs: 30_000,
        limit: 100,
        windowMs: 60_000,
      },
      {
        source: 'draft-current',
        policy: 'day',
        remaining: 900,
        resetMs: 3_600_000,
        limit: 1000,
        windowMs: 86_400_000,
      },
    ]);
  });

  it('reads configured used-weight headers (Binance X-MBX-USED-WEIGHT-1M) with a clock-aligned reset', () => {
    const headers = { 'x-mbx-used-weight-1m': ['1150'] };
    const nowMs = NOW + 45_000;
    const [observation] = parseRateLimitHeaders(headers, {
      nowMs,
      usedWeightHeaders: { 'X-MBX-USED-WEIGHT-1M': { limit: 1200, intervalMs: 60_000 } },
    });
    expect(observation).toEqual({
      source: 'used-weight',
      limit: 1200,
      remaining: 50,
      windowMs: 60_000,
      resetMs: 15_000,
    });
  });

  it('returns nothing for responses without rate-limit headers, and ignores garbage', () => {
    expect(parseRateLimitHeaders({ 'content-type': 'application/json' })).toEqual([]);
    expect(parseRateLimitHeaders({ 'x-ratelimit-remaining': 'lots' })).toEqual([]);
    expect(parseRateLimitHeaders(undefined)).toEqual([]);
  });
});
