/**
 * How one symbol trades in the simulation: its price grid, size grid and how much it moves. All
 * prices are integer tick indices internally (price = index * stepUnits / 10^priceDecimals), so the
 * book is exact and the wire strings have fixed decimals per symbol.
 */
export interface SymbolSpec {
  /** Decimals of a price on the wire (`'190.12'` has 2). */
  readonly priceDecimals: number;
  /** The price tick, in units of `10^-priceDecimals` (BTC-USD: 50 = 0.50). */
  readonly stepUnits: number;
  /** Decimals of a size on the wire (shares: 0, BTC: 4). */
  readonly sizeDecimals: number;
  /** The smallest and largest level size, in units of `10^-sizeDecimals`. */
  readonly minSizeUnits: number;
  readonly maxSizeUnits: number;
  /** Where the walk starts (and is pulled back towards), in price units. */
  readonly basePriceUnits: number;
  /** Standard deviation of the mid move per tick, in ticks. */
  readonly sigmaTicks: number;
}

// Tick sizes and lot sizes in the style of the venues that list them (US equities trade in cents and
// whole shares, crypto in fractions), so a client sees realistic strings and realistic books.
const KNOWN: Readonly<Record<string, SymbolSpec>> = {
  AAPL: spec(2, 1, 0, 1, 800, 190_00, 1.5),
  MSFT: spec(2, 1, 0, 1, 500, 420_00, 2),
  'BTC-USD': spec(2, 50, 4, 1, 25_000, 60_000_00, 3),
  'ETH-USD': spec(2, 5, 3, 1, 40_000, 3_000_00, 2),
};

function spec(
  priceDecimals: number,
  stepUnits: number,
  sizeDecimals: number,
  minSizeUnits: number,
  maxSizeUnits: number,
  basePriceUnits: number,
  sigmaTicks: number,
): SymbolSpec {
  return { priceDecimals, stepUnits, sizeDecimals, minSizeUnits, maxSizeUnits, basePriceUnits, sigmaTicks };
}

/** A 32-bit FNV-1a hash: stable per symbol, so seeds and unknown-symbol prices never depend on order. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The spec of `symbol`: a known one for the default symbols, otherwise an equity-like spec whose
 * starting price (20.00 to 500.00) is derived from the symbol's name.
 */
export function symbolSpec(symbol: string): SymbolSpec {
  const known = KNOWN[symbol];
  if (known) return known;
  const basePriceUnits = 20_00 + (hashString(symbol) % 480_00);
  return spec(2, 1, 0, 1, 1_000, basePriceUnits, 1.5);
}
