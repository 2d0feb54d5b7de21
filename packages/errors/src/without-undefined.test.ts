import { describe, expect, it } from 'vitest';
import { withoutUndefined } from './without-undefined';

describe('withoutUndefined', () => {
  it('keeps defaults where the caller passed undefined, and every defined value (null, 0, false too)', () => {
    const defaults = { timeoutMs: 1000, retries: 3, name: 'x', flag: true };
    const options = { timeoutMs: undefined, retries: 0, flag: false, name: undefined };
    expect({ ...defaults, ...withoutUndefined(options) }).toEqual({
      timeoutMs: 1000,
      retries: 0,
      name: 'x',
      flag: false,
    });
    expect(withoutUndefined({ a: null })).toEqual({ a: null });
  });

  it('gives {} for absent options', () => {
    expect(withoutUndefined(undefined)).toEqual({});
  });
});
