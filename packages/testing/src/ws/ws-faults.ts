/** How the fault server rejects a login (the default protocol's `{ op: 'login' }`). */
export type WsAuthRejection =
  /** Close with 1008 (policy violation). */
  | 'close-1008'
  /** Close with 4001 (a venue-style "invalid API key" code). */
  | 'close-4001'
  /** Answer `{ op: 'login', ok: false, error }` and keep the connection open. */
  | 'message';

/**
 * Faults the WebSocket fault server injects. Every probability is drawn from the server's seeded
 * random source, so a seed replays a run exactly. Change them at run time with `setFaults()`; they
 * apply to open connections from their next message on.
 */
export interface WsFaults {
  /** Terminate a connection (no close frame) instead of sending its Nth message. @default undefined (never) */
  dropAfterMessages?: number;
  /** Probability, before each message sent, of terminating the connection instead. @default 0 */
  dropProbability?: number;
  /** Close every new connection with this code and reason once it has sent `afterMessages` messages (0: at once). @default undefined */
  closeWith?: { code: number; reason?: string; afterMessages?: number };
  /**
   * Go half-open once a connection has sent this many messages: stop answering pings (the socket
   * is paused, so `ws` never sees them) and stop sending, keeping TCP open. @default undefined
   */
  halfOpenAfterMessages?: number;
  /** Probability that a sequenced message is skipped (its `seq` is used but never sent). @default 0 */
  skipProbability?: number;
  /** Probability that a sequenced message is sent twice. @default 0 */
  duplicateProbability?: number;
  /** Probability that a sequenced message is held back and sent after the next one. @default 0 */
  reorderProbability?: number;
  /** Probability that a sequenced message is replaced by a malformed (non-JSON) frame. @default 0 */
  malformedProbability?: number;
  /** Probability that a sequenced message is replaced by an oversized frame of `oversizedBytes`. @default 0 */
  oversizedProbability?: number;
  /** Size of an oversized frame, in bytes. @default 17 MiB (above the client's 16 MiB `maxPayload`) */
  oversizedBytes?: number;
  /** Reject every login this way. @default undefined (logins succeed) */
  rejectAuth?: WsAuthRejection;
  /** Never answer logins (to exercise the client's auth-ack timeout). @default false */
  ignoreLogin?: boolean;
  /** Never acknowledge subscriptions (to exercise the subscribe-ack timeout). @default false */
  ignoreSubscribe?: boolean;
  /** Delay every WebSocket upgrade by this many milliseconds (accept slowly). @default 0 */
  acceptDelayMs?: number;
  /** Pause reading every new connection's socket (read slowly); `resumeReading()` undoes it. @default false */
  slowRead?: boolean;
}

/** The default size of an oversized frame: 17 MiB, one more than the client's 16 MiB `maxPayload`. */
export const DEFAULT_OVERSIZED_BYTES = 17 * 1024 * 1024;
