import { describe, expect, it } from 'vitest';
import { compileRoutePattern } from './route-pattern';

describe('compileRoutePattern', () => {
  it('extracts decoded params and rejects other paths', () => {
    const pattern = compileRoutePattern('/v1/orders/:id/fills/:fillId');
    expect(pattern.match('/v1/orders/a%2Fb/fills/7')).toEqual({ id: 'a/b', fillId: '7' });
    expect(pattern.match('/v1/orders/1')).toBeUndefined();
    expect(pattern.match('/v1/orders//fills/7')).toBeUndefined();
  });

  it('treats regex characters literally and supports a trailing wildcard', () => {
    expect(compileRoutePattern('/a.b').match('/axb')).toBeUndefined();
    expect(compileRoutePattern('/a.b').match('/a.b')).toEqual({});
    expect(compileRoutePattern('/files/*').match('/files/x/y/z')).toEqual({});
  });
});
