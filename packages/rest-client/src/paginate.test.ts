import { describe, expect, it } from 'vitest';
import { findNextLink } from './paginate';

describe('findNextLink', () => {
  it('finds rel="next" among several links, with or without quotes', () => {
    expect(
      findNextLink(
        '<https://x.test/v1/o?page=1>; rel="prev", <https://x.test/v1/o?page=3>; rel="next", <https://x.test/v1/o?page=9>; rel="last"',
      ),
    ).toBe('https://x.test/v1/o?page=3');
    expect(findNextLink('</v1/o?after=a>; rel=next')).toBe('/v1/o?after=a');
    expect(findNextLink('</a>; rel="prev next"')).toBe('/a');
    expect(findNextLink('</a>; rel="last"')).toBeUndefined();
    expect(findNextLink(undefined)).toBeUndefined();
  });
});
