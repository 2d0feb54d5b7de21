// Argument checks shared by the public methods: a bad symbol or depth is a `client.invalid_argument`
// with a hint, thrown before anything is opened or sent.
import { KitError } from '@kit/errors';

const SYMBOL = /^[A-Za-z0-9._-]{1,32}$/;

function invalid(message: string, hint: string, field: string): KitError {
  return new KitError('client.invalid_argument', { message, hint, outcome: 'not_sent', details: { field } });
}

/** A symbol such as `AAPL` or `BTC-USD`. @internal */
export function validateSymbol(symbol: unknown, where: string): string {
  if (typeof symbol !== 'string' || !SYMBOL.test(symbol)) {
    throw invalid(
      `${where}(): ${JSON.stringify(symbol) ?? String(symbol)} is not a symbol`,
      'Pass the broker symbol as a string, e.g. "AAPL" or "BTC-USD".',
      'symbol',
    );
  }
  return symbol;
}

/** A non-empty list of symbols, without repeats. @internal */
export function validateSymbolList(symbols: unknown, where: string): string[] {
  if (!Array.isArray(symbols) || symbols.length === 0) {
    throw invalid(
      `${where}(): needs a non-empty array of symbols`,
      'Pass the symbols as an array, e.g. ["AAPL", "MSFT"].',
      'symbols',
    );
  }
  return [...new Set(symbols.map((symbol) => validateSymbol(symbol, where)))];
}

/** An integer in [min, max], or the default when `undefined`. @internal */
export function validateInteger(
  value: unknown,
  fallback: number,
  bounds: { min: number; max: number; where: string; field: string },
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw invalid(
      `${bounds.where}(): ${bounds.field} must be an integer from ${bounds.min} to ${bounds.max}`,
      `Pass ${bounds.field} between ${bounds.min} and ${bounds.max}, or leave it out for ${fallback}.`,
      bounds.field,
    );
  }
  return value;
}
