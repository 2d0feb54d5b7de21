/**
 * Which way a toxic acts: `upstream` is client -> server (what the client sends), `downstream` is
 * server -> client (what the client receives). Toxiproxy's names.
 */
export type ToxicStream = 'upstream' | 'downstream';

/** Fields every toxic has. */
export interface ToxicBase {
  /** A name to replace or remove it by. @default the toxic's type */
  name?: string;
  /** The direction it acts on. @default 'downstream' */
  stream?: ToxicStream;
  /**
   * Seeded probability in `[0, 1]` that a connection gets this toxic, decided once per connection
   * when the toxic first sees it (toxiproxy's "toxicity"). @default 1
   */
  toxicity?: number;
}

/**
 * One TCP-level fault, after toxiproxy's toxics. They apply in the order given, per direction:
 * `slicer` splits, `latency` and `bandwidth` delay, `limit_data`, `reset_peer`, `timeout` and
 * `black_hole` end or swallow the stream, `slow_close` delays the close.
 */
export type Toxic = ToxicBase &
  (
    | /** Delays every chunk by `latencyMs` plus a seeded uniform jitter in `[-jitterMs, +jitterMs]` (never below 0), order kept. */
    { type: 'latency'; latencyMs: number; jitterMs?: number }
    /** Limits the rate to `rateKBps` kilobytes (1,000 bytes) per second. */
    | { type: 'bandwidth'; rateKBps: number }
    /** Delays the close (FIN) by `delayMs` after the other side closed. */
    | { type: 'slow_close'; delayMs: number }
    /**
     * Swallows all data and keeps both sockets open: no FIN, no RST, the peer sees silence (a
     * half-open connection). With `timeoutMs` > 0 the connection is closed that long after the
     * toxic first saw it; 0 never closes (toxiproxy's `timeout` with 0).
     */
    | { type: 'black_hole'; timeoutMs?: number }
    /** Like toxiproxy's `timeout`: swallows data, then closes both sides after `timeoutMs`. */
    | { type: 'timeout'; timeoutMs: number }
    /** Resets both sides (TCP RST) `timeoutMs` after the toxic first saw the connection (0: at its first chunk). */
    | { type: 'reset_peer'; timeoutMs?: number }
    /** Splits each write into chunks of `averageSize` ± `sizeVariation` bytes, `delayMs` apart. */
    | { type: 'slicer'; averageSize: number; sizeVariation?: number; delayMs?: number }
    /** Lets `bytes` through in this direction, then closes the connection. */
    | { type: 'limit_data'; bytes: number }
  );

/** The name of a toxic kind. */
export type ToxicType = Toxic['type'];

/** The name a toxic goes by. */
export function toxicName(toxic: Toxic): string {
  return toxic.name ?? toxic.type;
}

/** Throws a `TypeError` naming the field when a toxic is malformed. */
export function validateToxic(toxic: Toxic): void {
  const fail = (field: string, why: string): never => {
    throw new TypeError(`Toxic ${toxicName(toxic)}: ${field} ${why}`);
  };
  const nonNegative = (field: string, value: unknown, required: boolean): void => {
    if (value === undefined) {
      if (required) fail(field, 'is required');
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      fail(field, 'must be a number >= 0');
  };
  if (toxic.stream !== undefined && toxic.stream !== 'upstream' && toxic.stream !== 'downstream') {
    fail('stream', "must be 'upstream' or 'downstream'");
  }
  if (toxic.toxicity !== undefined && !(toxic.toxicity >= 0 && toxic.toxicity <= 1)) {
    fail('toxicity', 'must be in [0, 1]');
  }
  switch (toxic.type) {
    case 'latency':
      nonNegative('latencyMs', toxic.latencyMs, true);
      nonNegative('jitterMs', toxic.jitterMs, false);
      return;
    case 'bandwidth':
      nonNegative('rateKBps', toxic.rateKBps, true);
      if (toxic.rateKBps === 0) fail('rateKBps', 'must be > 0');
      return;
    case 'slow_close':
      nonNegative('delayMs', toxic.delayMs, true);
      return;
    case 'black_hole':
      nonNegative('timeoutMs', toxic.timeoutMs, false);
      return;
    case 'timeout':
      nonNegative('timeoutMs', toxic.timeoutMs, true);
      return;
    case 'reset_peer':
      nonNegative('timeoutMs', toxic.timeoutMs, false);
      return;
    case 'slicer':
      nonNegative('averageSize', toxic.averageSize, true);
      if (toxic.averageSize < 1) fail('averageSize', 'must be >= 1');
      nonNegative('sizeVariation', toxic.sizeVariation, false);
      nonNegative('delayMs', toxic.delayMs, false);
      return;
    case 'limit_data':
      nonNegative('bytes', toxic.bytes, true);
      return;
    default:
      fail('type', `is unknown (${String((toxic as { type?: unknown }).type)})`);
  }
}
