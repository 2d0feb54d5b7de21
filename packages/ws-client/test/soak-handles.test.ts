import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, type WsClient } from '../src/index';
import { nextState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

describe('ws-client handle soak (loopback)', () => {
  // 1,000 real loopback reconnects take 2-4 s alone and more when every package tests in parallel on 2 cores.
  it('does not grow handles (timers, sockets) over 1,000 reconnects', { timeout: 60_000 }, async () => {
    server = await createWsFaultServer();
    const fault = server;
    client = createWsClient({ url: server.url, random: () => 0 });
    client.subscribe('quotes:BTC', { onMessage: () => {} });
    client.subscribe('orders', { onMessage: () => {} });
    const count = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    const cycle = async (times: number) => {
      for (let i = 0; i < times; i++) {
        const live = nextState(client!, 'live');
        fault.connections.at(-1)!.terminate();
        await live;
      }
    };
    client.connect();
    await client.ready();
    await cycle(20);
    await settle();
    const before = count();
    await cycle(1_000);
    await settle();
    const after = count();
    expect(fault.connections.length).toBe(1_021);
    expect(after).toBeLessThanOrEqual(before + 2);
  });
});

/** Lets sockets that were just terminated finish closing (bounded: a few event-loop turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
