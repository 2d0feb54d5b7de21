import { formatQuery } from '@kit/auth';
import { describe, expect, it } from 'vitest';
import { toQueryPairs } from './query-string';

describe('toQueryPairs', () => {
  it('keeps the given key order, repeats arrays and skips undefined and null', () => {
    const pairs = toQueryPairs({ z: 1, a: ['x', 'y'], skip: undefined, none: null, flag: false });
    expect(pairs).toEqual([
      ['z', '1'],
      ['a', 'x'],
      ['a', 'y'],
      ['flag', 'false'],
    ]);
    // The wire form comes from @kit/auth's formatQuery, the same function signers use.
    expect(formatQuery(pairs)).toBe('z=1&a=x&a=y&flag=false');
  });

  it('accepts explicit pairs as they are', () => {
    expect(
      toQueryPairs([
        ['b', '2'],
        ['a', '1'],
      ]),
    ).toEqual([
      ['b', '2'],
      ['a', '1'],
    ]);
    expect(toQueryPairs(undefined)).toEqual([]);
  });
});
