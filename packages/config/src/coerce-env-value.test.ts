import { describe, expect, it } from 'vitest';
import { coerceEnvValue } from './coerce-env-value';

describe('coerceEnvValue', () => {
  it.each([
    ['number', '42', 42],
    ['number', ' 2.5 ', 2.5],
    ['number', '-1e3', -1000],
    ['boolean', 'true', true],
    ['boolean', 'YES', true],
    ['boolean', '1', true],
    ['boolean', 'no', false],
    ['boolean', '0', false],
    ['boolean', 'off', false],
    ['json', '{"a":1}', { a: 1 }],
    ['any', '12', 12],
    ['any', 'auto', 'auto'],
    ['string', ' kept as is ', ' kept as is '],
    ['duration', '30s', '30s'],
  ] as const)('coerces a %s from %j', (kind, raw, expected) => {
    expect(coerceEnvValue(kind, raw)).toEqual({ ok: true, value: expected });
  });

  it('splits comma-separated lists and coerces each item', () => {
    expect(coerceEnvValue('list', 'a, b,,c')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(coerceEnvValue('list', '1,2,3', 'number')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(coerceEnvValue('list', '["x,y","z"]')).toEqual({ ok: true, value: ['x,y', 'z'] });
    expect(coerceEnvValue('list', '')).toEqual({ ok: true, value: [] });
  });

  it('reads JSON objects for object settings', () => {
    expect(coerceEnvValue('object', '{"baseUrl":"https://x.test"}')).toEqual({
      ok: true,
      value: { baseUrl: 'https://x.test' },
    });
    expect(coerceEnvValue('object', '[1]').ok).toBe(false);
  });

  it.each([
    ['number', 'ten'],
    ['number', '1,000'],
    ['boolean', 'maybe'],
    ['json', '{broken'],
  ] as const)('rejects a %s given as %j with an expectation and hint', (kind, raw) => {
    const result = coerceEnvValue(kind, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.expected.length).toBeGreaterThan(0);
      expect(result.hint.length).toBeGreaterThan(0);
    }
  });

  it('points at wrapping quotes when they are the reason a value fails', () => {
    const result = coerceEnvValue('number', '"30"');
    expect(result.ok === false && result.hint).toMatch(/quotes/);
    expect(coerceEnvValue('list', '1,x', 'number').ok).toBe(false);
  });
});
