import type { WsSubscription } from './ws-protocol';

/** One registered stream (shared by every consumer of its channel). @internal */
export interface RegistryEntry<S> {
  readonly subscription: WsSubscription;
  /** Acknowledged on the current connection. */
  acked: boolean;
  /** Sent on the current connection and awaiting its ack. */
  pending: boolean;
  /** What the client keeps per stream (consumers, schema, sequencing). */
  readonly state: S;
}

/**
 * The subscriptions the client restores on every connect. Editing it never sends anything: the
 * client decides whether the connection is up. @internal
 */
export class SubscriptionRegistry<S> {
  readonly #entries = new Map<string, RegistryEntry<S>>();

  /** Registered streams. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `channel`. */
  get(channel: string): RegistryEntry<S> | undefined {
    return this.#entries.get(channel);
  }

  /** Registers `subscription` (or returns the existing entry for its channel). */
  add(subscription: WsSubscription, state: () => S): { entry: RegistryEntry<S>; created: boolean } {
    const existing = this.#entries.get(subscription.channel);
    if (existing) return { entry: existing, created: false };
    const entry: RegistryEntry<S> = { subscription, acked: false, pending: false, state: state() };
    this.#entries.set(subscription.channel, entry);
    return { entry, created: true };
  }

  /** Removes `channel`; returns the removed entry. */
  remove(channel: string): RegistryEntry<S> | undefined {
    const entry = this.#entries.get(channel);
    this.#entries.delete(channel);
    return entry;
  }

  /** Every entry, in registration order. */
  entries(): RegistryEntry<S>[] {
    return [...this.#entries.values()];
  }

  /** The connection dropped: nothing is acknowledged or pending any more. */
  resetAcks(): void {
    for (const entry of this.#entries.values()) {
      entry.acked = false;
      entry.pending = false;
    }
  }
}
