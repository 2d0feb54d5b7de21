import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { createSeededRandom } from '../shared/seeded-random';
import { WsFaultConnection, type WsSequencedMessage } from './ws-fault-connection';
import type { WsFaults } from './ws-faults';

/** Options for {@link createWsFaultServer}. */
export interface WsFaultServerOptions {
  /** Seed of the fault random source: the same seed replays the same faults. @default 1 */
  seed?: number;
  /** Initial faults. @default {} (none) */
  faults?: WsFaults;
  /**
   * Answer the default protocol (`login`, `subscribe`, `unsubscribe`, `ping`) automatically; with
   * `false` every message goes to `onMessage` only. @default true
   */
  defaultProtocol?: boolean;
  /** With the default protocol, refuse subscriptions before a successful login. @default false */
  requireLogin?: boolean;
  /** With the default protocol, decides whether a login message is accepted. @default accepts every login */
  verifyLogin?: (message: Record<string, unknown>) => boolean;
  /** Called for every new connection, after the upgrade. @default undefined (no callback) */
  onConnection?: (connection: WsFaultConnection) => void;
  /**
   * Called after the default protocol acknowledged a subscription (start streaming here).
   * @default undefined (no callback)
   */
  onSubscribe?: (connection: WsFaultConnection, channel: string) => void;
  /**
   * Called for every client message the default protocol did not handle.
   * @default undefined (unhandled messages are only recorded)
   */
  onMessage?: (connection: WsFaultConnection, message: unknown) => void;
  /** Largest client frame the server accepts, in bytes. @default 16 MiB */
  maxPayloadBytes?: number;
  /** How many sequenced messages per channel `history()` keeps. @default 100_000 */
  historyLimit?: number;
}

/** Defaults for {@link WsFaultServerOptions}. */
export const DEFAULT_WS_FAULT_SERVER_OPTIONS = {
  seed: 1,
  defaultProtocol: true,
  requireLogin: false,
  maxPayloadBytes: 16 * 1024 * 1024,
  historyLimit: 100_000,
} as const;

