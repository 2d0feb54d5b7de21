import { inspect } from 'node:util';
import { apiKeyAuth } from '@kit/auth';
import { createCapturingLogger } from '@kit/logger/testing';
import { createWsFaultServer } from '@kit/testing';
import { expect, it } from 'vitest';
import { createWsClient, type WsStateChange } from '../src/index';
import { waitForState } from './helpers';

it('never writes the API key or a URL token to logs, errors or inspect output', async () => {
  const server = await createWsFaultServer({ faults: { rejectAuth: 'message' } });
  const capture = createCapturingLogger();
  const client = createWsClient({
    url: `${server.url}/stream?token=url-token-abcdef123`,
    auth: apiKeyAuth({ key: 'sk_live_ws_secret_987' }),
    logger: capture.logger,
    random: () => 0,
  });
  const changes: WsStateChange[] = [];
  client.on('state', (change) => changes.push(change));
  const failed = waitForState(client, 'failed');
  client.connect();
  await failed;
  await client.close();
  await server.close();
  // The key did reach the server inside the login message: it was used, just never printed.
  expect(JSON.stringify(server.connections[0]!.received[0])).toContain('sk_live_ws_secret_987');
  const printed = [
    capture.text(),
    ...changes.map((c) => inspect(c, { depth: 10 })),
    JSON.stringify(changes),
  ].join('\n');
  expect(capture.text()).toContain('WebSocket failed');
  expect(printed).not.toContain('sk_live_ws_secret_987');
  expect(printed).not.toContain('url-token-abcdef123');
});
