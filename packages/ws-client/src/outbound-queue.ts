import { KitError } from '@kit/errors';
import type { OutboundQueueOptions } from './options';

interface Queued {
  text: string;
  at: number;
  resolve: () => void;
  reject: (error: KitError) => void;
}

/**
 * The optional queue for `send(msg, { queue: true })` while not live: bounded by count, bytes and
 * age. A full queue throws `protocol.send_queue_full`; an expired message rejects with
 * `protocol.not_connected`. Nothing is ever dropped silently. @internal
 */
export class OutboundQueue {
  readonly #limits: Required<OutboundQueueOptions>;
  readonly #now: () => number;
  #items: Queued[] = [];
  #bytes = 0;

  constructor(limits: Required<OutboundQueueOptions>, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Queued messages. */
  get size(): number {
    return this.#items.length;
  }

  /** Queues `text`; the promise settles when it is written or rejected. Throws when full. */
  enqueue(text: string): Promise<void> {
    const limits = this.#limits;
    if (this.#items.length >= limits.maxMessages || this.#bytes + text.length > limits.maxBytes) {
      throw new KitError('protocol.send_queue_full', {
        message: `The outbound queue is full (${this.#items.length} messages, ${this.#bytes} bytes queued)`,
        outcome: 'not_sent',
        details: { maxMessages: limits.maxMessages, maxBytes: limits.maxBytes },
      });
    }
    return new Promise<void>((resolve, reject) => {
      this.#items.push({ text, at: this.#now(), resolve, reject });
      this.#bytes += text.length;
    });
  }

  /** Takes every message: fresh ones go to `write`, expired ones are rejected. */
  flush(write: (text: string) => Promise<void>): void {
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    const now = this.#now();
    for (const item of items) {
      const age = now - item.at;
      if (age > this.#limits.maxAgeMs) {
        item.reject(
          new KitError('protocol.not_connected', {
            message: `A queued message expired after ${age} ms without a live connection`,
            outcome: 'not_sent',
          }),
        );
      } else write(item.text).then(item.resolve, item.reject);
    }
  }

  /** Rejects every queued message with `error`. */
  rejectAll(error: KitError): void {
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    for (const item of items) item.reject(error);
  }
}
