import { describe, expect, it } from 'vitest';
import { toNodeHeaders } from './response-headers';

describe('toNodeHeaders', () => {
  it('keeps set-cookie as an array, even for a single cookie', () => {
    expect(toNodeHeaders({ 'set-cookie': 'a=1' })['set-cookie']).toEqual(['a=1']);
    expect(toNodeHeaders({ 'set-cookie': ['a=1', 'b=2'] })['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('keeps the first value of headers Node does not join, and joins the rest like Node', () => {
    const headers = toNodeHeaders({
      'content-type': ['application/json', 'text/html'],
      'retry-after': ['1', '2'],
      'x-ratelimit-used': ['1', '2'],
      cookie: ['a=1', 'b=2'],
    });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['retry-after']).toBe('1');
    expect(headers['x-ratelimit-used']).toBe('1, 2');
    expect(headers.cookie).toBe('a=1; b=2');
  });

  it('drops undefined values', () => {
    expect(toNodeHeaders({ 'x-a': undefined, 'x-b': 'b' })).toEqual({ 'x-b': 'b' });
  });
});
