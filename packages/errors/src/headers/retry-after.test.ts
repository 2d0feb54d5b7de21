import { describe, expect, it } from 'vitest';
import { parseRateLimitReset } from './rate-limit-fields';
import { MAX_RETRY_HINT_MS, parseExplicitRetryAfter, parseRetryAfter } from './retry-after';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0); // 1767268800000

describe('parseRetryAfter', () => {
  it('reads Retry-After delta-seconds (and decimals some servers send)', () => {
    expect(parseRetryAfter({ 'Retry-After': '2' }, NOW)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': '0' }, NOW)).toBe(0);
    expect(parseRetryAfter({ 'retry-after': '1.5' }, NOW)).toBe(1500);
  });

  it('reads Retry-After as an HTTP-date relative to nowMs, a past date meaning now', () => {
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 12:00:30 GMT' }, NOW)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 11:00:00 GMT' }, NOW)).toBe(0);
  });

  it('prefers retry-after-ms over Retry-After', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '5' }, NOW)).toBe(250);
  });

  it('tells epoch seconds, epoch ms and delta seconds apart in X-RateLimit-Reset / RateLimit-Reset', () => {
    expect(parseRetryAfter({ 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toBe(30_000);
    expect(parseRetryAfter({ 'x-ratelimit-reset': String(NOW + 1500) }, NOW)).toBe(1500);
    expect(parseRetryAfter({ 'ratelimit-reset': '12' }, NOW)).toBe(12_000);
    expect(parseRetryAfter({ 'x-ratelimit-reset': String(NOW / 1000 - 100) }, NOW)).toBe(0);
  });

  it('reads the IETF RateLimit field in draft-7 and structured-list forms', () => {
    expect(parseRetryAfter({ RateLimit: 'limit=100, remaining=0, reset=7' }, NOW)).toBe(7000);
    expect(parseRetryAfter({ ratelimit: '"burst";r=5;t=1, "day";r=0;t=3600' }, NOW)).toBe(3_600_000);
    expect(parseRetryAfter({ ratelimit: '"burst";r=5;t=4, "minute";r=9;t=40' }, NOW)).toBe(4000);
  });

  it('ignores negative, NaN, garbage and absurd values', () => {
    expect(parseRetryAfter({ 'retry-after': '-5' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': 'NaN' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': String(MAX_RETRY_HINT_MS / 1000 + 1) }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'Fri, 01 Jan 2100 00:00:00 GMT' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'x-ratelimit-reset': '-1' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it('prefers the IETF reset (a precise delta) over a legacy X-RateLimit-Reset for the same window', () => {
    const legacy = { 'x-ratelimit-reset': String(NOW / 1000 + 2) };
    expect(parseRetryAfter({ ...legacy, ratelimit: '"default";r=0;t=1.5' }, NOW)).toBe(1500);
    expect(parseRetryAfter({ ...legacy, RateLimit: 'limit=10, remaining=0, reset=1' }, NOW)).toBe(1000);
    expect(parseRetryAfter({ ...legacy, 'ratelimit-reset': '1' }, NOW)).toBe(1000);
    expect(parseRateLimitReset({ ...legacy, ratelimit: '"default";r=0;t=1.5' }, NOW)).toBe(1500);
    // An unusable IETF field still falls through to the legacy header.
    expect(parseRetryAfter({ ...legacy, ratelimit: 'garbage' }, NOW)).toBe(2000);
  });

  it('falls through an unusable header to the next source', () => {
    expect(parseRetryAfter({ 'retry-after': 'garbage', 'x-ratelimit-reset': '3' }, NOW)).toBe(3000);
  });

  it('uses the first of a repeated Retry-After', () => {
    expect(parseRetryAfter({ 'retry-after': ['5', '5'] }, NOW)).toBe(5000);
  });

  it('reads Headers instances', () => {
    expect(parseRetryAfter(new Headers({ 'Retry-After': '4' }), NOW)).toBe(4000);
  });
});

describe('parseExplicitRetryAfter and parseRateLimitReset', () => {
  it('separate an explicit instruction from a window reset', () => {
    const headers = { 'x-ratelimit-reset': '10' };
    expect(parseExplicitRetryAfter(headers, NOW)).toBeUndefined();
    expect(parseRateLimitReset(headers, NOW)).toBe(10_000);
  });
});
