// The README's quick start, verbatim between the markers, with its comments as assertions below.
// README:start quick start
import { apiKeyAuth } from '@kit/auth';
import { createWsFaultServer } from '@kit/testing';
import { createWsClient, monotonicSequencer } from '@kit/ws-client';
import * as v from 'valibot';

// A local server that sends three quotes on every subscribe: point `url` at your venue instead.
const server = await createWsFaultServer({
  onSubscribe: (connection, channel) => {
    for (let i = 0; i < 3; i++) connection.sendSequenced(channel, { bid: 100 + i, ask: 101 + i });
  },
});

const Quote = v.object({
  channel: v.string(),
  seq: v.number(),
  data: v.object({ bid: v.number(), ask: v.number() }),
});

const ws = createWsClient({
  url: server.url, // e.g. 'wss://stream.example.com/v1/stream'
  auth: apiKeyAuth({ key: 'my-api-key-123' }), // signs the login message on every connect
});
const transitions: string[] = [];
ws.on('state', (change) => transitions.push(`${change.from} -> ${change.to} (${change.reason})`));
ws.on('gap', (gap) => transitions.push(`gap on ${gap.stream}`));
ws.connect();

const stop = new AbortController();
const bids: number[] = [];
for await (const quote of ws.subscribe('quotes:BTC-USD', {
  schema: Quote,
  sequencer: monotonicSequencer(),
  signal: stop.signal, // stop.abort() ends the loop
})) {
  bids.push(quote.data.bid);
  if (bids.length === 3) stop.abort(); // [100, 101, 102]
}
await ws.close();
await server.close();
transitions; // ['idle -> connecting (connect)', 'connecting -> authenticating (open)', ...]

// README:end

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';
import type { ResyncHook } from '../src/index';

it('runs the README quick start', () => {
  expect(bids).toEqual([100, 101, 102]);
  expect(transitions.slice(0, 4)).toEqual([
    'idle -> connecting (connect)',
    'connecting -> authenticating (open)',
    'authenticating -> subscribing (1 subscriptions)',
    'subscribing -> live (subscriptions acknowledged)',
  ]);
  const login = server.connections[0]!.received[0] as { headers: Record<string, string> };
  expect(login.headers['X-API-Key']).toBe('my-api-key-123');
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});

// The README's order-book resync hook, run against the fault server and a loopback snapshot
// endpoint: only the URLs and the test's publishing differ from the README.
it('README order-book resync hook runs as written', async () => {
  type Level = [price: string, size: string];
  const server = await createWsFaultServer();
  // Diffs 1-3 happen before the client subscribes: it joins mid-stream, as a real client does.
  for (let i = 1; i <= 3; i++) server.publish('book:AAPL', { bids: [[`${100 + i}`, '1']], asks: [] });
  let snapshotsServed = 0;
  const snapshots = createServer((request, response) => {
    snapshotsServed++;
    const symbol = request.url?.split('/').at(-1);
    const seq = server.lastSeq(`book:${symbol}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ seq, bids: [['100.00', String(seq)]], asks: [['101.00', '1']] }));
  });
  await new Promise<void>((resolve) => snapshots.listen(0, '127.0.0.1', resolve));
  const snapshotBase = `http://127.0.0.1:${(snapshots.address() as AddressInfo).port}`;
  const applied: string[] = [];
  const replaceBook = (book: { bids: Level[] }) => applied.push(`snapshot ${book.bids[0]?.[1]}`);
  const applyDiff = (diff: { bids: Level[] }) => applied.push(`diff ${diff.bids[0]?.[0]}`);

  // --- README start ---
  type Levels = Array<[price: string, size: string]>;
  type BookMessage = { channel: string; seq: number; data: { bids: Levels; asks: Levels }; snapshot?: true };

  const resync: ResyncHook<BookMessage> = async (channel, { signal }) => {
    const symbol = channel.slice('book:'.length);
    const response = await fetch(`${snapshotBase}/v1/book/${symbol}`, { signal }); // README: https://api.example.com
    const book = (await response.json()) as { seq: number; bids: Levels; asks: Levels };
    const snapshot: BookMessage = {
      channel,
      seq: book.seq,
      data: { bids: book.bids, asks: book.asks },
      snapshot: true,
    };
    return { lastSeq: book.seq, messages: [snapshot] };
  };

  const ws = createWsClient({ url: server.url }); // README: 'wss://stream.example.com/v1/stream'
  ws.connect();
  const stop = new AbortController();
  const stream = ws.subscribe<BookMessage>('book:AAPL', {
    sequencer: monotonicSequencer({ start: 0 }),
    resync,
    signal: stop.signal,
  });
  await ws.ready(); // not in the README: the test publishes once the subscription is acknowledged
  server.publish('book:AAPL', { bids: [['104', '1']], asks: [] }); // seq 4: a gap after 0, resync
  for await (const message of stream) {
    if (message.snapshot) replaceBook(message.data);
    else applyDiff(message.data);
    if (message.snapshot && message.seq === 4) {
      server.publish('book:AAPL', { bids: [['105', '1']], asks: [] }); // seq 5: in order
      server.setFaults({ skipProbability: 1 });
      server.publish('book:AAPL', { bids: [['106', '1']], asks: [] }); // seq 6: lost on the wire
      server.setFaults({});
      server.publish('book:AAPL', { bids: [['107', '1']], asks: [] }); // seq 7: a gap, resync
    }
    if (message.snapshot && message.seq === 7) stop.abort(); // README: until you are done
  }
  const stats = stream.sequenceStats;
  // --- README end ---

  await ws.close();
  await server.close();
  await new Promise<void>((resolve) => snapshots.close(() => resolve()));
  expect(applied).toEqual(['snapshot 4', 'diff 105', 'snapshot 7']);
  expect(snapshotsServed).toBe(2);
  expect(stats).toEqual({ duplicates: 0, gaps: 2, resyncs: 2, overflowed: 0 });
});
