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
  // The settings the per-message path reads, as own fields: one load each, not two.
  readonly #s: InboundSettings;
  readonly #protocol: WsProtocol;
  readonly #decode: (data: string | ArrayBuffer) => unknown;
  readonly #watchdog: Watchdog;
  readonly #requests: RequestManager;
  /** The last routed stream: consecutive messages of one channel skip the registry lookup. */
  #routed: StreamEntry | undefined;
  #burstNow: number | undefined;
  readonly #endBurst = (): void => {
    this.#burstNow = undefined;
  };

  constructor(settings: InboundSettings) {
    this.#s = settings;
    this.#protocol = settings.protocol;
    this.#decode = settings.decode;
    this.#watchdog = settings.watchdog;
    this.#requests = settings.requests;
  }

  /** Handles one frame of `session`. */
  frame(session: WsSession, data: string | ArrayBuffer): void {
    let message: unknown;
    try {
      message = this.#decode(data);
    } catch (cause) {
      this.#malformed(data, cause);
      return;
    }
    try {
      this.#dispatch(session, message);
    } catch (cause) {
      this.#threw(cause);
    }
  }

  /** `entry` was removed: never route to it again. */
  forget(entry: StreamEntry): void {
    if (this.#routed === entry) this.#routed = undefined;
  }

  /** The time of the frames being handled: read once per socket read (a burst), not per message. */
  #frameTime(): number {
    let now = this.#burstNow;
    if (now === undefined) {
      now = this.#s.clock.now();
      this.#burstNow = now;
      queueMicrotask(this.#endBurst);
    }
    return now;
  }

  // The per-message path. Rare branches are methods of their own (never called in a burst of data,
  // so never inlined): more of the chain below (sequencer, delivery) then fits the engine's
  // inlining budget for the socket's message handler.
  #dispatch(session: WsSession, message: unknown): void {
    const protocol = this.#protocol;
    const now = this.#frameTime();
    if (protocol.isPong?.(message)) {
      session.heartbeat.pong();
      this.#watchdog.touch('', now);
      return;
    }
    if (
      (session.loginWaiter !== undefined ||
        session.pendingAcks.size > 0 ||
        session.pendingReplies.size > 0 ||
        this.#requests.size > 0) &&
      this.#claim(session, message)
    )
      return;
    const channel = protocol.route(message);
    let entry = this.#routed;
    if (channel === undefined) entry = undefined;
    else if (channel !== entry?.subscription.channel) {
      entry = this.#s.registry.get(channel);
      this.#routed = entry;
    }
    if (entry === undefined) {
      this.#watchdog.touch('', now);
      this.#s.unclaimed(message);
      return;
    }
    const stream = entry.state;
    // Only streams with their own idle timeout need their own timestamp (saves a hash per message).
    this.#watchdog.touch(stream.idleTimeoutMs ? (channel as string) : '', now);
    stream.received++;
    if (stream.schema) this.#validated(entry, message);
    else stream.sequenced.push(message);
  }

  /** A reply the session or a `request()` awaits: the login's, a subscribe's, a request's. */
  #claim(session: WsSession, message: unknown): boolean {
    if (session.loginWaiter !== undefined && offerLoginReply(session, this.#protocol, message)) return true;
    if (
      (session.pendingAcks.size > 0 || session.pendingReplies.size > 0) &&
      this.#s.subscriptions.offer(session, message)
    )
      return true;
    return this.#requests.size > 0 && this.#requests.offer(message);
  }

  #validated(entry: StreamEntry, message: unknown): void {
    const stream = entry.state;
    const result = safeParse(stream.schema as NonNullable<StreamState['schema']>, message);
    if (result.success) {
      stream.sequenced.push(result.output);
      return;
    }
    this.#s.emitError(
      new KitError('schema.message_mismatch', {
        message: `A message on "${entry.subscription.channel}" did not match its schema`,
        details: { channel: entry.subscription.channel, issues: summariseSchemaIssues(result.issues) },
      }),
    );
  }

  /** A venue hook or a custom sequencer threw: the message is reported and skipped. */
  #threw(cause: unknown): void {
    this.#s.emitError(
      new KitError('protocol.ws_unexpected_message', {
        message: 'A protocol hook or sequencer threw on an inbound message; the message was skipped',
        cause,
      }),
    );
  }

  #malformed(data: string | ArrayBuffer, cause: unknown): void {
    const length = typeof data === 'string' ? data.length : data.byteLength;
    this.#s.emitError(
      new KitError('protocol.ws_unexpected_message', {
        message: `A malformed frame (${length} bytes) was skipped`,
        cause,
        details: { length },
      }),
    );
  }
}
