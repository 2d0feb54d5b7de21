import { KitError } from '@kit/errors';
import { abortableSettlers } from '@kit/retry/internal';

interface Waiter {
  resolve: () => void;
  reject: (error: KitError) => void;
}

/** The callers of `ready()` waiting for the client to go live. @internal */
export class ReadyWaiters {
  readonly #waiters = new Set<Waiter>();

  /** Resolves at the next {@link resolveAll}, rejects at {@link rejectAll} or when `signal` aborts. */
  wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(
          new KitError('cancelled.aborted', {
            message: 'Stopped waiting for the connection',
            cause: signal?.reason,
          }),
        );
      };
      const waiter: Waiter = abortableSettlers(signal, resolve, reject, onAbort);
      if (signal?.aborted) return onAbort();
      this.#waiters.add(waiter);
    });
  }

  /** The client is live. */
  resolveAll(): void {
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
  }

  /** The client stopped for good. */
  rejectAll(error: KitError): void {
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters.clear();
  }
}
