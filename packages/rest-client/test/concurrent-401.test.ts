// Twenty calls in flight on a token the API has just revoked. The auth README promises one token
// refresh and one retry per call with the new token; for that the client must tell the OAuth2
// strategy which token each rejected request carried (the `request` argument of `onUnauthorized`).
// A real loopback token endpoint and a real loopback API server, both node:http.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { oauth2ClientCredentials } from '@kit/auth';
import { Secret } from '@kit/logger';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRestClient } from '../src/index';
import { createLogCapture, FAST_RETRY } from './support';

const CALLS = 20;
const TOKENS = ['test-oauth-token-first-4c1d', 'test-oauth-token-second-9e2f'] as const;
const CLIENT_SECRET = 'test-oauth-client-secret-7a3b';
for (const value of [...TOKENS, CLIENT_SECRET]) new Secret(value);

const capture = createLogCapture();
let tokensIssued = 0;
let validToken: string = TOKENS[0];
/** What the API saw: the bearer token of every request, in arrival order. */
const apiTokens: string[] = [];
/** Requests on the revoked token, held until all of them are in flight. */
const held: http.ServerResponse[] = [];
let releaseRest: (() => void) | undefined;

const tokenServer = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const token = TOKENS[Math.min(tokensIssued, TOKENS.length - 1)];
    tokensIssued++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
  });
});

function unauthorized(res: http.ServerResponse): void {
  res.writeHead(401, {
    'content-type': 'application/json',
    'www-authenticate': 'Bearer error="invalid_token", error_description="The access token was revoked"',
  });
  res.end('{"error":"invalid_token"}');
}

const apiServer = http.createServer((req, res) => {
  req.resume();
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  apiTokens.push(token);
  if (token === validToken) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ orders: [], token: TOKENS.indexOf(token as (typeof TOKENS)[number]) }));
    // The first call came back with the new token: now answer the other rejected calls, so their
    // 401s arrive after the strategy already holds the fresh token (the case that used to fail).
    res.on('finish', () => releaseRest?.());
    return;
  }
  held.push(res);
  if (held.length === CALLS) {
    // Every call is in flight on the revoked token: answer one now, the others once the new token works.
    unauthorized(held[0] as http.ServerResponse);
    releaseRest = () => {
      releaseRest = undefined;
      for (const waiting of held.slice(1)) unauthorized(waiting);
    };
  }
});

let tokenUrl = '';
let apiUrl = '';

beforeAll(async () => {
  for (const server of [tokenServer, apiServer]) {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/oauth/token`;
  apiUrl = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}/v1`;
});

afterAll(() => {
  for (const server of [tokenServer, apiServer]) {
    server.closeAllConnections();
    server.close();
  }
  expect(capture.leaks()).toEqual([]);
});

it('refreshes once and retries each of twenty concurrent calls once with the new token', async () => {
  const client = createRestClient({
    baseUrl: apiUrl,
    logger: capture.logger,
    retry: FAST_RETRY,
    auth: oauth2ClientCredentials({
      tokenUrl,
      clientId: 'kit-test-client',
      clientSecret: CLIENT_SECRET,
      logger: capture.logger,
    }),
  });
  // A first call fetches the first token and warms the sockets.
  expect((await client.get('/orders')).data).toEqual({ orders: [], token: 0 });
  expect(tokensIssued).toBe(1);
  // The server revokes it; twenty calls go out on it.
  validToken = TOKENS[1];
  apiTokens.length = 0;
  const results = await Promise.allSettled(Array.from({ length: CALLS }, () => client.get('/orders')));

  const failed = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Error).message);
  expect(failed).toEqual([]);
  const responses = results.map(
    (r) => (r as PromiseFulfilledResult<{ data: unknown; attempts: number }>).value,
  );
  expect(responses.map((r) => r.data)).toEqual(Array(CALLS).fill({ orders: [], token: 1 }));
  expect(responses.map((r) => r.attempts)).toEqual(Array(CALLS).fill(2));
  expect(tokensIssued).toBe(2);
  // Each call: once with the revoked token, once with the new one.
  expect(apiTokens.filter((t) => t === TOKENS[0])).toHaveLength(CALLS);
  expect(apiTokens.filter((t) => t === TOKENS[1])).toHaveLength(CALLS);
});
