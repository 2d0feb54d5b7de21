// The adapter's public types (pinned in ADAPTER_API.md). Wire shapes are validated by the valibot
// schemas in `endpoints.ts`; these are what callers see.
import type { OAuth2TokenCache } from '@kit/auth';
import type { KitError } from '@kit/errors';
import type { Logger, Secret } from '@kit/logger';
import type { RateLimiter } from '@kit/retry';
import type { ReconnectOptions } from '@kit/ws-client';

/** A side of an order. */
export type OrderSide = 'buy' | 'sell';

/** An order's type: market orders fill at the touch, limit orders rest until the quote crosses. */
export type OrderType = 'market' | 'limit';

/** An order's lifecycle state as the broker reports it. */
export type OrderStatus = 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

/** The broker account (decimals are strings, exactly as the broker sends them). */
export interface Account {
  /** Account id, e.g. `acc_demo`. */
  readonly id: string;
  /** ISO currency of the cash balance. */
  readonly currency: string;
  /** Cash balance, decimal string. */
  readonly cash: string;
  /** Buying power, decimal string. */
  readonly buyingPower: string;
  /** Equity, decimal string. */
  readonly equity: string;
}

/** A held position. */
export interface Position {
  /** Instrument symbol. */
  readonly symbol: string;
  /** Held quantity, decimal string. */
  readonly quantity: string;
  /** Average entry price, decimal string. */
  readonly avgPrice: string;
  /** Market value, decimal string. */
  readonly marketValue: string;
}

/** An order as the broker reports it. */
export interface Order {
  /** Broker order id (`ord_...`). */
  readonly id: string;
  /** The caller's (or generated) client order id: the key reconciliation uses. */
  readonly clientOrderId: string;
  /** Instrument symbol. */
  readonly symbol: string;
  /** Buy or sell. */
  readonly side: OrderSide;
  /** Market or limit. */
  readonly type: OrderType;
  /** Ordered quantity, decimal string. */
  readonly quantity: string;
  /** Limit price, or `null` for market orders. */
  readonly limitPrice: string | null;
  /** Lifecycle state. */
  readonly status: OrderStatus;
  /** Filled quantity so far, decimal string. */
  readonly filledQuantity: string;
  /** Average fill price, or `null` before the first fill. */
  readonly avgFillPrice: string | null;
  /** Creation time, epoch milliseconds. */
  readonly createdAt: number;
  /** Last update time, epoch milliseconds. */
  readonly updatedAt: number;
}

/** A top-of-book quote. */
export interface Quote {
  /** Instrument symbol. */
  readonly symbol: string;
  /** Best bid, decimal string. */
  readonly bid: string;
  /** Best ask, decimal string. */
  readonly ask: string;
  /** Last trade price, decimal string. */
  readonly last: string;
  /** Quote time, epoch milliseconds. */
  readonly time: number;
}

/** A price level: `[price, size]`, decimal strings exactly as sent on the wire. */
export type BookLevel = readonly [price: string, size: string];

/** A consistent view of the maintained order book handed to a consumer. */
export interface OrderBookView {
  /** Instrument symbol. */
  readonly symbol: string;
  /** The book's sequence number this view is at (equal to `GET /book`'s `seq` at the same point). */
  readonly seq: number;
  /** Bids, best (highest) first, at most `depth` levels. */
  readonly bids: readonly BookLevel[];
  /** Asks, best (lowest) first, at most `depth` levels. */
  readonly asks: readonly BookLevel[];
  /** Always `true`: a view whose checksum did not verify is never handed out. */
  readonly checksumOk: true;
  /** `true` on the first view after a (re)sync from a fresh snapshot. */
  readonly resynced: boolean;
}

/** An order-book snapshot as `GET /book` returns it. */
export interface OrderBookSnapshot {
  /** Instrument symbol. */
  readonly symbol: string;
  /** The book's sequence number at the snapshot. */
  readonly seq: number;
  /** Bids, best first. */
  readonly bids: readonly BookLevel[];
  /** Asks, best first. */
  readonly asks: readonly BookLevel[];
  /** The broker's CRC32 of the top 10 levels (API.md, "Book checksum"). */
  readonly checksum: number;
}

