import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { duration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1m30s', 90_000],
    ['1h 15m', 4_500_000],
    ['1.5s', 1_500],
    ['250', 250],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '30x', '-5s', 's', '10 seconds', '5s garbage'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('duration()', () => {
  it('outputs milliseconds from numbers and strings', () => {
    expect(v.parse(duration(), '45s')).toBe(45_000);
    expect(v.parse(duration(), 1200)).toBe(1200);
  });

  it('rejects malformed text and negative numbers', () => {
    expect(v.safeParse(duration(), '45 parsecs').success).toBe(false);
    expect(v.safeParse(duration(), -1).success).toBe(false);
  });

  it('can be bounded in milliseconds with a pipe', () => {
    const bounded = v.pipe(duration(), v.maxValue(60_000));
    expect(v.safeParse(bounded, '2m').success).toBe(false);
    expect(v.parse(bounded, '1m')).toBe(60_000);
  });
});
