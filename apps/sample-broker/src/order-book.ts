// A maintained order book, by Binance's "How to manage a local order book correctly":
//   1. open the stream and buffer its diffs;  2. fetch a REST snapshot;
//   3. drop buffered diffs the snapshot covers (seq <= snapshot.seq);
//   4. apply the rest in order, each exactly one above the last.
// On top of Binance's procedure: the sandbox's CRC32 checksum is verified after every diff, and a
// gap, a checksum mismatch or a crossed book starts the procedure again on its own (the stream
// stays open, the consumer is told). Diffs are applied as they arrive whatever the consumer's pace;
// the consumer reads the newest consistent view (conflated), never a half-applied or crossed one.
//
// Why not @kit/ws-client's sequencer + resync hook: a checksum mismatch is as much a reason to
// resync as a gap, and a sequencer only sees numbers; the book must verify contents too.
import { isKitError, KitError } from '@kit/errors';
import { createBackoff, sleep } from '@kit/retry';
import type * as v from 'valibot';
import type { AdapterContext } from './adapter-context';
import { BookState } from './book-state';
import { BookDiffMessageSchema, endpoints } from './endpoints';
import { mapStreamError } from './error-map';
import { LatestMailbox } from './latest-mailbox';
import { streamLifetime } from './stream-lifetime';
import type { OrderBookView, ResyncEvent } from './types';
import { validateInteger, validateSymbol } from './validate-arguments';

/**
 * Levels per side asked of `GET /book`: the sandbox's whole book (it keeps 100 per side). Diffs
 * change any level of the book, so a snapshot cut at the view's depth would miss the deeper levels
 * that later move up into the view when the price moves. For a venue that caps snapshot depth, ask
 * for the cap and keep views well inside it.
 */
export const SNAPSHOT_DEPTH = 100;
/** `getOrderBook`'s default depth (the broker API's default). */
export const DEFAULT_SNAPSHOT_DEPTH = 50;
/** The deepest view a stream hands out (`depth` option), half the snapshot's depth. */
export const MAX_BOOK_VIEW_DEPTH = 50;
/** Default levels per side in a view. */
export const DEFAULT_BOOK_DEPTH = 10;
/** Fresh snapshots fetched at once, in a row, when the buffer cannot be joined to the last one. */
const MAX_IMMEDIATE_RESNAPSHOTS = 3;
/** Diffs buffered while a snapshot is fetched; beyond it the oldest go (the snapshot covers them). */
const MAX_BUFFERED_DIFFS = 10_000;

type BookDiffMessage = v.InferOutput<typeof BookDiffMessageSchema>;

