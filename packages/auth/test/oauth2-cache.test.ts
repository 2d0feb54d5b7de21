import { isKitError, KitError } from '@kit/errors';
import { createManualClock, type ManualClock } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRequest } from '../src/auth-strategy';
import { oauth2ClientCredentials } from '../src/oauth2-client-credentials';
import { deferred, startTokenServer, type TokenReply, type TokenServer, tokenBody } from './token-server';

const API = 'https://api.example.com/v1/orders';
const request = (signal?: AbortSignal): AuthRequest => ({
  method: 'GET',
  url: API,
  path: '/v1/orders',
  query: [],
  headers: {},
  ...(signal ? { signal } : {}),
});
const unauthorized = () => new KitError('auth.invalid_credentials', { status: 401 });

let server: TokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A token endpoint issuing tok-1, tok-2, ... valid for `expiresInS`. */
async function counting(expiresInS = 3600): Promise<TokenServer> {
  server = await startTokenServer((_req, index) => tokenBody(`tok-${index + 1}`, expiresInS));
  return server;
}

function strategy(url: string, clock: ManualClock) {
  return oauth2ClientCredentials({
    tokenUrl: url,
    clientId: 'client-1',
    clientSecret: 'cs-cache-0123',
    clock,
  });
}

describe('oauth2ClientCredentials: caching and single flight', () => {
  it('fetches once with client_secret_basic and reuses the cached token', async () => {
    const srv = await counting();
    const auth = oauth2ClientCredentials({
      tokenUrl: srv.url,
      clientId: 'client 1',
      clientSecret: 'cs:cache/0123',
      scope: ['orders:read', 'orders:write'],
      clock: createManualClock(),
    });
    const first = await auth.authenticate(request());
    const second = await auth.authenticate(request());
    expect(first.headers.Authorization).toBe('Bearer tok-1');
    expect(second.headers.Authorization).toBe('Bearer tok-1');
    expect(srv.requests).toHaveLength(1);
    const seen = srv.requests[0]!;
    expect(seen.params.get('grant_type')).toBe('client_credentials');
    expect(seen.params.get('scope')).toBe('orders:read orders:write');
    expect(seen.params.has('client_secret')).toBe(false);
    // RFC 6749 §2.3.1: form-encode, then base64 "id:secret".
    const basic = Buffer.from(String(seen.headers.authorization).slice(6), 'base64').toString('utf8');
    expect(basic).toBe('client+1:cs%3Acache%2F0123');
  });

  it('sends client_id and client_secret in the body with client_secret_post', async () => {
    const srv = await counting();
    const auth = oauth2ClientCredentials({
      tokenUrl: srv.url,
      clientId: 'client-1',
      clientSecret: 'cs-post-0123',
      authMethod: 'client_secret_post',
      audience: 'https://api.example.com',
      clock: createManualClock(),
    });
    await auth.authenticate(request());
    const seen = srv.requests[0]!;
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.params.get('client_id')).toBe('client-1');
    expect(seen.params.get('client_secret')).toBe('cs-post-0123');
    expect(seen.params.get('audience')).toBe('https://api.example.com');
  });

  it('100 concurrent callers with no token cause exactly 1 token request', async () => {
    const srv = await counting();
    const auth = strategy(srv.url, createManualClock());
    const results = await Promise.all(Array.from({ length: 100 }, () => auth.authenticate(request())));
    expect(srv.requests).toHaveLength(1);
    expect(new Set(results.map((r) => r.headers.Authorization))).toEqual(new Set(['Bearer tok-1']));
  });

  it('100 concurrent callers with an expired token cause exactly 1 token request', async () => {
    const srv = await counting(3600);
    const clock = createManualClock();
    const auth = strategy(srv.url, clock);
    await auth.authenticate(request());
    await clock.advance(3600_000 + 1);
    const results = await Promise.all(Array.from({ length: 100 }, () => auth.authenticate(request())));
    expect(srv.requests).toHaveLength(2);
    expect(results.every((r) => r.headers.Authorization === 'Bearer tok-2')).toBe(true);
  });

  it('inside the 5-minute window refreshes in the background without blocking the request', async () => {
    const release = deferred<TokenReply>();
    server = await startTokenServer((_req, index) =>
      index === 0 ? tokenBody('tok-1', 3600) : release.promise,
    );
    const clock = createManualClock();
    const auth = strategy(server.url, clock);
    await auth.authenticate(request());
    await clock.advance(3600_000 - 200_000); // 200 s before expiry: inside 5 min, outside 30 s
    const during = await auth.authenticate(request());
    expect(during.headers.Authorization).toBe('Bearer tok-1');
    await server.arrived(1); // the background refresh really is in flight, held by the server
    const again = await auth.authenticate(request());
    expect(again.headers.Authorization).toBe('Bearer tok-1');
    const joined = auth.refresh(); // joins the in-flight refresh instead of starting another
    release.resolve(tokenBody('tok-2', 3600));
    await joined;
    expect((await auth.authenticate(request())).headers.Authorization).toBe('Bearer tok-2');
    expect(server.requests).toHaveLength(2);
  });

  it('inside 30 s of expiry the request waits for the refresh', async () => {
    const release = deferred<TokenReply>();
    server = await startTokenServer((_req, index) =>
      index === 0 ? tokenBody('tok-1', 3600) : release.promise,
    );
    const clock = createManualClock();
    const auth = strategy(server.url, clock);
    await auth.authenticate(request());
    await clock.advance(3600_000 - 10_000);
    let settled = false;
    const pending = auth.authenticate(request()).finally(() => {
      settled = true;
    });
    await server.arrived(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release.resolve(tokenBody('tok-2', 3600));
    expect((await pending).headers.Authorization).toBe('Bearer tok-2');
    expect(server.requests).toHaveLength(2);
  });

  it('scales the windows down for short-lived tokens instead of refreshing constantly', async () => {
    const srv = await counting(60);
    const clock = createManualClock();
    let fetches = 0; // counted synchronously: a background refresh calls fetch before authenticate returns
    const auth = oauth2ClientCredentials({
      tokenUrl: srv.url,
      clientId: 'client-1',
      clientSecret: 'cs-cache-0123',
      clock,
      fetch: (url, init) => {
        fetches++;
        return fetch(url, init);
      },
    });
    await auth.authenticate(request());
    await clock.advance(25_000); // 35 s left: outside min(5 min, 60 s / 2) refresh window
    await auth.authenticate(request());
    expect(fetches).toBe(1);
    await clock.advance(10_000); // 25 s left: background refresh (window 30 s), blocking only inside 15 s
    const out = await auth.authenticate(request());
    expect(out.headers.Authorization).toBe('Bearer tok-1');
    expect(fetches).toBe(2);
    await srv.arrived(1);
  });

  it('keeps a token without expires_in until a 401 invalidates it', async () => {
    server = await startTokenServer((_req, index) => tokenBody(`tok-${index + 1}`));
    const clock = createManualClock();
    const auth = strategy(server.url, clock);
    await auth.authenticate(request());
    await clock.advance(365 * 24 * 3600_000);
    expect((await auth.authenticate(request())).headers.Authorization).toBe('Bearer tok-1');
    expect(await auth.onUnauthorized(unauthorized())).toBe(true);
    expect((await auth.authenticate(request())).headers.Authorization).toBe('Bearer tok-2');
  });

  it('a caller that aborts while waiting rejects with cancelled.aborted; the others still get the token', async () => {
    const release = deferred<TokenReply>();
    server = await startTokenServer(() => release.promise);
    const auth = strategy(server.url, createManualClock());
    const controller = new AbortController();
    const aborted = auth.authenticate(request(controller.signal));
    const patient = auth.authenticate(request());
    await server.arrived(0);
    controller.abort();
    await expect(aborted).rejects.toSatisfy((e) => isKitError(e, 'cancelled.aborted'));
    release.resolve(tokenBody('tok-1', 3600));
    expect((await patient).headers.Authorization).toBe('Bearer tok-1');
    expect(server.requests).toHaveLength(1);
  });
});

