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

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });

/**
 * A bounded FIFO between the socket and one `for await` consumer (a power-of-two ring, so neither
 * push nor shift copies and indexing is a mask). Under `block` it calls `onPressure(true)` when it
 * reaches `size` and `onPressure(false)` once drained to half.
 *
 * Hot path: a message arriving while the reader waits settles that reader's promise directly; one
 * arriving while the reader is busy is only appended, and the reader then takes it with an
 * already-resolved promise, so a burst of frames (one TCP read) costs one pending promise, not one
 * per message. Several `next()` calls may wait at once (iterator helpers, `Promise.all`): they are
 * served in call order. @internal
 */
export class ConsumerBuffer<T> implements AsyncIterator<T> {
  readonly stats: ConsumerStats = { delivered: 0, conflated: 0, dropped: 0 };
  readonly #size: number;
  readonly #policy: BufferPolicy;
  readonly #onPressure: (blocked: boolean) => void;
  readonly #onReturn: () => void;
  #ring: Array<T | undefined>;
  #mask: number;
  #head = 0;
  #length = 0;
  /** The first waiting reader; further concurrent readers queue in `#waiters`. */
  #waiter: Pending<T> | undefined;
  #waiters: Pending<T>[] | undefined;
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
    this.#ring = new Array(capacityFor(Math.min(this.#size, 64)));
    this.#mask = this.#ring.length - 1;
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
      this.#waiter = this.#waiters?.shift();
      this.stats.delivered++;
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.#length >= this.#size) {
      if (this.#policy === 'latest') {
        this.#ring[(this.#head + this.#length - 1) & this.#mask] = item;
        this.stats.conflated++;
        return;
      }
      if (this.#policy === 'drop-oldest') {
        this.#shift();
        this.stats.dropped++;
      }
    }
    if (this.#length === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
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
    if (this.#length > 0) return;
    // Nothing left to read: every waiting reader gets the end now.
    let waiter = this.#waiter;
    const rest = this.#waiters;
    this.#waiter = undefined;
    this.#waiters = undefined;
    let i = 0;
    while (waiter) {
      if (error) waiter.reject(error);
      else waiter.resolve(DONE);
      waiter = rest?.[i++];
    }
  }

  /** Ends at once, discarding what is buffered (abort, `unsubscribe()`, `break`). */
  cancel(): void {
    this.#clear();
    this.#release();
    this.end();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#length > 0) {
      const value = this.#shift();
      this.stats.delivered++;
      if (this.#blocked && this.#length <= this.#size >> 1) this.#release();
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) return this.#error ? Promise.reject(this.#error) : Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      const pending = { resolve, reject };
      if (!this.#waiter) this.#waiter = pending;
      else if (this.#waiters) this.#waiters.push(pending);
      else this.#waiters = [pending];
    });
  }

  /** `break` in a `for await` loop ends the consumer. */
  return(): Promise<IteratorResult<T>> {
    this.cancel();
    this.#onReturn();
    return Promise.resolve(DONE);
  }

  #release(): void {
    if (!this.#blocked) return;
    this.#blocked = false;
    this.#onPressure(false);
  }

  #grow(): void {
    const old = this.#ring;
    const grown = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#length; i++) grown[i] = old[(this.#head + i) & this.#mask];
    this.#ring = grown;
    this.#mask = grown.length - 1;
    this.#head = 0;
  }

  #shift(): T {
    const head = this.#head;
    const value = this.#ring[head] as T;
    this.#ring[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.#length--;
    return value;
  }

  #clear(): void {
    this.#ring = new Array(1);
    this.#mask = 0;
    this.#head = 0;
    this.#length = 0;
  }
}

/** The smallest power of two at least `n`. */
function capacityFor(n: number): number {
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  return capacity;
}
