import type { RawData, WebSocket } from 'ws';
import type { Principal } from '../auth/auth-types';
import type { LedgerRecorder } from '../ledger/ledger-types';
import { type ActiveFaults, WS_FAULT_KINDS } from './stream-faults';

/** A per-connection, per-channel counter: quotes carry a seq per connection and channel (API.md). */
export interface Subscription {
  readonly connection: StreamConnection;
  seq: number;
}

/** What a connection needs from the stream it belongs to. */
export interface ConnectionContext {
  readonly ledger: LedgerRecorder;
  readonly random: () => number;
  readonly slowConsumerBytes: number;
  /** The connection closed: forget it everywhere. */
  closed(connection: StreamConnection): void;
}

const TEXT = { binary: false } as const;

/** Close codes of API.md. */
export const CLOSE_CODES = {
  loginRejected: 4001,
  slowConsumer: 1013,
  shuttingDown: 1001,
  drop: 1012,
  internalError: 1011,
} as const;

/**
 * One client on `/v1/stream`: its login, its subscriptions and every send, through the slow
 * consumer bound and the per-message faults.
 */
export class StreamConnection {
  /** 1-based connection number (in fault details). */
  readonly id: number;
  /** Who logged in, once someone did. */
  principal: Principal | undefined;
  /** Seq counters per channel ever subscribed (kept after an unsubscribe, so a seq never repeats). */
  readonly counters = new Map<string, Subscription>();
  /** The channels subscribed now. */
  readonly channels = new Set<string>();
  /** Client messages held back by a slow read, in arrival order. */
  readonly held: Array<{ data: RawData; isBinary: boolean }> = [];
  /** The pending slow read, while one is. */
  readTimer: ReturnType<typeof setTimeout> | undefined;
  /** Silent, TCP open: no data, heartbeats or pongs (the stallHeartbeat fault). */
  stalled = false;
  /** Whether this connection has already had its one stallHeartbeat draw. */
  stallDrawn = false;
  /** A close was started: nothing more is sent. */
  closing = false;

  readonly socket: WebSocket;
  readonly #context: ConnectionContext;

  constructor(id: number, socket: WebSocket, context: ConnectionContext) {
    this.id = id;
    this.socket = socket;
    this.#context = context;
  }

  /** Whether data can go out now. */
  get writable(): boolean {
    return !this.closing && !this.stalled && this.socket.readyState === 1;
  }

  /**
   * Sends one frame unless the connection is closing, stalled or over the slow-consumer bound (then
   * it is closed with 1013). Returns how many frames went out (0 or 1).
   */
  send(frame: string | Buffer): number {
    const socket = this.socket;
    if (this.closing || this.stalled || socket.readyState !== 1) return 0;
    if (socket.bufferedAmount > this.#context.slowConsumerBytes) {
      this.close(CLOSE_CODES.slowConsumer, 'slow consumer');
      return 0;
    }
    // Strings go out as text frames by default; a shared Buffer needs saying so.
    if (typeof frame === 'string') socket.send(frame);
    else socket.send(frame, TEXT);
    return 1;
  }

  /** Sends a control message (an ack, an error, a pong) and counts it. */
  reply(message: Record<string, unknown>): void {
    if (this.send(JSON.stringify(message)) === 1) this.#context.ledger.countWsMessage(1);
  }

  /**
   * Sends one sequenced data message through the data faults: drop (close 1012), skipSeq (a gap),
   * corruptChecksum (`corrupt()` builds the bad frame) and duplicateSeq. Returns frames sent.
   */
  sendData(
    frame: string | Buffer,
    faults: ActiveFaults,
    channel: string,
    seq: number,
    corrupt?: () => string,
  ): number {
    if (!faults.data) return this.send(frame);
    if (!this.writable) return 0;
    const random = this.#context.random;
    const ledger = this.#context.ledger;
    if (faults.drop > 0 && random() < faults.drop) {
      ledger.recordFault(WS_FAULT_KINDS.drop, this.#detail(channel, seq));
      this.close(CLOSE_CODES.drop, 'injected drop');
      return 0;
    }
    if (faults.skipSeq > 0 && random() < faults.skipSeq) {
      ledger.recordFault(WS_FAULT_KINDS.skipSeq, this.#detail(channel, seq));
      return 0;
    }
    if (corrupt && faults.corruptChecksum > 0 && random() < faults.corruptChecksum) {
      ledger.recordFault(WS_FAULT_KINDS.corruptChecksum, this.#detail(channel, seq));
      frame = corrupt();
    }
    const sent = this.send(frame);
    if (sent === 1 && faults.duplicateSeq > 0 && random() < faults.duplicateSeq) {
      ledger.recordFault(WS_FAULT_KINDS.duplicateSeq, this.#detail(channel, seq));
      return sent + this.send(frame);
    }
    return sent;
  }

  /** Goes silent with TCP kept open: the socket is still read (so a client's close is seen) but nothing is answered. */
  stall(): void {
    this.stalled = true;
  }

  /** Starts the close handshake (at most once). */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    // A socket paused by a slow read would never read the client's close frame back.
    this.socket.resume();
    this.socket.close(code, reason);
  }

  #detail(channel: string, seq: number): string {
    return `connection=${this.id} channel=${channel} seq=${seq}`;
  }
}
