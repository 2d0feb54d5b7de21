// Test support for the stream's tests: a real loopback server with the stream attached, small fakes
// of the other half's interfaces (authenticator, order events, ledger) and a plain `ws` client.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSeededRandom } from '@kit/testing';
import { WebSocket } from 'ws';
import type { Authenticator, VerifiableRequest, VerifyResult } from '../auth/auth-types';
import type { LedgerRecorder } from '../ledger/ledger-types';
import { createMarket, type SimulatedMarket } from '../market/create-market';
import { type ManualEvery, manualEvery } from '../market/interval';
import type { OrderEvent, OrderEventSource } from '../trading/trading-types';
import { type AttachStreamOptions, attachStream, type SandboxStream } from './attach-stream';
import type { WsStreamFaults } from './stream-types';

/** The clock every harness runs on. */
export const NOW = 1_764_620_000_000;
export const HEARTBEAT_MS = 1_000;
export const PING_MS = 10_000;

/** Accepts `X-API-Key: key_a` + `X-Signature: good` (account acc_a) and `Bearer token_b` (acc_b). */
export function fakeAuth(): Authenticator & { requests: VerifiableRequest[] } {
  const requests: VerifiableRequest[] = [];
  return {
    requests,
    verify(request): VerifyResult {
      requests.push(request);
      const { headers } = request;
      if (headers['x-api-key'] === 'key_a' && headers['x-signature'] === 'good') {
        return { ok: true, principal: { accountId: 'acc_a', keyId: 'key_a', scopes: ['read', 'trade'] } };
      }
      if (headers.authorization === 'Bearer token_b') {
        return { ok: true, principal: { accountId: 'acc_b', keyId: 'client_b', scopes: ['read'] } };
      }
      if (headers['x-api-key'] === 'explode') throw new Error('verifier bug');
      return { ok: false, status: 401, code: 'INVALID_SIGNATURE', message: 'The signature does not match' };
    },
  };
}

/** An order event source the test pushes events into. */
export function fakeOrders(): OrderEventSource & { emit(accountId: string, event: OrderEvent): void } {
  const listeners = new Set<(accountId: string, event: OrderEvent) => void>();
  return {
    eventsAfter: () => [],
    onOrderEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(accountId, event) {
      for (const listener of listeners) listener(accountId, event);
    },
  };
}

/** A recording ledger (the real one is the other half's). */
export function fakeLedger(): LedgerRecorder & {
  faults: Array<{ kind: string; detail?: string }>;
  connections: number;
  messages: number;
} {
  return {
    faults: [],
    connections: 0,
    messages: 0,
    recordFault(kind, detail) {
      this.faults.push({ kind, detail });
    },
    countWsConnection() {
      this.connections++;
    },
    countWsMessage(count = 1) {
      this.messages += count;
    },
  };
}

/** An order event for account tests. */
export function orderEvent(seq: number, orderId = `ord_${seq}`): OrderEvent {
  const order = {
    id: orderId,
    clientOrderId: `c_${orderId}`,
    symbol: 'AAPL',
    side: 'buy' as const,
    type: 'market' as const,
    quantity: '1',
    limitPrice: null,
    status: 'filled' as const,
    filledQuantity: '1',
    avgFillPrice: '190.01',
    createdAt: NOW,
    updatedAt: NOW,
  };
  return { seq, type: 'filled', orderId, clientOrderId: order.clientOrderId, order, time: NOW };
}

export interface Harness {
  readonly url: string;
  readonly server: Server;
  readonly market: SimulatedMarket;
  readonly clock: ManualEvery;
  readonly stream: SandboxStream;
  readonly auth: ReturnType<typeof fakeAuth>;
  readonly orders: ReturnType<typeof fakeOrders>;
  readonly ledger: ReturnType<typeof fakeLedger>;
  /** Replaces the faults in force (as the admin does at run time). */
  setFaults(faults: WsStreamFaults): void;
  /** Connects a plain `ws` client to `/v1/stream`. */
  connect(): Promise<TestClient>;
  close(): Promise<void>;
}

/** Starts a loopback server with the stream, a hand-ticked market and hand-fired timers. */
export async function startHarness(
  options: { seed?: number; faults?: WsStreamFaults } & Partial<Omit<AttachStreamOptions, 'faults'>> = {},
): Promise<Harness> {
  const { seed, faults: initialFaults, ...overrides } = options;
  const clock = manualEvery();
  const market = createMarket({ seed: 1, symbols: ['AAPL', 'BTC-USD'], now: () => NOW, every: clock.every });
  const server = createServer((_request, response) => response.writeHead(404).end());
  const auth = fakeAuth();
  const orders = fakeOrders();
  const ledger = fakeLedger();
  let faults: WsStreamFaults = initialFaults ?? {};
  const stream = attachStream({
    server,
    market,
    orders,
    auth,
    ledger,
    random: createSeededRandom(seed ?? 1),
    faults: () => faults,
    now: () => NOW,
    heartbeatIntervalMs: HEARTBEAT_MS,
    pingIntervalMs: PING_MS,
    every: clock.every,
    ...overrides,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/v1/stream`;
  const clients: TestClient[] = [];
  return {
    url,
    server,
    market,
    clock,
    stream,
    auth,
    orders,
    ledger,
    setFaults(next) {
      faults = next;
    },
    async connect() {
      const client = await TestClient.connect(url);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.socket.terminate();
      await stream.close();
      market.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Message = Record<string, unknown> & { op?: string; channel?: string; seq?: number; id?: unknown };

/** A plain `ws` client that records every message and can wait for one. */
export class TestClient {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<{ predicate: (m: Message) => boolean; resolve: (m: Message) => void }> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Message;
      this.messages.push(message);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.predicate(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  static async connect(url: string): Promise<TestClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new TestClient(socket);
    await once(socket, 'open');
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message at index `from` or later (arrived already or still to come) that matches. */
  waitFor(predicate: (m: Message) => boolean, from = 0): Promise<Message> {
    const found = this.messages.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }

  /** Sends `message` and waits for the first answer matching `predicate`. */
  request(message: unknown, predicate: (m: Message) => boolean): Promise<Message> {
    const answer = this.waitFor(predicate, this.messages.length);
    this.send(message);
    return answer;
  }

  /**
   * Waits until every frame the server sent before it handled this ping has arrived (frames on one
   * connection are ordered), or the connection closed. Returns whether the pong came.
   */
  async barrier(tag: string): Promise<boolean> {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    const pong = this.waitFor((m) => m.op === 'pong' && m.id === tag).then(() => true);
    this.send({ op: 'ping', id: tag });
    return Promise.race([pong, this.closed.then(() => false)]);
  }

  async login(
    headers: Record<string, string> = { 'X-API-Key': 'key_a', 'X-Signature': 'good' },
  ): Promise<Message> {
    return this.request({ op: 'login', headers, query: {} }, (m) => m.op === 'login');
  }

  async subscribe(...channels: string[]): Promise<void> {
    const id = `sub-${channels.join(',')}`;
    const from = this.messages.length;
    const acks = channels.map((channel) =>
      this.waitFor(
        (m) => (m.op === 'subscribed' || m.op === 'error') && m.channel === channel && m.id === id,
        from,
      ),
    );
    this.send({ op: 'subscribe', channels, id });
    for (const ack of await Promise.all(acks)) {
      if (ack.op !== 'subscribed') throw new Error(`subscribe failed: ${JSON.stringify(ack)}`);
    }
  }

  /** Data messages of `channel`, in arrival order. */
  data(channel: string): Message[] {
    return this.messages.filter((m) => m.op === undefined && m.channel === channel);
  }
}
