// Your first stream: log in, subscribe, read three quotes, close.
import { hmacAuth } from '@kit/auth';
import { createWsClient, monotonicSequencer } from '@kit/ws-client';
import * as v from 'valibot';
import { brokerConfig } from './broker-config';

const config = brokerConfig.load();

const ws = createWsClient({
  url: config.wsUrl,
  auth: hmacAuth({ apiKey: config.apiKey, apiSecret: config.apiSecret }), // signs the login on every connect
});
ws.on('state', (change) => console.log(`state ${change.from} -> ${change.to}`));
ws.connect();

const QuoteMessage = v.object({
  channel: v.string(),
  seq: v.number(),
  data: v.object({ symbol: v.string(), bid: v.string(), ask: v.string() }),
});

const stop = new AbortController();
let received = 0;
for await (const message of ws.subscribe('quotes:AAPL', {
  schema: QuoteMessage,
  sequencer: monotonicSequencer(),
  signal: stop.signal,
})) {
  received += 1;
  console.log(
    `quote #${message.seq} ${message.data.symbol}: bid ${message.data.bid}, ask ${message.data.ask}`,
  );
  if (received === 3) stop.abort();
}
await ws.close();
