// Issue 8, item 6: after an auth rejection the next login waits for the strategy's
// `onUnauthorized` (bounded by `authTimeoutMs`), carries the refreshed credentials, and a `false`
// answer fails at once. Against real loopback servers: a WebSocket server that accepts only the
// current token (closing with 4001 otherwise) and, for the OAuth2 cases, a node:http token endpoint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthRequest, type AuthStrategy, oauth2ClientCredentials } from '@kit/auth';
import { KitError } from '@kit/errors';
import { createManualClock, createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, type WsClient, type WsState } from '../src/index';
import { nextState, recordStates } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
let tokenServer: Server | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
  client = undefined;
  server = undefined;
  tokenServer = undefined;
});

/**
 * A kit-protocol server whose logins succeed only with `Bearer <one of valid()>`; any other token
 * gets close 4001, as the sandbox broker does. Records the Authorization header of every login.
 */
async function tokenCheckingServer(valid: () => readonly string[]) {
  const logins: string[] = [];
  const ws = await createWsFaultServer({
    defaultProtocol: false,
    onMessage: (connection, message) => {
      const body = message as { op?: string; headers?: Record<string, string> };
      if (body.op !== 'login') return;
      const sent = body.headers?.Authorization ?? '';
      logins.push(sent);
      if (valid().some((token) => sent === `Bearer ${token}`)) connection.send({ op: 'login', ok: true });
      else connection.close(4001, 'token expired');
    },
  });
  return { ws, logins };
}

/** Resolves with the first of `live` / `failed` the client reaches from now on. */
function settled(ws: WsClient): Promise<WsState> {
  return new Promise((resolve) => {
    const off = ws.on('state', (change) => {
      if (change.to === 'live' || change.to === 'failed') {
        off();
        resolve(change.to);
      }
    });
  });
}

/**
 * A node:http token endpoint on 127.0.0.1 issuing `token-1`, `token-2`, … each after `latencyMs`
 * (a real round trip to an identity provider is not instant: that is the point of item 6).
 */
