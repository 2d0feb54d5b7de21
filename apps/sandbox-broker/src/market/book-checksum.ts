import { crc32 } from 'node:zlib';
import type { BookLevel } from './market-types';

/** How many levels per side the checksum covers (API.md, "Book checksum"). */
export const CHECKSUM_DEPTH = 10;

/**
 * The book checksum of API.md: CRC32 (IEEE, unsigned) of the top {@link CHECKSUM_DEPTH} levels,
 * interleaved best first as `bidPrice:bidSize:askPrice:askSize:...`, a side with no level at a
 * depth skipped there (OKX's rule). Prices and sizes are taken exactly as sent on the wire.
 *
 * @param bids - Bids, best (highest) first.
 * @param asks - Asks, best (lowest) first.
 */
export function bookChecksum(bids: readonly BookLevel[], asks: readonly BookLevel[]): number {
  const parts: string[] = [];
  for (let i = 0; i < CHECKSUM_DEPTH; i++) {
    const bid = bids[i];
    if (bid) parts.push(bid[0], bid[1]);
    const ask = asks[i];
    if (ask) parts.push(ask[0], ask[1]);
  }
  // zlib.crc32 (Node >= 20.15) is already the unsigned IEEE CRC32 Kraken and OKX use.
  return crc32(parts.join(':'));
}
