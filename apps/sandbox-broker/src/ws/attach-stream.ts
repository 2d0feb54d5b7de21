import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { KitError } from '@kit/errors';
import { createSeededRandom } from '@kit/testing';
import { type RawData, WebSocketServer } from 'ws';
import type { Principal } from '../auth/auth-types';
import { type Every, realEvery } from '../market/interval';
import type { BookDiff, Quote } from '../market/market-types';
import type { OrderEvent } from '../trading/trading-types';
import { parseChannel } from './channels';
import {
  CLOSE_CODES,
  type ConnectionContext,
  StreamConnection,
  type Subscription,
} from './stream-connection';
import { activeFaults, WS_FAULT_KINDS } from './stream-faults';
import type { Stream, StreamOptions, WsStreamFaults } from './stream-types';

/** Defaults of {@link AttachStreamOptions}. */
const DEFAULT_STREAM_OPTIONS = {
  heartbeatIntervalMs: 1_000,
  pingIntervalMs: 10_000,
  slowConsumerBytes: 4 * 1024 * 1024,
  seed: 1,
} as const;

/** The WebSocket path (API.md). */
const STREAM_PATH = '/v1/stream';

/** Largest client frame accepted: logins and subscribe lists are small. */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** Most channels in one subscribe or unsubscribe message. */
const MAX_CHANNELS_PER_MESSAGE = 1_000;
/** How long `close()` waits for clients to finish the close handshake before terminating them. */
const CLOSE_GRACE_MS = 1_000;

type StreamDependencies = Pick<StreamOptions, 'server' | 'market' | 'orders' | 'auth' | 'ledger'>;

/** One open connection as `connections()` reports it. */
export interface StreamConnectionInfo {
  /** 1-based connection number (as in the ledger's fault details). */
  readonly id: number;
  /** The account logged in, if any. */
  readonly accountId: string | undefined;
  /** Channels subscribed now. */
  readonly channels: readonly string[];
  /** Gone silent (stallHeartbeat or `stallConnections()`). */
  readonly stalled: boolean;
  /** A close was started (drop, slow consumer, shutdown, rejected login). */
  readonly closing: boolean;
  /** Bytes waiting in the send buffer. */
  readonly bufferedBytes: number;
}

/** The stream `attachStream()` returns: a {@link Stream} that also lists its connections. */
export interface SandboxStream extends Stream {
  /** A snapshot of the open connections, oldest first (for the admin view and tests). */
  connections(): StreamConnectionInfo[];
}

/** Options for {@link attachStream}: {@link StreamOptions}, the tunables optional, plus a scheduler for tests. */
export interface AttachStreamOptions extends StreamDependencies {
  /** The seeded random source of the WebSocket faults. @default a source seeded with 1 */
  readonly random?: () => number;
  /** The faults now in force, read on every message. @default none */
  readonly faults?: () => WsStreamFaults;
  /** The server clock (epoch ms, offset applied). @default Date.now */
  readonly now?: () => number;
  /** Interval of `{ op: 'heartbeat' }` messages, in milliseconds. @default 1000 */
  readonly heartbeatIntervalMs?: number;
  /** Interval of protocol pings, in milliseconds. @default 10000 */
  readonly pingIntervalMs?: number;
  /** A connection whose send buffer passes this many bytes is closed with 1013. @default 4 MiB */
  readonly slowConsumerBytes?: number;
  /** The interval scheduler (heartbeats, pings); inject `manualEvery().every` in tests. @default an unref'd setInterval */
  readonly every?: Every;
}

function invalid(message: string, hint: string): KitError {
  return new KitError('config.invalid', { message, hint });
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < 1) {
    throw invalid(
      `${name} must be a finite number >= 1, got ${String(resolved)}`,
      `Pass e.g. ${name}: ${fallback}.`,
    );
  }
  return resolved;
}

