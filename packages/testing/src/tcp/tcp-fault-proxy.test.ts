import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpFaultProxy, type TcpFaultProxy } from './tcp-fault-proxy';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An echo server that also records every chunk it receives. */
async function echoServer(): Promise<{ server: Server; port: number; chunks: Buffer[]; sockets: Socket[] }> {
  const chunks: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      socket.write(chunk);
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, chunks, sockets };
}

async function proxyTo(port: number, seed = 1): Promise<TcpFaultProxy> {
  const proxy = await createTcpFaultProxy({ target: { port }, seed });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function client(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  cleanups.push(() => {
    socket.destroy();
  });
  return socket;
}

/** Resolves with the first `bytes` bytes the socket receives. */
function receive(socket: Socket, bytes: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      parts.push(chunk);
      total += chunk.length;
      if (total >= bytes) {
        socket.off('data', onData);
        resolve(Buffer.concat(parts));
      }
    };
    socket.on('data', onData);
  });
}

describe('createTcpFaultProxy', () => {
  it('forwards both ways unchanged without toxics', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    const socket = await client(proxy.port);
    const reply = receive(socket, 5);
    socket.write('hello');
    expect((await reply).toString()).toBe('hello');
    expect(proxy.stats()).toMatchObject({ accepted: 1, open: 1, bytesUpstream: 5, bytesDownstream: 5 });
  });

  it('delays each chunk by the latency (downstream only by default)', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    proxy.addToxic({ type: 'latency', latencyMs: 80 });
    const socket = await client(proxy.port);
    const started = performance.now();
    const reply = receive(socket, 4);
    socket.write('ping');
    await reply;
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('a black hole swallows data and keeps the connection open (no FIN, no RST)', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    const socket = await client(proxy.port);
    let ended = false;
    socket.on('end', () => {
      ended = true;
    });
    proxy.addToxic({ name: 'hole', type: 'black_hole' });
    socket.write('lost');
    // The server echoed it (it went upstream untouched), but nothing came back.
    await expect.poll(() => echo.chunks.map(String).join('')).toBe('lost');
    proxy.removeToxic('hole');
    const reply = receive(socket, 5);
    socket.write('after');
    expect((await reply).toString()).toBe('after'); // same socket: it was never closed
    expect(ended).toBe(false);
    expect(proxy.stats().toxicConnections).toEqual({ hole: 1 });
  });

  it('a black hole keeps the client side open even when the server closes', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    const socket = await client(proxy.port);
    proxy.addToxic({ type: 'black_hole' });
    await expect.poll(() => echo.sockets.length).toBe(1);
    echo.sockets[0]?.end();
    // The proxy saw the server's FIN but must not pass it on: the client sees silence.
    await expect.poll(() => proxy.stats().open).toBe(1);
    expect(socket.readyState).toBe('open');
  });

  it('reset_peer resets the client with ECONNRESET', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    const socket = await client(proxy.port);
    const failed = once(socket, 'error');
    proxy.addToxic({ type: 'reset_peer', timeoutMs: 0 });
    const [error] = (await failed) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNRESET');
  });

  it('slicer splits writes into small chunks and keeps the bytes intact', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    proxy.addToxic({ type: 'slicer', stream: 'upstream', averageSize: 4, sizeVariation: 2, delayMs: 1 });
    const socket = await client(proxy.port);
    const payload = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const reply = receive(socket, payload.length);
    socket.write(payload);
    expect((await reply).toString()).toBe(payload);
    expect(echo.chunks.length).toBeGreaterThanOrEqual(6);
    expect(Buffer.concat(echo.chunks).toString()).toBe(payload);
  });

  it('limit_data passes N bytes and then closes the connection', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    proxy.addToxic({ type: 'limit_data', bytes: 10 });
    const socket = await client(proxy.port);
    const parts: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => parts.push(chunk));
    const closed = once(socket, 'close');
    socket.write('0123456789abcdef');
    await closed;
    expect(Buffer.concat(parts).toString()).toBe('0123456789');
  });

  it('bandwidth paces the bytes', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    proxy.addToxic({ type: 'bandwidth', rateKBps: 100 });
    const socket = await client(proxy.port);
    const started = performance.now();
    const reply = receive(socket, 10_000);
    socket.write(Buffer.alloc(10_000, 1));
    await reply;
    // 10,000 bytes at 100,000 bytes/s take at least ~100 ms to leave.
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('slow_close delays the FIN', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    proxy.addToxic({ type: 'slow_close', delayMs: 100 });
    const socket = await client(proxy.port);
    await expect.poll(() => echo.sockets.length).toBe(1);
    const started = performance.now();
    const ended = once(socket, 'end');
    echo.sockets[0]?.end();
    await ended;
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('toxicity picks the same connections for the same seed', async () => {
    const echo = await echoServer();
    const pick = async (seed: number): Promise<boolean[]> => {
      const proxy = await proxyTo(echo.port, seed);
      proxy.addToxic({ name: 'maybe', type: 'limit_data', bytes: 0, toxicity: 0.5 });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        const socket = await client(proxy.port);
        const closed = once(socket, 'close').then(() => 'closed' as const);
        const reply = receive(socket, 2).then(() => 'echoed' as const);
        socket.write('hi');
        outcomes.push((await Promise.race([closed, reply])) === 'closed');
        socket.destroy();
      }
      return outcomes;
    };
    const first = await pick(7);
    expect(await pick(7)).toEqual(first);
    expect(first.some(Boolean)).toBe(true);
    expect(first.every(Boolean)).toBe(false);
  });

  it('rejects malformed toxics with a message naming the field', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    expect(() => proxy.addToxic({ type: 'latency', latencyMs: -1 })).toThrow(
      /latencyMs must be a number >= 0/,
    );
    expect(() => proxy.addToxic({ type: 'slicer', averageSize: 0 })).toThrow(/averageSize/);
    expect(() => proxy.addToxic({ type: 'latency', latencyMs: 1, toxicity: 2 })).toThrow(/toxicity/);
    expect(() => proxy.addToxic({ type: 'nope' } as never)).toThrow(/type is unknown/);
    await expect(createTcpFaultProxy({} as never)).rejects.toThrow(/target.port/);
  });

  it('refuses connections when disabled and accepts again when enabled', async () => {
    const echo = await echoServer();
    const proxy = await proxyTo(echo.port);
    proxy.setEnabled(false);
    const refused = connect({ host: '127.0.0.1', port: proxy.port });
    refused.on('error', () => {});
    await once(refused, 'close');
    proxy.setEnabled(true);
    const socket = await client(proxy.port);
    const reply = receive(socket, 2);
    socket.write('ok');
    expect((await reply).toString()).toBe('ok');
  });
});
