import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, monotonicSequencer, type WsClient } from '../src/index';
import { nextState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

interface Tick {
  channel: string;
  seq: number;
  data: number;
}

describe('ws-client sequencing soak (loopback)', () => {
  // 1,000 real loopback reconnects take 2-4 s alone and more when every package tests in parallel on 2 cores.
  it('delivers every sequence number exactly once and in order across 1,000 seeded drops with gaps and duplicates', {
    timeout: 60_000,
  }, async () => {
    const DROPS = 1_000;
    const channel = 'book:BTC';
    let draining = false;
    let target = Number.POSITIVE_INFINITY;
    server = await createWsFaultServer({
      seed: 20_261_124,
      faults: {
        dropProbability: 0.05,
        skipProbability: 0.1,
        duplicateProbability: 0.1,
        reorderProbability: 0.05,
      },
      onSubscribe: (connection, subscribed) => {
        for (let i = 0; i < 8; i++) connection.sendSequenced(subscribed, i);
        if (!draining) connection.terminate();
      },
    });
    const fault = server;
    const received: number[] = [];
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    client = createWsClient({ url: server.url, random: () => 0 });
    const gaps: number[] = [];
    let resyncs = 0;
    client.on('gap', (event) => gaps.push(event.received ?? -1));
    client.on('resynced', () => resyncs++);
    client.subscribe<Tick>(channel, {
      sequencer: monotonicSequencer<Tick>({ start: 0 }),
      resync: async (stream, { watermark }) => {
        const missed = fault.history(stream, watermark ?? 0);
        return { lastSeq: missed.at(-1)?.seq ?? watermark ?? 0, messages: missed as Tick[] };
      },
      onMessage: (tick) => {
        received.push(tick.seq);
        if (tick.seq === target) finished();
      },
    });
    const reachedDrops = new Promise<void>((resolve) => {
      const off = client!.on('state', (change) => {
        if (change.to === 'backoff' && fault.connections.length >= DROPS) {
          off();
          draining = true;
          fault.setFaults({});
          resolve();
        }
      });
    });
    client.connect();
    await reachedDrops;
    await nextState(client, 'live');
    target = fault.publish(channel, -1);
    await done;
    const last = fault.lastSeq(channel);
    expect(received).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(fault.connections.length).toBeGreaterThanOrEqual(DROPS);
    expect(gaps.length).toBeGreaterThan(100);
    expect(resyncs).toBeGreaterThan(100);
  });
});
