// The README's WebSocket quick start, run as written (only the assertions are added).
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createWsFaultServer } from '../index';

it('README WebSocket quick start runs as written', async () => {
  // --- README start ---
  const server = await createWsFaultServer({
    seed: 7,
    requireLogin: true,
    // Stream 5 quotes to every new subscriber (seq continues across connections).
    onSubscribe: (connection, channel) => {
      for (let i = 0; i < 5; i++) connection.sendSequenced(channel, { bid: 100 + i });
    },
  });

  // Any client: here plain `ws` speaking the default protocol.
  const socket = new WebSocket(server.url);
  const frames: unknown[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ op: 'login', key: 'k' })); // -> { op: 'login', ok: true }
  socket.send(JSON.stringify({ op: 'subscribe', channels: ['quotes:BTC'] })); // -> { op: 'subscribed', … } + data

  // Faults at run time, seeded: drop a connection once it has sent 10 messages; skip and duplicate some seqs.
  server.setFaults({ dropAfterMessages: 10, skipProbability: 0.2, duplicateProbability: 0.2 });
  const connection = server.connections[0] ?? (await server.nextConnection());
  await connection.nextMessage((m) => (m as { op?: string }).op === 'subscribe');

  // Script one connection directly.
  connection.close(1012, 'service restart'); // or terminate(), halfOpen(), pauseReading(), sendOversized()
  await connection.waitClosed();
  server.history('quotes:BTC'); // every seq allocated: a replay source for your resync hook
  await server.close(); // terminates every client; never hangs
  // --- README end ---

  expect(frames.slice(0, 2)).toEqual([
    { op: 'login', ok: true },
    { op: 'subscribed', channel: 'quotes:BTC' },
  ]);
  expect(connection.closeCode).toBe(1012);
  expect(server.history('quotes:BTC')).toHaveLength(5);
});
