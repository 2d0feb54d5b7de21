// An option passed as `undefined` means its documented default, for every public option: a caller
// who writes `{ nowMs: context.nowMs }` with the value unset gets the default, not another behaviour.
import { describe, expect, it } from 'vitest';
import {
  BINANCE_ERROR_MAP,
  classifyError,
  classifyHttpResponse,
  createVendorErrorMapper,
  extractVendorError,
  KitError,
  parseRetryAfter,
  readRequestId,
} from '../src/index';

describe('KitError options undefined', () => {
  it('takes retryable, hint and the message from the catalogue, and lists no optional field', () => {
    const explicit = new KitError('server.unavailable', {
      message: undefined,
      cause: undefined,
      retryable: undefined,
      status: undefined,
      requestId: undefined,
      retryAfterMs: undefined,
      retryHint: undefined,
      attempts: undefined,
      totalDelayMs: undefined,
      method: undefined,
      path: undefined,
      outcome: undefined,
      vendorCode: undefined,
      closeCode: undefined,
      closeReason: undefined,
      details: undefined,
      hint: undefined,
    });
    const plain = new KitError('server.unavailable');
    expect(explicit.toJSON()).toEqual(plain.toJSON());
    expect(explicit.message).toBe(plain.message);
    expect(explicit.retryable).toBe(true);
    expect(explicit.hint).toBe(plain.hint);
    expect(explicit.hint.length).toBeGreaterThan(0);
    expect(Object.keys(explicit.toJSON())).not.toContain('status');
  });
});

describe('classifyError context undefined', () => {
  it('reads method and path from nothing, request ids from the default headers, time from the clock', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    const explicit = classifyError(reset, {
      method: undefined,
      path: undefined,
      url: undefined,
      requestIdHeaders: undefined,
      nowMs: undefined,
    });
    expect(explicit.toJSON()).toEqual(classifyError(reset).toJSON());
    expect(explicit.code).toBe('network.connection_reset');
  });
});

describe('classifyHttpResponse fields undefined', () => {
  it('finds the request id and Retry-After with the defaults', () => {
    const headers = new Headers({ 'x-request-id': 'req_9', 'retry-after': '3' });
    const explicit = classifyHttpResponse({
      status: 503,
      headers,
      body: undefined,
      method: undefined,
      path: undefined,
      requestIdHeaders: undefined,
      nowMs: undefined,
      cause: undefined,
    });
    expect(explicit.toJSON()).toEqual(classifyHttpResponse({ status: 503, headers }).toJSON());
    expect([explicit.requestId, explicit.retryAfterMs]).toEqual(['req_9', 3000]);
  });

  it('reads an HTTP-date Retry-After against the real clock when nowMs is undefined', () => {
    const headers = { 'retry-after': new Date(Date.now() + 60_000).toUTCString() };
    const wait = classifyHttpResponse({ status: 429, headers, nowMs: undefined }).retryAfterMs ?? 0;
    expect(wait).toBeGreaterThan(55_000);
    expect(wait).toBeLessThanOrEqual(60_000);
  });
});

describe('createVendorErrorMapper options undefined', () => {
  it('is a mapper with empty tables, the default extractor and the status fallback', () => {
    const map = createVendorErrorMapper({
      exact: undefined,
      broad: undefined,
      extract: undefined,
      fallback: undefined,
    });
    const error = map({ code: -1, message: 'boom' }, { status: 502, method: 'GET', path: '/x' });
    expect(error?.code).toBe('server.bad_gateway');
    expect(map({ ok: true }, { status: 200 })).toBeUndefined();
  });

  it('keeps the given table when the others are undefined', () => {
    const map = createVendorErrorMapper({ ...BINANCE_ERROR_MAP, broad: undefined, fallback: undefined });
    expect(map({ code: -1021, msg: 'Timestamp outside recvWindow' }, { status: 400 })?.code).toBe(
      'auth.clock_skew',
    );
  });
});

describe('helpers with optional arguments undefined', () => {
  it('extractVendorError, readRequestId and parseRetryAfter use their defaults', () => {
    expect(extractVendorError({ code: 7, message: 'bad' }, { status: undefined })).toEqual(
      extractVendorError({ code: 7, message: 'bad' }),
    );
    expect(readRequestId({ 'x-request-id': 'r1' }, undefined)).toBe('r1');
    expect(parseRetryAfter({ 'retry-after': '2' }, undefined)).toBe(2000);
  });
});
