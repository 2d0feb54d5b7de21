import { AxiosHeaders } from 'axios';
import { describe, expect, it } from 'vitest';
import { headerValue } from './header-value';

describe('headerValue', () => {
  it('reads plain objects in any case', () => {
    expect(headerValue({ 'Retry-After': '5' }, 'retry-after')).toBe('5');
    expect(headerValue({ 'retry-after': '5' }, 'RETRY-AFTER')).toBe('5');
  });

  it('joins array values and stringifies numbers, as Node IncomingHttpHeaders have them', () => {
    expect(headerValue({ 'x-a': ['1', '2'] }, 'X-A')).toBe('1, 2');
    expect(headerValue({ 'content-length': 12 }, 'content-length')).toBe('12');
  });

  it('reads Headers, AxiosHeaders, Maps and [name, value] lists', () => {
    expect(headerValue(new Headers({ 'X-Request-Id': 'abc' }), 'x-request-id')).toBe('abc');
    expect(headerValue(new AxiosHeaders({ 'X-Request-Id': 'def' }), 'x-REQUEST-id')).toBe('def');
    expect(headerValue(new Map([['X-Request-Id', 'ghi']]), 'x-request-id')).toBe('ghi');
    expect(
      headerValue(
        [
          ['Set-Cookie', 'a'],
          ['set-cookie', 'b'],
        ],
        'set-cookie',
      ),
    ).toBe('a, b');
  });

  it('returns undefined for missing headers, nullish input, objects and hostile values', () => {
    expect(headerValue({}, 'x')).toBeUndefined();
    expect(headerValue(undefined, 'x')).toBeUndefined();
    expect(headerValue(null, 'x')).toBeUndefined();
    expect(headerValue({ x: { nested: true } }, 'x')).toBeUndefined();
    expect(headerValue(new Headers(), 'not a valid name')).toBeUndefined();
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(headerValue(hostile, 'x')).toBeUndefined();
  });

  it('only reads own keys, never the prototype', () => {
    expect(headerValue({}, 'constructor')).toBeUndefined();
    expect(headerValue({}, '__proto__')).toBeUndefined();
  });
});
