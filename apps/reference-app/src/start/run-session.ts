import { isKitError, type KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import type { AdapterStats, OrderBookView, OrderEvent, Quote, SampleBroker } from '@kit/sample-broker';
import type { SandboxLedger, SandboxProfile } from '@kit/sandbox-broker';
import { type BookCheck, checkBook } from './check-book';
import { FAULT_SCRIPT, SETTLE_AT } from './fault-script';
import type { GroundTruth } from './ground-truth';
import type { SessionAdmin } from './session-admin';
import {
  countError,
  countMessage,
  createSessionState,
  isDelivering,
  note,
  type SessionState,
} from './session-state';

/** Options for {@link runSession}. */
export interface SessionOptions {
  readonly broker: SampleBroker;
  readonly admin: SessionAdmin;
  /** The background fault profile (restored after the scripted steps). */
  readonly profile: SandboxProfile;
  readonly durationMs: number;
  readonly symbol: string;
  /** Seeds the session's own choices (order kinds), so a seed replays the same session. */
  readonly seed: number;
  readonly groundTruth: GroundTruth;
  readonly logger: Logger;
  /** Stops the session early (Ctrl-C); the summary is still produced. */
  readonly signal: AbortSignal;
  /** Pause between order actions, in milliseconds. @default 400 */
  readonly orderIntervalMs?: number;
  /** Receives the live state as soon as it exists. @default none */
  readonly onState?: (state: SessionState) => void;
}

/** Order events of the session's own orders: what the API has against what the stream delivered. */
export interface EventCheck {
  readonly expected: number;
  readonly received: number;
  readonly lost: readonly number[];
  readonly duplicates: number;
}

/** Everything the summary is built from. */
export interface SessionResult {
  readonly interrupted: boolean;
  readonly elapsedMs: number;
  readonly stats: AdapterStats;
  readonly state: SessionState;
  readonly ledger: SandboxLedger | undefined;
  readonly clock?: { readonly skewMs: number; readonly roundTripMs: number };
  readonly account?: { readonly id: string; readonly equity: string; readonly currency: string };
  readonly positions?: number;
  readonly book: BookCheck;
  readonly events: EventCheck;
  /** Client order ids with more than one order (from the ledger, else from the order list). */
  readonly duplicates: {
    readonly count: number;
    readonly source: 'ledger' | 'orders';
    readonly clientOrderIds: readonly string[];
  };
  /** What the final `reconcile()` settled: found at the broker, never created, still undecided. */
  readonly reconciled: { readonly found: number; readonly notFound: number; readonly unresolved: number };
  /** Steps of the script that ran, with a note when one could not. */
  readonly steps: ReadonlyArray<{ readonly label: string; readonly note?: string }>;
  /** Fatal problems that ended a stream or a step early. */
  readonly problems: readonly string[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const BOOK_DEPTH = 10;

/**
 * The scripted session: clock skew, account and positions, three streams, and an order loop that
 * places and cancels orders while the fault script runs; then faults off, a final reconcile and
 * the checks against ground truth (order events and a book snapshot over an independent client,
 * duplicates from the sandbox's ledger).
 */
export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const { broker, admin, logger, symbol } = options;
  const state = createSessionState(options.durationMs, performance.now());
  options.onState?.(state);
  const now = () => performance.now();
  const random = mulberry32(options.seed);
  // Client order ids of this run: the seed plus the start time, so two runs on one account never share one.
  const runId = `${options.seed.toString(36)}${Date.now().toString(36).slice(-5)}`;
  const problems: string[] = [];
  const steps: Array<{ label: string; note?: string }> = [];
  const stop = new AbortController();
  const streamsStop = new AbortController();
  const onAbort = () => {
    stop.abort();
    streamsStop.abort();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  const record = (error: unknown, what: string): KitError | undefined => {
    if (isKitError(error)) {
      countError(state, error.code);
      logger.info(`${what} failed`, { code: error.code, outcome: error.outcome });
      return error;
    }
    problems.push(`${what}: ${String(error)}`);
    return undefined;
  };

  const unsubscribe = [
    broker.on('state', (event) => {
      const key =
        event.symbol && event.stream !== 'quotes' ? `${event.stream}:${event.symbol}` : event.stream;
      state.streams.set(key, event.state);
    }),
    broker.on('reconnect', (event) =>
      note(state, `${event.stream} stream reconnected (attempt ${event.attempt})`, now()),
    ),
    broker.on('resync', (event) => {
      if (event.reason !== 'initial')
        note(
          state,
          `book ${event.symbol} resynced after ${event.reason.replace('_', ' ')} at seq ${event.seq}`,
          now(),
        );
    }),
    broker.on('catch_up', (event) => {
      if (event.delivered > 0)
        note(state, `order updates caught up ${event.delivered} events over REST`, now());
    }),
    broker.on('error', (error) => countError(state, error.code)),
  ];

  // --- opening calls ---
  state.step = FAULT_SCRIPT[0]?.label ?? 'warming up';
  let clock: SessionResult['clock'];
  let account: SessionResult['account'];
  let positions: number | undefined;
  try {
    const time = await broker.getServerTime({ signal: stop.signal });
    clock = { skewMs: time.skewMs, roundTripMs: time.roundTripMs };
  } catch (error) {
    record(error, 'server time');
  }
  try {
    const got = await broker.getAccount({ signal: stop.signal });
    account = { id: got.id, equity: got.equity, currency: got.currency };
  } catch (error) {
    record(error, 'account');
  }
  try {
    positions = (await broker.getPositions({ signal: stop.signal })).length;
  } catch (error) {
    record(error, 'positions');
  }

  // --- streams: order updates from the account's position now, so every event of ours is expected ---
  let startSeq = 0;
  try {
    startSeq = await options.groundTruth.latestSeq();
  } catch (error) {
    record(error, 'order event position');
  }
  let latestQuote: Quote | undefined;
  const views = new Map<number, OrderBookView>();
  let latestView: OrderBookView | undefined;
  const eventSeqs = new Map<number, number>();
  let changed: (() => void) | undefined;
  const consume = async <T>(name: string, iterable: AsyncIterable<T>, onItem: (item: T) => void) => {
    try {
      for await (const item of iterable) {
        onItem(item);
        changed?.();
      }
    } catch (error) {
      if (!streamsStop.signal.aborted) {
        record(error, `${name} stream`);
        problems.push(`${name} stream ended: ${isKitError(error) ? error.code : String(error)}`);
      }
    }
  };
  const streams = [
    consume('quotes', broker.streamQuotes([symbol], { signal: streamsStop.signal }), (quote) => {
      latestQuote = quote;
      countMessage(state, 'quotes', now());
    }),
    consume(
      'book',
      broker.streamOrderBook(symbol, { depth: BOOK_DEPTH, signal: streamsStop.signal }),
      (view) => {
        latestView = view;
        views.set(view.seq, view);
        if (views.size > 2_000) views.delete(views.keys().next().value as number);
        countMessage(state, 'book', now());
      },
    ),
    consume(
      'orders',
      broker.streamOrderUpdates({ afterSeq: startSeq, signal: streamsStop.signal }),
      (event: OrderEvent) => {
        eventSeqs.set(event.seq, (eventSeqs.get(event.seq) ?? 0) + 1);
        countMessage(state, 'orders', now());
      },
    ),
  ];

  // --- the script ---
  const startedAt = state.startedAt;
  const timers: ReturnType<typeof setTimeout>[] = [];
  for (const step of FAULT_SCRIPT.slice(1)) {
    const delay = Math.max(0, startedAt + step.at * options.durationMs - now());
    timers.push(
      setTimeout(() => {
        if (stop.signal.aborted) return;
        state.step = step.label;
        note(state, step.label, now());
        step.apply(admin).then(
          (skipped) => steps.push({ label: step.label, ...(skipped ? { note: skipped } : {}) }),
          (error: unknown) => {
            steps.push({ label: step.label, note: `could not apply: ${String(error)}` });
            logger.warn('fault step failed', { step: step.label, error: String(error) });
          },
        );
      }, delay),
    );
  }

  // --- the order loop, until the settle point ---
  const settleAt = startedAt + SETTLE_AT * options.durationMs;
  const resting: string[] = [];
  let sequence = 0;
  let held = 0;
  while (!stop.signal.aborted && now() < settleAt) {
    sequence += 1;
    const clientOrderId = `kit${runId}_${sequence}`;
    state.orders.attempted += 1;
    try {
      const market = random() < 0.3;
      const quote = latestQuote ?? (await broker.getQuote(symbol, { signal: stop.signal }));
      // Sell only what this session bought: the account's other positions are not ours to move.
      const side = market && held > 0 && random() < 0.5 ? 'sell' : 'buy';
      const result = await broker.placeOrder(
        market
          ? { symbol, side, type: 'market', quantity: '1', clientOrderId, signal: stop.signal }
          : {
              symbol,
              side: 'buy',
              type: 'limit',
              quantity: '1',
              limitPrice: (Number(quote.bid) * 0.9).toFixed(2),
              clientOrderId,
              signal: stop.signal,
            },
      );
      state.orders.placed += 1;
      if (market) held += side === 'buy' ? 1 : -1;
      if (result.reconciled) {
        state.orders.reconciled += 1;
        note(state, `order ${clientOrderId}: unknown outcome, found by client order id`, now());
      }
      if (!market) resting.push(result.order.id);
    } catch (error) {
      const kit = record(error, 'place order');
      if (kit?.outcome === 'unknown') state.orders.unknown += 1;
      else if (kit) state.orders.rejected += 1;
    }
    while (resting.length > 2 && !stop.signal.aborted) {
      const id = resting.shift() as string;
      try {
        await broker.cancelOrder(id, { signal: stop.signal });
        state.orders.cancelled += 1;
      } catch (error) {
        record(error, 'cancel order');
      }
    }
    await sleep(options.orderIntervalMs ?? 400, stop.signal);
  }
  for (const timer of timers) clearTimeout(timer);

  // --- settle: faults off, reconcile, then check against ground truth ---
  state.step = 'settling: faults off, reconcile, compare with ground truth';
  note(state, 'faults off; reconciling and verifying', now());
  try {
    await admin.clearFaults();
  } catch (error) {
    problems.push(`could not turn faults off: ${String(error)}`);
  }
  const reconciled = { found: 0, notFound: 0, unresolved: 0 };
  try {
    const report = await broker.reconcile();
    reconciled.found = report.found;
    reconciled.notFound = report.notFound;
    reconciled.unresolved = report.unresolved;
  } catch (error) {
    record(error, 'reconcile');
  }

  const waitFor = async (predicate: () => boolean, timeoutMs: number): Promise<boolean> => {
    const deadline = now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - now();
      if (left <= 0 || options.signal.aborted) return predicate();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      changed = undefined;
    }
    return true;
  };

  const events = await checkEvents(options.groundTruth, startSeq, runId, eventSeqs, waitFor, problems);
  const book = await checkBook({
    truth: options.groundTruth,
    symbol,
    depth: BOOK_DEPTH,
    views,
    latest: () => latestView,
    isDelivering: () => isDelivering(state.streams.get(`book:${symbol}`)),
    waitFor,
    problems,
  });
  const ledger = await admin.ledger().catch(() => undefined);
  const duplicates = ledger
    ? duplicatesFromLedger(ledger, runId)
    : await duplicatesFromOrders(broker, runId).catch((error: unknown) => {
        problems.push(`could not list orders: ${String(error)}`);
        return { count: 0, source: 'orders' as const, clientOrderIds: [] };
      });

  streamsStop.abort();
  await Promise.all(streams);
  state.finishedAt = now();
  for (const off of unsubscribe) off();
  options.signal.removeEventListener('abort', onAbort);
  return {
    interrupted: options.signal.aborted,
    elapsedMs: now() - startedAt,
    stats: broker.stats(),
    state,
    ledger,
    ...(clock ? { clock } : {}),
    ...(account ? { account } : {}),
    ...(positions === undefined ? {} : { positions }),
    book,
    events,
    duplicates,
    reconciled,
    steps,
    problems,
  };
}

async function checkEvents(
  truth: GroundTruth,
  startSeq: number,
  runId: string,
  received: ReadonlyMap<number, number>,
  waitFor: (predicate: () => boolean, timeoutMs: number) => Promise<boolean>,
  problems: string[],
): Promise<EventCheck> {
  let expected: OrderEvent[];
  try {
    expected = (await truth.orderEvents(startSeq)).filter((event) =>
      event.clientOrderId.startsWith(`kit${runId}_`),
    );
  } catch (error) {
    problems.push(`could not read the order events: ${isKitError(error) ? error.code : String(error)}`);
    return { expected: 0, received: received.size, lost: [], duplicates: 0 };
  }
  const missing = () => expected.filter((event) => !received.has(event.seq));
  await waitFor(() => missing().length === 0, 5_000);
  const ours = new Set(expected.map((event) => event.seq));
  let duplicates = 0;
  for (const [seq, count] of received) if (ours.has(seq) && count > 1) duplicates += count - 1;
  return {
    expected: expected.length,
    received: expected.length - missing().length,
    lost: missing().map((event) => event.seq),
    duplicates,
  };
}

function duplicatesFromLedger(ledger: SandboxLedger, runId: string): SessionResult['duplicates'] {
  const ours = ledger.duplicates.filter((entry) => entry.clientOrderId.startsWith(`kit${runId}_`));
  return { count: ours.length, source: 'ledger', clientOrderIds: ours.map((entry) => entry.clientOrderId) };
}

async function duplicatesFromOrders(
  broker: SampleBroker,
  runId: string,
): Promise<SessionResult['duplicates']> {
  const seen = new Map<string, number>();
  for await (const order of broker.listOrders({ status: 'all' })) {
    if (order.clientOrderId.startsWith(`kit${runId}_`))
      seen.set(order.clientOrderId, (seen.get(order.clientOrderId) ?? 0) + 1);
  }
  const ids = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
  return { count: ids.length, source: 'orders', clientOrderIds: ids };
}
