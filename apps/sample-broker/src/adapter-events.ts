// The adapter's event hub: one typed emitter behind `broker.on()`. A listener that throws is logged
// and ignored, so user code can never break a stream from inside an event.
import type { Logger } from '@kit/logger';
import type { SampleBrokerEventName, SampleBrokerEvents } from './types';

type Listener<E extends SampleBrokerEventName> = (payload: SampleBrokerEvents[E]) => void;

/** A small typed emitter. @internal */
export class AdapterEvents {
  readonly #listeners = new Map<SampleBrokerEventName, Set<Listener<never>>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends SampleBrokerEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  /** Calls every listener of `event`. */
  emit<E extends SampleBrokerEventName>(event: E, payload: SampleBrokerEvents[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        this.#logger.warn('sample-broker: an event listener threw; ignored', {
          event,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  /** Removes every listener (on close). */
  clear(): void {
    this.#listeners.clear();
  }
}
