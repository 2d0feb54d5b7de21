import { describe, expect, it } from 'vitest';
import { isKitError } from './kit-error';
import { createVendorErrorMapper } from './vendor-error-mapper';

describe('createVendorErrorMapper', () => {
  const map = createVendorErrorMapper({
    exact: { '-1021': 'auth.clock_skew', 'EAPI:Invalid key': 'auth.invalid_credentials' },
    broad: {
      insufficient: 'client.bad_request',
      'insufficient funds': 'client.insufficient_funds',
      'rate limit': { code: 'rate_limit.exceeded', hint: 'Kraken counts calls per API key.' },
    },
  });

  it('matches exact codes and exact messages', () => {
    expect(map({ code: -1021, msg: 'Timestamp outside recvWindow' })?.code).toBe('auth.clock_skew');
    expect(map({ error: ['EAPI:Invalid key'], result: {} })?.code).toBe('auth.invalid_credentials');
  });

  it('lets the longest broad fragment win, not the first listed, case-insensitively', () => {
    const error = map({ error: ['EOrder:Insufficient FUNDS'], result: {} });
    expect(error?.code).toBe('client.insufficient_funds');
    const reversed = createVendorErrorMapper({
      broad: { 'insufficient funds': 'client.insufficient_funds', insufficient: 'client.bad_request' },
    });
    expect(reversed({ error: ['EOrder:Insufficient funds'] })?.code).toBe('client.insufficient_funds');
  });

  it('finds errors in 200 bodies (Kraken, Binance-style) and reports the venue code', () => {
    const error = map(
      { error: ['EOrder:Insufficient funds'], result: {} },
      { status: 200, method: 'post', path: '/0/private/AddOrder?nonce=1' },
    );
    expect(error?.vendorCode).toBe('EOrder:Insufficient funds');
    expect(error?.status).toBe(200);
    expect(error?.outcome).toBe('rejected');
    expect(error?.message).toBe(
      'POST /0/private/AddOrder: The account has insufficient funds (venue code EOrder:Insufficient funds)',
    );
    expect(map({ code: -2010, msg: 'Account has insufficient funds' }, { status: 200 })?.code).toBe(
      'client.insufficient_funds',
    );
  });

  it('returns undefined for bodies that report success', () => {
    expect(map({ error: [], result: { txid: ['X'] } }, { status: 200 })).toBeUndefined();
    expect(map({ code: '0', msg: '', data: [{ ordId: '1', sCode: '0' }] }, { status: 200 })).toBeUndefined();
    expect(map({ orderId: 1, status: 'NEW' }, { status: 200 })).toBeUndefined();
    expect(map({ message: 'Order placed' }, { status: 200 })).toBeUndefined();
    expect(map(undefined)).toBeUndefined();
    expect(map('')).toBeUndefined();
  });

  it('never matches or crashes on prototype keys', () => {
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const error = map({ code, msg: code }, { status: 200 });
      expect(isKitError(error)).toBe(true);
      expect(error?.code).toBe('client.error');
    }
    const proto = map(JSON.parse('{"__proto__": {"code": -1021}, "code": "x", "msg": "y"}'), { status: 200 });
    expect(proto?.code).toBe('client.error');
  });

  it('falls back to the status-based code, or client.error for a 200, when nothing matches', () => {
    expect(map({ code: -9999, msg: 'something new' }, { status: 503 })?.code).toBe('server.unavailable');
    expect(map({ code: -9999, msg: 'something new' }, { status: 503 })?.vendorCode).toBe('-9999');
    expect(map({ code: -9999, msg: 'something new' })?.code).toBe('client.error');
    const withFallback = createVendorErrorMapper({ fallback: 'server.error' });
    expect(withFallback({ code: -9999, msg: 'x' })?.code).toBe('server.error');
  });

  it('applies target overrides and reads Retry-After and request ids for rate limits', () => {
    const error = map(
      { error: ['EAPI:Rate limit exceeded'] },
      { status: 200, headers: { 'retry-after': '3', 'x-request-id': 'r1' } },
    );
    expect(error?.code).toBe('rate_limit.exceeded');
    expect(error?.hint).toBe('Kraken counts calls per API key.');
    expect(error?.retryAfterMs).toBe(3000);
    expect(error?.requestId).toBe('r1');
  });

  it('keeps the server message out of the message and sanitised in details', () => {
    const error = map({ code: 77, msg: 'bad apiKey=abc123def' }, { status: 400 });
    expect(error?.message).not.toContain('abc123def');
    expect(error?.details).toEqual({ serverMessage: 'bad apiKey=[REDACTED]' });
  });

  it('rejects tables that point at unknown codes when created', () => {
    expect(() => createVendorErrorMapper({ exact: { '1': 'auth.nope' as 'auth.clock_skew' } })).toThrow(
      /unknown code/,
    );
  });

  it('turns a throwing custom extractor into a KitError instead of crashing', () => {
    const broken = createVendorErrorMapper({
      extract: () => {
        throw new Error('bad extractor');
      },
    });
    expect(broken({})?.code).toBe('internal.unexpected');
  });

  it('uses a custom extractor', () => {
    const custom = createVendorErrorMapper({
      exact: { E42: 'client.conflict' },
      extract: (body) =>
        (body as { fault?: string }).fault ? { code: (body as { fault: string }).fault } : undefined,
    });
    expect(custom({ fault: 'E42' })?.code).toBe('client.conflict');
    expect(custom({ ok: 1 })).toBeUndefined();
  });
});
