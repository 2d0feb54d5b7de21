import { describe, expect, it } from 'vitest';
import { BINANCE_ERROR_MAP } from './binance-error-map';
import type { ErrorCode } from './catalogue';
import { createVendorErrorMapper } from './vendor-error-mapper';

const mapBinance = createVendorErrorMapper(BINANCE_ERROR_MAP);

describe('BINANCE_ERROR_MAP', () => {
  // Bodies exactly as Binance sends them (codes and messages from its published error list).
  it.each<[number, string, ErrorCode]>([
    [-1003, 'Too many requests queued.', 'rate_limit.exceeded'],
    [-1021, "Timestamp for this request was 1000ms ahead of the server's time.", 'auth.clock_skew'],
    [-1022, 'Signature for this request is not valid.', 'auth.invalid_signature'],
    [-2014, 'API-key format invalid.', 'auth.invalid_credentials'],
    [-2015, 'Invalid API-key, IP, or permissions for action.', 'auth.invalid_credentials'],
    [-2013, 'Order does not exist.', 'client.not_found'],
    [-1121, 'Invalid symbol.', 'client.bad_request'],
    [-2010, 'Account has insufficient balance for requested action.', 'client.insufficient_funds'],
    [-2010, 'Duplicate order sent.', 'client.conflict'],
    [-2010, 'Order would immediately match and take.', 'client.bad_request'],
  ])('%i %s -> %s', (code, msg, expected) => {
    expect(mapBinance({ code, msg }, { status: 400 })?.code).toBe(expected);
  });

  it('makes -1007 an unknown-outcome error that is never retried blindly', () => {
    const error = mapBinance(
      {
        code: -1007,
        msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
      },
      { status: 408, method: 'POST', path: '/api/v3/order' },
    );
    expect(error?.code).toBe('server.execution_unknown');
    expect(error?.outcome).toBe('unknown');
    expect(error?.retryable).toBe(false);
    expect(error?.vendorCode).toBe('-1007');
    expect(error?.message).toContain('POST /api/v3/order');
  });

  it('reads Retry-After on -1003', () => {
    expect(
      mapBinance(
        { code: -1003, msg: 'Too many requests.' },
        { status: 429, headers: { 'Retry-After': '12' } },
      )?.retryAfterMs,
    ).toBe(12_000);
  });

  it('maps an unlisted -2010 message by status', () => {
    expect(mapBinance({ code: -2010, msg: 'Something new.' }, { status: 400 })?.code).toBe(
      'client.bad_request',
    );
  });
});
