// A refused WebSocket upgrade (an HTTP answer instead of 101) against a real node:http server:
// a wrong path fails at once, auth statuses re-authenticate once, 5xx/429 keep reconnecting.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isKitError, type KitError } from '@kit/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, type WsClient } from '../src/index';
import { countingAuth } from './helpers';

let server: Server | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  server = undefined;
});

/** Answers every upgrade request with `status` (and `headers`), counting them. */
async function refusingServer(status: number, headers: Record<string, string> = {}) {
  const seen = { upgrades: 0, paths: [] as string[] };
  server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket) => {
    seen.upgrades++;
    seen.paths.push(req.url ?? '');
    const lines = [`HTTP/1.1 ${status} Refused`, 'Connection: close', 'Content-Length: 0'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    socket.end(`${lines.join('\r\n')}\r\n\r\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, seen };
}

/** The error of the first `failed` or `backoff` transition (so a wrong retry shows at once). */
function failed(ws: WsClient): Promise<KitError> {
  return new Promise((resolve, reject) => {
    ws.on('state', (change) => {
      if (change.to === 'failed') resolve(change.error as KitError);
      if (change.to === 'backoff' && change.error?.category !== 'auth')
        reject(new Error(`went to backoff on ${change.error?.code}: ${change.error?.message}`));
    });
  });
}

describe('a refused upgrade', () => {
  it.each([404, 400, 405, 410])('fails at once on %i with a KitError naming the path', async (status) => {
    const { url, seen } = await refusingServer(status);
    client = createWsClient({ url: `${url}/v2/wrong-path?x=1`, random: () => 0 });
    const failure = failed(client);
    const degraded: unknown[] = [];
    client.on('degraded', (event) => degraded.push(event));
    client.connect();
    const error = await failure;
    expect(isKitError(error)).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(status);
    if (status === 404) expect(error.code).toBe('client.not_found');
    expect(error.message).toContain('/v2/wrong-path');
    expect(error.message).not.toContain('x=1');
    expect(error.hint).toBeTruthy();
    expect(seen.upgrades).toBe(1);
    expect(degraded).toEqual([]);
    expect(client.state).toBe('failed');
  });

  it('re-authenticates once on 401, then fails', async () => {
    const { url, seen } = await refusingServer(401);
    const auth = countingAuth();
    client = createWsClient({ url, auth, random: () => 0 });
    const failure = failed(client);
    client.connect();
    const error = await failure;
    expect(error.code).toBe('auth.invalid_credentials');
    expect(seen.upgrades).toBe(2);
    expect(auth.unauthorized).toBe(1);
  });

  it.each([503, 429, 502])('keeps reconnecting on %i', async (status) => {
    const { url, seen } = await refusingServer(status);
    client = createWsClient({ url, random: () => 0, reconnect: { initialDelayMs: 1, maxDelayMs: 1 } });
    const errors: KitError[] = [];
    const third = new Promise<void>((resolve) => {
      client?.on('state', (change) => {
        if (change.to !== 'backoff') return;
        errors.push(change.error as KitError);
        if (errors.length === 3) resolve();
      });
    });
    client.connect();
    await third;
    expect(seen.upgrades).toBeGreaterThanOrEqual(3);
    expect(client.state).not.toBe('failed');
    for (const error of errors) {
      expect(error.retryable).toBe(true);
      expect(error.status).toBe(status);
    }
  });
});

describe('a throttled upgrade', () => {
  it.each([429, 503])('waits at least Retry-After on %i before the next attempt', async (status) => {
    const { url } = await refusingServer(status, { 'Retry-After': '7' });
    client = createWsClient({ url, random: () => 0, reconnect: { initialDelayMs: 1, maxDelayMs: 1 } });
    const backoff = new Promise<{ nextDelayMs?: number; error?: KitError }>((resolve) => {
      client?.on('state', (change) => {
        if (change.to === 'backoff') resolve(change);
      });
    });
    client.connect();
    const change = await backoff;
    expect(change.error?.retryAfterMs).toBe(7000);
    expect(change.nextDelayMs).toBe(7000);
  });
});