/** Options of `getOrderBook`. */
export interface OrderBookSnapshotOptions {
  /**
   * Levels per side (1-100).
   * @default 50
   */
  readonly depth?: number;
  /**
   * Aborts the call.
   * @default undefined (none)
   */
  readonly signal?: AbortSignal;
}

/** The kinds of order event the broker emits. */
export type OrderEventType = 'accepted' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

/** An account order event; `seq` is per account, from 1, without gaps. */
export interface OrderEvent {
  /** Per-account sequence number. */
  readonly seq: number;
  /** What happened. */
  readonly type: OrderEventType;
  /** Broker order id. */
  readonly orderId: string;
  /** Client order id. */
  readonly clientOrderId: string;
  /** The order after the event. */
  readonly order: Order;
  /** Event time, epoch milliseconds. */
  readonly time: number;
}

/** What `placeOrder` sends. */
export interface PlaceOrderRequest {
  /** Instrument symbol. */
  readonly symbol: string;
  /** Buy or sell. */
  readonly side: OrderSide;
  /** Market or limit. */
  readonly type: OrderType;
  /** Quantity, a positive decimal string. */
  readonly quantity: string;
  /**
   * Limit price, a positive decimal string (required for limit orders).
   * @default undefined (none; market orders)
   */
  readonly limitPrice?: string;
  /**
   * Client order id (1-64 chars of `[A-Za-z0-9_-]`), fixed for the logical call; reconciliation finds
   * the order by it.
   * @default a generated `sb_...` id
   */
  readonly clientOrderId?: string;
  /**
   * Aborts the call. An abort after the request left ends as outcome `unknown` with the id.
   * @default undefined (none)
   */
  readonly signal?: AbortSignal;
}

/** What `placeOrder` resolves with. */
export interface PlaceOrderResult {
  /** The order the broker holds for this call's `clientOrderId`. */
  readonly order: Order;
  /** `true` when the outcome was unknown and the order was found by reconciliation. */
  readonly reconciled: boolean;
}

/** What `cancelOrder` resolves with. */
export interface CancelOrderResult {
  /** The order in its cancelled state. */
  readonly order: Order;
  /** `true` when the order had already been cancelled (a success that says so). */
  readonly alreadyCancelled: boolean;
}

/** How one intent (journalled or left unknown in this process) was settled by `reconcile()`. */
export interface ReconciledIntent {
  /** The intent's client order id. */
  readonly clientOrderId: string;
  /**
   * `found`: the broker holds an order for it; `not_found`: the broker has none (it was never
   * created); `unresolved`: the broker could not be asked (the intent stays unsettled).
   */
  readonly outcome: 'found' | 'not_found' | 'unresolved';
  /** The broker's order when `found`. */
  readonly order?: Order;
  /** Why it stayed unresolved. */
  readonly error?: KitError;
}

/** What `reconcile()` reports. */
export interface ReconcileReport {
  /** Every intent examined, in journal order. */
  readonly intents: readonly ReconciledIntent[];
  /** How many were found at the broker. */
  readonly found: number;
  /** How many the broker never created. */
  readonly notFound: number;
  /** How many could not be decided (still unsettled; run `reconcile()` again). */
  readonly unresolved: number;
  /** The broker's open orders at the time of the reconciliation. */
  readonly openOrders: readonly Order[];
}

