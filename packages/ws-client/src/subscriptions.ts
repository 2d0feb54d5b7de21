import { classifyError, extractVendorError, KitError, summariseCause } from '@kit/errors';
import type { WsSession } from './session';
import type { WsState } from './state-machine';
import {
  createStreamState,
  type PendingReply,
  type StreamEntry,
  type StreamSettings,
  type StreamState,
} from './stream-state';
import type { SubscriptionRegistry } from './subscription-registry';
import type { Watchdog } from './watchdog';
import type { WsProtocol } from './ws-protocol';
import type { Consumer, WsSubscribeOptions } from './ws-stream';
import type { WsTelemetry } from './ws-telemetry';

/** What the subscription flow tells the client, and reads from it. @internal */
export interface SubscriptionLifecycle {
  state(): WsState;
  /** The connection now, if there is one. */
  current(): WsSession | undefined;
  /** The resubscription on a new connection starts (`subscribing`). */
  subscribing(reason: string): void;
  /** Subscriptions on `session` were acknowledged or settled: live, if nothing else is awaited. */
  settled(session: WsSession, reason: string): void;
  /** The resubscription on `session` was not acknowledged in time: drop it and reconnect. */
  lost(session: WsSession, error: KitError, reason: string): void;
  /** A stream is gone (its last consumer left, the server refused it, the client stopped). */
  removed(entry: StreamEntry): void;
}

/** @internal */
export interface SubscriptionFlowSettings {
  protocol: WsProtocol;
  registry: SubscriptionRegistry<StreamState>;
  watchdog: Watchdog;
  subscribeBatchSize: number;
  subscribeTimeoutMs: number;
  stream: StreamSettings;
  telemetry: WsTelemetry | undefined;
  lifecycle: SubscriptionLifecycle;
  emitError: (error: KitError) => void;
  reportInternal: (error: unknown) => void;
}

function quoteChannels(channels: readonly string[]): string {
  const shown = channels
    .slice(0, 3)
    .map((channel) => `"${channel}"`)
    .join(', ');
  return channels.length > 3 ? `${shown} and ${channels.length - 3} more` : shown;
}

/** The venue's own code and message in a rejection, sanitised, when it carries any. */
function serverReason(message: unknown): { vendorCode?: string; serverMessage?: string } {
  const vendor = extractVendorError(message, { status: 400 });
  const out: { vendorCode?: string; serverMessage?: string } = {};
  if (vendor?.code !== undefined)
    out.vendorCode = summariseCause(String(vendor.code).slice(0, 100)) as string;
  if (vendor?.message !== undefined) out.serverMessage = summariseCause(vendor.message) as string;
  return out;
}

/**
 * The channels' side of the protocol: registering consumers, subscribe messages in batches (rate
 * limited, acknowledged in time), acks and rejections by channel or by request id, and the
 * unsubscribe when a channel's last consumer goes. Every subscribe and unsubscribe message gets a
 * request id from one counter per client, never reused. @internal
 */
export class SubscriptionFlow {
  readonly #s: SubscriptionFlowSettings;
  #nextRequestId = 1;

  constructor(settings: SubscriptionFlowSettings) {
    this.#s = settings;
  }

