// The browser code path on Node: a WebSocket exposing only the WHATWG API (no `on`, `ping`,
// `pause`, `terminate`), as a page's global WebSocket does. It wraps a real `ws` socket.
import { createManualClock, createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { createWsClient, kitJsonProtocol, type WebSocketConstructor, type WsClient } from '../src/index';
import { nextState, recordStates } from './helpers';

class BrowserLikeWebSocket {
  readonly #inner: NodeWebSocket;
  constructor(url: string) {
    this.#inner = new NodeWebSocket(url);
    // In a browser an error event nobody listens to is harmless; Node's EventEmitter would throw.
    this.#inner.on('error', () => {});
  }
  get readyState() {
    return this.#inner.readyState;
  }
  get bufferedAmount() {
    return this.#inner.bufferedAmount;
  }
  get binaryType() {
    return this.#inner.binaryType;
  }
  set binaryType(value: string) {
    this.#inner.binaryType = value as NodeWebSocket['binaryType'];
  }
  send(data: string) {
    this.#inner.send(data);
  }
  close(code?: number, reason?: string) {
    this.#inner.close(code, reason);
  }
  addEventListener(type: string, listener: (event: never) => void) {
    this.#inner.addEventListener(type as 'message', listener as () => void);
  }
  removeEventListener(type: string, listener: (event: never) => void) {
    this.#inner.removeEventListener(type as 'message', listener as () => void);
  }
}
const BrowserWebSocket = BrowserLikeWebSocket as unknown as WebSocketConstructor;

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

describe('ws-client on a browser-style WebSocket', () => {
  it('runs the README browser quick start: callbacks, latest buffer, clean close', async () => {
    server = await createWsFaultServer({
      onSubscribe: (connection, channel) => connection.sendSequenced(channel, { bid: 1 }),
    });
    const render = (quote: unknown) => rendered.push(quote);
    const rendered: unknown[] = [];
    let first: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      first = resolve;
    });

    // --- README browser start ---
    const ws = createWsClient({
      url: server.url, // README: 'wss://stream.example.com/v1/stream'
      WebSocket: BrowserWebSocket, // README: omitted (the page's own WebSocket)
      protocol: kitJsonProtocol, // has pingMessage/isPong: pinged every 10 s, dead after 5 s without a pong
    });
    ws.subscribe('quotes:BTC-USD', {
      buffer: { size: 1, policy: 'latest' },
      onMessage: (quote) => {
        render(quote);
        first();
      },
    });
    ws.connect();
    // --- README browser end ---
    client = ws;

    await arrived;
    expect(rendered).toEqual([{ channel: 'quotes:BTC-USD', seq: 1, data: { bid: 1 } }]);
    await ws.close();
    await server.connections[0]!.waitClosed();
    expect(server.connections[0]!.closeCode).toBe(1000);
  });

  it('uses the application ping where the platform has none, and detects a half-open peer with it', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, WebSocket: BrowserWebSocket, clock, idleTimeoutMs: 0 });
    const { states } = recordStates(client);
    client.connect();
    await client.ready();
    const connection = server.connections[0]!;
    const ping = connection.nextMessage((m) => (m as { op?: string }).op === 'ping');
    await clock.advance(10_000);
    await ping;
    await clock.advance(5_000);
    expect(client.state).toBe('live'); // the pong came back
    connection.halfOpen();
    const backoff = nextState(client, 'backoff');
    await clock.advance(15_000);
    expect((await backoff).error?.code).toBe('timeout.heartbeat');
    expect(states.slice(0, 3)).toEqual(['connecting', 'live', 'backoff']);
  });
});
