import { createHmac } from 'node:crypto';
import { isKitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import type { AuthRequest } from './auth-strategy';
import { hmacAuth } from './hmac-auth';
import { formatQuery } from './query-string';

const clock = createManualClock({ startMs: 1_700_000_000_123 });
const request = (overrides: Partial<AuthRequest> = {}): AuthRequest => ({
  method: 'POST',
  url: 'https://api.venue.example/v2/orders',
  path: '/v2/orders',
  query: [['symbol', 'BTC-USD']],
  headers: {},
  body: '{"qty":"1"}',
  ...overrides,
});

describe('hmacAuth', () => {
  it('defaults: hex HMAC-SHA256 of timestamp + method + path?query + body in X-Signature', async () => {
    const out = await hmacAuth({ apiKey: 'venue-key', apiSecret: 'venue-secret', clock }).authenticate(
      request(),
    );
    const expected = createHmac('sha256', 'venue-secret')
      .update('1700000000123POST/v2/orders?symbol=BTC-USD{"qty":"1"}')
      .digest('hex');
    expect(out.headers).toEqual({
      'X-API-Key': 'venue-key',
      'X-Timestamp': '1700000000123',
      'X-Signature': expected,
    });
  });

  it('puts key, timestamp and signature in the query, signature last, and signs the final query', async () => {
    const auth = hmacAuth({
      apiKey: 'venue-key',
      apiSecret: 'venue-secret',
      algorithm: 'SHA-512',
      signatureEncoding: 'base64',
      timestamp: 'seconds',
      apiKeyPlacement: { in: 'query', name: 'api_key' },
      timestampPlacement: { in: 'query', name: 'ts' },
      signaturePlacement: { in: 'query', name: 'sign' },
      prehash: (p) => p.query,
      clock,
    });
    const out = await auth.authenticate(request({ body: undefined }));
    const signed = 'symbol=BTC-USD&api_key=venue-key&ts=1700000000';
    expect(formatQuery(out.query.slice(0, -1))).toBe(signed);
    expect(out.query.at(-1)).toEqual([
      'sign',
      createHmac('sha512', 'venue-secret').update(signed).digest('base64'),
    ]);
  });

  it('decodes hex and base64 secrets and accepts byte prehashes and custom timestamps', async () => {
    const secretHex = Buffer.from('raw-key-bytes').toString('hex');
    const auth = hmacAuth({
      apiKey: 'venue-key',
      apiSecret: secretHex,
      secretEncoding: 'hex',
      timestamp: () => 'nonce-42',
      timestampPlacement: false,
      prehash: (p) => new TextEncoder().encode(`${p.timestamp}|${p.body}`),
      clock,
    });
    const out = await auth.authenticate(request());
    expect(out.headers['X-Timestamp']).toBeUndefined();
    expect(out.headers['X-Signature']).toBe(
      createHmac('sha256', Buffer.from('raw-key-bytes')).update('nonce-42|{"qty":"1"}').digest('hex'),
    );
  });

  it('sends extra credential headers and validates names and secrets at construction', async () => {
    const out = await hmacAuth({
      apiKey: 'venue-key',
      apiSecret: 'venue-secret',
      extraHeaders: { 'X-Passphrase': 'pass-phrase' },
      clock,
    }).authenticate(request());
    expect(out.headers['X-Passphrase']).toBe('pass-phrase');
    expect(() =>
      hmacAuth({ apiKey: 'k', apiSecret: 'venue-secret', extraHeaders: { 'bad name': 'x' } }),
    ).toThrow(expect.objectContaining({ code: 'client.invalid_argument' }));
    expect(() => hmacAuth({ apiKey: 'k', apiSecret: '%%%', secretEncoding: 'base64' })).toThrow(
      expect.objectContaining({ code: 'auth.invalid_credentials' }),
    );
  });

  it('refuses plain http to a remote host', async () => {
    const auth = hmacAuth({ apiKey: 'venue-key', apiSecret: 'venue-secret' });
    await expect(auth.authenticate(request({ url: 'http://api.venue.example/v2/orders' }))).rejects.toSatisfy(
      (e) => isKitError(e, 'auth.insecure_transport'),
    );
  });
});
