import type { Market } from '../market/market-types';

/** A channel a client can subscribe to, parsed. */
export type ParsedChannel =
  | { readonly kind: 'quotes' | 'book'; readonly symbol: string }
  | { readonly kind: 'orders' }
  | { readonly kind: 'error'; readonly code: 'UNKNOWN_CHANNEL' | 'UNKNOWN_SYMBOL'; readonly message: string };

/** Parses `quotes:SYMBOL`, `book:SYMBOL` or `orders` against the market's symbols. */
export function parseChannel(channel: string, market: Market): ParsedChannel {
  if (channel === 'orders') return { kind: 'orders' };
  const colon = channel.indexOf(':');
  const kind = colon > 0 ? channel.slice(0, colon) : '';
  if (kind !== 'quotes' && kind !== 'book') {
    return {
      kind: 'error',
      code: 'UNKNOWN_CHANNEL',
      message: `Unknown channel ${JSON.stringify(channel.slice(0, 100))}: use quotes:SYMBOL, book:SYMBOL or orders`,
    };
  }
  const symbol = channel.slice(colon + 1);
  if (!market.has(symbol)) {
    return {
      kind: 'error',
      code: 'UNKNOWN_SYMBOL',
      message: `Unknown symbol ${JSON.stringify(symbol.slice(0, 100))}: the sandbox trades ${market.symbols.join(', ')}`,
    };
  }
  return { kind, symbol };
}
