import type { KitError } from '@kit/errors';

/**
 * What a consumer's buffer does when full: `block` pauses reading from the socket until the
 * consumer catches up (order updates), `latest` replaces the newest buffered message with the
 * incoming one (quotes), `drop-oldest` discards the oldest.
 */
export type BufferPolicy = 'block' | 'latest' | 'drop-oldest';

/** Counters of one consumer. */
export interface ConsumerStats {
  /** Messages handed to this consumer. */
  delivered: number;
  /** Messages replaced by a newer one under `latest`. */
  conflated: number;
  /** Messages discarded under `drop-oldest`. */
  dropped: number;
}

type Pending<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

/**
 * A bounded FIFO between the socket and one `for await` consumer (a growable ring, so neither push
 * nor shift copies). Under `block` it calls `onPressure(true)` when it reaches `size` and
 * `onPressure(false)` once drained to half. @internal
 */
export class ConsumerBuffer<T> implements AsyncIterator<T> {
  readonly stats: ConsumerStats = { delivered: 0, conflated: 0, dropped: 0 };
  readonly #size: number;
  readonly #policy: BufferPolicy;
  readonly #onPressure: (blocked: boolean) => void;
  readonly #onReturn: () => void;
  #ring: Array<T | undefined>;
  #head = 0;
  #length = 0;
  #waiter: Pending<T> | undefined;
  #done = false;
  #error: KitError | undefined;
  #blocked = false;

  constructor(
    size: number,
    policy: BufferPolicy,
    onPressure: (blocked: boolean) => void,
    onReturn: () => void,
  ) {
    this.#size = Math.max(1, size);
    this.#policy = policy;
    this.#onPressure = onPressure;
    this.#onReturn = onReturn;
    this.#ring = new Array(Math.min(this.#size, 64));
  }

  /** Buffered messages. */
  get length(): number {
    return this.#length;
  }

  /** Offers a message. */
  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      this.stats.delivered++;
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.#length >= this.#size) {
      if (this.#policy === 'latest') {
        this.#ring[(this.#head + this.#length - 1) % this.#ring.length] = item;
        this.stats.conflated++;
        return;
      }
      if (this.#policy === 'drop-oldest') {
        this.#shift();
        this.stats.dropped++;
      }
    }
    this.#append(item);
    if (this.#policy === 'block' && !this.#blocked && this.#length >= this.#size) {
      this.#blocked = true;
      this.#onPressure(true);
    }
  }

  /** Ends the iteration after the buffered messages (or at once with `error`). */
  end(error?: KitError): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    if (error) this.#clear();
    this.#release();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter && this.#length === 0) {
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#length > 0) {
      const value = this.#shift();
      this.stats.delivered++;
      if (this.#blocked && this.#length <= this.#size >> 1) this.#release();
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      return this.#error ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** `break` in a `for await` loop ends the consumer. */
  return(): Promise<IteratorResult<T>> {
    this.end();
    this.#clear();
    this.#onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  #release(): void {
    if (!this.#blocked) return;
    this.#blocked = false;
    this.#onPressure(false);
  }

  #append(item: T): void {
    if (this.#length === this.#ring.length) {
      const grown = new Array<T | undefined>(this.#ring.length * 2);
      for (let i = 0; i < this.#length; i++) grown[i] = this.#ring[(this.#head + i) % this.#ring.length];
      this.#ring = grown;
      this.#head = 0;
    }
    this.#ring[(this.#head + this.#length) % this.#ring.length] = item;
    this.#length++;
  }

  #shift(): T {
    const value = this.#ring[this.#head] as T;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.#length--;
    return value;
  }

  #clear(): void {
    this.#ring = new Array(1);
    this.#head = 0;
    this.#length = 0;
  }
}
