// The README's WebSocket quick start, verbatim between the markers, with assertions below.
// README:start WebSocket quick start
import { createWsFaultServer } from '@kit/testing';
import { WebSocket } from 'ws';

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

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';

it('runs the README WebSocket quick start', () => {
  expect(frames.slice(0, 2)).toEqual([
    { op: 'login', ok: true },
    { op: 'subscribed', channel: 'quotes:BTC' },
  ]);
  expect(connection.closeCode).toBe(1012);
  expect(server.history('quotes:BTC')).toHaveLength(5);
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
