import { describe, expect, it } from 'vitest';
import { formatQuery } from './query-string';

describe('formatQuery', () => {
  it('keeps the order and joins pairs with &', () => {
    expect(
      formatQuery([
        ['symbol', 'LTCBTC'],
        ['side', 'BUY'],
      ]),
    ).toBe('symbol=LTCBTC&side=BUY');
  });

  it('percent-encodes UTF-8 with upper-case hex, the form Binance signs', () => {
    // Binance's documented non-ASCII example: symbol "１２３４５６" (full-width digits).
    expect(formatQuery([['symbol', '１２３４５６']])).toBe(
      'symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96',
    );
  });

  it('encodes reserved characters and spaces as %20', () => {
    expect(formatQuery([['a b', 'x&y=z/?#']])).toBe('a%20b=x%26y%3Dz%2F%3F%23');
  });

  it('gives an empty string for no parameters', () => {
    expect(formatQuery([])).toBe('');
  });
});
