// The maintained order book's data: two price -> size maps, the diff rule (size "0" removes a
// level) and the sandbox's checksum. Pure and synchronous; the sync procedure is in order-book.ts.
import { crc32 } from 'node:zlib';
import type { BookLevel } from './types';

/** Levels the sandbox's checksum covers per side (API.md, "Book checksum"). */
const CHECKSUM_LEVELS = 10;

function sortLevels(side: Map<string, string>, descending: boolean): BookLevel[] {
  const levels = [...side] as [string, string][];
  levels.sort((a, b) => (descending ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
  return levels;
}

/**
 * CRC32 (IEEE, unsigned) of `bid1p:bid1s:ask1p:ask1s:bid2p:...` over the top 10 levels, skipping a
 * side that has no level at that depth (OKX's rule). Prices and sizes exactly as sent.
 */
function bookChecksum(bids: readonly BookLevel[], asks: readonly BookLevel[]): number {
  const parts: string[] = [];
  for (let i = 0; i < CHECKSUM_LEVELS; i++) {
    const bid = bids[i];
    const ask = asks[i];
    if (bid !== undefined) parts.push(bid[0], bid[1]);
    if (ask !== undefined) parts.push(ask[0], ask[1]);
  }
  return crc32(parts.join(':')) >>> 0;
}

/** One symbol's book at a sequence number. */
export class BookState {
  readonly #bids = new Map<string, string>();
  readonly #asks = new Map<string, string>();
  #sorted: { bids: BookLevel[]; asks: BookLevel[] } | undefined;
  /** The sequence number of the last snapshot or diff applied. */
  seq: number;

  constructor(snapshot: { seq: number; bids: readonly BookLevel[]; asks: readonly BookLevel[] }) {
    this.seq = snapshot.seq;
    for (const [price, size] of snapshot.bids) if (Number(size) !== 0) this.#bids.set(price, size);
    for (const [price, size] of snapshot.asks) if (Number(size) !== 0) this.#asks.set(price, size);
  }

  /** Applies one diff's changed levels and moves to its `seq`. */
  apply(seq: number, bids: readonly BookLevel[], asks: readonly BookLevel[]): void {
    for (const [price, size] of bids) {
      if (Number(size) === 0) this.#bids.delete(price);
      else this.#bids.set(price, size);
    }
    for (const [price, size] of asks) {
      if (Number(size) === 0) this.#asks.delete(price);
      else this.#asks.set(price, size);
    }
    this.seq = seq;
    this.#sorted = undefined;
  }

  /** Bids best first and asks best first (cached until the next diff). */
  levels(): { bids: readonly BookLevel[]; asks: readonly BookLevel[] } {
    this.#sorted ??= { bids: sortLevels(this.#bids, true), asks: sortLevels(this.#asks, false) };
    return this.#sorted;
  }

  /** The checksum of the book as it is now. */
  checksum(): number {
    const { bids, asks } = this.levels();
    return bookChecksum(bids, asks);
  }

  /** Whether the best bid is at or above the best ask (a book that must never be handed out). */
  crossed(): boolean {
    const { bids, asks } = this.levels();
    const bid = bids[0];
    const ask = asks[0];
    return bid !== undefined && ask !== undefined && Number(bid[0]) >= Number(ask[0]);
  }
}
