import { Secret } from '@kit/logger';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from './deep-freeze';

describe('deepFreeze', () => {
  it('freezes nested objects and arrays and survives cycles', () => {
    const value: Record<string, unknown> = { a: { b: [1, { c: 2 }] } };
    value.self = value;
    const frozen = deepFreeze(value);
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen((frozen.a as { b: unknown[] }).b)).toBe(true);
    expect(Object.isFrozen((frozen.a as { b: object[] }).b[1])).toBe(true);
  });

  it('keeps Secrets usable', () => {
    const frozen = deepFreeze({ key: new Secret('frozen-secret-1') });
    expect(frozen.key.reveal()).toBe('frozen-secret-1');
  });
});
