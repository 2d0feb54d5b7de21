// The streams' WebSocket timeouts are the adapter's options, not @kit/ws-client's defaults: a
// handshake that never completes, a login the server never acknowledges and a subscription it never
// acknowledges each end the attempt with their timeout code after the configured time (the
// defaults, 5-10 s, would outlast this test's bound), and the stream goes on reconnecting.
import { createServer, type Server, type Socket } from 'node:net';
import type { KitError } from '@kit/errors';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SampleBroker, SampleBrokerOptions } from '../src/index';
import { adapterFor, sandbox } from './support';

let broker: SandboxBroker;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  broker = await sandbox();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => broker.close());

/** A TCP server that accepts connections and never answers: the handshake hangs. */
async function silentTcpServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `ws://127.0.0.1:${address.port}/v1/stream`;
}

/** A WebSocket server that accepts the upgrade and answers nothing (no login or subscribe ack). */
async function mutePeer(): Promise<WsFaultServer> {
  const server = await createWsFaultServer({ defaultProtocol: false });
  cleanups.push(() => server.close());
  return server;
}

/** An adapter whose streams go to `wsUrl`, with short WebSocket timeouts. */
function adapterTo(wsUrl: string, options: SampleBrokerOptions = {}): SampleBroker {
  const adapter = adapterFor(broker, {
    env: { SAMPLE_BROKER_WS_URL: wsUrl },
    wsHandshakeTimeoutMs: 150,
    wsAuthTimeoutMs: 150,
    wsSubscribeTimeoutMs: 150,
    ...options,
  });
  cleanups.push(() => adapter.close());
  return adapter;
}

/** The first adapter error, and how long after the stream started it came. */
function firstError(adapter: SampleBroker, start: () => void): Promise<{ error: KitError; afterMs: number }> {
  return new Promise((resolve) => {
    const began = performance.now();
    const off = adapter.on('error', (error) => {
      off();
      resolve({ error, afterMs: performance.now() - began });
    });
    start();
  });
}

/** Starts iterating `stream` in the background until `stop` aborts. */
function drain(stream: AsyncIterable<unknown>): void {
  void (async () => {
    try {
      for await (const _ of stream) {
        // nothing arrives from these peers
      }
    } catch {
      // the stream ends when the adapter closes
    }
  })();
}

describe('the adapter’s WebSocket timeouts', () => {
  it('a handshake that never completes ends with timeout.handshake after wsHandshakeTimeoutMs', async () => {
    const adapter = adapterTo(await silentTcpServer());
    const stop = new AbortController();
    const { error, afterMs } = await firstError(adapter, () =>
      drain(adapter.streamQuotes(['AAPL'], { signal: stop.signal })),
    );
    stop.abort();
    expect(error.code).toBe('timeout.handshake');
    expect(afterMs).toBeLessThan(5_000);
  }, 10_000);

  it('a login that is never acknowledged ends with timeout.auth_ack after wsAuthTimeoutMs', async () => {
    const peer = await mutePeer();
    const adapter = adapterTo(peer.url);
    const stop = new AbortController();
    const { error, afterMs } = await firstError(adapter, () =>
      drain(adapter.streamOrderUpdates({ signal: stop.signal })),
    );
    stop.abort();
    expect(error.code).toBe('timeout.auth_ack');
    expect(afterMs).toBeLessThan(4_000);
  }, 10_000);

  it('a subscription that is never acknowledged ends with timeout.subscribe_ack after wsSubscribeTimeoutMs', async () => {
    const peer = await mutePeer();
    const adapter = adapterTo(peer.url);
    const stop = new AbortController();
    const { error, afterMs } = await firstError(adapter, () =>
      drain(adapter.streamQuotes(['AAPL'], { signal: stop.signal })),
    );
    stop.abort();
    expect(error.code).toBe('timeout.subscribe_ack');
    expect(afterMs).toBeLessThan(4_000);
  }, 10_000);
});