/** Counters for metrics and tests. */
export interface AdapterStats {
  /** REST requests sent (physical attempts). */
  readonly requests: number;
  /** REST retries. */
  readonly retries: number;
  /** Times a request waited for the rate limiter or a server hint. */
  readonly rateLimitWaits: number;
  /** Total time spent in those waits, milliseconds. */
  readonly rateLimitWaitMs: number;
  /** WebSocket reconnects across all streams. */
  readonly reconnects: number;
  /** Sequence gaps seen across all streams. */
  readonly gaps: number;
  /** Order-book resyncs from a fresh snapshot. */
  readonly resyncs: number;
  /** Book checksum mismatches. */
  readonly checksumMismatches: number;
  /** Orders placed with a known outcome on the first answer. */
  readonly ordersPlaced: number;
  /** Orders whose unknown outcome was resolved by reconciliation. */
  readonly ordersReconciled: number;
  /** `placeOrder` calls that ended as outcome `unknown`. */
  readonly ordersUnknown: number;
  /** Errors surfaced to callers, by catalogue code. */
  readonly errorsByCode: Readonly<Record<string, number>>;
}

/** The streams an event can come from. */
export type StreamKind = 'quotes' | 'book' | 'orders';

/** A stream's state change (`live`, `stale`, `reconnecting`, `resynced`, `closed`). */
export interface StreamStateEvent {
  /** Which stream. */
  readonly stream: StreamKind;
  /** The symbol for quote and book streams. */
  readonly symbol?: string;
  /** The new state. */
  readonly state: 'connecting' | 'live' | 'stale' | 'reconnecting' | 'resynced' | 'closed';
  /** Why, when known. */
  readonly reason?: string;
}

/** A WebSocket reconnect. */
export interface ReconnectEvent {
  /** Which stream. */
  readonly stream: StreamKind;
  /** The close code that ended the previous connection, when known. */
  readonly closeCode?: number;
  /** Reconnect attempt, from 1. */
  readonly attempt: number;
}

/** An order-book resync from a fresh snapshot. */
export interface ResyncEvent {
  /** Book symbol. */
  readonly symbol: string;
  /** Why: the first sync, a gap, a checksum mismatch, a reconnect or a crossed book. */
  readonly reason: 'initial' | 'gap' | 'checksum_mismatch' | 'reconnect' | 'crossed';
  /** The snapshot's sequence number. */
  readonly seq: number;
}

/** A sequence gap. */
export interface GapEvent {
  /** Which stream. */
  readonly stream: StreamKind;
  /** The book symbol, for book streams. */
  readonly symbol?: string;
  /** The sequence number expected next. */
  readonly expected: number;
  /** The sequence number received. */
  readonly received: number;
}

/** A book diff whose checksum did not match the maintained book. */
export interface ChecksumMismatchEvent {
  /** Book symbol. */
  readonly symbol: string;
  /** The diff's sequence number. */
  readonly seq: number;
  /** The checksum the broker sent. */
  readonly expected: number;
  /** The checksum of the maintained book. */
  readonly actual: number;
}

/** The order-update stream caught up over REST after a (re)connect. */
export interface CatchUpEvent {
  /** The last sequence number delivered before the catch-up. */
  readonly afterSeq: number;
  /** How many events the catch-up delivered. */
  readonly delivered: number;
  /** The last sequence number after it. */
  readonly lastSeq: number;
}

/** A stream went stale (no data within the idle timeout). */
export interface StaleEvent {
  /** Which stream. */
  readonly stream: StreamKind;
  /** The symbol for quote and book streams. */
  readonly symbol?: string;
  /** Milliseconds since the last inbound frame. */
  readonly silentMs: number;
}

/** Every event `on()` can listen to, with its payload. */
export interface SampleBrokerEvents {
  /** A stream's state changed. */
  state: StreamStateEvent;
  /** A stream reconnected. */
  reconnect: ReconnectEvent;
  /** An order book resynced from a snapshot. */
  resync: ResyncEvent;
  /** A sequence gap was detected. */
  gap: GapEvent;
  /** A book checksum did not match. */
  checksum_mismatch: ChecksumMismatchEvent;
  /** Order updates caught up over REST. */
  catch_up: CatchUpEvent;
  /** A stream went stale. */
  stale: StaleEvent;
  /** A background error (a stream could not resync yet, a journal write failed, ...). */
  error: KitError;
}

