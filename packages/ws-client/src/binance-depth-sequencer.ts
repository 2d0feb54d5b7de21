import type { Sequencer } from './sequencer';

/** Options for {@link binanceDepthSequencer}. */
export interface BinanceDepthSequencerOptions<T> {
  /** First update id of an event. @default `message.U` */
  first?: (message: T) => number | undefined;
  /** Final update id of an event. @default `message.u` */
  last?: (message: T) => number | undefined;
  /** USDⓈ-M futures only: the previous event's final id (`pu`), which must equal the watermark. @default undefined (spot rule) */
  previous?: (message: T) => number | undefined;
}

const field =
  (name: string) =>
  (message: unknown): number | undefined => {
    const value = (message as Record<string, unknown> | null)?.[name];
    return typeof value === 'number' ? value : undefined;
  };

/**
 * Binance-style diff-depth sequencing with first/last update ids (`U`/`u`), following Binance's
 * current "How to manage a local order book correctly" (spot docs, 2025): every event is checked
 * against the local book's update id `L` (the snapshot's `lastUpdateId`, then the `u` of the last
 * event applied). Until a snapshot sets `L` every event is a `gap` (so the resync hook fetches the
 * REST snapshot); then an event with `u <= L` is a duplicate, an event with `U > L + 1` is a gap
 * (resync), and any other event is applied: `U <= L + 1 <= u`. Consecutive events may overlap, so
 * an event is not required to start exactly at the previous `u + 1` (the older docs' rule, which
 * this sequencer deliberately does not enforce). With `previous` (USDⓈ-M futures), an event
 * applies when its `pu` equals `L`, or when it straddles `L + 1` with an older `pu` (the first
 * event after a snapshot).
 *
 * @example
 * ```ts
 * ws.subscribe('btcusdt@depth', {
 *   sequencer: binanceDepthSequencer(),
 *   resync: async () => { const s = await rest.get('/api/v3/depth?symbol=BTCUSDT'); return { lastSeq: s.lastUpdateId, messages: [s] }; },
 * });
 * ```
 */
export function binanceDepthSequencer<T = unknown>(
  options: BinanceDepthSequencerOptions<T> = {},
): Sequencer<T> {
  const first = options.first ?? (field('U') as (message: T) => number | undefined);
  const last = options.last ?? (field('u') as (message: T) => number | undefined);
  const previous = options.previous;
  let watermark: number | undefined;
  return {
    get watermark() {
      return watermark;
    },
    check(message) {
      const u = last(message);
      const U = first(message);
      if (u === undefined || U === undefined) return 'in_order';
      if (watermark === undefined) return 'gap';
      if (u <= watermark) return 'duplicate';
      if (previous) {
        const pu = previous(message);
        if (pu === watermark || (U <= watermark + 1 && pu === undefined)) return 'in_order';
        // The first event after a snapshot straddles it; later ones chain by `pu`.
        return U <= watermark + 1 && u >= watermark + 1 && pu !== undefined && pu < watermark
          ? 'in_order'
          : 'gap';
      }
      return U <= watermark + 1 ? 'in_order' : 'gap';
    },
    accept(message) {
      const u = last(message);
      if (u !== undefined) watermark = u;
    },
    reset(lastSeq) {
      watermark = lastSeq;
    },
    expected: () => (watermark === undefined ? undefined : watermark + 1),
    seqOf: last,
  };
}
