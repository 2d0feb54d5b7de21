import { inspect } from 'node:util';
import { isKitError, type KitError } from '@kit/errors';
import { createCapturingLogger } from '@kit/logger/testing';
import { createManualClock } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRequest } from '../src/auth-strategy';
import {
  type OAuth2ClientCredentialsOptions,
  oauth2ClientCredentials,
} from '../src/oauth2-client-credentials';
import { startTokenServer, type TokenHandler, type TokenServer, tokenBody } from './token-server';

const request: AuthRequest = {
  method: 'POST',
  url: 'https://api.example.com/v1/orders',
  path: '/v1/orders',
  query: [],
  headers: {},
};
const TIMEOUT_MS = 10_000;
const notTimeout = (ms: number) => ms !== TIMEOUT_MS;

let server: TokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: TokenHandler, extra: Partial<OAuth2ClientCredentialsOptions> = {}) {
  server = await startTokenServer(handler);
  const clock = createManualClock();
  const auth = oauth2ClientCredentials({
    tokenUrl: server.url,
    clientId: 'client-1',
    clientSecret: 'cs-endpoint-0123',
    clock,
    random: () => 0.5,
    requestTimeoutMs: TIMEOUT_MS,
    ...extra,
  });
  return { auth, clock, srv: server };
}

/** The token endpoint's own error, which the caller's error carries as its cause. */
function tokenEndpointCause(error: KitError): KitError {
  if (!isKitError(error.cause)) throw new Error(`expected a KitError cause, got ${String(error.cause)}`);
  return error.cause;
}