/** An event name of {@link SampleBrokerEvents}. */
export type SampleBrokerEventName = keyof SampleBrokerEvents;

/** Options of `listOrders`. */
export interface ListOrdersParams {
  /**
   * Which orders.
   * @default 'all'
   */
  readonly status?: 'open' | 'closed' | 'all';
  /**
   * Orders per page (1-500).
   * @default 100
   */
  readonly pageSize?: number;
  /**
   * Aborts the iteration.
   * @default undefined (none)
   */
  readonly signal?: AbortSignal;
}

/** Options accepted by most calls. */
export interface CallSignalOptions {
  /**
   * Aborts the call.
   * @default undefined (none)
   */
  readonly signal?: AbortSignal;
}

/** Options of `streamOrderBook`. */
export interface OrderBookStreamOptions {
  /**
   * Levels per side in each view (1-50; the checksum always covers the top 10 of the full book).
   * @default 10
   */
  readonly depth?: number;
  /**
   * Ends the stream.
   * @default undefined (none)
   */
  readonly signal?: AbortSignal;
}

/** Options of `streamOrderUpdates`. */
export interface OrderUpdatesOptions {
  /**
   * Deliver the events after this sequence number (0: the account's whole history).
   * @default the account's last event when the stream starts (only new events)
   */
  readonly afterSeq?: number;
  /**
   * Ends the stream.
   * @default undefined (none)
   */
  readonly signal?: AbortSignal;
}

/** The server's time and this process's offset from it. */
export interface ServerTime {
  /** Server time, epoch milliseconds. */
  readonly serverTime: number;
  /** Server clock minus local clock (midpoint of the round trip), milliseconds. */
  readonly skewMs: number;
  /** The round trip of the time request, milliseconds. */
  readonly roundTripMs: number;
}

/** The sample broker adapter. */
export interface SampleBroker {
  /** Reads the server's time and the local clock's skew from it. */
  getServerTime(options?: CallSignalOptions): Promise<ServerTime>;
  /** Reads the account. */
  getAccount(options?: CallSignalOptions): Promise<Account>;
  /** Reads the held positions. */
  getPositions(options?: CallSignalOptions): Promise<Position[]>;
  /** Iterates the account's orders, newest first, fetching pages as it goes. */
  listOrders(params?: ListOrdersParams): AsyncIterable<Order>;
  /** Reads one order by its broker id. */
  getOrder(id: string, options?: CallSignalOptions): Promise<Order>;
  /** Reads the (earliest) order with this client order id, or `undefined` when the broker has none. */
  getOrderByClientId(clientOrderId: string, options?: CallSignalOptions): Promise<Order | undefined>;
  /** Reads a quote. */
  getQuote(symbol: string, options?: CallSignalOptions): Promise<Quote>;
  /** Reads an order-book snapshot over REST (what `streamOrderBook` starts from). */
  getOrderBook(symbol: string, options?: OrderBookSnapshotOptions): Promise<OrderBookSnapshot>;
  /**
   * Places an order exactly once. Rejects with a `KitError`: a rejection (a `client.*` code, outcome
   * `rejected`) or outcome `unknown` with `details.clientOrderId` (settle it later with `reconcile()`).
   */
  placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult>;
  /** Cancels an order; an already-cancelled order is a success that says so, a filled one a `KitError`. */
  cancelOrder(id: string, options?: CallSignalOptions): Promise<CancelOrderResult>;
  /** Settles unsettled journal intents and this process's unknown outcomes by client order id. */
  reconcile(options?: CallSignalOptions): Promise<ReconcileReport>;
  /** Streams quotes, conflated (`latest`): a slow consumer sees the newest quote per read. */
  streamQuotes(symbols: readonly string[], options?: CallSignalOptions): AsyncIterable<Quote>;
  /** Streams a maintained, checksum-verified, never-crossed order book. */
  streamOrderBook(symbol: string, options?: OrderBookStreamOptions): AsyncIterable<OrderBookView>;
  /** Streams the account's order events, gap-free and duplicate-free across reconnects. */
  streamOrderUpdates(options?: OrderUpdatesOptions): AsyncIterable<OrderEvent>;
  /** Listens to an adapter event; returns the function that removes the listener. */
  on<E extends SampleBrokerEventName>(
    event: E,
    listener: (payload: SampleBrokerEvents[E]) => void,
  ): () => void;
  /** A snapshot of the adapter's counters. */
  stats(): AdapterStats;
  /** Ends every stream and timer and closes the journal. Idempotent. */
  close(): Promise<void>;
}

