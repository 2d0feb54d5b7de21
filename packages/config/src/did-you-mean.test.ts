import { describe, expect, it } from 'vitest';
import { didYouMean, levenshtein } from './did-you-mean';

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});

describe('didYouMean', () => {
  it('suggests the closest candidate, ignoring case', () => {
    expect(didYouMean('baseURL', ['baseUrl', 'timeoutMs'])).toBe('baseUrl');
    expect(didYouMean('KIT_REST_BASE_URL', ['KIT_REST__BASE_URL', 'KIT_API_KEY'])).toBe('KIT_REST__BASE_URL');
  });

  it('suggests nothing when no candidate is plausibly a typo', () => {
    expect(didYouMean('colour', ['baseUrl', 'timeoutMs'])).toBeUndefined();
  });
});