async function rejection(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (error) {
    if (isKitError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('oauth2ClientCredentials: failing token endpoint', () => {
  it('retries 503s with backoff on the injected clock and then succeeds', async () => {
    const { auth, clock, srv } = await setup((_r, i) =>
      i < 2 ? { status: 503, text: 'busy' } : tokenBody('tok', 3600),
    );
    const pending = auth.authenticate(request);
    expect(await clock.nextSleep(notTimeout)).toBe(375); // 500 ms ceiling, equal jitter at random 0.5
    await clock.advance(375);
    expect(await clock.nextSleep((ms) => notTimeout(ms) && ms !== 375)).toBe(750);
    await clock.advance(750);
    expect((await pending).headers.Authorization).toBe('Bearer tok');
    expect(srv.requests).toHaveLength(3);
  });

  it('gives up after maxAttempts with auth.token_endpoint_failed carrying status, attempts and total delay', async () => {
    const { auth, clock, srv } = await setup(() => ({ status: 502, text: '<html>bad gateway</html>' }));
    const pending = rejection(auth.authenticate(request));
    await clock.advance(await clock.nextSleep(notTimeout));
    await clock.advance(await clock.nextSleep((ms) => notTimeout(ms) && ms !== 375));
    const error = await pending;
    expect(error.code).toBe('auth.token_endpoint_failed');
    expect(error.retryable).toBe(true);
    // The caller's request is named; the token endpoint's own failure is the cause.
    expect(error.message).toBe(
      'POST /v1/orders failed: the token endpoint answered 502 to a client_credentials request',
    );
    expect([error.method, error.path, error.status, error.outcome]).toEqual([
      'POST',
      '/v1/orders',
      undefined,
      'not_sent',
    ]);
    const cause = tokenEndpointCause(error);
    expect([cause.method, cause.path, cause.status]).toEqual(['POST', '/oauth/token', 502]);
    expect(cause.attempts).toBe(3);
    expect(cause.totalDelayMs).toBe(1125);
    expect(srv.requests).toHaveLength(3);
  });

  it('retries a dropped connection (network failure)', async () => {
    const { auth, clock, srv } = await setup((_r, i) => (i === 0 ? 'destroy' : tokenBody('tok', 3600)));
    const pending = auth.authenticate(request);
    await clock.advance(await clock.nextSleep(notTimeout));
    expect((await pending).headers.Authorization).toBe('Bearer tok');
    expect(srv.requests).toHaveLength(2);
  });

  it('times a hung token request out on the injected clock', async () => {
    const { auth, clock } = await setup(() => 'hang', { retry: { maxAttempts: 1 } });
    const pending = rejection(auth.authenticate(request));
    await clock.nextSleep((ms) => ms === TIMEOUT_MS);
    await clock.advance(TIMEOUT_MS);
    const error = await pending;
    expect(error.code).toBe('auth.token_endpoint_failed');
    expect(error.message).toContain(`within ${TIMEOUT_MS} ms`);
  });

  it('waits for a short Retry-After and fails at once on one longer than maxDelayMs', async () => {
    const short = await setup((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '2' }, text: '' } : tokenBody('tok', 3600),
    );
    const pending = short.auth.authenticate(request);
    expect(await short.clock.nextSleep(notTimeout)).toBe(2000);
    await short.clock.advance(2000);
    await pending;
    await server?.close();

    const long = await setup(() => ({ status: 429, headers: { 'retry-after': '120' }, text: '' }));
    const error = await rejection(long.auth.authenticate(request));
    expect(error.retryAfterMs).toBe(120_000);
    expect(tokenEndpointCause(error).attempts).toBe(1);
    expect(long.srv.requests).toHaveLength(1);
  });

  it.each([
    ['invalid_client', 401, 'auth.invalid_credentials'],
    ['invalid_scope', 400, 'auth.insufficient_permissions'],
    ['unauthorized_client', 400, 'auth.insufficient_permissions'],
    ['invalid_grant', 400, 'auth.invalid_credentials'],
    ['unsupported_grant_type', 400, 'auth.token_endpoint_failed'],
  ] as const)(
    'maps %s (%i) to %s without retrying, keeping error_description',
    async (code, status, expected) => {
      const { auth, srv } = await setup(() => ({
        status,
        json: { error: code, error_description: `described ${code}` },
      }));
      const error = await rejection(auth.authenticate(request));
      expect(error.code).toBe(expected);
      expect(error.message).toMatch(/^POST \/v1\/orders failed: the token endpoint answered /);
      const cause = tokenEndpointCause(error);
      expect(cause.code).toBe(expected);
      expect(cause.status).toBe(status);
      expect(cause.details).toMatchObject({ error: code, errorDescription: `described ${code}` });
      expect(srv.requests).toHaveLength(1);
    },
  );

  it('rejects a 200 without access_token and a non-bearer token type', async () => {
    const missing = await setup(() => ({ json: { token_type: 'Bearer' } }));
    expect((await rejection(missing.auth.authenticate(request))).message).toContain('no access_token');
    await server?.close();
    const mac = await setup(() => ({ json: { access_token: 'abc-mac-token', token_type: 'mac' } }));
    expect((await rejection(mac.auth.authenticate(request))).message).toContain('only bearer');
  });

  it('a failed background refresh keeps the current token, logs a warning and raises no unhandled rejection', async () => {
    const { logger, text } = createCapturingLogger();
    const { auth, clock } = await setup(
      (_r, i) => (i === 0 ? tokenBody('tok-1', 3600) : { status: 401, json: { error: 'invalid_client' } }),
      { logger },
    );
    await auth.authenticate(request);
    await clock.advance(3600_000 - 100_000);
    expect((await auth.authenticate(request)).headers.Authorization).toBe('Bearer tok-1');
    const joined = await rejection(auth.refresh());
    expect(joined.code).toBe('auth.invalid_credentials');
    expect(text()).toContain('background token refresh failed');
  });
});

describe('oauth2ClientCredentials: refresh tokens (RFC 6749 §6)', () => {
  it('uses the refresh token, rotates it, and keeps the old one when a response has none', async () => {
    const { auth, clock, srv } = await setup(
      (_r, i) =>
        [tokenBody('tok-1', 60, 'rt-2'), tokenBody('tok-2', 60), tokenBody('tok-3', 60)][i] ??
        tokenBody('x', 60),
      { refreshToken: 'rt-1' },
    );
    await auth.authenticate(request);
    await clock.advance(61_000);
    await auth.authenticate(request);
    await clock.advance(61_000);
    expect((await auth.authenticate(request)).headers.Authorization).toBe('Bearer tok-3');
    expect(srv.requests.map((r) => [r.params.get('grant_type'), r.params.get('refresh_token')])).toEqual([
      ['refresh_token', 'rt-1'],
      ['refresh_token', 'rt-2'],
      ['refresh_token', 'rt-2'],
    ]);
  });

  it('falls back to client credentials when the refresh token is rejected with invalid_grant', async () => {
    const { auth, srv } = await setup(
      (r) =>
        r.params.get('grant_type') === 'refresh_token'
          ? { status: 400, json: { error: 'invalid_grant', error_description: 'refresh token expired' } }
          : tokenBody('tok-cc', 3600),
      { refreshToken: 'rt-expired' },
    );
    expect((await auth.authenticate(request)).headers.Authorization).toBe('Bearer tok-cc');
    expect(srv.requests.map((r) => r.params.get('grant_type'))).toEqual([
      'refresh_token',
      'client_credentials',
    ]);
  });
});

describe('oauth2ClientCredentials: secrets and transport', () => {
  const CLIENT_SECRET = 'cs-never-print-7f3a9b';
  const ACCESS = 'at-never-print-5c1d2e';
  const REFRESH = 'rt-never-print-8e4f6a';

  it('never shows client secret, access or refresh token in inspect, JSON, errors or logs', async () => {
    const { logger, text } = createCapturingLogger();
    const { auth, clock } = await setup(
      (_r, i) =>
        i === 0
          ? tokenBody(ACCESS, 3600, REFRESH)
          : { status: 400, json: { error: 'invalid_request', error_description: `bad ${CLIENT_SECRET}` } },
      { clientSecret: CLIENT_SECRET, logger, authMethod: 'client_secret_post' },
    );
    const out = await auth.authenticate(request);
    expect(out.headers.Authorization).toBe(`Bearer ${ACCESS}`); // on the wire, where it belongs
    await clock.advance(3600_000);
    const error = await rejection(auth.authenticate(request));
    const printed = [
      inspect(auth, { depth: 10, showHidden: true }),
      JSON.stringify(auth),
      error.message,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      text(),
    ].join('\n');
    for (const secret of [CLIENT_SECRET, ACCESS, REFRESH]) expect(printed).not.toContain(secret);
    expect(text()).toContain('oauth2 token fetched');
  });

  it('refuses a plain-http token URL for a remote host at construction', () => {
    expect(() =>
      oauth2ClientCredentials({
        tokenUrl: 'http://idp.example.com/token',
        clientId: 'c',
        clientSecret: 'cs-x-0123',
      }),
    ).toThrow(expect.objectContaining({ code: 'auth.insecure_transport' }));
  });

  it('refuses to attach the token to a plain-http API URL for a remote host', async () => {
    const { auth, srv } = await setup(() => tokenBody('tok', 3600));
    const error = await rejection(auth.authenticate({ ...request, url: 'http://api.example.com/v1/orders' }));
    expect(error.code).toBe('auth.insecure_transport');
    expect(srv.requests).toHaveLength(0);
  });

  it('fails fast on a missing client secret', () => {
    expect(() =>
      oauth2ClientCredentials({ tokenUrl: 'https://idp/token', clientId: 'c', clientSecret: '' }),
    ).toThrow(expect.objectContaining({ code: 'auth.missing_credentials' }));
  });
});