/** Options of `createSampleBroker` that are code, not configuration. */
export interface SampleBrokerOptions {
  /**
   * Where the adapter logs (any `@kit/logger` shaped object).
   * @default a quiet logger (nothing is written)
   */
  readonly logger?: Logger;
  /**
   * Path of the append-only intent journal; when set, every order intent is written before it is
   * sent and settled when its outcome is known, and `reconcile()` settles what a crash left open.
   * @default undefined (no journal)
   */
  readonly journalPath?: string;
  /**
   * How long `placeOrder` spends resolving an unknown outcome by client order id before it rejects
   * with outcome `unknown`, milliseconds. Overrides the config's `reconcileBudgetMs`.
   * @default the config's value (10_000)
   */
  readonly reconcileBudgetMs?: number;
  /**
   * Flush every journal line to disk (`fdatasync`) before sending, so intents survive a power cut,
   * not only a crash of the process.
   * @default true
   */
  readonly journalSync?: boolean;
  /**
   * Clock for journal timestamps and reconciliation budgets, epoch milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Random source in [0, 1) for backoff jitter (REST retries, reconciliation, reconnects; tests inject
   * a seeded one). Client order ids always come from `crypto.randomUUID`.
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * WebSocket reconnect timing of every stream (`@kit/ws-client`'s options).
   * @default @kit/ws-client's DEFAULT_RECONNECT_OPTIONS (full jitter from 500 ms, cap 30 s; 1-5 s after a 1012)
   */
  readonly wsReconnect?: ReconnectOptions;
  /**
   * WebSocket protocol ping interval, milliseconds; a pong must follow within `wsPongTimeoutMs`.
   * @default 10_000
   */
  readonly wsPingIntervalMs?: number;
  /**
   * How long a stream waits for a pong before it drops the connection, milliseconds.
   * @default 5_000
   */
  readonly wsPongTimeoutMs?: number;
  /**
   * How long a stream's WebSocket opening handshake may take before the attempt is abandoned
   * (`timeout.handshake`) and the stream reconnects, milliseconds.
   * @default 10_000
   */
  readonly wsHandshakeTimeoutMs?: number;
  /**
   * How long the order stream waits for the broker to acknowledge its login before it reconnects
   * (`timeout.auth_ack`), milliseconds.
   * @default 5_000
   */
  readonly wsAuthTimeoutMs?: number;
  /**
   * How long a stream waits for the broker to acknowledge a subscription before it resubscribes
   * on a new connection (`timeout.subscribe_ack`), milliseconds.
   * @default 5_000
   */
  readonly wsSubscribeTimeoutMs?: number;
  /**
   * The client-side limiter of the authenticated REST calls, in place of the one the config's
   * `rateLimit` / `rateLimitWindowMs` build: pass one `@kit/retry` limiter to several adapters, or
   * one on a shared store (`createRedisStore` from `@kit/retry/redis`) to several
   * processes, so together they stay within the broker's budget for the key.
   * @default a limiter of this adapter's own from the config (none when `rateLimit` is 0)
   */
  readonly rateLimiter?: RateLimiter;
  /**
   * Where OAuth2 tokens are shared (`createRedisTokenCache` from `@kit/auth/redis`, or any
   * `OAuth2TokenCache`), so adapters and processes with the same client share one token instead of
   * each asking the token endpoint. Used only with OAuth2 client credentials.
   * @default undefined (each adapter keeps its own token)
   */
  readonly tokenCache?: OAuth2TokenCache;
  /**
   * The name the token is shared under in `tokenCache` (1-128 of `A-Z a-z 0-9 _ . : -`).
   * @default a hash of the token URL and client id (never the secret), from @kit/auth
   */
  readonly tokenCacheKey?: string;
}

