// The market half of the sandbox: seeded random-walk quotes and a per-symbol order book that
// changes by sequenced diffs. Implemented in `market/` (owner: the stream half), used by the REST
// routes (`GET /quotes`, `GET /book`), by trading (fills at the touch) and by the WebSocket stream.

/** A top-of-book quote. Decimals are strings exactly as sent on the wire. */
export interface Quote {
  readonly symbol: string;
  readonly bid: string;
  readonly ask: string;
  readonly last: string;
  /** Server time (epoch ms, with the clock offset applied). */
  readonly time: number;
}

/** One price level: `[price, size]`; size `"0"` in a diff removes the level. */
export type BookLevel = readonly [price: string, size: string];

/** An order book snapshot: bids best (highest) first, asks best (lowest) first. */
export interface BookSnapshot {
  readonly symbol: string;
  /** The seq of the last diff applied to this book. */
  readonly seq: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  /** CRC32 of the top 10 levels (see API.md, "Book checksum") of the full book after this seq. */
  readonly checksum: number;
}

/** The changed levels of one book update; `seq` rises by exactly 1 per diff and symbol. */
export interface BookDiff {
  readonly symbol: string;
  readonly seq: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  /** Checksum of the full book after applying this diff. */
  readonly checksum: number;
}

/** Options for `createMarket()`. */
export interface MarketOptions {
  /** Seed of the random walk. */
  readonly seed: number;
  readonly symbols: readonly string[];
  /** Quote and book tick interval. */
  readonly quoteIntervalMs: number;
  /** The server clock (epoch ms, offset applied). */
  readonly now: () => number;
}

/** The running market. */
export interface Market {
  readonly symbols: readonly string[];
  has(symbol: string): boolean;
  quote(symbol: string): Quote | undefined;
  /** A snapshot of the top `depth` levels per side (default 50); the checksum is always of the top 10. */
  book(symbol: string, depth?: number): BookSnapshot | undefined;
  /** Called after every tick's quote change. Returns an unsubscribe function. */
  onQuote(listener: (quote: Quote) => void): () => void;
  /** Called for every book diff, in seq order. Returns an unsubscribe function. */
  onBookDiff(listener: (diff: BookDiff) => void): () => void;
  /** Stops the tick timer. */
  close(): void;
}
