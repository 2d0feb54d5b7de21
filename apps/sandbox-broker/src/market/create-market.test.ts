import { isKitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { bookChecksum } from './book-checksum';
import { createMarket } from './create-market';
import { manualEvery } from './interval';
import type { BookDiff, BookLevel, BookSnapshot, Quote } from './market-types';
import { BOOK_LEVELS } from './simulated-book';

const SYMBOLS = ['AAPL', 'MSFT', 'BTC-USD', 'ETH-USD'];

function manualMarket(seed: number, symbols: readonly string[] = SYMBOLS, now = () => 1_764_620_000_000) {
  const clock = manualEvery();
  const market = createMarket({ seed, symbols, quoteIntervalMs: 100, now, every: clock.every });
  return { market, clock };
}

function record(seed: number, ticks: number, symbols: readonly string[] = SYMBOLS) {
  const { market } = manualMarket(seed, symbols);
  const quotes: Quote[] = [];
  const diffs: BookDiff[] = [];
  market.onQuote((q) => quotes.push(q));
  market.onBookDiff((d) => diffs.push(d));
  for (let i = 0; i < ticks; i++) market.tick();
  market.close();
  return { quotes, diffs };
}

/** A client-side book: applies diffs the way API.md tells clients to. */
function localBook(snapshot: BookSnapshot) {
  const bids = new Map(snapshot.bids.map(([p, s]) => [p, s]));
  const asks = new Map(snapshot.asks.map(([p, s]) => [p, s]));
  let seq = snapshot.seq;
  const sorted = (side: Map<string, string>, descending: boolean): BookLevel[] =>
    [...side.entries()].sort((a, b) => (Number(a[0]) - Number(b[0])) * (descending ? -1 : 1));
  return {
    apply(diff: BookDiff) {
      expect(diff.seq).toBe(seq + 1);
      seq = diff.seq;
      for (const [price, size] of diff.bids) size === '0' ? bids.delete(price) : bids.set(price, size);
      for (const [price, size] of diff.asks) size === '0' ? asks.delete(price) : asks.set(price, size);
    },
    get seq() {
      return seq;
    },
    bids: () => sorted(bids, true),
    asks: () => sorted(asks, false),
  };
}

describe('createMarket', () => {
  it('starts every symbol near its usual price with fixed decimals per symbol', () => {
    const { market } = manualMarket(42);
    const expected: Record<string, [number, RegExp]> = {
      AAPL: [190, /^\d+\.\d{2}$/],
      MSFT: [420, /^\d+\.\d{2}$/],
      'BTC-USD': [60_000, /^\d+\.\d{2}$/],
      'ETH-USD': [3_000, /^\d+\.\d{2}$/],
    };
    for (let i = 0; i < 200; i++) market.tick();
    for (const symbol of SYMBOLS) {
      const quote = market.quote(symbol)!;
      const [around, format] = expected[symbol]!;
      for (const price of [quote.bid, quote.ask, quote.last]) {
        expect(price).toMatch(format);
        expect(Math.abs(Number(price) / around - 1)).toBeLessThan(0.02);
      }
      expect(Number(quote.bid)).toBeLessThan(Number(quote.ask));
      expect([quote.bid, quote.ask]).toContain(quote.last);
      expect(quote.time).toBe(1_764_620_000_000);
    }
    // Sizes follow each symbol's lot: whole shares, 4-decimal BTC.
    expect(market.book('AAPL')!.bids[0]![1]).toMatch(/^[1-9]\d*$/);
    expect(market.book('BTC-USD')!.bids[0]![1]).toMatch(/^\d+\.\d{4}$/);
    expect(Number(market.book('BTC-USD')!.bids[0]![0]) * 2).toSatisfy(Number.isInteger); // 0.50 ticks
    market.close();
  });

  it('replays the same quotes and book diffs for the same seed, and others for another seed', () => {
    const a = record(7, 300);
    const b = record(7, 300);
    const c = record(8, 300);
    expect(a.quotes).toEqual(b.quotes);
    expect(a.diffs).toEqual(b.diffs);
    expect(a.diffs).not.toEqual(c.diffs);
    expect(a.quotes.map((q) => q.bid)).not.toEqual(c.quotes.map((q) => q.bid));
  });

  it('walks each symbol on its own stream, so adding a symbol changes no other symbol', () => {
    const alone = record(5, 100, ['AAPL']);
    const together = record(5, 100, ['MSFT', 'AAPL', 'XYZ']);
    expect(together.quotes.filter((q) => q.symbol === 'AAPL')).toEqual(alone.quotes);
    const xyz = together.quotes.find((q) => q.symbol === 'XYZ')!;
    expect(Number(xyz.bid)).toBeGreaterThanOrEqual(20);
    expect(Number(xyz.bid)).toBeLessThan(510);
  });

  it('numbers every diff +1, never sends an empty one and never crosses the book', () => {
    const { market } = manualMarket(3);
    const last = new Map(SYMBOLS.map((s) => [s, market.book(s)!.seq]));
    let diffs = 0;
    market.onBookDiff((diff) => {
      diffs++;
      expect(diff.seq).toBe(last.get(diff.symbol)! + 1);
      last.set(diff.symbol, diff.seq);
      expect(diff.bids.length + diff.asks.length).toBeGreaterThan(0);
      const book = market.book(diff.symbol, BOOK_LEVELS)!;
      expect(book.seq).toBe(diff.seq);
      expect(book.checksum).toBe(diff.checksum);
      expect(Number(book.bids[0]![0])).toBeLessThan(Number(book.asks[0]![0]));
      expect(book.bids).toHaveLength(BOOK_LEVELS);
      expect(book.asks).toHaveLength(BOOK_LEVELS);
    });
    for (let i = 0; i < 500; i++) market.tick();
    expect(diffs).toBe(500 * SYMBOLS.length);
    market.close();
  });

  it('lets a client rebuild the book from a snapshot and diffs, checksum matching at every step', () => {
    const { market } = manualMarket(11);
    for (let i = 0; i < 20; i++) market.tick();
    const book = localBook(market.book('ETH-USD', BOOK_LEVELS)!);
    let steps = 0;
    market.onBookDiff((diff) => {
      if (diff.symbol !== 'ETH-USD') return;
      book.apply(diff);
      expect(bookChecksum(book.bids(), book.asks())).toBe(diff.checksum);
      const fresh = market.book('ETH-USD', BOOK_LEVELS)!;
      expect(book.seq).toBe(fresh.seq);
      expect(book.bids()).toEqual(fresh.bids);
      expect(book.asks()).toEqual(fresh.asks);
      steps++;
    });
    for (let i = 0; i < 300; i++) market.tick();
    expect(steps).toBe(300);
    market.close();
  });

  it('serves a snapshot of the requested depth whose checksum is always of the top 10', () => {
    const { market } = manualMarket(2);
    market.tick();
    const top = market.book('AAPL', 3)!;
    const full = market.book('AAPL')!;
    expect(top.bids).toHaveLength(3);
    expect(full.bids).toHaveLength(50);
    expect(top.checksum).toBe(full.checksum);
    expect(full.checksum).toBe(bookChecksum(full.bids, full.asks));
    expect(market.book('AAPL', 10_000)!.bids).toHaveLength(BOOK_LEVELS);
    expect(market.book('NOPE')).toBeUndefined();
    expect(market.quote('NOPE')).toBeUndefined();
    expect(market.has('AAPL')).toBe(true);
    expect(market.has('NOPE')).toBe(false);
    expect(() => market.book('AAPL', 0)).toThrow(/positive integer/);
    expect(() => market.book('AAPL', 2.5)).toThrow(/positive integer/);
    market.close();
  });

  it('ticks on its scheduler every quoteIntervalMs until closed', () => {
    const clock = manualEvery();
    const market = createMarket({
      seed: 1,
      symbols: ['AAPL'],
      quoteIntervalMs: 250,
      now: () => 5,
      every: clock.every,
    });
    let quotes = 0;
    market.onQuote(() => quotes++);
    clock.fire(250);
    clock.fire(250);
    expect(quotes).toBe(2);
    expect(market.book('AAPL')!.seq).toBe(2);
    market.close();
    expect(clock.active).toBe(0);
    market.tick();
    expect(quotes).toBe(2);
  });

  it('ticks by itself on a real timer', async () => {
    const market = createMarket({ seed: 1, symbols: ['AAPL'], quoteIntervalMs: 5, now: Date.now });
    const quote = await new Promise<Quote>((resolve) => market.onQuote(resolve));
    expect(quote.symbol).toBe('AAPL');
    market.close();
  });

  it('keeps ticking for the other listeners when one throws, and reports it', () => {
    const errors: unknown[] = [];
    const clock = manualEvery();
    const market = createMarket({
      symbols: ['AAPL'],
      every: clock.every,
      onListenerError: (e) => errors.push(e),
    });
    const seen: Quote[] = [];
    market.onQuote(() => {
      throw new Error('listener bug');
    });
    const off = market.onQuote((q) => seen.push(q));
    market.tick();
    off();
    market.tick();
    expect(seen).toHaveLength(1);
    expect(errors).toHaveLength(2);
    market.close();
  });

  it('uses the documented defaults for options left undefined', () => {
    const clock = manualEvery();
    const market = createMarket({
      seed: undefined,
      symbols: undefined,
      quoteIntervalMs: undefined,
      every: clock.every,
    });
    expect(market.symbols).toEqual(SYMBOLS);
    market.close();
  });

  it.each([
    [{ symbols: [] }, /non-empty/],
    [{ symbols: ['AAPL', 'AAPL'] }, /twice/],
    [{ symbols: ['BTC/USD'] }, /not valid/],
    [{ symbols: ['quotes:AAPL'] }, /not valid/],
    [{ symbols: 'AAPL' }, /non-empty/],
    [{ seed: 1.5 }, /seed/],
    [{ quoteIntervalMs: 0 }, /quoteIntervalMs/],
    [{ quoteIntervalMs: Number.POSITIVE_INFINITY }, /quoteIntervalMs/],
    [{ now: 5 }, /now/],
  ])('rejects bad options with a config error: %j', (options, message) => {
    let error: unknown;
    try {
      createMarket(options as never);
    } catch (e) {
      error = e;
    }
    expect(isKitError(error) && error.code).toBe('config.invalid');
    expect((error as Error).message).toMatch(message);
  });
});

describe('bookChecksum', () => {
  it('is the IEEE CRC32 of the interleaved top levels, skipping a side that runs out', () => {
    // 0xCBF43926 is CRC-32/ISO-HDLC's published check value for '123456789'.
    expect(crc32Table('123456789')).toBe(0xcbf43926);
    const bids: BookLevel[] = [
      ['190.10', '5'],
      ['190.09', '7'],
    ];
    const asks: BookLevel[] = [['190.12', '3']];
    expect(bookChecksum(bids, asks)).toBe(crc32Table('190.10:5:190.12:3:190.09:7'));
    const deep: BookLevel[] = Array.from({ length: 12 }, (_, i) => [`${100 - i}.00`, '1']);
    expect(bookChecksum(deep, [])).toBe(crc32Table(deep.slice(0, 10).flat().join(':')));
  });
});

/** An independent table CRC32, to check that zlib's is the IEEE one API.md names. */
function crc32Table(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
