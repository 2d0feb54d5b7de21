import { KitError } from '@kit/errors';
import { type Clock, createRateLimiter, type RateLimiter } from '@kit/retry';
import type { Connection } from './connection';
import type { SubscribeRateLimit } from './options';
import type { OutboundQueue } from './outbound-queue';
import type { WsState } from './state-machine';

const RESOLVED = Promise.resolve();

/** The error of a send that cannot go out in `state`. @internal */
export function notConnectedError(state: WsState): KitError {
  return new KitError('protocol.not_connected', {
    message: `Cannot send while the connection is ${state}`,
    outcome: 'not_sent',
  });
}

/** How one connection sends. @internal */
export interface OutboxSettings {
  clock: Clock;
  encode: (message: unknown) => string;
  /** Sends wait while the socket's `bufferedAmount` is above this. */
  highWaterMarkBytes: number;
  drainPollMs: number;
  subscribeRateLimit: Required<SubscribeRateLimit>;
  /** The error of a send that cannot go out now (it names the client's state). */
  notConnected: () => KitError;
}

/**
 * One connection's outbound side: writes that wait (in order) while the socket's buffer is above
 * the high-water mark, control messages sent at once, and the subscribe rate limit. Everything it
 * holds ends with the connection's `signal`. @internal
 */
export class SessionOutbox {
  readonly #connection: Connection;
  readonly #signal: AbortSignal;
  readonly #s: OutboxSettings;
  /** Venues limit inbound messages per connection, so each connection gets a fresh limiter. */
  readonly #limiter: RateLimiter;
  #waiting = 0;
  #chain: Promise<void> = RESOLVED;

  constructor(connection: Connection, signal: AbortSignal, settings: OutboxSettings) {
    this.#connection = connection;
    this.#signal = signal;
    this.#s = settings;
    this.#limiter = createRateLimiter({
      clock: settings.clock,
      limits: [
        { tokens: settings.subscribeRateLimit.messages, intervalMs: settings.subscribeRateLimit.intervalMs },
      ],
      key: 'ws-subscribe',
    });
  }

  /** Writes `text`, after the writes before it, once the socket's buffer is below the high-water mark. */
  write(text: string): Promise<void> {
    const connection = this.#connection;
    const limit = this.#s.highWaterMarkBytes;
    if (!connection.isOpen) return Promise.reject(this.#s.notConnected());
    if (this.#waiting === 0 && connection.bufferedAmount <= limit) {
      connection.send(text);
      return RESOLVED;
    }
    this.#waiting++;
    const sent = this.#chain.then(async () => {
      try {
        while (connection.bufferedAmount > limit) {
          await this.#s.clock.sleep(this.#s.drainPollMs, this.#signal);
        }
        if (this.#signal.aborted) throw this.#s.notConnected();
        connection.send(text);
      } finally {
        this.#waiting--;
      }
    });
    this.#chain = sent.catch(() => {});
    return sent;
  }

  /** Sends a protocol message (login, subscribe, ping) now; false when the socket is not open. */
  control(message: unknown): boolean {
    if (!this.#connection.isOpen) return false;
    this.#connection.send(this.#s.encode(message));
    return true;
  }

  /** Waits for the subscribe rate limit; rejects when the connection ends first. */
  subscribeSlot(): Promise<void> {
    return this.#limiter.acquire(1, { signal: this.#signal });
  }
}

/** What {@link Outbound} needs from the client. @internal */
export interface OutboundSettings {
  encode: (message: unknown) => string;
  /** The queue for `send(msg, { queue: true })`, when the client has one. */
  queue: OutboundQueue | undefined;
  /** The current connection's outbox, if there is a connection. */
  current: () => SessionOutbox | undefined;
  state: () => WsState;
  terminal: () => boolean;
}

/**
 * The client's `send()`: encoded once, written to the current connection when live, queued while
 * not live when asked (and the client has a queue), refused with `protocol.not_connected` otherwise.
 * @internal
 */
export class Outbound {
  readonly #s: OutboundSettings;

  constructor(settings: OutboundSettings) {
    this.#s = settings;
  }

  /** The public `send()`. */
  send(message: unknown, queued: boolean): Promise<void> {
    let text: string;
    try {
      text = this.#s.encode(message);
    } catch (cause) {
      return Promise.reject(
        new KitError('client.invalid_argument', { message: 'The message could not be encoded', cause }),
      );
    }
    const state = this.#s.state();
    if (state === 'live') return this.write(text);
    const queue = this.#s.queue;
    if (queued && queue && !this.#s.terminal()) {
      try {
        return queue.enqueue(text);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return Promise.reject(notConnectedError(state));
  }

  /** Writes to the current connection (see {@link SessionOutbox.write}). */
  write(text: string): Promise<void> {
    const outbox = this.#s.current();
    return outbox ? outbox.write(text) : Promise.reject(notConnectedError(this.#s.state()));
  }

  /** The connection is live: queued messages go out (expired ones are rejected). */
  flush(): void {
    this.#s.queue?.flush((text) => this.write(text));
  }

  /** The client stopped: every queued message is rejected. */
  rejectQueued(error: KitError): void {
    this.#s.queue?.rejectAll(error);
  }
}
