// The README's quick start, run against @kit/testing's fault server so it cannot rot. Only the URL
// and the stop condition differ from the README.
import { apiKeyAuth } from '@kit/auth';
import { createWsFaultServer } from '@kit/testing';
import * as v from 'valibot';
import { expect, it } from 'vitest';
import { createWsClient, monotonicSequencer } from '../src/index';

it('README quick start (Node) runs as written', async () => {
  const server = await createWsFaultServer({
    onSubscribe: (connection, channel) => {
      for (let i = 0; i < 3; i++) connection.sendSequenced(channel, { bid: 100 + i, ask: 101 + i });
    },
  });
  const url = server.url; // README: 'wss://stream.example.com/v1/stream'
  const transitions: string[] = [];

  // --- README start ---
  const Quote = v.object({
    channel: v.string(),
    seq: v.number(),
    data: v.object({ bid: v.number(), ask: v.number() }),
  });

  const ws = createWsClient({
    url,
    auth: apiKeyAuth({ key: 'my-api-key-123' }), // signs the login message on every connect
  });
  ws.on('state', (change) => transitions.push(`${change.from} -> ${change.to} (${change.reason})`));
  ws.on('gap', (gap) => transitions.push(`gap on ${gap.stream}`));
  ws.connect();

  const stop = new AbortController();
  const bids: number[] = [];
  for await (const quote of ws.subscribe('quotes:BTC-USD', {
    schema: Quote,
    sequencer: monotonicSequencer(),
    signal: stop.signal,
  })) {
    bids.push(quote.data.bid);
    if (bids.length === 3) stop.abort(); // README: until you are done
  }
  await ws.close();
  // --- README end ---

  await server.close();
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
