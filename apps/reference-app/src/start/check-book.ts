import { isKitError } from '@kit/errors';
import type { OrderBookView } from '@kit/sample-broker';
import type { GroundTruth } from './ground-truth';

/** How the session's book compared with a fresh snapshot. */
export interface BookCheck {
  readonly equal: boolean;
  readonly seq?: number;
  readonly detail: string;
}

/** What {@link checkBook} reads. @internal */
export interface BookCheckInputs {
  readonly truth: Pick<GroundTruth, 'bookSnapshot'>;
  readonly symbol: string;
  readonly depth: number;
  /** The adapter's views by seq (what the book stream delivered). */
  readonly views: ReadonlyMap<number, OrderBookView>;
  /** The newest view. */
  readonly latest: () => OrderBookView | undefined;
  /** Whether the book stream is delivering right now (`live`, or `resynced` after a gap). */
  readonly isDelivering: () => boolean;
  /** Resolves when `predicate` holds or after `timeoutMs`, with its last value. */
  readonly waitFor: (predicate: () => boolean, timeoutMs: number) => Promise<boolean>;
  /** Where reasons the check could not run go. */
  readonly problems: string[];
}

/** Snapshots taken before giving up on finding a view at exactly a snapshot's seq. */
const SNAPSHOT_ATTEMPTS = 5;
/** How long one snapshot waits for the stream to reach its seq, in milliseconds. */
const CATCH_UP_MS = 3_000;
/**
 * How long the check waits for a book stream in backoff to come back, in milliseconds: above the
 * WebSocket client's longest reconnect delay (30 s), so a stream the faults left in a long backoff
 * is compared once it is back, instead of being reported different while it is away.
 */
const LIVE_WAIT_MS = 35_000;

function sameLevels(
  a: ReadonlyArray<readonly [string, string]>,
  b: ReadonlyArray<readonly [string, string]>,
): boolean {
  return (
    a.length === b.length &&
    a.every((level, index) => level[0] === b[index]?.[0] && level[1] === b[index]?.[1])
  );
}

/**
 * Compares the adapter's book with a fresh snapshot at exactly the snapshot's seq (the book moves
 * every tick). Each snapshot is taken while the stream is live: a snapshot taken while it is away
 * would be behind the resync that brings it back, and the views jump past its seq.
 */
export async function checkBook(inputs: BookCheckInputs): Promise<BookCheck> {
  const { truth, symbol, depth, views, latest, isDelivering, waitFor, problems } = inputs;
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    if (!(await waitFor(isDelivering, LIVE_WAIT_MS))) {
      return {
        equal: false,
        detail: `the book stream was not live within ${LIVE_WAIT_MS / 1_000} s of the faults going off`,
      };
    }
    let snapshot: Awaited<ReturnType<GroundTruth['bookSnapshot']>>;
    try {
      snapshot = await truth.bookSnapshot(symbol, depth);
    } catch (error) {
      problems.push(`could not read a book snapshot: ${isKitError(error) ? error.code : String(error)}`);
      return { equal: false, detail: 'no snapshot' };
    }
    await waitFor(() => (latest()?.seq ?? 0) >= snapshot.seq, CATCH_UP_MS);
    if (latest() === undefined) break;
    const view = views.get(snapshot.seq);
    if (view === undefined) continue;
    const equal = sameLevels(view.bids, snapshot.bids) && sameLevels(view.asks, snapshot.asks);
    return {
      equal,
      seq: snapshot.seq,
      detail: equal
        ? `top ${depth} levels equal at seq ${snapshot.seq}`
        : `levels differ at seq ${snapshot.seq}`,
    };
  }
  const seen = latest()?.seq;
  return {
    equal: false,
    detail:
      seen === undefined
        ? 'the book stream delivered nothing'
        : `no view at a snapshot's seq (stream at ${seen})`,
  };
}
