import { KitError } from '@kit/errors';
import type { Clock } from '@kit/retry';
import { schedule } from './timers';

interface PendingRequest {
  match: (message: unknown) => boolean;
  resolve: (message: unknown) => void;
  reject: (error: KitError) => void;
  cleanup: () => void;
}

/**
 * Requests awaiting a reply: each inbound message is offered to them in order, the first whose
 * `match` accepts it takes it. A disconnect rejects them all with outcome `unknown`
 * (`network.connection_lost`): the request may have been executed, so callers reconcile. @internal
 */
export class RequestManager {
  readonly #pending = new Set<PendingRequest>();
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;

  constructor(clock: Clock, onError: (error: unknown) => void) {
    this.#clock = clock;
    this.#onError = onError;
  }

  /** Requests in flight. */
  get size(): number {
    return this.#pending.size;
  }

  /** Registers a request before it is sent; `reply` settles on a match, timeout, abort or disconnect; `cancel` forgets it. */
  add(
    match: (message: unknown) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): { reply: Promise<unknown>; cancel: () => void } {
    let cancel: () => void = () => {};
    const reply = new Promise((resolve, reject) => {
      const onAbort = () => {
        finish();
        reject(
          new KitError('cancelled.aborted', {
            message: 'The request was aborted',
            outcome: 'unknown',
            cause: signal?.reason,
          }),
        );
      };
      const cancelTimer = schedule(
        this.#clock,
        timeoutMs,
        () => {
          finish();
          reject(
            new KitError('timeout.attempt', {
              message: `No reply matched the request within ${timeoutMs} ms`,
              outcome: 'unknown',
            }),
          );
        },
        this.#onError,
      );
      const finish = () => {
        this.#pending.delete(entry);
        cancelTimer();
        signal?.removeEventListener('abort', onAbort);
      };
      const entry: PendingRequest = { match, resolve, reject, cleanup: finish };
      cancel = finish;
      this.#pending.add(entry);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    // A cancelled request (its send failed) never settles; the caller has the send error instead.
    return { reply, cancel };
  }

  /** Offers an inbound message; true when a request took it. */
  offer(message: unknown): boolean {
    for (const entry of this.#pending) {
      let matched = false;
      try {
        matched = entry.match(message);
      } catch (error) {
        this.#onError(error);
      }
      if (matched) {
        entry.cleanup();
        entry.resolve(message);
        return true;
      }
    }
    return false;
  }

  /** Rejects every pending request with `error`. */
  rejectAll(error: KitError): void {
    for (const entry of [...this.#pending]) {
      entry.cleanup();
      entry.reject(error);
    }
  }
}
