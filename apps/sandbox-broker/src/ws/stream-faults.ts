import type { WsStreamFaults } from './stream-types';

/**
 * The WebSocket faults in force for one message, read once from `options.faults()` and made safe:
 * a probability that is not a finite number counts as 0 and is clamped to [0, 1], so a typo in
 * an admin request never throws in the middle of a fan-out.
 */
export interface ActiveFaults {
  readonly drop: number;
  readonly skipSeq: number;
  readonly duplicateSeq: number;
  readonly corruptChecksum: number;
  readonly stallHeartbeat: number;
  readonly slowRead: number;
  readonly slowReadDelayMs: number;
  /** Whether any per-data-message fault can fire (the fan-out's fast path skips them all otherwise). */
  readonly data: boolean;
}

/** The most a slow read waits, whatever was configured: a sandbox must not look dead. */
const MAX_SLOW_READ_DELAY_MS = 60_000;

const NONE: ActiveFaults = Object.freeze({
  drop: 0,
  skipSeq: 0,
  duplicateSeq: 0,
  corruptChecksum: 0,
  stallHeartbeat: 0,
  slowRead: 0,
  slowReadDelayMs: 0,
  data: false,
});

function probability(fault: { probability?: unknown } | undefined): number {
  const value = fault?.probability;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return 0;
  return Math.min(value, 1);
}

/** Normalises the configured faults (cheap: a handful of property reads). */
export function activeFaults(faults: WsStreamFaults | undefined): ActiveFaults {
  if (!faults) return NONE;
  const drop = probability(faults.drop);
  const skipSeq = probability(faults.skipSeq);
  const duplicateSeq = probability(faults.duplicateSeq);
  const corruptChecksum = probability(faults.corruptChecksum);
  const stallHeartbeat = probability(faults.stallHeartbeat);
  const slowRead = probability(faults.slowRead);
  const delay = faults.slowRead?.delayMs;
  const slowReadDelayMs =
    typeof delay === 'number' && Number.isFinite(delay) && delay > 0
      ? Math.min(delay, MAX_SLOW_READ_DELAY_MS)
      : 0;
  return {
    drop,
    skipSeq,
    duplicateSeq,
    corruptChecksum,
    stallHeartbeat,
    slowRead,
    slowReadDelayMs,
    data: drop > 0 || skipSeq > 0 || duplicateSeq > 0 || corruptChecksum > 0,
  };
}

/** Ledger kinds of the WebSocket faults (`ws.<kind>` as API.md's `faultsByKind` counts them). */
export const WS_FAULT_KINDS = {
  drop: 'ws.drop',
  skipSeq: 'ws.skip_seq',
  duplicateSeq: 'ws.duplicate_seq',
  corruptChecksum: 'ws.corrupt_checksum',
  stallHeartbeat: 'ws.stall_heartbeat',
  slowRead: 'ws.slow_read',
} as const;
