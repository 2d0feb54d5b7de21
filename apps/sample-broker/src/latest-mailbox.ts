// A conflating hand-off from a producer that must never wait (a socket, a book being maintained)
// to a consumer that may be slow: one slot per key, the newest value wins, keys are read in the
// order they first became pending. Used by the quote and book streams.
import type { KitError } from '@kit/errors';

/** An async iterable fed by `put`; ends on `end()` or throws after `fail()`. @internal */
export class LatestMailbox<K, V> implements AsyncIterable<V> {
  readonly #pending = new Map<K, V>();
  #waiter: ((result: IteratorResult<V>) => void) | undefined;
  #failWaiter: ((error: KitError) => void) | undefined;
  #done = false;
  #error: KitError | undefined;
  #iterating = false;
  /** Values replaced before the consumer read them. */
  conflated = 0;

  /** Offers the newest value for `key`, replacing one the consumer has not read yet. */
  put(key: K, value: V): void {
    if (this.#done) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#clearWaiter();
      waiter({ value, done: false });
      return;
    }
    if (this.#pending.has(key)) {
      this.conflated++;
      this.#pending.delete(key);
    }
    this.#pending.set(key, value);
  }

  /** Ends the iteration after the values still pending. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    const waiter = this.#waiter;
    this.#clearWaiter();
    waiter?.({ value: undefined, done: true });
  }

  /** Ends the iteration with an error (after the values still pending). */
  fail(error: KitError): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    const failWaiter = this.#failWaiter;
    this.#clearWaiter();
    failWaiter?.(error);
  }

  /** Whether `end()` or `fail()` was called. */
  get done(): boolean {
    return this.#done;
  }

  #clearWaiter(): void {
    this.#waiter = undefined;
    this.#failWaiter = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<V> {
    if (this.#iterating) throw new TypeError('This stream can be iterated only once');
    this.#iterating = true;
    return {
      next: () => {
        const first = this.#pending.entries().next();
        if (!first.done) {
          this.#pending.delete(first.value[0]);
          return Promise.resolve({ value: first.value[1], done: false });
        }
        if (this.#error !== undefined) return Promise.reject(this.#error);
        if (this.#done) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<V>>((resolve, reject) => {
          this.#waiter = resolve;
          this.#failWaiter = reject;
        });
      },
      return: () => {
        this.#pending.clear();
        this.end();
        this.onReturn?.();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** Called when the consumer stops early (`break`, `return()`): the producer tears down. */
  onReturn: (() => void) | undefined;
}
