import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { isKitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import type { AuthRequest } from './auth-strategy';
import { binanceAuth, signBinance } from './binance-auth';
import { formatQuery } from './query-string';

// Source: Binance Spot API docs, "SIGNED Endpoint Examples for POST /api/v3/order"
// (binance/binance-spot-api-docs, rest-api.md; also developers.binance.com/docs/binance-spot-api-docs/rest-api/request-security).
const DOC_API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const DOC_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const DOC_TIMESTAMP = 1499827319559;
const DOC_TOTAL_PARAMS =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const DOC_SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';

function order(query: Array<[string, string]>, body?: string): AuthRequest {
  return {
    method: 'POST',
    url: 'https://api.binance.com/api/v3/order',
    path: '/api/v3/order',
    query,
    headers: {},
    ...(body === undefined ? {} : { body }),
  };
}

describe('signBinance (published examples)', () => {
  it('reproduces Example 1/2: all parameters in the query string or the body', async () => {
    expect(await signBinance(DOC_SECRET, DOC_TOTAL_PARAMS)).toBe(DOC_SIGNATURE);
  });

  it('reproduces Example 3: mixed query string and body, concatenated without "&"', async () => {
    expect(
      await signBinance(
        DOC_SECRET,
        'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC',
        'quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
      ),
    ).toBe('0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77');
  });

  it('reproduces the non-ASCII example (percent-encoded full-width symbol)', async () => {
    // Source: Binance Spot API docs, "SIGNED request example (HMAC)", second parameter set.
    const payload =
      'symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    expect(await signBinance(DOC_SECRET, payload)).toBe(
      'e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3',
    );
  });
});

describe('binanceAuth', () => {
  const docParams: Array<[string, string]> = [
    ['symbol', 'LTCBTC'],
    ['side', 'BUY'],
    ['type', 'LIMIT'],
    ['timeInForce', 'GTC'],
    ['quantity', '1'],
    ['price', '0.1'],
  ];

  it('produces exactly the documented signed URL and X-MBX-APIKEY header', async () => {
    const auth = binanceAuth({
      apiKey: DOC_API_KEY,
      apiSecret: DOC_SECRET,
      clock: createManualClock({ startMs: DOC_TIMESTAMP }),
    });
    const out = await auth.authenticate(order(docParams));
    expect(formatQuery(out.query)).toBe(`${DOC_TOTAL_PARAMS}&signature=${DOC_SIGNATURE}`);
    expect(out.query.at(-1)).toEqual(['signature', DOC_SIGNATURE]);
    expect(out.headers['X-MBX-APIKEY']).toBe(DOC_API_KEY);
  });

  it('signs the query string plus the body (Example 3 layout)', async () => {
    const auth = binanceAuth({
      apiKey: DOC_API_KEY,
      apiSecret: DOC_SECRET,
      clock: createManualClock({ startMs: DOC_TIMESTAMP }),
    });
    const body = 'quantity=1&price=0.1';
    const out = await auth.authenticate(order(docParams.slice(0, 4), body));
    const signed = formatQuery(out.query.slice(0, -1));
    expect(signed).toBe(
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&recvWindow=5000&timestamp=1499827319559',
    );
    const expected = createHmac('sha256', DOC_SECRET)
      .update(signed + body)
      .digest('hex');
    expect(out.query.at(-1)).toEqual(['signature', expected]);
    expect(out.body).toBe(body);
  });

  it('re-signs with a fresh timestamp on every attempt and never duplicates parameters', async () => {
    const clock = createManualClock({ startMs: DOC_TIMESTAMP });
    const auth = binanceAuth({
      apiKey: DOC_API_KEY,
      apiSecret: DOC_SECRET,
      recvWindowMs: 10_000,
      clock,
    });
    const first = await auth.authenticate(order(docParams));
    await clock.advance(1500);
    const second = await auth.authenticate(first);
    const names = second.query.map(([name]) => name);
    expect(names.filter((n) => n === 'timestamp')).toHaveLength(1);
    expect(names.filter((n) => n === 'signature')).toHaveLength(1);
    expect(names.filter((n) => n === 'recvWindow')).toHaveLength(1);
    expect(second.query.find(([n]) => n === 'timestamp')?.[1]).toBe(String(DOC_TIMESTAMP + 1500));
    expect(second.query.find(([n]) => n === 'recvWindow')?.[1]).toBe('10000');
    expect(second.query.at(-1)?.[1]).not.toBe(first.query.at(-1)?.[1]);
  });

  it('refuses plain http and an empty secret', async () => {
    const auth = binanceAuth({ apiKey: DOC_API_KEY, apiSecret: DOC_SECRET });
    await expect(
      auth.authenticate({ ...order([]), url: 'http://api.binance.com/api/v3/order' }),
    ).rejects.toSatisfy((e) => isKitError(e, 'auth.insecure_transport'));
    expect(() => binanceAuth({ apiKey: DOC_API_KEY, apiSecret: '' })).toThrow(
      expect.objectContaining({ code: 'auth.missing_credentials' }),
    );
  });

  it('never shows the key or secret in inspect or JSON output', () => {
    const auth = binanceAuth({ apiKey: DOC_API_KEY, apiSecret: DOC_SECRET });
    const text = inspect(auth, { depth: 10, showHidden: true }) + JSON.stringify(auth);
    expect(text).not.toContain(DOC_SECRET);
    expect(text).not.toContain(DOC_API_KEY);
  });
});