/** A running fault server. */
export interface WsFaultServer {
  /** `ws://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every connection accepted so far, oldest first (closed ones included, with `open: false`). */
  readonly connections: readonly WsFaultConnection[];
  /** The faults now in force. */
  readonly faults: WsFaults;
  /** Replaces the faults (open connections see them from their next message). */
  setFaults(faults: WsFaults): void;
  /** Resolves with the next connection accepted. */
  nextConnection(): Promise<WsFaultConnection>;
  /** Sends `{ channel, seq, data }` with the next sequence number to every connection subscribed to `channel`. */
  publish(channel: string, data: unknown): number;
  /** The last sequence number allocated on `channel` (0 before the first). */
  lastSeq(channel: string): number;
  /** Sequenced messages of `channel` with `seq > afterSeq`, as allocated (before faults): a replay source for resync hooks. */
  history(channel: string, afterSeq?: number): WsSequencedMessage[];
  /** Terminates every client, cancels delayed upgrades and stops listening. Never hangs. */
  close(): Promise<void>;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function channelsOf(message: Record<string, unknown>): string[] {
  if (Array.isArray(message.channels))
    return message.channels.filter((c): c is string => typeof c === 'string');
  return typeof message.channel === 'string' ? [message.channel] : [];
}

/**
 * Starts a scriptable, fault-injecting WebSocket server on 127.0.0.1 (a free port).
 *
 * The default protocol: `{ op: 'login', … }` -> `{ op: 'login', ok: true }`;
 * `{ op: 'subscribe', channel | channels }` -> `{ op: 'subscribed', channel }` per channel;
 * `{ op: 'unsubscribe', … }` -> `{ op: 'unsubscribed', channel }`; `{ op: 'ping' }` -> `{ op: 'pong' }`;
 * data as `{ channel, seq, data }` with a per-channel `seq` that continues across connections.
 *
 * @example
 * ```ts
 * const server = await createWsFaultServer({ seed: 7, onSubscribe: (c, ch) => c.sendSequenced(ch, { px: 1 }) });
 * server.setFaults({ duplicateProbability: 0.1, dropAfterMessages: 50 });
 * // … point a client at server.url …
 * await server.close();
 * ```
 */
export async function createWsFaultServer(options: WsFaultServerOptions = {}): Promise<WsFaultServer> {
  // Field by field with `??`: a spread would let an explicit `undefined` replace a default (and an
  // undefined `defaultProtocol` would turn the protocol off).
  const defaults = DEFAULT_WS_FAULT_SERVER_OPTIONS;
  const settings = {
    ...options,
    seed: options.seed ?? defaults.seed,
    defaultProtocol: options.defaultProtocol ?? defaults.defaultProtocol,
    requireLogin: options.requireLogin ?? defaults.requireLogin,
    maxPayloadBytes: options.maxPayloadBytes ?? defaults.maxPayloadBytes,
    historyLimit: options.historyLimit ?? defaults.historyLimit,
  };
  const random = createSeededRandom(settings.seed);
  let faults: WsFaults = { ...options.faults };
  const connections: WsFaultConnection[] = [];
  const open = new Set<WsFaultConnection>();
  const waiting: Array<(connection: WsFaultConnection) => void> = [];
  const sequences = new Map<string, number>();
  const histories = new Map<string, WsSequencedMessage[]>();
  const pendingUpgrades = new Map<Socket, ReturnType<typeof setTimeout>>();

  const context = {
    faults: () => faults,
    random,
    allocate(channel: string, data: unknown): WsSequencedMessage {
      const seq = (sequences.get(channel) ?? 0) + 1;
      sequences.set(channel, seq);
      const message = { channel, seq, data };
      let history = histories.get(channel);
      if (!history) {
        history = [];
        histories.set(channel, history);
      }
      history.push(message);
      // Trimmed in chunks: a splice per message would cost O(historyLimit) each once the history is full.
      const limit = settings.historyLimit;
      if (history.length > limit + Math.max(64, limit >> 2)) history.splice(0, history.length - limit);
      return message;
    },
    closed(connection: WsFaultConnection) {
      open.delete(connection);
    },
  };

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: settings.maxPayloadBytes,
  });
  const http = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only');
  });

  const handleDefaultProtocol = (connection: WsFaultConnection, message: unknown): boolean => {
    if (typeof message !== 'object' || message === null) return false;
    const body = message as Record<string, unknown>;
    switch (body.op) {
      case 'login': {
        connection.logins++;
        if (faults.ignoreLogin) return true;
        const rejection = faults.rejectAuth;
        if (rejection === 'close-1008') connection.close(1008, 'authentication failed');
        else if (rejection === 'close-4001') connection.close(4001, 'invalid api key');
        else if (rejection === 'message' || (settings.verifyLogin && !settings.verifyLogin(body))) {
          connection.send({ op: 'login', ok: false, error: 'invalid api key' });
        } else {
          connection.authenticated = true;
          connection.send({ op: 'login', ok: true });
        }
        return true;
      }
      case 'subscribe': {
        for (const channel of channelsOf(body)) {
          connection.subscribeRequests.set(channel, (connection.subscribeRequests.get(channel) ?? 0) + 1);
          if (faults.ignoreSubscribe) continue;
          if (settings.requireLogin && !connection.authenticated) {
            connection.send({ op: 'error', channel, error: 'unauthenticated' });
            continue;
          }
          connection.subscriptions.add(channel);
          connection.send({ op: 'subscribed', channel });
          options.onSubscribe?.(connection, channel);
        }
        return true;
      }
      case 'unsubscribe': {
        for (const channel of channelsOf(body)) {
          connection.subscriptions.delete(channel);
          connection.send({ op: 'unsubscribed', channel });
        }
        return true;
      }
      case 'ping':
        connection.send({ op: 'pong', id: body.id });
        return true;
      default:
        return false;
    }
  };

  wss.on('connection', (socket) => {
    const connection = new WsFaultConnection(connections.length + 1, socket, context);
    connections.push(connection);
    open.add(connection);
    socket.on('error', () => {
      // A client vanishing mid-frame is an expected fault here; the close event follows.
    });
    socket.on('message', (data, isBinary) => {
      const message = isBinary ? data : parse(data.toString());
      connection.record(message);
      if (settings.defaultProtocol && handleDefaultProtocol(connection, message)) return;
      options.onMessage?.(connection, message);
    });
    if (faults.slowRead) connection.pauseReading();
    options.onConnection?.(connection);
    const close = faults.closeWith;
    if (close && (close.afterMessages ?? 0) === 0) connection.close(close.code, close.reason);
    for (const wake of waiting.splice(0)) wake(connection);
  });

  const upgrade = (request: IncomingMessage, socket: Socket, head: Buffer) => {
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const delay = faults.acceptDelayMs ?? 0;
    if (delay <= 0) return upgrade(request, socket, head);
    const timer = setTimeout(() => {
      pendingUpgrades.delete(socket);
      if (!socket.destroyed) upgrade(request, socket, head);
    }, delay);
    pendingUpgrades.set(socket, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      pendingUpgrades.delete(socket);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    get faults() {
      return faults;
    },
    setFaults(next) {
      faults = { ...next };
    },
    nextConnection() {
      return new Promise((resolve) => waiting.push(resolve));
    },
    publish(channel, data) {
      const message = context.allocate(channel, data);
      for (const connection of open) if (connection.subscriptions.has(channel)) connection.deliver(message);
      return message.seq;
    },
    lastSeq(channel) {
      return sequences.get(channel) ?? 0;
    },
    history(channel, afterSeq = 0) {
      const all = histories.get(channel) ?? [];
      const kept = all.length > settings.historyLimit ? all.slice(all.length - settings.historyLimit) : all;
      return kept.filter((m) => m.seq > afterSeq);
    },
    async close() {
      for (const [socket, timer] of pendingUpgrades) {
        clearTimeout(timer);
        socket.destroy();
      }
      pendingUpgrades.clear();
      for (const client of wss.clients) client.terminate();
      waiting.length = 0;
      await new Promise<void>((resolve) => {
        wss.close(() => resolve());
      });
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