function resolveOptions(options: AttachStreamOptions) {
  if (typeof options !== 'object' || options === null) {
    throw invalid('attachStream() needs an options object', 'Pass { server, market, orders, auth, ledger }.');
  }
  const { server, market, orders, auth, ledger } = options;
  if (typeof server?.on !== 'function')
    throw invalid('attachStream() needs an HTTP(S) server', 'Pass server: http.createServer(...).');
  if (typeof market?.onQuote !== 'function')
    throw invalid('attachStream() needs a market', 'Pass market: createMarket(...).');
  if (typeof orders?.onOrderEvent !== 'function')
    throw invalid('attachStream() needs an order event source', 'Pass orders: the trading engine.');
  if (typeof auth?.verify !== 'function')
    throw invalid('attachStream() needs an authenticator', 'Pass auth: the request verifier.');
  if (typeof ledger?.recordFault !== 'function')
    throw invalid('attachStream() needs a ledger', 'Pass ledger: the ground-truth ledger.');
  for (const name of ['random', 'faults', 'now', 'every'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw invalid(`attachStream() option ${name} must be a function`, `Leave ${name} out for the default.`);
    }
  }
  return {
    server,
    market,
    orders,
    auth,
    ledger,
    random: options.random ?? createSeededRandom(DEFAULT_STREAM_OPTIONS.seed),
    faults: options.faults ?? (() => ({})),
    now: options.now ?? Date.now,
    every: options.every ?? realEvery,
    heartbeatIntervalMs: positive(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs,
      DEFAULT_STREAM_OPTIONS.heartbeatIntervalMs,
    ),
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs, DEFAULT_STREAM_OPTIONS.pingIntervalMs),
    slowConsumerBytes: positive(
      'slowConsumerBytes',
      options.slowConsumerBytes,
      DEFAULT_STREAM_OPTIONS.slowConsumerBytes,
    ),
  };
}

/** Close codes `ws` can send (RFC 6455 section 7.4: the registered ones, and 3000-4999). */
function isSendableCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}

type Json = Record<string, unknown>;

function withId(message: Json, id: unknown): Json {
  return id === undefined ? message : { ...message, id };
}

/** The login's headers, lower-cased, string values only (what the verifier reads). */
function loginHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return headers;
  for (const [name, header] of Object.entries(value)) {
    if (typeof header === 'string') headers[name.toLowerCase()] = header;
  }
  return headers;
}

/** The signed target: the path, plus the login's `query` when it has any (the client signed its URL's query). */
function loginTarget(query: unknown): string {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) return STREAM_PATH;
  const entries = Object.entries(query).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return entries.length === 0 ? STREAM_PATH : `${STREAM_PATH}?${new URLSearchParams(entries).toString()}`;
}

function channelsOf(message: Json): unknown[] | undefined {
  if (Array.isArray(message.channels)) return message.channels;
  return typeof message.channel === 'string' ? [message.channel] : undefined;
}

/**
 * Serves kit's reference WebSocket protocol on `server` at `/v1/stream` (API.md): signed login
 * through `auth`, `quotes:SYMBOL` / `book:SYMBOL` / `orders` channels, heartbeats, protocol and
 * app pings, close 4001 on a rejected login and 1013 for a slow consumer, and the seeded
 * WebSocket faults, each recorded in the ledger.
 *
 * Every data message is serialised once per fan-out, not once per client: a book diff or order
 * event is one shared buffer; a quote is one JSON body behind a per-connection seq prefix.
 *
 * @example
 * ```ts
 * const stream = attachStream({ server, market, orders, auth, ledger, random, faults: () => ({}) });
 * // ws://127.0.0.1:PORT/v1/stream ...
 * await stream.close();
 * ```
 */
