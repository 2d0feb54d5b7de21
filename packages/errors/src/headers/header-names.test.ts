import { describe, expect, it } from 'vitest';
import { isRateLimitHeaderName, listHeaderNames } from './header-names';

describe('isRateLimitHeaderName', () => {
  it('knows every rate-limit header family, and nothing else', () => {
    for (const name of [
      'x-ratelimit-remaining',
      'x-rate-limit-reset',
      'ratelimit',
      'ratelimit-policy',
      'x-mbx-used-weight-1m',
      'retry-after',
      'retry-after-ms',
    ]) {
      expect(isRateLimitHeaderName(name), name).toBe(true);
    }
    expect(['content-type', 'x-request-id', 'etag'].filter(isRateLimitHeaderName)).toEqual([]);
  });
});

describe('listHeaderNames', () => {
  it('lists plain records, Headers and pair lists in lower case; undefined for get()-only objects', () => {
    expect(listHeaderNames({ 'X-A': '1' })).toEqual(['x-a']);
    expect(listHeaderNames(new Headers({ 'X-B': '2' }))).toEqual(['x-b']);
    expect(listHeaderNames(new Map([['X-C', '3']]))).toEqual(['x-c']);
    expect(listHeaderNames({ get: () => '1' } as never)).toBeUndefined();
    expect(listHeaderNames(undefined)).toEqual([]);
  });
});
