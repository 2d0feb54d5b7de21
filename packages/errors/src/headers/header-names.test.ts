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
  it('lists lower-cased names of records, fetch Headers, Maps and arrays of pairs', () => {
    expect(listHeaderNames({ 'X-RateLimit-Remaining': '1', Date: 'x' })).toEqual([
      'x-ratelimit-remaining',
      'date',
    ]);
    expect(listHeaderNames(Object.assign(Object.create(null), { 'Retry-After': '1' }))).toEqual([
      'retry-after',
    ]);
    expect(listHeaderNames(new Headers({ 'RateLimit-Reset': '5' }))).toEqual(['ratelimit-reset']);
    expect(listHeaderNames(new Map([['X-MBX-USED-WEIGHT-1M', '10']]))).toEqual(['x-mbx-used-weight-1m']);
    expect(listHeaderNames([['Retry-After-Ms', '100']])).toEqual(['retry-after-ms']);
    expect(listHeaderNames(undefined)).toEqual([]);
  });

  it('reads an AxiosHeaders-shaped object through its own properties', () => {
    class AxiosHeaders {
      'x-ratelimit-limit' = '10';
      get(name: string): unknown {
        return (this as unknown as Record<string, unknown>)[name.toLowerCase()];
      }
      normalize(): this {
        return this;
      }
      toJSON(): object {
        return { ...this };
      }
    }
    expect(listHeaderNames(new AxiosHeaders())).toEqual(['x-ratelimit-limit']);
  });

  it('gives up (undefined) on shapes it cannot list, so callers look names up one by one', () => {
    expect(
      listHeaderNames({ get: (name: string) => (name === 'retry-after' ? '1' : undefined) }),
    ).toBeUndefined();
    class OnlyGet {
      get(): unknown {
        return '1';
      }
    }
    expect(listHeaderNames(new OnlyGet())).toBeUndefined();
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('no');
        },
      },
    );
    expect(listHeaderNames(hostile)).toBeUndefined();
  });
});
