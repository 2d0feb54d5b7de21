/**
 * How a message relates to the stream's watermark: next in line, already seen, after a hole, or
 * the venue restarting its numbering.
 */
export type SequenceVerdict = 'in_order' | 'duplicate' | 'gap' | 'reset';

/**
 * Per-stream sequencing. The client calls `check` for every message, `accept` for each one it
 * delivers, and `reset` with what a resync snapshot covers. Implement it for a venue whose
 * numbering neither built-in sequencer fits.
 */
export interface Sequencer<T = unknown> {
  /** Classifies `message` against the watermark without changing it. */
  check(message: T): SequenceVerdict;
  /** Advances the watermark past `message` (it was delivered). */
  accept(message: T): void;
  /** Sets the watermark to the last sequence a snapshot covers (`undefined`: nothing seen yet). */
  reset(lastSeq: number | undefined): void;
  /** The last sequence number delivered, or `undefined` before the first. */
  readonly watermark: number | undefined;
  /** The sequence number expected next, for `gap` events. */
  expected(): number | undefined;
  /** The message's own sequence number (its last one, for ranges), for `gap` events. */
  seqOf(message: T): number | undefined;
}

/** Options for {@link monotonicSequencer}. */
export interface MonotonicSequencerOptions<T> {
  /** Reads the sequence number. @default `message.seq` */
  seq?: (message: T) => number | undefined;
  /** Whether the venue restarted its numbering at this message. @default never */
  isReset?: (message: T) => boolean;
  /**
   * The watermark before the first message (`0` when the venue starts at 1, so a missing first
   * message is a gap). @default undefined (the first message sets it)
   */
  start?: number;
}

const defaultSeq = (message: unknown): number | undefined => {
  const seq = (message as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' ? seq : undefined;
};

/**
 * The generic sequencer: each message carries a number one above the previous (`seq` by default).
 * Lower or equal is a duplicate, higher by more than one a gap; the first message sets the
 * watermark. Messages without a number pass through.
 *
 * @example
 * ```ts
 * ws.subscribe('book:BTC-USD', { sequencer: monotonicSequencer(), resync: fetchBookSnapshot });
 * ```
 */
export function monotonicSequencer<T = unknown>(options: MonotonicSequencerOptions<T> = {}): Sequencer<T> {
  const read = options.seq ?? (defaultSeq as (message: T) => number | undefined);
  const isReset = options.isReset;
  let watermark: number | undefined = options.start;
  // `accept` follows `check` of the same message on the hot path: reuse the number read there.
  let checked: T | undefined;
  let checkedSeq: number | undefined;
  return {
    get watermark() {
      return watermark;
    },
    check(message) {
      if (isReset?.(message)) return 'reset';
      const seq = read(message);
      checked = message;
      checkedSeq = seq;
      if (seq === undefined || watermark === undefined || seq === watermark + 1) return 'in_order';
      return seq <= watermark ? 'duplicate' : 'gap';
    },
    accept(message) {
      const seq = message === checked ? checkedSeq : read(message);
      checked = undefined;
      if (seq !== undefined) watermark = seq;
    },
    reset(lastSeq) {
      watermark = lastSeq;
    },
    expected: () => (watermark === undefined ? undefined : watermark + 1),
    seqOf: read,
  };
}