  /** Adds `consumer` to its channel, registering the channel (and subscribing it now, when connected) if new. */
  add(channel: string, options: WsSubscribeOptions<unknown>, consumer: Consumer<unknown>): void {
    const { registry, telemetry, lifecycle } = this.#s;
    const { entry, created } = registry.add(
      options.params ? { channel, params: options.params } : { channel },
      () => {
        const state = createStreamState(channel, options, this.#s.stream);
        telemetry?.trackStream(channel, state);
        return state;
      },
    );
    entry.state.consumers = [...entry.state.consumers, consumer];
    telemetry?.trackConsumer(entry.state, consumer);
    consumer.attachSequence(entry.state.sequenced.stats);
    if (!created) return;
    if (entry.state.idleTimeoutMs !== undefined) this.#s.watchdog.watch(channel, entry.state.idleTimeoutMs);
    const session = lifecycle.current();
    // While `subscribing`, the resubscription batch was already taken: send this one too, and
    // let its ack count towards `live` (a timeout then reconnects, as for the batch).
    const state = lifecycle.state();
    if (session && (state === 'live' || state === 'subscribing')) {
      void this.subscribe(session, [entry], state === 'subscribing').catch((error) => {
        if (session.active) this.#s.emitError(classifyError(error));
      });
    }
  }

  /**
   * Sends subscribe messages on `session` for the entries not yet acknowledged or awaited there,
   * in batches under the rate limit. `initial`: the resubscription of a new connection, whose
   * timeout reconnects (a late ack on a live connection is only reported).
   */
  async subscribe(session: WsSession, entries: readonly StreamEntry[], initial: boolean): Promise<void> {
    const { registry, protocol } = this.#s;
    const todo = entries.filter(
      (entry) => !entry.acked && !entry.pending && registry.get(entry.subscription.channel) === entry,
    );
    if (todo.length === 0) return;
    if (initial) this.#s.lifecycle.subscribing(`${todo.length} subscriptions`);
    const size = Math.max(1, protocol.maxSubscriptionsPerMessage ?? this.#s.subscribeBatchSize);
    for (let i = 0; i < todo.length; i += size) {
      const batch = todo
        .slice(i, i + size)
        .filter((entry) => registry.get(entry.subscription.channel) === entry);
      if (batch.length === 0) continue;
      await session.outbox.subscribeSlot();
      if (!session.active) return;
      for (const entry of batch) {
        entry.pending = true;
        session.pendingAcks.add(entry);
      }
      const requestId = this.#nextRequestId++;
      if (protocol.replyId) session.pendingReplies.set(requestId, { kind: 'subscribe', entries: batch });
      session.outbox.control(
        protocol.subscribeMessage(
          batch.map((entry) => entry.subscription),
          requestId,
        ),
      );
      session.timer(this.#s.subscribeTimeoutMs, () => this.#onTimeout(session, batch, initial, requestId));
    }
  }

  /** Settles what `message` acknowledges or rejects on `session`; true when it was such a reply. */
  offer(session: WsSession, message: unknown): boolean {
    const { protocol } = this.#s;
    if (session.pendingReplies.size > 0 && protocol.replyId) {
      const raw = protocol.replyId(message);
      if (raw !== undefined) {
        const id = typeof raw === 'number' ? raw : Number(raw);
        const reply = session.pendingReplies.get(id);
        if (reply !== undefined) {
          session.pendingReplies.delete(id);
          this.#settleReply(session, reply, protocol.isReplyRejection?.(message) === true, message);
          return true;
        }
      }
    }
    if (!protocol.isSubscribeAck && !protocol.isSubscribeRejection) return false;
    for (const entry of session.pendingAcks) {
      if (protocol.isSubscribeAck?.(message, entry.subscription)) {
        this.#acknowledge(session, entry);
        if (this.#s.lifecycle.state() === 'subscribing')
          this.#s.lifecycle.settled(session, 'subscriptions acknowledged');
        return true;
      }
      if (protocol.isSubscribeRejection?.(message, entry.subscription)) {
        this.#reject(session, entry, message);
        if (this.#s.lifecycle.state() === 'subscribing')
          this.#s.lifecycle.settled(session, 'subscriptions settled');
        return true;
      }
    }
    return false;
  }

  /** Removes `channel` and ends its consumers (with `error`, if given). */
  remove(channel: string, error?: KitError): void {
    const entry = this.#s.registry.remove(channel);
    if (!entry) return;
    this.#s.lifecycle.removed(entry);
    this.#s.lifecycle.current()?.pendingAcks.delete(entry);
    this.#s.watchdog.unwatch(channel);
    entry.state.sequenced.dispose();
    const consumers = entry.state.consumers;
    entry.state.consumers = [];
    for (const consumer of consumers) consumer.end(error);
  }

  /** A consumer stopped: the channel goes with its last consumer (and is unsubscribed, if the server has it). */
  consumerDone(consumer: Consumer<never>): void {
    const { registry, protocol, lifecycle } = this.#s;
    const entry = registry.get(consumer.channel);
    if (!entry?.state.consumers.includes(consumer as unknown as Consumer<unknown>)) return;
    entry.state.consumers = entry.state.consumers.filter((c) => c !== (consumer as unknown));
    if (entry.state.consumers.length > 0) return;
    // Acked or still awaiting its ack: either way the server holds (or will hold) the subscription.
    // `acked`/`pending` only ever describe the current connection (a disconnect resets them), so
    // this also covers a channel dropped while the resubscription is still in flight.
    const serverHasIt = entry.acked || entry.pending;
    this.remove(consumer.channel);
    const session = lifecycle.current();
    if (serverHasIt && protocol.unsubscribeMessage) {
      // This runs inside `unsubscribe()`, `break` or an abort listener: a throwing venue hook must
      // not escape there (from an AbortSignal listener it would be an uncaught exception).
      try {
        const requestId = this.#nextRequestId++;
        const message = protocol.unsubscribeMessage([entry.subscription], requestId);
        if (session?.outbox.control(message) && protocol.replyId) {
          const channels = [entry.subscription.channel];
          session.pendingReplies.set(requestId, { kind: 'unsubscribe', channels });
          // An unanswered unsubscribe only stops being awaited: the channel is gone locally anyway.
          session.timer(this.#s.subscribeTimeoutMs, () => session.pendingReplies.delete(requestId));
        }
      } catch (error) {
        this.#s.reportInternal(error);
      }
    }
    // The last unacknowledged channel may just have gone.
    if (session && lifecycle.state() === 'subscribing') lifecycle.settled(session, 'subscriptions settled');
  }

  #onTimeout(session: WsSession, batch: readonly StreamEntry[], initial: boolean, requestId: number): void {
    if (!session.active) return;
    const { registry, subscribeTimeoutMs, lifecycle } = this.#s;
    session.pendingReplies.delete(requestId);
    const late = batch.filter((entry) => entry.pending && registry.get(entry.subscription.channel) === entry);
    if (late.length === 0) return;
    const error = new KitError('timeout.subscribe_ack', {
      message: `No acknowledgement within ${subscribeTimeoutMs} ms for ${late.length} subscription(s)`,
      details: { channels: late.map((entry) => entry.subscription.channel).slice(0, 20) },
    });
    if (initial && lifecycle.state() === 'subscribing') {
      lifecycle.lost(session, error, 'subscribe-ack timeout');
      return;
    }
    // A late subscription on a live connection: report it; it is retried on the next connect.
    for (const entry of late) {
      entry.pending = false;
      session.pendingAcks.delete(entry);
    }
    this.#s.emitError(error);
  }

  #settleReply(session: WsSession, reply: PendingReply, rejected: boolean, message: unknown): void {
    if (reply.kind === 'unsubscribe') {
      if (!rejected) return;
      const { vendorCode, serverMessage } = serverReason(message);
      this.#s.emitError(
        new KitError('protocol.unsubscribe_rejected', {
          message: `The server rejected the unsubscribe from ${quoteChannels(reply.channels)}`,
          vendorCode,
          details: { channels: reply.channels.slice(0, 20), serverMessage },
        }),
      );
      return;
    }
    for (const entry of reply.entries) {
      // Gone meanwhile (its last consumer left) or already settled some other way.
      if (!entry.pending || this.#s.registry.get(entry.subscription.channel) !== entry) continue;
      if (rejected) this.#reject(session, entry, message);
      else this.#acknowledge(session, entry);
    }
    if (this.#s.lifecycle.state() === 'subscribing')
      this.#s.lifecycle.settled(session, rejected ? 'subscriptions settled' : 'subscriptions acknowledged');
  }

  #acknowledge(session: WsSession, entry: StreamEntry): void {
    entry.pending = false;
    entry.acked = true;
    session.pendingAcks.delete(entry);
  }

  #reject(session: WsSession, entry: StreamEntry, message: unknown): void {
    session.pendingAcks.delete(entry);
    const channel = entry.subscription.channel;
    const { vendorCode, serverMessage } = serverReason(message);
    const error = new KitError('protocol.subscribe_rejected', {
      message: `The server rejected the subscription to "${channel}"`,
      vendorCode,
      details: { channel, serverMessage },
    });
    this.remove(channel, error);
    this.#s.emitError(error);
  }
}
