import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_ID_HEADERS, readRequestId } from './request-id';

describe('readRequestId', () => {
  it('reads the first known header, case-insensitively', () => {
    expect(readRequestId({ 'X-Request-Id': 'req_1', 'cf-ray': 'ray' })).toBe('req_1');
    expect(readRequestId({ 'x-amzn-RequestId': 'aws_1' })).toBe('aws_1');
    expect(readRequestId(new Headers({ 'request-id': 'stripe_1' }))).toBe('stripe_1');
    expect(readRequestId({ 'cf-ray': '8a1b-AMS' })).toBe('8a1b-AMS');
  });

  it('prefers origin request ids over a CDN ray id', () => {
    expect(DEFAULT_REQUEST_ID_HEADERS.indexOf('cf-ray')).toBeGreaterThan(
      DEFAULT_REQUEST_ID_HEADERS.indexOf('x-request-id'),
    );
    expect(readRequestId({ 'cf-ray': 'ray', 'x-correlation-id': 'corr' })).toBe('corr');
  });

  it('takes custom names, trims, strips control characters and bounds the length', () => {
    expect(readRequestId({ 'x-mbx-uuid': ' abc\u0007 ' }, ['x-mbx-uuid'])).toBe('abc');
    expect(readRequestId({ 'x-request-id': 'a'.repeat(500) })).toHaveLength(200);
  });

  it('returns undefined when there is none', () => {
    expect(readRequestId({})).toBeUndefined();
    expect(readRequestId({ 'x-request-id': '   ' })).toBeUndefined();
    expect(readRequestId(undefined)).toBeUndefined();
  });
});
