import type { AuthRequest } from '@kit/auth';
import { KitError } from '@kit/errors';
import type { Clock } from '@kit/retry';
import { Connection } from './connection';
import { Heartbeat } from './heartbeat';
import { type OutboxSettings, SessionOutbox } from './outbound';
import type { PendingReply, StreamEntry } from './stream-state';
import { schedule } from './timers';
import type { WebSocketConstructor } from './web-socket-like';

/**
 * What a session reports to the client. Only a session that has not ended reports anything, so the
 * client never has to ask which socket an event came from. @internal
 */
export interface SessionEvents {
  /** The handshake completed. */
  open(session: WsSession): void;
  /** Where data frames go (the client's inbound router, called directly: it is the per-message path). */
  readonly inbound: { frame(session: WsSession, data: string | ArrayBuffer): void };
  /** The socket closed; `lastError` is the last error it reported (a refused upgrade, a bad frame). */
  close(session: WsSession, code: number, reason: string, lastError: unknown): void;
  /** The session gives up on its socket: no handshake, or no pong, in time. */
  lost(session: WsSession, error: KitError, reason: string): void;
}

/** How every session of one client connects. @internal */
export interface SessionSettings {
  WebSocket: WebSocketConstructor;
  url: string;
  perMessageDeflate: boolean;
  maxPayloadBytes: number;
  handshakeTimeoutMs: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** The protocol's application ping, used where the platform has no protocol ping (browsers). */
  applicationPing: (() => unknown) | undefined;
  clock: Clock;
  outbox: Omit<OutboxSettings, 'clock'>;
  /** Where errors thrown by the session's own timers go. */
  onError: (error: unknown) => void;
}

/**
 * One connection attempt and everything that lives exactly as long as its socket: the socket's
 * listeners, the heartbeat, the outbound side, the login in flight, the subscriptions awaiting
 * their ack, and its timers. `end()` releases all of it at once; after that the session reports
 * nothing and its `signal` is aborted, which is how its own async work knows it is over. @internal
 */
export class WsSession {
  readonly connection: Connection;
  readonly heartbeat: Heartbeat;
  readonly outbox: SessionOutbox;
  /** Subscriptions sent on this connection and awaiting their ack. */
  readonly pendingAcks = new Set<StreamEntry>();
  /** Messages sent with a request id on this connection, by id (only with `protocol.replyId`). */
  readonly pendingReplies = new Map<number, PendingReply>();
  /** The handshake completed. */
  opened = false;
  /** The login awaiting its ack, while there is one. */
  loginWaiter: { resolve: () => void; reject: (error: KitError) => void } | undefined;
  /** The login request the strategy signed on this connection, for `onUnauthorized(error, request)`. */
  signed: AuthRequest | undefined;
  readonly #controller = new AbortController();
  readonly #cancels: Array<() => void> = [];
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  #lastError: unknown;
  #ended = false;

  /** Opens the socket; throws a `KitError` (or the platform's error) when the URL is refused. */
  constructor(settings: SessionSettings, events: SessionEvents) {
    this.#clock = settings.clock;
    this.#onError = settings.onError;
    const inbound = events.inbound;
    this.connection = new Connection(
      settings.WebSocket,
      settings.url,
      { perMessageDeflate: settings.perMessageDeflate, maxPayload: settings.maxPayloadBytes },
      {
        onOpen: () => {
          if (this.#ended) return;
          this.opened = true;
          events.open(this);
        },
        onFrame: (data) => {
          if (!this.#ended) inbound.frame(this, data);
        },
        onClose: (code, reason) => {
          if (!this.#ended) events.close(this, code, reason, this.#lastError);
        },
        onError: (error) => {
          this.#lastError = error;
        },
        onPong: () => this.heartbeat.pong(),
      },
    );
    this.outbox = new SessionOutbox(this.connection, this.#controller.signal, {
      ...settings.outbox,
      clock: settings.clock,
    });
    const ping = settings.applicationPing;
    this.heartbeat = new Heartbeat({
      clock: settings.clock,
      intervalMs: settings.pingIntervalMs,
      timeoutMs: settings.pongTimeoutMs,
      onError: settings.onError,
      sendPing: () => {
        const connection = this.connection;
        const protocolPing = connection.canPing;
        if (!protocolPing && ping === undefined) return false;
        // Past OPEN (a close frame came or went) nothing can be pinged, and the close itself can
        // meet a silent peer: `ws` then waits 30 s in CLOSING. Count the tick as an unanswered
        // ping, so a close that does not complete within the pong timeout is given up on too.
        if (!connection.isOpen) return true;
        return protocolPing ? connection.ping() : this.outbox.control(ping?.());
      },
      onTimeout: () =>
        this.#lose(
          new KitError('timeout.heartbeat', {
            message: this.connection.isOpen
              ? `No pong within ${settings.pongTimeoutMs} ms of a ping`
              : `The WebSocket close handshake did not complete within ${settings.pongTimeoutMs} ms of a heartbeat`,
          }),
          'heartbeat timeout',
          events,
        ),
    });
    this.timer(settings.handshakeTimeoutMs, () => {
      if (this.opened) return;
      this.#lose(
        new KitError('timeout.handshake', {
          message: `The WebSocket handshake did not complete within ${settings.handshakeTimeoutMs} ms`,
        }),
        'handshake timeout',
        events,
      );
    });
  }

  /** Whether the session has not ended. */
  get active(): boolean {
    return !this.#ended;
  }

  /** Aborted when the session ends: pass it to anything the session waits for. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Runs `fn` after `ms` unless the session ends first. */
  timer(ms: number, fn: () => void): void {
    const cancel = schedule(
      this.#clock,
      ms,
      () => {
        const index = this.#cancels.indexOf(cancel);
        if (index !== -1) this.#cancels.splice(index, 1);
        fn();
      },
      this.#onError,
    );
    this.#cancels.push(cancel);
  }

  /**
   * Releases everything the session holds and closes its socket: gracefully (close 1000, reading
   * resumed first when `paused`, since the peer's close frame must be read) or at once.
   */
  end(graceful: boolean, paused: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.heartbeat.stop();
    for (const cancel of this.#cancels.splice(0)) cancel();
    this.#controller.abort(
      new KitError('network.connection_lost', {
        message: 'The WebSocket connection was lost',
        outcome: 'not_sent',
      }),
    );
    this.loginWaiter = undefined;
    this.connection.dispose();
    if (graceful && paused) this.connection.resume();
    if (graceful) this.connection.close(1000, 'client closed');
    else this.connection.terminate();
    this.pendingAcks.clear();
    this.pendingReplies.clear();
  }

  #lose(error: KitError, reason: string, events: SessionEvents): void {
    if (!this.#ended) events.lost(this, error, reason);
  }
}