async function startTokenEndpoint(latencyMs: number) {
  let issued = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      issued++;
      const token = `token-${issued}`;
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenServer = server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth/token`,
    get issued() {
      return issued;
    },
  };
}

describe('re-authentication waits for the strategy (issue 8, item 6)', () => {
  it('a refresh that takes 200 ms (a token endpoint round trip): the next login waits and carries the new token', async () => {
    const endpoint = await startTokenEndpoint(200);
    let token = 'stale-token';
    const refreshes: Array<AuthRequest | undefined> = [];
    const strategy: AuthStrategy = {
      name: 'slow-refresh',
      async authenticate(request) {
        return { ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } };
      },
      async onUnauthorized(_error, request) {
        refreshes.push(request);
        const response = await fetch(endpoint.url, { method: 'POST', body: 'grant_type=client_credentials' });
        token = ((await response.json()) as { access_token: string }).access_token;
        return true;
      },
    };
    const { ws, logins } = await tokenCheckingServer(() => ['token-1']);
    server = ws;
    // Jitter 0: the backoff alone would reconnect at once, long before the refresh is back.
    client = createWsClient({ url: ws.url, auth: strategy, random: () => 0 });
    const { states } = recordStates(client);
    const outcome = settled(client);
    client.connect();
    expect(await outcome).toBe('live');
    expect(logins).toEqual(['Bearer stale-token', 'Bearer token-1']);
    expect(states).toEqual([
      'connecting',
      'authenticating',
      'backoff',
      'connecting',
      'authenticating',
      'live',
    ]);
    // The strategy is told which request was rejected (the signed login), as REST does.
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.headers.Authorization).toBe('Bearer stale-token');
    expect(endpoint.issued).toBe(1);
  });

  it('onUnauthorized answering false fails at once, without another connection', async () => {
    let asked = 0;
    const strategy: AuthStrategy = {
      name: 'hopeless',
      async authenticate(request) {
        return { ...request, headers: { ...request.headers, Authorization: 'Bearer revoked' } };
      },
      async onUnauthorized() {
        asked++;
        return false;
      },
    };
    const { ws, logins } = await tokenCheckingServer(() => []);
    server = ws;
    client = createWsClient({ url: ws.url, auth: strategy, random: () => 0 });
    const { states, changes } = recordStates(client);
    const outcome = settled(client);
    client.connect();
    expect(await outcome).toBe('failed');
    expect(states).toEqual(['connecting', 'authenticating', 'backoff', 'failed']);
    expect(changes.at(-1)?.error?.code).toBe('protocol.ws_auth_rejected');
    expect(changes.at(-1)?.closeCode).toBe(4001);
    expect(changes.at(-1)?.reason).toContain('retrying is pointless');
    expect([asked, logins.length, ws.connections.length]).toEqual([1, 1, 1]);
    await expect(client.ready()).rejects.toMatchObject({ code: 'protocol.ws_auth_rejected' });
  });

  it('waits for a hung refresh only authTimeoutMs, reports it, then logs in with what the strategy has', async () => {
    const clock = createManualClock();
    const strategy: AuthStrategy = {
      name: 'hung-refresh',
      async authenticate(request) {
        return { ...request, headers: { ...request.headers, Authorization: 'Bearer stale' } };
      },
      onUnauthorized: () => new Promise<boolean>(() => {}),
    };
    const { ws, logins } = await tokenCheckingServer(() => []);
    server = ws;
    client = createWsClient({ url: ws.url, auth: strategy, clock, random: () => 0, authTimeoutMs: 3_000 });
    const errors: KitError[] = [];
    client.on('error', (error) => errors.push(error));
    const backoff = nextState(client, 'backoff');
    client.connect();
    await backoff;
    const reconnecting = nextState(client, 'connecting');
    await clock.advance(2_999);
    expect([logins.length, errors.length]).toEqual([1, 0]);
    const outcome = settled(client);
    await clock.advance(1);
    await reconnecting;
    expect(errors.map((error) => error.code)).toEqual(['timeout.auth_ack']);
    expect(errors[0]?.message).toContain('onUnauthorized did not settle within 3000 ms');
    // Rejected again: the second rejection ends it (no reconnect loop against bad credentials).
    expect(await outcome).toBe('failed');
    expect(logins).toEqual(['Bearer stale', 'Bearer stale']);
  });

  it('close() while waiting for the refresh ends cleanly; the late answer starts nothing', async () => {
    let answer: (retry: boolean) => void = () => {};
    const strategy: AuthStrategy = {
      name: 'pending-refresh',
      async authenticate(request) {
        return { ...request, headers: { ...request.headers, Authorization: 'Bearer stale' } };
      },
      onUnauthorized: () =>
        new Promise<boolean>((resolve) => {
          answer = resolve;
        }),
    };
    const { ws } = await tokenCheckingServer(() => []);
    server = ws;
    client = createWsClient({ url: ws.url, auth: strategy, random: () => 0 });
    const { states } = recordStates(client);
    const backoff = nextState(client, 'backoff');
    client.connect();
    await backoff;
    await client.close();
    answer(true);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(states).toEqual(['connecting', 'authenticating', 'backoff', 'closed']);
    expect(ws.connections).toHaveLength(1);
  });
});

describe('re-authentication with @kit/auth oauth2ClientCredentials, end to end', () => {
  it('a token revoked while live: 4001, one new token (200 ms endpoint), the next login carries it', async () => {
    const endpoint = await startTokenEndpoint(200);
    const valid = new Set<string>();
    const { ws, logins } = await tokenCheckingServer(() => [...valid]);
    server = ws;
    valid.add('token-1');
    const auth = oauth2ClientCredentials({
      tokenUrl: endpoint.url,
      clientId: 'ws-client',
      clientSecret: 'ws-client-secret-123',
    });
    client = createWsClient({ url: ws.url, auth, random: () => 0 });
    client.connect();
    await client.ready();
    // The identity provider revokes token-1 and issues token-2 from now on; the stream server closes.
    valid.clear();
    valid.add('token-2');
    const outcome = settled(client);
    ws.connections[0]!.close(4001, 'token revoked');
    expect(await outcome).toBe('live');
    expect(logins).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(endpoint.issued).toBe(2);
  });

  it('a token fetched right after a 401 is rejected too: the strategy says false, the client fails without another attempt', async () => {
    const endpoint = await startTokenEndpoint(0);
    const { ws, logins } = await tokenCheckingServer(() => []);
    server = ws;
    const auth = oauth2ClientCredentials({
      tokenUrl: endpoint.url,
      clientId: 'ws-client',
      clientSecret: 'ws-client-secret-123',
    });
    // A REST call just got a 401 on the previous token: the strategy invalidated it, so the token
    // the stream fetches next is "the one after a 401" (a 401 on it means bad credentials).
    await auth.refresh();
    expect(await auth.onUnauthorized(new KitError('auth.expired_token', { status: 401 }))).toBe(true);
    client = createWsClient({ url: ws.url, auth, random: () => 0 });
    const { states, changes } = recordStates(client);
    const outcome = settled(client);
    client.connect();
    expect(await outcome).toBe('failed');
    expect(states).toEqual(['connecting', 'authenticating', 'backoff', 'failed']);
    expect(changes.at(-1)?.error?.code).toBe('protocol.ws_auth_rejected');
    expect(logins).toEqual(['Bearer token-2']);
    expect(ws.connections).toHaveLength(1);
  });
});