/**
 * The adapter's configuration, as `sampleBrokerConfig.load()` returns it (see `config.ts`; the schema's
 * output type is checked against this interface). Credentials are either `apiKey` + `apiSecret` (HMAC
 * request signing) or `clientId` + `clientSecret` (OAuth2 client credentials).
 */
export interface SampleBrokerConfig {
  /** REST base URL without `/v1` (`SAMPLE_BROKER_BASE_URL`), e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** WebSocket URL (`SAMPLE_BROKER_WS_URL`), e.g. `ws://127.0.0.1:8080/v1/stream`. */
  readonly wsUrl: string;
  /** HMAC key id (`SAMPLE_BROKER_API_KEY`). */
  readonly apiKey?: Secret;
  /** HMAC secret (`SAMPLE_BROKER_API_SECRET`). */
  readonly apiSecret?: Secret;
  /** OAuth2 client id (`SAMPLE_BROKER_CLIENT_ID`). */
  readonly clientId?: Secret;
  /** OAuth2 client secret (`SAMPLE_BROKER_CLIENT_SECRET`). */
  readonly clientSecret?: Secret;
  /** Per-attempt REST timeout, milliseconds (`SAMPLE_BROKER_REQUEST_TIMEOUT_MS`). */
  readonly requestTimeoutMs: number;
  /** Overall deadline of one REST call including retries, milliseconds (`SAMPLE_BROKER_DEADLINE_MS`). */
  readonly deadlineMs: number;
  /** REST attempts per call (`SAMPLE_BROKER_MAX_ATTEMPTS`). */
  readonly maxAttempts: number;
  /** First REST retry backoff, milliseconds (`SAMPLE_BROKER_RETRY_INITIAL_DELAY_MS`). */
  readonly retryInitialDelayMs: number;
  /** Largest REST retry backoff, milliseconds (`SAMPLE_BROKER_RETRY_MAX_DELAY_MS`). */
  readonly retryMaxDelayMs: number;
  /** How long `placeOrder` spends reconciling an unknown outcome, milliseconds (`SAMPLE_BROKER_RECONCILE_BUDGET_MS`). */
  readonly reconcileBudgetMs: number;
  /** First reconciliation backoff, milliseconds (`SAMPLE_BROKER_RECONCILE_INITIAL_DELAY_MS`). */
  readonly reconcileInitialDelayMs: number;
  /** Largest reconciliation backoff, milliseconds (`SAMPLE_BROKER_RECONCILE_MAX_DELAY_MS`). */
  readonly reconcileMaxDelayMs: number;
  /** Client-side rate limit: weight units per window (`SAMPLE_BROKER_RATE_LIMIT`); 0 disables it. */
  readonly rateLimit: number;
  /** Client-side rate-limit window, milliseconds (`SAMPLE_BROKER_RATE_LIMIT_WINDOW_MS`). */
  readonly rateLimitWindowMs: number;
  /** Data watchdog: a stream with no inbound frame for this long is stale, milliseconds (`SAMPLE_BROKER_IDLE_TIMEOUT_MS`). */
  readonly idleTimeoutMs: number;
  /**
   * A quiet order-update stream checks over REST that it missed nothing after this long without an
   * event (a lost last message is otherwise invisible until the next one), milliseconds; 0 turns the
   * check off (`SAMPLE_BROKER_CATCH_UP_INTERVAL_MS`).
   */
  readonly catchUpIntervalMs: number;
  /** Response schema mode: `strict` fails on drift, `tolerant` logs it (`SAMPLE_BROKER_SCHEMA_MODE`). */
  readonly schemaMode: 'strict' | 'tolerant';
}
