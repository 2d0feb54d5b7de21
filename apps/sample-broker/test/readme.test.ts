// The README's quick start is the code between the markers, kept verbatim so it cannot rot.
// README:start
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleBroker, sampleBrokerConfig } from '@kit/sample-broker';
import { startSandboxBroker } from '@kit/sandbox-broker';

// A local sandbox stands in for the broker ('mild': a normal day, a few 5xx, resets and gaps).
const sandbox = await startSandboxBroker({ port: 0, seed: 42, profile: 'mild' });

// In an application, leave `env` out: load() reads the SAMPLE_BROKER_* variables.
const config = sampleBrokerConfig.load({
  env: {
    SAMPLE_BROKER_BASE_URL: sandbox.url,
    SAMPLE_BROKER_WS_URL: sandbox.wsUrl,
    SAMPLE_BROKER_API_KEY: 'sbx_key_trader',
    SAMPLE_BROKER_API_SECRET: 'sbx_secret_trader_4d9f2c7a1e',
  },
});
const journalPath = join(tmpdir(), `sample-broker-readme-${process.pid}.jsonl`);
const broker = createSampleBroker(config, { journalPath });

// On start, settle whatever a previous run left unknown (nothing, the first time).
const report = await broker.reconcile();

// Exactly once, or a KitError with outcome 'unknown' and details.clientOrderId.
const { order, reconciled } = await broker.placeOrder({
  symbol: 'AAPL',
  side: 'buy',
  type: 'limit',
  quantity: '1',
  limitPrice: '100.00',
  clientOrderId: 'readme-1',
});

// A maintained order book: checksum-verified, never crossed, resynced on its own.
const stop = new AbortController();
for await (const book of broker.streamOrderBook('AAPL', { depth: 5, signal: stop.signal })) {
  console.log(`AAPL at seq ${book.seq}: ${book.bids[0]?.[0]} / ${book.asks[0]?.[0]}`);
  stop.abort();
}

const { alreadyCancelled } = await broker.cancelOrder(order.id);
await broker.close();
await sandbox.close();

// README:end

import { readFileSync, rmSync } from 'node:fs';
import { expect, it } from 'vitest';

it('runs the README quick start against the sandbox', () => {
  rmSync(journalPath, { force: true });
  expect(report.intents).toEqual([]);
  expect(order.clientOrderId).toBe('readme-1');
  expect(typeof reconciled).toBe('boolean');
  expect(alreadyCancelled).toBe(false);
  expect(broker.stats().ordersPlaced + broker.stats().ordersReconciled).toBe(1);
});

it('matches the quick start printed in the README', () => {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const snippet = source.slice(source.indexOf('// README:start\n') + 16, source.indexOf('// README:end'));
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(snippet.trim());
});
