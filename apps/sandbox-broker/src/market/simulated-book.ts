import { bookChecksum, CHECKSUM_DEPTH } from './book-checksum';
import { formatUnits } from './decimal';
import type { BookLevel } from './market-types';
import type { SymbolSpec } from './symbol-specs';

/** Levels kept per side. `GET /book` serves up to this many (its default depth is 50). */
export const BOOK_LEVELS = 100;

// Per tick, the chance that a resting level changes size: busy near the touch, quiet deeper down,
// as on a real venue (and the checksummed top 10 changes often enough to catch a bad client book).
const TOUCH_CHANGE_PROBABILITY = 0.25;
const DEEP_CHANGE_PROBABILITY = 0.03;
// A weak pull back to the starting price, so a sandbox left running for days stays near it.
const REVERSION_PER_TICK = 0.00001;
const SQRT3 = Math.sqrt(3);

/** The changed levels of one step, formatted for the wire. */
export interface BookStep {
  readonly seq: number;
  readonly bids: BookLevel[];
  readonly asks: BookLevel[];
  readonly checksum: number;
}

type Side = Map<number, number>;

/**
 * One symbol's simulated book: a random walk of the touch with {@link BOOK_LEVELS} contiguous
 * levels per side behind it. Prices are integer tick indices and sizes integer lot units inside;
 * strings are made only at the edge. Never crossed: every bid index is below every ask index.
 */
export class SimulatedBook {
  /** Best bid and ask, as tick indices. */
  bestBid: number;
  bestAsk: number;
  /** The seq of the last diff applied (0 before the first). */
  seq = 0;
  /** Checksum of the top levels after `seq`. */
  checksum: number;

  readonly #spec: SymbolSpec;
  readonly #random: () => number;
  readonly #bids: Side = new Map();
  readonly #asks: Side = new Map();
  readonly #baseIndex: number;
  readonly #minIndex: number;
  #levels: { seq: number; bids: BookLevel[]; asks: BookLevel[] } | undefined;

  constructor(spec: SymbolSpec, random: () => number) {
    this.#spec = spec;
    this.#random = random;
    this.#baseIndex = Math.round(spec.basePriceUnits / spec.stepUnits);
    // The walk never takes the book's deepest bid below one tick.
    this.#minIndex = Math.max(BOOK_LEVELS, Math.round(this.#baseIndex / 10));
    this.bestBid = this.#baseIndex;
    this.bestAsk = this.bestBid + this.#spread();
    this.#reshape(this.#bids, this.bestBid, -1);
    this.#reshape(this.#asks, this.bestAsk, 1);
    this.checksum = this.#checksum();
  }

  /** A price index as its wire string. */
  price(index: number): string {
    return formatUnits(index * this.#spec.stepUnits, this.#spec.priceDecimals);
  }

  /** A size in lot units as its wire string. */
  size(units: number): string {
    return formatUnits(units, this.#spec.sizeDecimals);
  }

  /** Moves the touch and resizes levels; returns the changed levels (size `'0'` removed). */
  step(): BookStep {
    const random = this.#random;
    const gauss = (random() + random() + random() + random() - 2) * SQRT3;
    const pull = (this.#baseIndex - this.bestBid) * REVERSION_PER_TICK;
    this.bestBid = Math.max(this.#minIndex, this.bestBid + Math.round(gauss * this.#spec.sigmaTicks + pull));
    this.bestAsk = this.bestBid + this.#spread();
    const bidChanges = this.#reshape(this.#bids, this.bestBid, -1);
    const askChanges = this.#reshape(this.#asks, this.bestAsk, 1);
    if (bidChanges.length === 0 && askChanges.length === 0) {
      // Every seq must carry a change, so a diff is never an empty message.
      const old = this.#bids.get(this.bestBid)!;
      const size = old >= this.#spec.maxSizeUnits ? this.#spec.minSizeUnits : old + 1;
      this.#bids.set(this.bestBid, size);
      bidChanges.push([this.bestBid, size]);
    }
    this.seq++;
    this.#levels = undefined;
    this.checksum = this.#checksum();
    return {
      seq: this.seq,
      bids: this.#format(bidChanges),
      asks: this.#format(askChanges),
      checksum: this.checksum,
    };
  }

  /** The top `depth` levels per side, best first, as wire strings. */
  levels(depth: number): { bids: BookLevel[]; asks: BookLevel[] } {
    let levels = this.#levels;
    if (!levels || levels.seq !== this.seq) {
      levels = {
        seq: this.seq,
        bids: this.#top(this.#bids, this.bestBid, -1, BOOK_LEVELS),
        asks: this.#top(this.#asks, this.bestAsk, 1, BOOK_LEVELS),
      };
      this.#levels = levels;
    }
    return { bids: levels.bids.slice(0, depth), asks: levels.asks.slice(0, depth) };
  }

  #spread(): number {
    const draw = this.#random();
    return draw < 0.6 ? 1 : draw < 0.9 ? 2 : 3;
  }

  #randomSize(): number {
    const { minSizeUnits, maxSizeUnits } = this.#spec;
    // Squared, so small resting sizes are common and large ones rare.
    const draw = this.#random();
    return minSizeUnits + Math.floor(draw * draw * (maxSizeUnits - minSizeUnits + 1));
  }

  /**
   * Makes `side` hold exactly the {@link BOOK_LEVELS} indices from `best` away from the spread
   * (`direction` -1 for bids, +1 for asks): levels outside go, new ones get a size, some resting
   * ones change. Returns the changes, best first.
   */
  #reshape(side: Side, best: number, direction: -1 | 1): Array<[number, number]> {
    const changes: Array<[number, number]> = [];
    const worst = best + direction * (BOOK_LEVELS - 1);
    const low = Math.min(best, worst);
    const high = Math.max(best, worst);
    for (const index of side.keys()) {
      if (index < low || index > high) {
        side.delete(index);
        changes.push([index, 0]);
      }
    }
    for (let depth = 0; depth < BOOK_LEVELS; depth++) {
      const index = best + direction * depth;
      const old = side.get(index);
      const probability = depth < CHECKSUM_DEPTH ? TOUCH_CHANGE_PROBABILITY : DEEP_CHANGE_PROBABILITY;
      if (old === undefined || this.#random() < probability) {
        const size = this.#randomSize();
        if (size !== old) {
          side.set(index, size);
          changes.push([index, size]);
        }
      }
    }
    return changes.sort((a, b) => (a[0] - b[0]) * direction);
  }

  #format(changes: ReadonlyArray<readonly [number, number]>): BookLevel[] {
    return changes.map(
      ([index, units]) => [this.price(index), units === 0 ? '0' : this.size(units)] as const,
    );
  }

  // Every level lies within BOOK_LEVELS of the touch (#reshape removes the rest), so a scan from
  // the touch finds them all in order without sorting.
  #top(side: Side, best: number, direction: -1 | 1, depth: number): BookLevel[] {
    const levels: BookLevel[] = [];
    for (let offset = 0; offset < BOOK_LEVELS && levels.length < depth; offset++) {
      const index = best + direction * offset;
      const units = side.get(index);
      if (units !== undefined) levels.push([this.price(index), this.size(units)]);
    }
    return levels;
  }

  #checksum(): number {
    return bookChecksum(
      this.#top(this.#bids, this.bestBid, -1, CHECKSUM_DEPTH),
      this.#top(this.#asks, this.bestAsk, 1, CHECKSUM_DEPTH),
    );
  }
}