export function attachStream(options: AttachStreamOptions | StreamOptions): SandboxStream {
  const o = resolveOptions(options);
  const { market, ledger } = o;
  const open = new Set<StreamConnection>();
  /** Subscribers of `quotes:*` and `book:*`, with each one's quote seq counter. */
  const subscribers = new Map<string, Map<StreamConnection, Subscription>>();
  /** Subscribers of `orders`, by account. */
  const orderSubscribers = new Map<string, Set<StreamConnection>>();
  let nextId = 0;
  let closing: Promise<void> | undefined;
  let onEmpty: (() => void) | undefined;

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // Pongs are sent by hand, so a stalled connection can stop answering pings while still reading.
    autoPong: false,
    clientTracking: false,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
  });

  const context: ConnectionContext = {
    ledger,
    random: o.random,
    slowConsumerBytes: o.slowConsumerBytes,
    closed(connection) {
      open.delete(connection);
      for (const channel of connection.channels) subscribers.get(channel)?.delete(connection);
      const account = connection.principal?.accountId;
      if (account !== undefined) orderSubscribers.get(account)?.delete(connection);
      connection.channels.clear();
      clearTimeout(connection.readTimer);
      connection.held.length = 0;
      if (open.size === 0) onEmpty?.();
    },
  };

  // Frame prefixes per symbol, built once: the fan-out only appends the seq and the body.
  const quoteChannel = new Map<string, { channel: string; prefix: string }>();
  const bookChannel = new Map<string, string>();
  for (const symbol of market.symbols) {
    const channel = `quotes:${symbol}`;
    quoteChannel.set(symbol, { channel, prefix: `{"channel":${JSON.stringify(channel)},"seq":` });
    bookChannel.set(symbol, `book:${symbol}`);
  }

  const onQuote = (quote: Quote) => {
    const names = quoteChannel.get(quote.symbol);
    const subs = names && subscribers.get(names.channel);
    if (!subs || subs.size === 0) return;
    const faults = activeFaults(o.faults());
    const { channel, prefix } = names;
    const tail = `,"data":${JSON.stringify(quote)}}`;
    let sent = 0;
    for (const subscription of subs.values()) {
      const seq = ++subscription.seq;
      sent += subscription.connection.sendData(prefix + seq + tail, faults, channel, seq);
    }
    if (sent > 0) ledger.countWsMessage(sent);
  };

  const onBookDiff = (diff: BookDiff) => {
    const channel = bookChannel.get(diff.symbol);
    const subs = channel && subscribers.get(channel);
    if (!subs || subs.size === 0) return;
    const faults = activeFaults(o.faults());
    const data = { bids: diff.bids, asks: diff.asks, checksum: diff.checksum };
    const frame = Buffer.from(JSON.stringify({ channel, seq: diff.seq, data }));
    const corrupt = () =>
      JSON.stringify({ channel, seq: diff.seq, data: { ...data, checksum: (diff.checksum + 1) >>> 0 } });
    let sent = 0;
    for (const connection of subs.keys())
      sent += connection.sendData(frame, faults, channel, diff.seq, corrupt);
    if (sent > 0) ledger.countWsMessage(sent);
  };

  const onOrderEvent = (accountId: string, event: OrderEvent) => {
    const subs = orderSubscribers.get(accountId);
    if (!subs || subs.size === 0) return;
    const faults = activeFaults(o.faults());
    const frame = Buffer.from(JSON.stringify({ channel: 'orders', seq: event.seq, data: event }));
    let sent = 0;
    for (const connection of subs) sent += connection.sendData(frame, faults, 'orders', event.seq);
    if (sent > 0) ledger.countWsMessage(sent);
  };

  const heartbeat = () => {
    if (open.size === 0) return;
    const faults = activeFaults(o.faults());
    const frame = JSON.stringify({ op: 'heartbeat', time: o.now() });
    let sent = 0;
    for (const connection of open) {
      if (!connection.writable) continue;
      // One draw per connection (per API.md), at its first heartbeat while the fault is in force.
      if (faults.stallHeartbeat > 0 && !connection.stallDrawn) {
        connection.stallDrawn = true;
        if (o.random() < faults.stallHeartbeat) {
          ledger.recordFault(WS_FAULT_KINDS.stallHeartbeat, `connection=${connection.id}`);
          connection.stall();
          continue;
        }
      }
      sent += connection.send(frame);
    }
    if (sent > 0) ledger.countWsMessage(sent);
  };

  const ping = () => {
    for (const connection of open) if (connection.writable) connection.socket.ping();
  };

  const subscribeOrders = (connection: StreamConnection, principal: Principal) => {
    let subs = orderSubscribers.get(principal.accountId);
    if (!subs) {
      subs = new Set();
      orderSubscribers.set(principal.accountId, subs);
    }
    subs.add(connection);
  };

  const login = (connection: StreamConnection, message: Json, id: unknown) => {
    let result: ReturnType<typeof o.auth.verify>;
    try {
      result = o.auth.verify({
        method: 'GET',
        target: loginTarget(message.query),
        headers: loginHeaders(message.headers),
        body: '',
      });
    } catch {
      connection.reply(
        withId({ op: 'login', ok: false, code: 'INTERNAL', message: 'The login could not be verified' }, id),
      );
      connection.close(CLOSE_CODES.internalError, 'login verification failed');
      return;
    }
    if (!result.ok) {
      connection.reply(withId({ op: 'login', ok: false, code: result.code, message: result.message }, id));
      connection.close(CLOSE_CODES.loginRejected, result.code.slice(0, 100));
      return;
    }
    const before = connection.principal;
    if (before && connection.channels.has('orders') && before.accountId !== result.principal.accountId) {
      orderSubscribers.get(before.accountId)?.delete(connection);
      subscribeOrders(connection, result.principal);
    }
    connection.principal = result.principal;
    connection.reply(withId({ op: 'login', ok: true }, id));
  };

  const changeSubscriptions = (
    connection: StreamConnection,
    message: Json,
    id: unknown,
    subscribe: boolean,
  ) => {
    const op = subscribe ? 'subscribe' : 'unsubscribe';
    const channels = channelsOf(message);
    if (!channels || channels.length === 0 || channels.length > MAX_CHANNELS_PER_MESSAGE) {
      connection.reply(
        withId(
          {
            op: 'error',
            code: 'INVALID_REQUEST',
            message: `${op} needs channels: an array of 1 to ${MAX_CHANNELS_PER_MESSAGE} channel names`,
          },
          id,
        ),
      );
      return;
    }
    for (const channel of channels) {
      if (typeof channel !== 'string') {
        connection.reply(
          withId(
            { op: 'error', channel, code: 'UNKNOWN_CHANNEL', message: 'A channel name is a string' },
            id,
          ),
        );
        continue;
      }
      const parsed = parseChannel(channel, market);
      if (parsed.kind === 'error') {
        connection.reply(withId({ op: 'error', channel, code: parsed.code, message: parsed.message }, id));
        continue;
      }
      if (!subscribe) {
        if (connection.channels.delete(channel)) {
          if (parsed.kind === 'orders')
            orderSubscribers.get(connection.principal!.accountId)?.delete(connection);
          else subscribers.get(channel)?.delete(connection);
        }
        connection.reply(withId({ op: 'unsubscribed', channel }, id));
        continue;
      }
      if (parsed.kind === 'orders') {
        const principal = connection.principal;
        if (!principal) {
          connection.reply(
            withId(
              {
                op: 'error',
                channel,
                code: 'LOGIN_REQUIRED',
                message: 'Log in before subscribing to orders',
              },
              id,
            ),
          );
          continue;
        }
        subscribeOrders(connection, principal);
      } else {
        let counter = connection.counters.get(channel);
        if (!counter) {
          counter = { connection, seq: 0 };
          connection.counters.set(channel, counter);
        }
        let subs = subscribers.get(channel);
        if (!subs) {
          subs = new Map();
          subscribers.set(channel, subs);
        }
        subs.set(connection, counter);
      }
      connection.channels.add(channel);
      connection.reply(withId({ op: 'subscribed', channel }, id));
    }
  };

  const handle = (connection: StreamConnection, data: RawData, isBinary: boolean) => {
    if (connection.stalled || connection.closing) return;
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      connection.reply({
        op: 'error',
        code: 'INVALID_REQUEST',
        message: 'Messages are JSON objects in text frames',
      });
      return;
    }
    const body = message as Json;
    const id = body.id;
    switch (body.op) {
      case 'login':
        return login(connection, body, id);
      case 'subscribe':
        return changeSubscriptions(connection, body, id, true);
      case 'unsubscribe':
        return changeSubscriptions(connection, body, id, false);
      case 'ping':
        return connection.reply(withId({ op: 'pong' }, id));
      default:
        connection.reply(
          withId(
            {
              op: 'error',
              code: 'INVALID_REQUEST',
              message: `Unknown op ${JSON.stringify(String(body.op).slice(0, 50))}: use login, subscribe, unsubscribe or ping`,
            },
            id,
          ),
        );
    }
  };

  const receive = (connection: StreamConnection, data: RawData, isBinary: boolean) => {
    if (connection.stalled || connection.closing) return;
    if (connection.readTimer !== undefined) {
      connection.held.push({ data, isBinary });
      return;
    }
    const faults = activeFaults(o.faults());
    if (faults.slowRead > 0 && faults.slowReadDelayMs > 0 && o.random() < faults.slowRead) {
      ledger.recordFault(
        WS_FAULT_KINDS.slowRead,
        `connection=${connection.id} delayMs=${faults.slowReadDelayMs}`,
      );
      connection.held.push({ data, isBinary });
      // Paused, so what the client sends meanwhile backs up in its own buffers, as with a slow server.
      connection.socket.pause();
      connection.readTimer = setTimeout(() => {
        connection.readTimer = undefined;
        connection.socket.resume();
        for (const held of connection.held.splice(0)) handle(connection, held.data, held.isBinary);
      }, faults.slowReadDelayMs);
      connection.readTimer.unref();
      return;
    }
    handle(connection, data, isBinary);
  };

  wss.on('connection', (socket) => {
    const connection = new StreamConnection(++nextId, socket, context);
    open.add(connection);
    ledger.countWsConnection();
    socket.on('error', () => {
      // A client vanishing mid-frame is routine here; the close event follows and cleans up.
    });
    socket.on('message', (data, isBinary) => receive(connection, data, isBinary));
    socket.on('ping', (data) => {
      if (connection.writable) socket.pong(data);
    });
    socket.on('close', () => context.closed(connection));
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path !== STREAM_PATH) {
      // Someone else may serve other upgrade paths; if no one does, answer rather than leave the socket hanging.
      if (o.server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    socket.on('error', () => socket.destroy());
    if (closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };

  o.server.on('upgrade', onUpgrade);
  const offQuote = market.onQuote(onQuote);
  const offBook = market.onBookDiff(onBookDiff);
  const offOrders = o.orders.onOrderEvent(onOrderEvent);
  const cancelHeartbeat = o.every(o.heartbeatIntervalMs, heartbeat);
  const cancelPing = o.every(o.pingIntervalMs, ping);

  return {
    dropConnections(code = CLOSE_CODES.drop) {
      if (!isSendableCloseCode(code)) {
        throw new KitError('client.invalid_argument', {
          message: `dropConnections() needs a sendable WebSocket close code, got ${String(code)}`,
          hint: 'Use 1000-1003, 1007-1014 or 3000-4999 (1012, service restart, by default).',
        });
      }
      for (const connection of open) {
        if (connection.closing) continue;
        ledger.recordFault(WS_FAULT_KINDS.drop, `connection=${connection.id} code=${code} by=admin`);
        connection.close(code, 'dropped by the sandbox');
      }
    },
    stallConnections() {
      for (const connection of open) {
        if (!connection.writable) continue;
        ledger.recordFault(WS_FAULT_KINDS.stallHeartbeat, `connection=${connection.id} by=admin`);
        connection.stall();
      }
    },
    connections() {
      return [...open].map((connection) => ({
        id: connection.id,
        accountId: connection.principal?.accountId,
        channels: [...connection.channels],
        stalled: connection.stalled,
        closing: connection.closing,
        bufferedBytes: connection.socket.bufferedAmount,
      }));
    },
    get connectionCount() {
      return open.size;
    },
    close() {
      if (closing) return closing;
      o.server.off('upgrade', onUpgrade);
      offQuote();
      offBook();
      offOrders();
      cancelHeartbeat();
      cancelPing();
      closing = (async () => {
        if (open.size > 0) {
          const empty = new Promise<void>((resolve) => {
            onEmpty = resolve;
          });
          for (const connection of open) connection.close(CLOSE_CODES.shuttingDown, 'server shutting down');
          // A client that never answers the close frame (stalled itself, or gone) is cut off.
          const grace = setTimeout(() => {
            for (const connection of open) connection.socket.terminate();
          }, CLOSE_GRACE_MS);
          await empty;
          clearTimeout(grace);
        }
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}
