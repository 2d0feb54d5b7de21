import { DEFAULT_OVERSIZED_BYTES, type WsFaults } from './ws-faults';

/** A sequenced data message as the fault server sends it. */
export interface WsSequencedMessage {
  /** The channel, e.g. `quotes:BTC-USD`. */
  channel: string;
  /** Per-channel sequence number, shared by every connection (it survives reconnects). */
  seq: number;
  /** The payload. */
  data: unknown;
}

/** The parts of a server-side `ws` socket a connection uses (kept structural so the types need no `@types/ws`). */
export interface WsFaultSocket {
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the close handshake. */
  close(code?: number, reason?: string): void;
  /** Destroys the TCP connection without a close frame. */
  terminate(): void;
  /** Stops reading from the socket. */
  pause(): void;
  /** Resumes reading. */
  resume(): void;
  /** Listens for the close (with its code). */
  on(event: 'close', listener: (code: number) => void): unknown;
}

/** What a connection needs from its server. @internal */
export interface WsConnectionContext {
  /** The faults now in force. */
  faults(): WsFaults;
  /** The server's seeded random source. */
  random(): number;
  /** Numbers the next message of `channel` and records it in the history. */
  allocate(channel: string, data: unknown): WsSequencedMessage;
  /** The connection closed. */
  closed(connection: WsFaultConnection): void;
}

type Waiter = { predicate: (message: unknown) => boolean; resolve: (message: unknown) => void };

/**
 * One client connection on the fault server, with helpers to script it. Every send goes through
 * the server's faults (drops, half-open, closes); sequenced sends also through skip, duplicate,
 * reorder, malformed and oversized faults.
 */
export class WsFaultConnection {
  /** 1-based connection number on this server. */
  readonly id: number;
  /** Every message the client sent, parsed as JSON (or the raw string when it was not JSON). */
  readonly received: unknown[] = [];
  /** Channels the client subscribed to on this connection (default protocol). */
  readonly subscriptions = new Set<string>();
  /** How many `login` messages this connection received. */
  logins = 0;
  /** How many times each channel was requested in a `subscribe` message on this connection. */
  readonly subscribeRequests = new Map<string, number>();
  /** Whether the client logged in successfully (default protocol). */
  authenticated = false;
  /** Messages sent to the client so far (after faults). */
  sent = 0;
  /** Whether the connection is still open. */
  open = true;
  /** Whether the connection went half-open (no pongs, no sends). */
  halfOpened = false;
  /** The close code the server saw, once closed. */
  closeCode: number | undefined;

  #socket: WsFaultSocket | undefined;
  readonly #context: WsConnectionContext;
  #held: string | undefined;
  #waiters: Waiter[] = [];
  #closeWaiters: Array<() => void> = [];

  /** @internal Created by the server for each accepted upgrade. */
  constructor(id: number, socket: WsFaultSocket, context: WsConnectionContext) {
    this.id = id;
    this.#socket = socket;
    this.#context = context;
    socket.on('close', (code) => {
      this.open = false;
      this.closeCode = code;
      this.#socket = undefined;
      this.#waiters = [];
      for (const wake of this.#closeWaiters.splice(0)) wake();
      context.closed(this);
    });
  }

  /** Records a client message and wakes `nextMessage()` waiters. @internal */
  record(message: unknown): void {
    this.received.push(message);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (waiter.predicate(message)) waiter.resolve(message);
      else this.#waiters.push(waiter);
    }
  }

  /** Resolves with the next client message matching `predicate` (or any message). */
  nextMessage(predicate: (message: unknown) => boolean = () => true): Promise<unknown> {
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }

  /** Resolves once the connection has closed (at once when it already has). */
  waitClosed(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /** Sends a message (objects as JSON), subject to the drop, close and half-open faults. Returns whether it was sent. */
  send(message: unknown): boolean {
    return this.sendRaw(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a raw text frame, subject to the same faults as {@link send}. */
  sendRaw(frame: string): boolean {
    const socket = this.#socket;
    if (!socket || !this.open || this.halfOpened) return false;
    const faults = this.#context.faults();
    if (faults.dropAfterMessages !== undefined && this.sent >= faults.dropAfterMessages) {
      this.terminate();
      return false;
    }
    if (faults.dropProbability && this.#context.random() < faults.dropProbability) {
      this.terminate();
      return false;
    }
    if (faults.halfOpenAfterMessages !== undefined && this.sent >= faults.halfOpenAfterMessages) {
      this.halfOpen();
      return false;
    }
    const close = faults.closeWith;
    if (close && this.sent >= (close.afterMessages ?? 0)) {
      this.close(close.code, close.reason);
      return false;
    }
    this.sent++;
    socket.send(frame);
    return true;
  }

  /**
   * Sends `{ channel, seq, data }` with the next sequence number of `channel`, applying the
   * sequence faults. Returns the sequence number used (whether or not the message was sent).
   */
  sendSequenced(channel: string, data: unknown): number {
    const message = this.#context.allocate(channel, data);
    this.deliver(message);
    return message.seq;
  }

  /** Sends an already-numbered message through the sequence faults. @internal */
  deliver(message: WsSequencedMessage): void {
    const faults = this.#context.faults();
    const random = () => this.#context.random();
    if (faults.skipProbability && random() < faults.skipProbability) return;
    let frame = JSON.stringify(message);
    if (faults.malformedProbability && random() < faults.malformedProbability) frame = frame.slice(0, -3);
    else if (faults.oversizedProbability && random() < faults.oversizedProbability) {
      frame = 'x'.repeat(faults.oversizedBytes ?? DEFAULT_OVERSIZED_BYTES);
    }
    if (faults.reorderProbability && this.#held === undefined && random() < faults.reorderProbability) {
      this.#held = frame;
      return;
    }
    if (!this.sendRaw(frame)) return;
    if (faults.duplicateProbability && random() < faults.duplicateProbability) this.sendRaw(frame);
    const held = this.#held;
    if (held !== undefined) {
      this.#held = undefined;
      this.sendRaw(held);
    }
  }

  /** Sends a frame of `bytes` bytes (above the client's `maxPayload` by default). */
  sendOversized(bytes: number = DEFAULT_OVERSIZED_BYTES): boolean {
    return this.sendRaw('x'.repeat(bytes));
  }

  /** Closes with a close frame carrying `code` and `reason`. */
  close(code = 1000, reason = ''): void {
    const socket = this.#socket;
    if (!socket) return;
    // A paused socket would never read the client's close frame back; resume so the handshake completes.
    socket.resume();
    socket.close(code, reason);
  }

  /** Destroys the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.#socket?.terminate();
  }

  /**
   * Goes half-open: stops reading (so pings are never answered: `ws` answers pings only when it
   * reads them) and stops sending, while the TCP connection stays open.
   */
  halfOpen(): void {
    this.halfOpened = true;
    this.#socket?.pause();
  }

  /** Stops reading this connection's socket (read slowly): the client's sends back up. */
  pauseReading(): void {
    this.#socket?.pause();
  }

  /** Resumes reading after {@link pauseReading} or the `slowRead` fault. */
  resumeReading(): void {
    this.#socket?.resume();
  }
}
