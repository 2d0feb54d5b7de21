import { KitError, summariseSchemaIssues } from '@kit/errors';
import type { Clock } from '@kit/retry';
import { safeParse } from 'valibot';
import { offerLoginReply } from './login';
import type { RequestManager } from './request-manager';
import type { WsSession } from './session';
import type { StreamEntry, StreamState } from './stream-state';
import type { SubscriptionRegistry } from './subscription-registry';
import type { SubscriptionFlow } from './subscriptions';
import type { Watchdog } from './watchdog';
import type { WsProtocol } from './ws-protocol';

/** What the router hands inbound messages to. @internal */
export interface InboundSettings {
  protocol: WsProtocol;
  decode: (data: string | ArrayBuffer) => unknown;
  clock: Clock;
  watchdog: Watchdog;
  registry: SubscriptionRegistry<StreamState>;
  requests: RequestManager;
  subscriptions: SubscriptionFlow;
  /** A message nothing claimed (the `message` event). */
  unclaimed: (message: unknown) => void;
  emitError: (error: KitError) => void;
}

/**
 * Inbound frames of a session, in the order they are claimed: decode; a pong; the login's ack or
 * rejection; a subscribe or unsubscribe reply; a pending `request()`; else the stream
 * `protocol.route` names (validated by its schema, then sequenced and delivered), or the `message`
 * event. A frame that cannot be decoded, or a hook that throws, is reported and skipped: throwing
 * on into the socket's event handler would crash the process. @internal
 */
export class InboundRouter {
  readonly #s: InboundSettings;
  /** The last routed stream: consecutive messages of one channel skip the registry lookup. */
  #routed: StreamEntry | undefined;
  #burstNow: number | undefined;
  readonly #endBurst = (): void => {
    this.#burstNow = undefined;
  };

  constructor(settings: InboundSettings) {
    this.#s = settings;
  }

  /** Handles one frame of `session`. */
  frame(session: WsSession, data: string | ArrayBuffer): void {
    let message: unknown;
    try {
      message = this.#s.decode(data);
    } catch (cause) {
      const length = typeof data === 'string' ? data.length : data.byteLength;
      this.#s.emitError(
        new KitError('protocol.ws_unexpected_message', {
          message: `A malformed frame (${length} bytes) was skipped`,
          cause,
          details: { length },
        }),
      );
      return;
    }
    try {
      this.#dispatch(session, message);
    } catch (cause) {
      this.#s.emitError(
        new KitError('protocol.ws_unexpected_message', {
          message: 'A protocol hook or sequencer threw on an inbound message; the message was skipped',
          cause,
        }),
      );
    }
  }

  /** `entry` was removed: never route to it again. */
  forget(entry: StreamEntry): void {
    if (this.#routed === entry) this.#routed = undefined;
  }

  /** The time of the frames being handled: read once per socket read (a burst), not per message. */
  #frameTime(): number {
    if (this.#burstNow === undefined) {
      this.#burstNow = this.#s.clock.now();
      queueMicrotask(this.#endBurst);
    }
    return this.#burstNow;
  }

  #dispatch(session: WsSession, message: unknown): void {
    const { protocol, watchdog, requests } = this.#s;
    const now = this.#frameTime();
    if (protocol.isPong?.(message)) {
      session.heartbeat.pong();
      watchdog.touch('', now);
      return;
    }
    if (session.loginWaiter !== undefined && offerLoginReply(session, protocol, message)) return;
    if (
      (session.pendingAcks.size > 0 || session.pendingReplies.size > 0) &&
      this.#s.subscriptions.offer(session, message)
    )
      return;
    if (requests.size > 0 && requests.offer(message)) return;
    const channel = protocol.route(message);
    let entry: StreamEntry | undefined;
    if (channel === undefined) entry = undefined;
    else if (channel === this.#routed?.subscription.channel) entry = this.#routed;
    else {
      entry = this.#s.registry.get(channel);
      this.#routed = entry;
    }
    // Only streams with their own idle timeout need their own timestamp (saves a hash per message).
    watchdog.touch(entry?.state.idleTimeoutMs ? (channel as string) : '', now);
    if (!entry) {
      this.#s.unclaimed(message);
      return;
    }
    const stream = entry.state;
    stream.received++;
    let value = message;
    if (stream.schema) {
      const result = safeParse(stream.schema, message);
      if (!result.success) {
        this.#s.emitError(
          new KitError('schema.message_mismatch', {
            message: `A message on "${entry.subscription.channel}" did not match its schema`,
            details: { channel: entry.subscription.channel, issues: summariseSchemaIssues(result.issues) },
          }),
        );
        return;
      }
      value = result.output;
    }
    stream.sequenced.push(value);
  }
}