/** `streamOrderBook(symbol, { depth })`. @internal */
export function streamOrderBook(
  ctx: AdapterContext,
  symbolArg: string,
  options: { depth?: number; signal?: AbortSignal } = {},
): AsyncIterable<OrderBookView> {
  const symbol = validateSymbol(symbolArg, 'streamOrderBook');
  const depth = validateInteger(options?.depth, DEFAULT_BOOK_DEPTH, {
    min: 1,
    max: MAX_BOOK_VIEW_DEPTH,
    where: 'streamOrderBook',
    field: 'depth',
  });
  const mailbox = new LatestMailbox<'book', OrderBookView>();
  const ws = ctx.openStream('book', { symbol, authenticated: false });
  const lifetime = streamLifetime(ctx, options?.signal, () => {
    mailbox.end();
    void ws.close();
  });
  mailbox.onReturn = lifetime.end;

  let book: BookState | undefined;
  // Defined while (re)syncing: diffs wait here until the snapshot is in.
  let buffer: BookDiffMessage[] | undefined = [];
  let syncReason: ResyncEvent['reason'] = 'initial';
  // Whether a book was ever installed: every sync after the first is a resync.
  let synced = false;

  const publish = (state: BookState, resynced: boolean): void => {
    const { bids, asks } = state.levels();
    mailbox.put(
      'book',
      Object.freeze({
        symbol,
        seq: state.seq,
        bids: Object.freeze(bids.slice(0, depth)),
        asks: Object.freeze(asks.slice(0, depth)),
        checksumOk: true as const,
        resynced,
      }),
    );
  };

  /** Applies one in-order diff; returns why the book must be rebuilt, if it must. */
  const applyDiff = (state: BookState, diff: BookDiffMessage): ResyncEvent['reason'] | undefined => {
    state.apply(diff.seq, diff.data.bids, diff.data.asks);
    const actual = state.checksum();
    if (actual !== diff.data.checksum) {
      ctx.stats.checksumMismatches++;
      ctx.events.emit('checksum_mismatch', { symbol, seq: diff.seq, expected: diff.data.checksum, actual });
      return 'checksum_mismatch';
    }
    if (state.crossed()) return 'crossed';
    return undefined;
  };

  const startResync = (reason: ResyncEvent['reason'], keep: BookDiffMessage[]): void => {
    book = undefined;
    buffer = keep;
    syncReason = reason;
    ctx.events.emit('state', { stream: 'book', symbol, state: 'stale', reason: `resyncing: ${reason}` });
    void sync();
  };

  const onDiff = (diff: BookDiffMessage): void => {
    if (lifetime.signal.aborted) return;
    if (buffer !== undefined) {
      if (buffer.length >= MAX_BUFFERED_DIFFS) buffer.shift();
      buffer.push(diff);
      return;
    }
    const state = book as BookState;
    if (diff.seq <= state.seq) return; // a duplicate: already applied
    if (diff.seq !== state.seq + 1) {
      ctx.stats.gaps++;
      ctx.events.emit('gap', { stream: 'book', symbol, expected: state.seq + 1, received: diff.seq });
      startResync('gap', [diff]);
      return;
    }
    const problem = applyDiff(state, diff);
    if (problem !== undefined) startResync(problem, []);
    else publish(state, false);
  };

  /**
   * Fetches a snapshot and replays the buffer until the book is whole; retries on its own. Only one
   * runs at a time: diffs are buffered (not applied) until it has installed the book.
   */
  let syncing = false;
  const sync = async (): Promise<void> => {
    if (syncing) return;
    syncing = true;
    const delays = createBackoff({ ...ctx.loopBackoff, random: ctx.random });
    // Backoff only after failed fetches. A buffer the snapshot cannot be joined to (a hole, a bad
    // checksum in it) calls for a fresh snapshot at once: waiting would only buffer more diffs and
    // make another hole likelier. After a few such rounds in a row, back off anyway.
    let failedFetches = 0;
    let badBuffers = 0;
    try {
      while (!lifetime.signal.aborted) {
        if (failedFetches > 0 || badBuffers > MAX_IMMEDIATE_RESNAPSHOTS) {
          await sleep(delays.next(), lifetime.signal).catch(() => undefined);
        }
        if (lifetime.signal.aborted) return;
        let snapshot: v.InferOutput<typeof endpoints.getBook.response>;
        try {
          await ws.ready({ signal: lifetime.signal });
          ({ data: snapshot } = await ctx.rest.call(
            endpoints.getBook,
            { params: { symbol }, query: { depth: SNAPSHOT_DEPTH } },
            { signal: lifetime.signal },
          ));
        } catch (error) {
          if (lifetime.signal.aborted) return;
          failedFetches++;
          const kit = isKitError(error) ? error : new KitError('internal.unexpected', { cause: error });
          ctx.events.emit('error', kit);
          // A symbol the broker does not list will not appear by waiting.
          if (kit.code === 'client.not_found' || kit.category === 'auth' || kit.category === 'permission') {
            mailbox.fail(kit);
            lifetime.end();
            return;
          }
          continue;
        }
        failedFetches = 0;
        // Everything from here to the end of the replay is synchronous: no diff can slip in between.
        const state = new BookState(snapshot);
        if (state.checksum() !== snapshot.checksum) {
          badBuffers++;
          ctx.stats.checksumMismatches++;
          ctx.events.emit('checksum_mismatch', {
            symbol,
            seq: snapshot.seq,
            expected: snapshot.checksum,
            actual: state.checksum(),
          });
          continue;
        }
        const pending = (buffer ?? []).filter((diff) => diff.seq > snapshot.seq);
        pending.sort((a, b) => a.seq - b.seq);
        let problem: ResyncEvent['reason'] | undefined;
        let next = 0;
        for (; next < pending.length; next++) {
          const diff = pending[next] as BookDiffMessage;
          if (diff.seq <= state.seq) continue; // a duplicate in the buffer
          if (diff.seq !== state.seq + 1) {
            // A hole in the buffered stream (or a snapshot older than the buffer's start: no gap
            // in the stream, the snapshot just came from behind).
            if (state.seq > snapshot.seq) {
              ctx.stats.gaps++;
              ctx.events.emit('gap', { stream: 'book', symbol, expected: state.seq + 1, received: diff.seq });
            }
            problem = 'gap';
            break;
          }
          problem = applyDiff(state, diff);
          if (problem !== undefined) {
            next++;
            break;
          }
        }
        if (problem !== undefined) {
          badBuffers++;
          buffer = pending.slice(next);
          continue;
        }
        book = state;
        buffer = undefined;
        if (synced) ctx.stats.resyncs++;
        synced = true;
        ctx.events.emit('resync', { symbol, reason: syncReason, seq: state.seq });
        ctx.events.emit('state', { stream: 'book', symbol, state: 'resynced', reason: syncReason });
        publish(state, true);
        return;
      }
    } finally {
      syncing = false;
    }
  };

  ws.subscribe(`book:${symbol}`, {
    schema: BookDiffMessageSchema,
    onMessage: onDiff,
    onError: (error) => {
      mailbox.fail(mapStreamError(error));
      lifetime.end();
    },
  });
  ws.connect();
  void sync();
  return mailbox;
}
