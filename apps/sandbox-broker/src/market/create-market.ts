import { KitError } from '@kit/errors';
import { createSeededRandom } from '@kit/testing';
import { type Every, realEvery } from './interval';
import type { BookDiff, BookSnapshot, Market, MarketOptions, Quote } from './market-types';
import { BOOK_LEVELS, SimulatedBook } from './simulated-book';
import { hashString, symbolSpec } from './symbol-specs';

/** Defaults of {@link CreateMarketOptions}. */
const DEFAULT_MARKET_OPTIONS = {
  seed: 1,
  symbols: ['AAPL', 'MSFT', 'BTC-USD', 'ETH-USD'],
  quoteIntervalMs: 100,
  bookDepth: 50,
} as const;

/** Options for {@link createMarket}: {@link MarketOptions} plus what tests inject. */
export interface CreateMarketOptions extends Partial<MarketOptions> {
  /**
   * Seed of the random walk: the same seed and symbols give the same quotes and books.
   * @default 1
   */
  readonly seed?: number;
  /** The symbols traded (letters, digits, `.`, `_`, `-`; 1-32 characters). @default ['AAPL', 'MSFT', 'BTC-USD', 'ETH-USD'] */
  readonly symbols?: readonly string[];
  /** Tick interval of quotes and books, in milliseconds. @default 100 */
  readonly quoteIntervalMs?: number;
  /** The server clock (epoch ms, clock offset applied). @default Date.now */
  readonly now?: () => number;
  /** The interval scheduler; inject `manualEvery().every` to tick only through `tick()`. @default an unref'd setInterval */
  readonly every?: Every;
  /**
   * Called when a quote or book listener throws (the tick goes on for the other listeners).
   * @default emits a process warning
   */
  readonly onListenerError?: (error: unknown) => void;
}

/** The market `createMarket()` returns: a {@link Market} that tests can also tick by hand. */
export interface SimulatedMarket extends Market {
  /** Advances every symbol by one tick now (what the timer does every `quoteIntervalMs`). */
  tick(): void;
}

const SYMBOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

function invalid(message: string, hint: string): KitError {
  return new KitError('config.invalid', { message, hint });
}

function resolveSymbols(symbols: readonly string[] | undefined): string[] {
  if (symbols === undefined) return [...DEFAULT_MARKET_OPTIONS.symbols];
  if (!Array.isArray(symbols) || symbols.length === 0) {
    throw invalid(
      'market symbols must be a non-empty array of strings',
      "Pass e.g. symbols: ['AAPL', 'BTC-USD'].",
    );
  }
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
      throw invalid(
        `market symbol ${JSON.stringify(symbol)} is not valid`,
        'Use 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. "BTC-USD").',
      );
    }
    if (seen.has(symbol)) throw invalid(`market symbol ${symbol} is listed twice`, 'List each symbol once.');
    seen.add(symbol);
  }
  return [...symbols];
}