describe('oauth2ClientCredentials: 401 handling', () => {
  it('onUnauthorized returns true once, fetches a fresh token, then false on a second 401', async () => {
    const srv = await counting();
    const auth = strategy(srv.url, createManualClock());
    const first = await auth.authenticate(request());
    expect(first.headers.Authorization).toBe('Bearer tok-1');
    expect(await auth.onUnauthorized(unauthorized(), first)).toBe(true);
    const retried = await auth.authenticate(request());
    expect(retried.headers.Authorization).toBe('Bearer tok-2');
    expect(srv.requests).toHaveLength(2);
    expect(await auth.onUnauthorized(unauthorized(), retried)).toBe(false);
    expect(await auth.onUnauthorized(unauthorized())).toBe(false);
    expect(srv.requests).toHaveLength(2);
  });

  it('lets every request that failed with the old token retry once when many 401 together', async () => {
    const srv = await counting();
    const auth = strategy(srv.url, createManualClock());
    const sent = await Promise.all(Array.from({ length: 5 }, () => auth.authenticate(request())));
    const answers = await Promise.all(sent.map((r) => auth.onUnauthorized(unauthorized(), r)));
    expect(answers).toEqual([true, true, true, true, true]);
    const retried = await Promise.all(sent.map(() => auth.authenticate(request())));
    expect(retried.every((r) => r.headers.Authorization === 'Bearer tok-2')).toBe(true);
    // A late 401 for a request that still carried tok-1: the current token is newer, retry is fine.
    expect(await auth.onUnauthorized(unauthorized(), sent[0])).toBe(true);
    expect(await auth.onUnauthorized(unauthorized(), retried[0])).toBe(false);
    expect(srv.requests).toHaveLength(2);
  });

  it('after minReauthIntervalMs a 401 on the re-fetched token earns one refresh again (late revocation)', async () => {
    const srv = await counting();
    const clock = createManualClock();
    const auth = strategy(srv.url, clock);
    await auth.authenticate(request());
    expect(await auth.onUnauthorized(unauthorized())).toBe(true);
    await auth.authenticate(request()); // tok-2, fetched because of the 401
    await clock.advance(29_999);
    expect(await auth.onUnauthorized(unauthorized())).toBe(false);
    await clock.advance(1);
    expect(await auth.onUnauthorized(unauthorized())).toBe(true);
    expect((await auth.authenticate(request())).headers.Authorization).toBe('Bearer tok-3');
    expect(await auth.onUnauthorized(unauthorized())).toBe(false);
  });

  it('does not retry a 403: a new token cannot add a missing permission', async () => {
    const srv = await counting();
    const auth = strategy(srv.url, createManualClock());
    await auth.authenticate(request());
    expect(await auth.onUnauthorized(new KitError('auth.insufficient_permissions', { status: 403 }))).toBe(
      false,
    );
  });

  it('after an ordinary refresh a 401 is again worth one retry', async () => {
    const srv = await counting(3600);
    const clock = createManualClock();
    const auth = strategy(srv.url, clock);
    await auth.authenticate(request());
    expect(await auth.onUnauthorized(unauthorized())).toBe(true);
    await auth.authenticate(request()); // tok-2, fetched because of the 401
    await clock.advance(3600_000);
    await auth.authenticate(request()); // tok-3, an ordinary expiry refresh
    expect(await auth.onUnauthorized(unauthorized())).toBe(true);
  });
});
