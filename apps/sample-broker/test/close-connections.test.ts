// close() leaves no connection open: a loopback TCP forwarder between the adapter and the sandbox
// counts the adapter's sockets, which keep-alive would otherwise hold after close().

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSampleBroker, sampleBrokerConfig } from '../src/index';
import { envFor, FAST, sandbox } from './support';

let broker: SandboxBroker;
beforeAll(async () => {
  broker = await sandbox();
});
afterAll(() => broker.close());

it('closes its keep-alive connections on close()', async () => {
  const upstream = new URL(broker.url);
  const open = new Set<Socket>();
  const forwarder = createServer((client) => {
    open.add(client);
    const server = connect(Number(upstream.port), '127.0.0.1');
    client.pipe(server).pipe(client);
    const end = () => {
      open.delete(client);
      client.destroy();
      server.destroy();
    };
    client.on('close', end).on('error', end);
    server.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = forwarder.address() as AddressInfo;
    const env = envFor(broker, 'trader', { ...FAST, SAMPLE_BROKER_BASE_URL: `http://127.0.0.1:${port}` });
    const adapter = createSampleBroker(sampleBrokerConfig.load({ env }));
    await adapter.getServerTime();
    await adapter.getAccount();
    await adapter.getPositions();
    await adapter.getQuote('AAPL');
    expect(open.size).toBeGreaterThan(0);
    await adapter.close();
    await expect.poll(() => open.size).toBe(0);
  } finally {
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => forwarder.close(() => resolve()));
  }
});
