// Issue 8: per-stream sequencing counters (gaps, duplicates, resyncs) are readable from the client
// and from every stream of the channel. Against the fault server, with a gap and a duplicate it
// injects on the wire, and a resync hook that replays from the server's history.
import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, monotonicSequencer, type WsClient } from '../src/index';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

type Tick = { channel: string; seq: number; data: number };

describe('sequence stats', () => {
  it('counts the gap, the duplicate and the resync of one stream, readable from client and stream', async () => {
    server = await createWsFaultServer();
    const fault = server;
    client = createWsClient({ url: server.url });
    const seen: number[] = [];
    let reached: () => void = () => {};
    const fifth = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const first = client.subscribe<Tick>('book:BTC', {
      sequencer: monotonicSequencer<Tick>({ start: 0 }),
      resync: async (stream, { watermark }) => {
        const missed = fault.history(stream, watermark ?? 0) as Tick[];
        return { lastSeq: missed.at(-1)?.seq ?? watermark ?? 0, messages: missed };
      },
      onMessage: (tick) => {
        seen.push(tick.seq);
        if (tick.seq === 5) reached();
      },
    });
    const second = client.subscribe<Tick>('book:BTC', { onMessage: () => {} });
    const other = client.subscribe<Tick>('quotes:ETH', { onMessage: () => {} });
    client.connect();
    await client.ready();
    expect(client.sequenceStats('book:BTC')).toEqual({ duplicates: 0, gaps: 0, resyncs: 0, overflowed: 0 });

    const connection = server.connections[0]!;
    const one = server.publish('book:BTC', 1);
    // seq 1 once more on the wire: a duplicate.
    connection.deliver({ channel: 'book:BTC', seq: one, data: 1 });
    // seq 2 is allocated (it is in the history) but never sent: a gap, healed by the resync.
    server.setFaults({ skipProbability: 1 });
    server.publish('book:BTC', 2);
    server.setFaults({});
    for (let i = 3; i <= 5; i++) server.publish('book:BTC', i);
    await fifth;

    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const stats = client.sequenceStats('book:BTC');
    expect(stats).toEqual({ duplicates: 1, gaps: 1, resyncs: 1, overflowed: 0 });
    // Every consumer of the channel reads the same live counters; a stream without a sequencer reads zeros.
    expect(first.sequenceStats).toEqual(stats);
    expect(second.sequenceStats).toEqual(stats);
    expect(other.sequenceStats).toEqual({ duplicates: 0, gaps: 0, resyncs: 0, overflowed: 0 });
    // The client hands out a snapshot: changing it changes nothing inside.
    (stats as { gaps: number }).gaps = 99;
    expect(client.sequenceStats('book:BTC')?.gaps).toBe(1);
    expect(client.sequenceStats('not-subscribed')).toBeUndefined();
  });
});
