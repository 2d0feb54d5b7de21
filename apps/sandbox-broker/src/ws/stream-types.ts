// The contract between `startSandboxBroker()` (the REST half assembles the server) and the
// WebSocket stream (the stream half implements `attachStream()` in `ws/`).
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Authenticator } from '../auth/auth-types';
import type { LedgerRecorder } from '../ledger/ledger-types';
import type { Market } from '../market/market-types';
import type { OrderEventSource } from '../trading/trading-types';

/** The WebSocket faults (see API.md, `SandboxFaults.ws`). */
export interface WsStreamFaults {
  drop?: { probability: number };
  skipSeq?: { probability: number };
  duplicateSeq?: { probability: number };
  corruptChecksum?: { probability: number };
  stallHeartbeat?: { probability: number };
  slowRead?: { probability: number; delayMs: number };
}

/** Options for `attachStream()`. */
export interface StreamOptions {
  /** The HTTP(S) server whose upgrades on `/v1/stream` the stream takes. */
  readonly server: HttpServer | HttpsServer;
  readonly market: Market;
  readonly orders: OrderEventSource;
  readonly auth: Authenticator;
  readonly ledger: LedgerRecorder;
  /** The seeded random source for WebSocket faults. */
  readonly random: () => number;
  /** The faults now in force (read on every message, so run-time switches apply at once). */
  readonly faults: () => WsStreamFaults;
  /** The server clock (epoch ms, offset applied). */
  readonly now: () => number;
  readonly heartbeatIntervalMs: number;
  /** Protocol ping interval. */
  readonly pingIntervalMs: number;
  readonly slowConsumerBytes: number;
}

/** The attached stream. */
export interface Stream {
  /** Closes every open connection with `code` (default 1012). */
  dropConnections(code?: number): void;
  /** Every open connection goes silent with TCP kept open (a half-open peer). */
  stallConnections(): void;
  /** Open connections now. */
  readonly connectionCount: number;
  /** Closes every connection with 1001 and stops timers. */
  close(): Promise<void>;
}
