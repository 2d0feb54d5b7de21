// A close handshake that never completes: the server's close frame reached the client, the client
// answered it, and then nothing more came (a black hole that opened mid-handshake, a peer that died
// right after sending its close). `ws` keeps such a socket in CLOSING for 30 s, where no ping can be
// sent; the heartbeat must still give up on it within pingInterval + pongTimeout, as it does on any
// silent peer, instead of leaving it to the idle timeout.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createManualClock } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, type WsClient } from '../src/index';
import { recordStates } from './helpers';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

interface RawServer {
  readonly url: string;
  /** The next upgraded connection's socket. */
  nextSocket(): Promise<Socket>;
  close(): Promise<void>;
}

/**
 * A WebSocket server that upgrades by hand and afterwards does only what the test writes: `ws`'s own
 * server would answer the client's close frame and end the TCP connection, which is exactly what
 * this test must not happen. Half-open capable, so the client's FIN does not close it either.
 */
async function startRawServer(): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const waiting: Array<(socket: Socket) => void> = [];
  const upgraded: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    const onHead = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onHead);
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      const next = waiting.shift();
      if (next) next(socket);
      else upgraded.push(socket);
    };
    socket.on('data', onHead);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    nextSocket: () => {
      const ready = upgraded.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** An unmasked server close frame (RFC 6455 5.5.1) with `code` and no reason. */
function closeFrame(code: number): Buffer {
  return Buffer.from([0x88, 0x02, code >> 8, code & 0xff]);
}

/** Resolves when the client's close frame (opcode 0x8) arrives: the client is then CLOSING. */
function clientCloseFrame(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      if (((chunk[0] ?? 0) & 0x0f) !== 0x8) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
}

let server: RawServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  // The server first: its sockets' end lets a client stuck in CLOSING close without the clock.
  await server?.close();
  await client?.close();
  client = undefined;
  server = undefined;
});

describe('a close handshake that never completes', () => {
  it('is given up on by the heartbeat within pingInterval + pongTimeout, not left to the idle timeout', async () => {
    const clock = createManualClock();
    server = await startRawServer();
    client = createWsClient({
      url: server.url,
      clock,
      random: () => 0,
      pingIntervalMs: 10_000,
      pongTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
    });
    const { changes } = recordStates(client);
    const accepted = server.nextSocket();
    client.connect();
    await client.ready();
    const socket = await accepted;
    const answered = clientCloseFrame(socket);
    socket.write(closeFrame(1012));
    await answered;
    const t0 = clock.now();
    let lostAt: number | undefined;
    client.on('state', (change) => {
      if (change.to === 'backoff') lostAt ??= clock.now();
    });
    // The client answered the close and waits for the server to end the connection, which it never
    // does; its socket can no longer be pinged.
    await clock.advance(10_000 + 5_000);
    expect(changes.map((change) => change.to).slice(0, 3)).toEqual(['connecting', 'live', 'backoff']);
    const lost = changes.find((change) => change.to === 'backoff');
    expect(lost?.reason).toBe('heartbeat timeout');
    expect(lost?.error?.code).toBe('timeout.heartbeat');
    expect(lost?.error?.message).toContain('close handshake');
    expect((lostAt ?? Number.POSITIVE_INFINITY) - t0).toBeLessThanOrEqual(15_000);
  });

  it('is still left alone when the platform has no ping at all (pingIntervalMs 0): the idle timeout is then the bound', async () => {
    const clock = createManualClock();
    server = await startRawServer();
    client = createWsClient({
      url: server.url,
      clock,
      random: () => 0,
      pingIntervalMs: 0,
      idleTimeoutMs: 20_000,
    });
    const { changes } = recordStates(client);
    const accepted = server.nextSocket();
    client.connect();
    await client.ready();
    const socket = await accepted;
    const answered = clientCloseFrame(socket);
    socket.write(closeFrame(1012));
    await answered;
    await clock.advance(19_999);
    expect(client.state).toBe('live');
    await clock.advance(1);
    expect(changes.map((change) => change.to).slice(0, 4)).toEqual([
      'connecting',
      'live',
      'stale',
      'backoff',
    ]);
    expect(changes.find((change) => change.to === 'backoff')?.reason).toBe('idle timeout');
  });
});
