import { isKitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { expandPath } from './path-template';

describe('expandPath', () => {
  it('encodes every parameter so a value cannot change the path', () => {
    expect(expandPath('/orders/{id}/fills/{n}', { id: 'a/b?c#d', n: 3 })).toBe(
      '/orders/a%2Fb%3Fc%23d/fills/3',
    );
    expect(expandPath('/quotes/{symbol}', { symbol: 'BRK.B' })).toBe('/quotes/BRK.B');
    expect(expandPath('/time')).toBe('/time');
  });

  it('names a missing parameter in a client.invalid_argument error', () => {
    let caught: unknown;
    try {
      expandPath('/orders/{id}', {});
    } catch (error) {
      caught = error;
    }
    expect(isKitError(caught, 'client.invalid_argument')).toBe(true);
    expect((caught as Error).message).toContain('"id"');
    expect(() => expandPath('/orders/{id}', { id: '' })).toThrow(/"id"/);
  });

  it('ignores inherited properties (a param named constructor is still missing)', () => {
    expect(() => expandPath('/x/{constructor}', {})).toThrow(/constructor/);
  });
});