function resolveOptions(options: CreateMarketOptions) {
  if (typeof options !== 'object' || options === null) {
    throw invalid('createMarket() needs an options object', 'Call createMarket({ seed: 42 }).');
  }
  const seed = options.seed ?? DEFAULT_MARKET_OPTIONS.seed;
  if (!Number.isSafeInteger(seed))
    throw invalid(`market seed must be an integer, got ${seed}`, 'Pass e.g. seed: 42.');
  const quoteIntervalMs = options.quoteIntervalMs ?? DEFAULT_MARKET_OPTIONS.quoteIntervalMs;
  if (typeof quoteIntervalMs !== 'number' || !Number.isFinite(quoteIntervalMs) || quoteIntervalMs < 1) {
    throw invalid(
      `quoteIntervalMs must be a finite number of milliseconds >= 1, got ${quoteIntervalMs}`,
      'Pass e.g. quoteIntervalMs: 100 (ten ticks a second).',
    );
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw invalid('market now must be a function', 'Pass e.g. now: () => Date.now().');
  const every = options.every ?? realEvery;
  const onListenerError =
    options.onListenerError ??
    ((error: unknown) =>
      process.emitWarning(`a sandbox market listener threw: ${String(error)}`, 'SandboxMarket'));
  return { seed, symbols: resolveSymbols(options.symbols), quoteIntervalMs, now, every, onListenerError };
}

/** A listener list that tolerates (un)subscribing while it is being called. */
function listeners<T>(onError: (error: unknown) => void) {
  let list: Array<(value: T) => void> = [];
  return {
    add(listener: (value: T) => void): () => void {
      if (typeof listener !== 'function') {
        throw new KitError('client.invalid_argument', {
          message: 'a market listener must be a function',
          hint: 'Pass a callback, e.g. market.onQuote((quote) => ...).',
        });
      }
      list = [...list, listener];
      return () => {
        list = list.filter((l) => l !== listener);
      };
    },
    emit(value: T): void {
      for (const listener of list) {
        try {
          listener(value);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}

/**
 * Starts the simulated market: for every symbol a seeded random-walk quote and an order book of
 * {@link BOOK_LEVELS} levels per side that changes every tick by a sequenced diff (changed levels
 * only, size `'0'` removes, seq +1 per diff, never crossed), with the CRC32 checksum of API.md.
 * Each symbol walks on its own seeded stream, so adding a symbol never changes another's prices.
 *
 * @example
 * ```ts
 * const market = createMarket({ seed: 42, symbols: ['AAPL'], quoteIntervalMs: 100, now: Date.now });
 * market.quote('AAPL'); // { symbol: 'AAPL', bid: '190.00', ask: '190.01', last: '190.00', time: ... }
 * const off = market.onBookDiff((diff) => console.log(diff.seq, diff.checksum));
 * market.close();
 * ```
 */
export function createMarket(options: CreateMarketOptions = {}): SimulatedMarket {
  const settings = resolveOptions(options);
  const { now } = settings;
  const books = new Map<string, SimulatedBook>();
  const quotes = new Map<string, Quote>();
  const quoteListeners = listeners<Quote>(settings.onListenerError);
  const diffListeners = listeners<BookDiff>(settings.onListenerError);

  const quoteOf = (symbol: string, book: SimulatedBook, time: number, lastAtAsk: boolean): Quote => {
    const bid = book.price(book.bestBid);
    const ask = book.price(book.bestAsk);
    return { symbol, bid, ask, last: lastAtAsk ? ask : bid, time };
  };

  const randoms = new Map<string, () => number>();
  for (const symbol of settings.symbols) {
    const random = createSeededRandom(hashString(symbol, (settings.seed ^ 0x811c9dc5) >>> 0));
    randoms.set(symbol, random);
    const book = new SimulatedBook(symbolSpec(symbol), random);
    books.set(symbol, book);
    quotes.set(symbol, quoteOf(symbol, book, now(), random() < 0.5));
  }

  let closed = false;
  const tick = () => {
    if (closed) return;
    const time = now();
    const diffs: BookDiff[] = [];
    // Every symbol moves before anyone hears of it, so a listener reading another symbol's quote
    // (trading marking a position) sees this tick's market, not half of it.
    for (const [symbol, book] of books) {
      const step = book.step();
      diffs.push({ symbol, seq: step.seq, bids: step.bids, asks: step.asks, checksum: step.checksum });
      quotes.set(symbol, quoteOf(symbol, book, time, randoms.get(symbol)!() < 0.5));
    }
    for (const diff of diffs) {
      diffListeners.emit(diff);
      quoteListeners.emit(quotes.get(diff.symbol)!);
    }
  };
  const cancel = settings.every(settings.quoteIntervalMs, tick);
  const symbols: readonly string[] = Object.freeze([...settings.symbols]);

  return {
    symbols,
    has: (symbol) => books.has(symbol),
    quote: (symbol) => quotes.get(symbol),
    book(symbol, depth = DEFAULT_MARKET_OPTIONS.bookDepth): BookSnapshot | undefined {
      const book = books.get(symbol);
      if (!book) return undefined;
      if (!Number.isSafeInteger(depth) || depth < 1) {
        throw new KitError('client.invalid_argument', {
          message: `book depth must be a positive integer, got ${depth}`,
          hint: `Ask for 1 to ${BOOK_LEVELS} levels (deeper asks get every level there is).`,
        });
      }
      const { bids, asks } = book.levels(depth);
      return { symbol, seq: book.seq, bids, asks, checksum: book.checksum };
    },
    onQuote: (listener) => quoteListeners.add(listener),
    onBookDiff: (listener) => diffListeners.add(listener),
    tick,
    close() {
      if (closed) return;
      closed = true;
      cancel();
    },
  };
}
