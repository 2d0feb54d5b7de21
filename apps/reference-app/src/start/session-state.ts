/** Counters the session keeps while it runs (what the status display shows besides the adapter's stats). */
export interface SessionState {
  /** Session start (performance.now()). */
  readonly startedAt: number;
  readonly durationMs: number;
  /** The scripted step in force. */
  step: string;
  /** Set when the session (checks included) has finished. */
  finishedAt?: number;
  /** Stream states by stream (`quotes`, `book:AAPL`, `orders`). */
  readonly streams: Map<string, string>;
  messages: { quotes: number; book: number; orders: number };
  /** Messages per one-second bucket, for messages/s. */
  readonly buckets: number[];
  bucketStartedAt: number;
  orders: {
    attempted: number;
    placed: number;
    reconciled: number;
    unknown: number;
    cancelled: number;
    rejected: number;
  };
  /** Errors the session saw from the adapter, by catalogue code. */
  readonly errors: Map<string, number>;
  /** The last notable things that happened, newest last (for the display). */
  readonly recent: string[];
}

/** A fresh state. */
export function createSessionState(durationMs: number, now: number): SessionState {
  return {
    startedAt: now,
    durationMs,
    step: 'starting',
    streams: new Map(),
    messages: { quotes: 0, book: 0, orders: 0 },
    buckets: [0],
    bucketStartedAt: now,
    orders: { attempted: 0, placed: 0, reconciled: 0, unknown: 0, cancelled: 0, rejected: 0 },
    errors: new Map(),
    recent: [],
  };
}

/** Counts one stream message (and rolls the per-second buckets). */
export function countMessage(state: SessionState, kind: keyof SessionState['messages'], now: number): void {
  state.messages[kind] += 1;
  rollBuckets(state, now);
  state.buckets[state.buckets.length - 1] = (state.buckets.at(-1) ?? 0) + 1;
}

function rollBuckets(state: SessionState, now: number): void {
  while (now - state.bucketStartedAt >= 1_000) {
    state.buckets.push(0);
    state.bucketStartedAt += 1_000;
    if (state.buckets.length > 4) state.buckets.shift();
  }
}

/** Messages per second over the last full seconds. */
export function messagesPerSecond(state: SessionState, now: number): number {
  rollBuckets(state, now);
  const full = state.buckets.slice(0, -1);
  if (full.length === 0) return state.buckets[0] ?? 0;
  return full.reduce((a, b) => a + b, 0) / full.length;
}

/** Counts an error by code. */
export function countError(state: SessionState, code: string): void {
  state.errors.set(code, (state.errors.get(code) ?? 0) + 1);
}

/** Remembers a notable event for the display (last 3 kept). */
export function note(state: SessionState, text: string, now: number): void {
  const seconds = ((now - state.startedAt) / 1_000).toFixed(1).padStart(5);
  state.recent.push(`${seconds}s  ${text}`);
  if (state.recent.length > 3) state.recent.shift();
}

/**
 * Whether a stream state means messages are flowing: `live`, or `resynced` (a book back in step
 * after a gap or a reconnect, which stays in that state until the next change).
 */
export function isDelivering(streamState: string | undefined): boolean {
  return streamState === 'live' || streamState === 'resynced';
}
