// An option passed as `undefined` means its documented default, for every public option: a caller
// who writes `{ recvWindowMs: config.recvWindowMs }` with the setting unset gets the default.
import { isKitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuthRequest,
  apiKeyAuth,
  binanceAuth,
  coinbaseAuth,
  createNonceSource,
  createServerClock,
  hmacAuth,
  krakenAuth,
  oauth2ClientCredentials,
} from '../src/index';
import { startTokenServer, type TokenServer, tokenBody } from './token-server';

const request = (): AuthRequest => ({
  method: 'POST',
  url: 'https://api.example.com/v1/orders',
  path: '/v1/orders',
  query: [['symbol', 'BTCUSDT']],
  headers: {},
  body: '{"qty":1}',
});
const query = (out: AuthRequest, name: string): string | undefined =>
  out.query.find(([n]) => n === name)?.[1];

let server: TokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('API key and signing strategies with optional options undefined', () => {
  it('apiKeyAuth sends the key in the X-API-Key header', async () => {
    const out = await apiKeyAuth({ key: 'k-123', in: undefined, name: undefined }).authenticate(request());
    expect(out.headers['X-API-Key']).toBe('k-123');
    expect(out.query).toEqual(request().query);
  });

  it('binanceAuth uses recvWindow 5000 and the system clock', async () => {
    const before = Date.now();
    const auth = binanceAuth({ apiKey: 'k', apiSecret: 's', recvWindowMs: undefined, clock: undefined });
    const out = await auth.authenticate(request());
    expect(query(out, 'recvWindow')).toBe('5000');
    expect(Number(query(out, 'timestamp'))).toBeGreaterThanOrEqual(before);
    expect(Number(query(out, 'timestamp'))).toBeLessThanOrEqual(Date.now());
  });

  it('coinbaseAuth timestamps with the system clock, in seconds', async () => {
    const out = await coinbaseAuth({
      apiKey: 'k',
      apiSecret: 'c2VjcmV0',
      passphrase: 'p',
      clock: undefined,
    }).authenticate(request());
    expect(Math.abs(Number(out.headers['CB-ACCESS-TIMESTAMP']) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('hmacAuth with every optional field undefined signs exactly as with none given', async () => {
    const clock = createManualClock({ startMs: 1_700_000_000_123 });
    const given = { apiKey: 'venue-key', apiSecret: 'venue-secret', clock };
    const explicit = hmacAuth({
      ...given,
      name: undefined,
      algorithm: undefined,
      secretEncoding: undefined,
      signatureEncoding: undefined,
      timestamp: undefined,
      prehash: undefined,
      apiKeyPlacement: undefined,
      timestampPlacement: undefined,
      signaturePlacement: undefined,
      extraHeaders: undefined,
    });
    const out = await explicit.authenticate(request());
    expect(out).toEqual(await hmacAuth(given).authenticate(request()));
    expect(explicit.name).toBe('hmac');
    expect(out.headers).toMatchObject({ 'X-API-Key': 'venue-key', 'X-Timestamp': '1700000000123' });
    expect(out.headers['X-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hmacAuth and krakenAuth use the system clock when clock is undefined', async () => {
    const before = Date.now();
    const out = await hmacAuth({ apiKey: 'k', apiSecret: 's', clock: undefined }).authenticate(request());
    expect(Number(out.headers['X-Timestamp'])).toBeGreaterThanOrEqual(before);
    const kraken = krakenAuth({ apiKey: 'k', apiSecret: 'c2VjcmV0', nonce: undefined, clock: undefined });
    const signed = await kraken.authenticate({
      ...request(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'pair=XBTUSD',
    });
    const nonce = Number(new URLSearchParams(String(signed.body)).get('nonce'));
    expect(nonce).toBeGreaterThanOrEqual(before);
  });
});

describe('clocks with options undefined', () => {
  it('createNonceSource follows the system clock in milliseconds', () => {
    const before = Date.now();
    const nonce = createNonceSource({ clock: undefined, unit: undefined })();
    expect(nonce).toBeGreaterThanOrEqual(before);
    expect(nonce).toBeLessThan(before + 60_000);
  });

  it('createServerClock reads the system clock, has no time endpoint and a one-hour skew bound', async () => {
    const clock = createServerClock({
      clock: undefined,
      fetchServerTime: undefined,
      maxSkewMs: undefined,
      logger: undefined,
    });
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
    await expect(clock.sync()).rejects.toSatisfy((e) => isKitError(e, 'client.invalid_argument'));
    const bounded = createServerClock({
      maxSkewMs: undefined,
      fetchServerTime: async () => Date.now() + 7_200_000,
    });
    await expect(bounded.sync()).rejects.toSatisfy((e) => isKitError(e, 'auth.clock_skew'));
    const within = createServerClock({
      maxSkewMs: undefined,
      fetchServerTime: async () => Date.now() + 600_000,
    });
    await within.sync();
    expect(within.skewMs).toBeGreaterThan(590_000);
  });
});

describe('oauth2ClientCredentials with every optional field undefined', () => {
  it('uses client_secret_basic, no scope, global fetch, and retries a 503 with the default policy', async () => {
    server = await startTokenServer((_request, index) =>
      index === 0 ? { status: 503, json: { error: 'temporarily_unavailable' } } : tokenBody('tok-1', 3600),
    );
    const auth = oauth2ClientCredentials({
      tokenUrl: server.url,
      clientId: 'client',
      clientSecret: 'secret',
      scope: undefined,
      audience: undefined,
      authMethod: undefined,
      refreshToken: undefined,
      extraParams: undefined,
      fetch: undefined,
      clock: undefined,
      random: () => 0,
      logger: undefined,
      refreshWindowMs: undefined,
      blockingWindowMs: undefined,
      minReauthIntervalMs: undefined,
      requestTimeoutMs: undefined,
      retry: { maxAttempts: undefined, initialDelayMs: undefined, maxDelayMs: undefined },
      tokenCache: undefined,
      tokenCacheKey: undefined,
    });
    const out = await auth.authenticate(request());
    expect(out.headers.Authorization).toBe('Bearer tok-1');
    expect(server.requests).toHaveLength(2);
    const seen = server.requests[0]!;
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('client:secret').toString('base64')}`);
    expect(seen.params.get('grant_type')).toBe('client_credentials');
    expect(seen.params.has('scope')).toBe(false);
    expect(seen.params.has('client_secret')).toBe(false);
  });

  it('takes retry: undefined as the default retry policy', async () => {
    server = await startTokenServer((_request, index) =>
      index < 2 ? { status: 503, json: {} } : tokenBody('tok-3', 3600),
    );
    const auth = oauth2ClientCredentials({
      tokenUrl: server.url,
      clientId: 'client',
      clientSecret: 'secret',
      random: () => 0,
      retry: undefined,
    });
    expect((await auth.authenticate(request())).headers.Authorization).toBe('Bearer tok-3');
    expect(server.requests).toHaveLength(3); // the default 3 attempts
  });
});
