// Servers that echo the request back (a debugging proxy, a misbehaving identity provider or venue)
// against the whole client, over real loopback node:http servers. Nothing kit derived from a
// secret (a Basic value, a signature) may reach an error's message, toJSON(), util.inspect or a
// log line; and a token endpoint failure names the caller's request, with the token endpoint's
// details in the cause.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { binanceAuth, oauth2ClientCredentials } from '@kit/auth';
import { isKitError, type KitError } from '@kit/errors';
import { Secret } from '@kit/logger';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index';
import { createUndiciAdapter } from '../src/undici/index';
import { createLogCapture, FAST_RETRY, failure } from './support';

const CLIENT_ID = 'echo-client-id';
const CLIENT_SECRET = 'echo-client-secret+/=1';
const PASSWORD = 'echo-basic-password-2b';
const BN_SECRET = 'echo-binance-secret-3c';
for (const value of [CLIENT_SECRET, PASSWORD, BN_SECRET]) new Secret(value);

const capture = createLogCapture();

/** Answers every request with `status` and the request echoed back: headers, query and body. */
function echo(
  status: number,
  shape: (seen: { headers: http.IncomingHttpHeaders; url: string; body: string }) => unknown,
) {
  return http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(shape({ headers: req.headers, url: req.url ?? '', body })));
    });
  });
}

const identityProvider = echo(400, ({ headers, body }) => ({
  error: 'invalid_request',
  error_description: `got Authorization: ${headers.authorization} and ${body}`,
}));
const rejectingProvider = echo(401, () => ({ error: 'invalid_client', error_description: 'unknown client' }));
const venue = echo(401, ({ headers, url }) => ({
  code: -1022,
  // Echoes the derived values without their names, so only their registration can mask them.
  msg: `Signature ${new URL(url, 'http://x').searchParams.get('signature')} rejected; credentials ${headers.authorization?.replace(/^Basic /, '') ?? 'none'}`,
}));
const servers = [identityProvider, rejectingProvider, venue];
const urls = new Map<http.Server, string>();
const seenByProvider: string[] = [];
rejectingProvider.on('request', (req: http.IncomingMessage) => seenByProvider.push(req.url ?? ''));

beforeAll(async () => {
  for (const server of servers) {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    urls.set(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
});
afterAll(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  expect(capture.leaks()).toEqual([]);
});
afterEach(() => {
  seenByProvider.length = 0;
});

/** The error as a user can see it: message, JSON, inspect and the client's own log lines. */
function views(error: KitError): string {
  capture.logger.error('call failed', { error });
  return [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), capture.text()].join('\n');
}

function basicOf(id: string, secret: string): string {
  const form = (value: string) => new URLSearchParams([['v', value]]).toString().slice(2);
  return Buffer.from(`${form(id)}:${form(secret)}`).toString('base64');
}

describe('a token endpoint failure, through the client', () => {
  it('names the caller’s request, keeps the token endpoint in the cause, and never prints the Basic value', async () => {
    const client = createRestClient({
      baseUrl: `${urls.get(venue)}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: oauth2ClientCredentials({
        tokenUrl: `${urls.get(identityProvider)}/oauth/token`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        retry: { maxAttempts: 1 },
      }),
    });
    const error = await failure(client.get('/orders'));
    expect(error.code).toBe('auth.token_endpoint_failed');
    expect(error.message).toMatch(
      /^GET \/v1\/orders failed: the token endpoint answered 400 \(invalid_request: got Authorization: \[REDACTED\] and grant_type=client_credentials\) to a client_credentials request$/,
    );
    expect([error.method, error.path, error.status, error.outcome, error.attempts]).toEqual([
      'GET',
      '/v1/orders',
      undefined,
      'not_sent',
      1,
    ]);
    const cause = error.cause as KitError;
    expect(isKitError(cause)).toBe(true);
    expect([cause.method, cause.path, cause.status]).toEqual(['POST', '/oauth/token', 400]);
    expect(JSON.stringify(error)).toContain('"path":"/oauth/token"');
    const text = views(error);
    expect(text).not.toContain(basicOf(CLIENT_ID, CLIENT_SECRET));
    expect(text).not.toContain(CLIENT_SECRET);
  });

  it('a token endpoint 401 is not mistaken for the API rejecting the token (one token request, no replay)', async () => {
    const client = createRestClient({
      baseUrl: `${urls.get(venue)}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: oauth2ClientCredentials({
        tokenUrl: `${urls.get(rejectingProvider)}/oauth/token`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      }),
    });
    const error = await failure(client.post('/orders', { qty: 1 }));
    expect(error.code).toBe('auth.invalid_credentials');
    expect(error.message).toBe(
      'POST /v1/orders failed: the token endpoint answered 401 (invalid_client: unknown client) to a client_credentials request',
    );
    expect(error.status).toBeUndefined();
    expect((error.cause as KitError).status).toBe(401);
    expect(seenByProvider).toHaveLength(1);
  });
});

describe('a venue echoing derived credentials', () => {
  it('never prints a Binance signature it quotes back', async () => {
    const client = createRestClient({
      baseUrl: urls.get(venue) as string,
      logger: capture.logger,
      retry: false,
      auth: binanceAuth({ apiKey: 'echo-binance-key-4d', apiSecret: BN_SECRET }),
    });
    const error = await failure(client.get('/api/v3/account'));
    const serverMessage = (error.details as { serverMessage?: string }).serverMessage ?? '';
    expect(serverMessage).toMatch(/^Signature \[REDACTED\] rejected; credentials none$/);
    expect(views(error)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('never prints the Basic value the undici adapter builds from axios `auth`', async () => {
    const adapter = createUndiciAdapter();
    try {
      const client = createRestClient({
        baseUrl: urls.get(venue) as string,
        logger: capture.logger,
        retry: false,
        axios: axios.create({ adapter, auth: { username: 'echo-user', password: PASSWORD } }),
      });
      const error = await failure(client.get('/v1/private'));
      const basic = Buffer.from(`echo-user:${PASSWORD}`).toString('base64');
      const serverMessage = (error.details as { serverMessage?: string }).serverMessage ?? '';
      expect(serverMessage).toBe('Signature null rejected; credentials [REDACTED]');
      expect(views(error)).not.toContain(basic);
    } finally {
      await adapter.close();
    }
  });
});
