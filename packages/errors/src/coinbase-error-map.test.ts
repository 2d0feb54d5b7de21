import { describe, expect, it } from 'vitest';
import type { ErrorCode } from './catalogue';
import { COINBASE_ERROR_MAP } from './coinbase-error-map';
import { createVendorErrorMapper } from './vendor-error-mapper';

const mapCoinbase = createVendorErrorMapper(COINBASE_ERROR_MAP);

describe('COINBASE_ERROR_MAP', () => {
  // `{"message"}` with a 4xx/5xx status, as Coinbase Exchange answers; the messages are those the map
  // cites (values inside the ones it matches by fragment are examples).
  it.each<[number, string, ErrorCode]>([
    [401, 'Invalid API Key', 'auth.invalid_credentials'],
    [401, 'Invalid Passphrase', 'auth.invalid_credentials'],
    [401, 'invalid signature', 'auth.invalid_signature'],
    [401, 'request timestamp expired', 'auth.clock_skew'],
    [400, 'Insufficient funds', 'client.insufficient_funds'],
    [404, 'NotFound', 'client.not_found'],
    [400, 'Invalid order id', 'client.bad_request'],
    [400, 'Invalid Price', 'client.bad_request'],
    [400, 'Order already done', 'client.order_already_filled'],
    [404, 'order not found', 'client.not_found'],
    [400, 'size is too small. Minimum size is 0.001', 'client.bad_request'],
    [400, 'price too precise. Smallest unit is 0.01', 'client.bad_request'],
    [403, 'Trading pair not available', 'auth.insufficient_permissions'],
    [429, 'Private rate limit exceeded', 'rate_limit.exceeded'],
    [429, 'Public rate limit exceeded', 'rate_limit.exceeded'],
    [503, 'Exchange is under maintenance', 'server.unavailable'],
  ])('%i %s -> %s', (status, message, expected) => {
    expect(mapCoinbase({ message }, { status })?.code).toBe(expected);
  });

  it('says a refused cancel of a finished order is a fill to reconcile, not a missing order', () => {
    const error = mapCoinbase(
      { message: 'Order already done' },
      { status: 400, method: 'DELETE', path: '/orders/8eba9e7b-08d6-4667-90ca-6db445d743c1' },
    );
    expect(error?.category).toBe('conflict');
    expect(error?.retryable).toBe(false);
    expect(error?.hint).toContain('done_reason');
  });

  it('falls back to the status for a message it does not know, and reads Retry-After on 429', () => {
    expect(mapCoinbase({ message: 'Something new' }, { status: 401 })?.code).toBe('auth.invalid_credentials');
    expect(mapCoinbase({ message: 'Something new' }, { status: 500 })?.code).toBe('server.internal');
    const limited = mapCoinbase(
      { message: 'Private rate limit exceeded' },
      { status: 429, headers: { 'Retry-After': '2' } },
    );
    expect(limited?.retryAfterMs).toBe(2_000);
  });

  it('reports no error for a successful body', () => {
    expect(
      mapCoinbase({ id: 'd0c5340b-6d6c-49d9-b567-48c4bfca13d2', status: 'pending' }, { status: 200 }),
    ).toBeUndefined();
  });
});
