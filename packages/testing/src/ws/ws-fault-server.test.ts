import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createWsFaultServer, type WsFaultServer } from './ws-fault-server';

let server: WsFaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function connect(
  url: string,
): Promise<{ socket: WebSocket; messages: unknown[]; next: () => Promise<unknown> }> {
  const socket = new WebSocket(url);
  const messages: unknown[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    wake?.();
  });
  let read = 0;
  const next = async () => {
    while (messages.length <= read) await new Promise<void>((resolve) => (wake = resolve));
    return messages[read++];
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages, next }));
    socket.once('error', reject);
  });
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('createWsFaultServer', () => {
  it('answers the default login and subscribe protocol and streams sequenced messages', async () => {
    server = await createWsFaultServer({ onSubscribe: (c, channel) => c.sendSequenced(channel, { px: 1 }) });
    const client = await connect(server.url);
    client.socket.send(JSON.stringify({ op: 'login', key: 'k' }));
    expect(await client.next()).toEqual({ op: 'login', ok: true });
    client.socket.send(JSON.stringify({ op: 'subscribe', channels: ['a', 'b'] }));
    expect(await client.next()).toEqual({ op: 'subscribed', channel: 'a' });
    expect(await client.next()).toEqual({ channel: 'a', seq: 1, data: { px: 1 } });
    expect(await client.next()).toEqual({ op: 'subscribed', channel: 'b' });
    expect(await client.next()).toEqual({ channel: 'b', seq: 1, data: { px: 1 } });
    expect(server.publish('a', 2)).toBe(2);
    expect(await client.next()).toEqual({ channel: 'a', seq: 2, data: 2 });
    expect(server.history('a', 1)).toEqual([{ channel: 'a', seq: 2, data: 2 }]);
    const connection = server.connections[0]!;
    expect(connection.logins).toBe(1);
    expect(connection.subscribeRequests.get('a')).toBe(1);
    client.socket.close();
  });

  it('history() keeps exactly the newest historyLimit messages per channel', async () => {
    server = await createWsFaultServer({ historyLimit: 3 });
    for (let i = 1; i <= 200; i++) server.publish('a', i);
    expect(server.history('a').map((m) => m.seq)).toEqual([198, 199, 200]);
    expect(server.history('a', 198).map((m) => m.seq)).toEqual([199, 200]);
    expect(server.lastSeq('a')).toBe(200);
  });

  it('closes with the chosen code and reason on auth rejection', async () => {
    server = await createWsFaultServer({ faults: { rejectAuth: 'close-4001' } });
    const client = await connect(server.url);
    const code = closed(client.socket);
    client.socket.send(JSON.stringify({ op: 'login' }));
    expect(await code).toBe(4001);
  });

  it('drops the connection after N messages without a close frame', async () => {
    server = await createWsFaultServer({ faults: { dropAfterMessages: 2 } });
    const client = await connect(server.url);
    const code = closed(client.socket);
    for (let i = 0; i < 5; i++) server.connections[0]!.sendSequenced('x', i);
    expect(await code).toBe(1006);
    expect(client.messages).toHaveLength(2);
  });

  it('replays the same skip and duplicate faults for the same seed', async () => {
    const run = async () => {
      const s = await createWsFaultServer({
        seed: 42,
        faults: { skipProbability: 0.2, duplicateProbability: 0.2 },
      });
      const client = await connect(s.url);
      const connection = s.connections[0] ?? (await s.nextConnection());
      for (let i = 0; i < 50; i++) connection.sendSequenced('x', i);
      connection.send({ done: true });
      while (!client.messages.some((m) => (m as { done?: boolean }).done)) await client.next();
      await s.close();
      return client.messages.map((m) => (m as { seq?: number }).seq);
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(new Set(first).size).toBeLessThan(first.length); // duplicates happened
    expect(first.length).toBeLessThan(60);
  });

  it('goes half-open: pings are not answered and TCP stays open', async () => {
    server = await createWsFaultServer();
    const client = await connect(server.url);
    const connection = server.connections[0]!;
    connection.halfOpen();
    let pongs = 0;
    client.socket.on('pong', () => pongs++);
    client.socket.ping();
    // A message round trip on a second connection proves the server's loop ran past the ping.
    const other = await connect(server.url);
    other.socket.send(JSON.stringify({ op: 'ping' }));
    expect(await other.next()).toEqual({ op: 'pong' });
    expect(pongs).toBe(0);
    expect(connection.open).toBe(true);
    expect(connection.send({ late: true })).toBe(false);
    other.socket.close();
    client.socket.terminate();
  });

  it('accepts slowly and close() never hangs on a pending upgrade', async () => {
    server = await createWsFaultServer({ faults: { acceptDelayMs: 60_000 } });
    const socket = new WebSocket(server.url);
    const code = closed(socket);
    socket.on('error', () => {});
    await new Promise((resolve) => setImmediate(resolve));
    await server.close();
    server = undefined;
    expect(await code).toBe(1006);
  });
});
