// What the adapter's modules share, built once in create-sample-broker.ts: the REST client, a
// factory for stream connections, the event hub, counters and the lifetime signal. Modules take
// this instead of reaching for globals, so each can be read (and tested) on its own.
import type { Logger } from '@kit/logger';
import type { RestClient } from '@kit/rest-client';
import type { WsClient } from '@kit/ws-client';
import type { AdapterEvents } from './adapter-events';
import type { StreamKind } from './types';

/** Mutable counters behind `stats()`. @internal */
export interface MutableStats {
  requests: number;
  retries: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  reconnects: number;
  gaps: number;
  resyncs: number;
  checksumMismatches: number;
  ordersPlaced: number;
  ordersReconciled: number;
  ordersUnknown: number;
  errorsByCode: Record<string, number>;
}

/** Creates zeroed counters. @internal */
export function createStats(): MutableStats {
  return {
    requests: 0,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitMs: 0,
    reconnects: 0,
    gaps: 0,
    resyncs: 0,
    checksumMismatches: 0,
    ordersPlaced: 0,
    ordersReconciled: 0,
    ordersUnknown: 0,
    errorsByCode: {},
  };
}

/** Backoff settings for loops the adapter runs itself (reconciliation, snapshot and catch-up retries). */
export interface LoopBackoff {
  /** First delay, milliseconds. */
  readonly initialDelayMs: number;
  /** Largest delay, milliseconds. */
  readonly maxDelayMs: number;
}

/** The shared pieces. @internal */
export interface AdapterContext {
  /** The REST client (auth, retries, limiter, schemas, error map). */
  readonly rest: RestClient;
  /** The adapter's logger. */
  readonly logger: Logger;
  /** The event hub behind `on()`. */
  readonly events: AdapterEvents;
  /** Counters behind `stats()`. */
  readonly stats: MutableStats;
  /** Aborted by `close()`: every loop and stream watches it. */
  readonly lifetime: AbortSignal;
  /** The clock for timestamps and budgets, epoch milliseconds. */
  readonly now: () => number;
  /** Random numbers in [0, 1) (jitter). */
  readonly random: () => number;
  /** Idle time after which the order-update stream checks over REST that it missed nothing (0: never). */
  readonly catchUpIntervalMs: number;
  /** Backoff of the adapter's own retry loops (snapshot fetches, catch-up). */
  readonly loopBackoff: LoopBackoff;
  /** Opens a stream connection (not yet connected) whose state changes become adapter events. */
  openStream(kind: StreamKind, options: { symbol?: string; authenticated: boolean }): WsClient;
}
