import { describe, expect, it } from 'vitest';
import type { ErrorCode } from './catalogue';
import { classifyHttpResponse } from './classify-http-response';

const NOW = 1_767_268_800_000;

describe('classifyHttpResponse', () => {
  it.each<[number, ErrorCode, boolean]>([
    [400, 'client.bad_request', false],
    [401, 'auth.invalid_credentials', false],
    [402, 'client.error', false],
    [403, 'auth.insufficient_permissions', false],
    [404, 'client.not_found', false],
    [405, 'client.method_not_allowed', false],
    [408, 'client.request_timeout', true],
    [409, 'client.conflict', false],
    [413, 'client.payload_too_large', false],
    [418, 'rate_limit.ip_banned', false],
    [422, 'client.unprocessable', false],
    [429, 'rate_limit.exceeded', true],
    [451, 'client.error', false],
    [500, 'server.internal', true],
    [501, 'server.not_implemented', false],
    [502, 'server.bad_gateway', true],
    [503, 'server.unavailable', true],
    [504, 'server.gateway_timeout', true],
    [505, 'server.http_version_not_supported', false],
    [507, 'server.error', true],
  ])('maps %i to %s (retryable: %s)', (status, code, retryable) => {
    const error = classifyHttpResponse({ status, headers: {} });
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
  });

  it('marks 4xx rejected and 5xx unknown, except 501/505 which never ran', () => {
    expect(classifyHttpResponse({ status: 409 }).outcome).toBe('rejected');
    expect(classifyHttpResponse({ status: 502 }).outcome).toBe('unknown');
    expect(classifyHttpResponse({ status: 501 }).outcome).toBe('rejected');
  });

  it('names method and path without the query string', () => {
    const error = classifyHttpResponse({ status: 404, method: 'get', path: '/v1/orders/7?signature=abc' });
    expect(error.message).toBe('GET /v1/orders/7: Not found (HTTP 404)');
    expect(error.path).toBe('/v1/orders/7');
    expect(error.method).toBe('GET');
  });

  it('tells an expired token, a bad signature and clock skew apart on 401', () => {
    const challenge = { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="expired"' };
    expect(classifyHttpResponse({ status: 401, headers: challenge }).code).toBe('auth.expired_token');
    expect(classifyHttpResponse({ status: 401, body: { message: 'Token has expired' } }).code).toBe(
      'auth.expired_token',
    );
    expect(classifyHttpResponse({ status: 401, body: { message: 'Invalid signature.' } }).code).toBe(
      'auth.invalid_signature',
    );
    expect(
      classifyHttpResponse({
        status: 401,
        body: { msg: 'Timestamp for this request is outside of the recvWindow.' },
      }).code,
    ).toBe('auth.clock_skew');
    expect(classifyHttpResponse({ status: 401, body: { message: 'Invalid API key' } }).code).toBe(
      'auth.invalid_credentials',
    );
  });

  it('treats 403 bodies that say banned as IP bans', () => {
    expect(classifyHttpResponse({ status: 403, body: 'Your IP is banned' }).code).toBe(
      'rate_limit.ip_banned',
    );
    expect(classifyHttpResponse({ status: 403, body: { message: 'Missing trade permission' } }).code).toBe(
      'auth.insufficient_permissions',
    );
  });

  it('puts Retry-After and rate-limit resets on 429, and only explicit Retry-After on other statuses', () => {
    const reset = { 'x-ratelimit-reset': String(NOW / 1000 + 20) };
    expect(classifyHttpResponse({ status: 429, headers: reset, nowMs: NOW }).retryAfterMs).toBe(20_000);
    expect(classifyHttpResponse({ status: 500, headers: reset, nowMs: NOW }).retryAfterMs).toBeUndefined();
    expect(
      classifyHttpResponse({ status: 503, headers: { 'retry-after': '9' }, nowMs: NOW }).retryAfterMs,
    ).toBe(9000);
  });

  it('keeps a short, sanitised server message in details and out of the message', () => {
    const long = `quantity must be positive; Bearer abc.def.ghi; token=s3cr3t ${'x'.repeat(500)}`;
    const error = classifyHttpResponse({
      status: 400,
      body: { error: { code: 'invalid_qty', message: long } },
    });
    expect(error.message).toBe('Bad request (HTTP 400)');
    const details = error.details as { serverMessage: string };
    expect(details.serverMessage.startsWith('quantity must be positive')).toBe(true);
    expect(details.serverMessage.length).toBeLessThanOrEqual(200);
    expect(details.serverMessage).not.toContain('abc.def.ghi');
    expect(details.serverMessage).not.toContain('s3cr3t');
    expect(error.vendorCode).toBe('invalid_qty');
  });

  it('reads common body shapes', () => {
    const message = (body: unknown) =>
      (classifyHttpResponse({ status: 400, body }).details as { serverMessage?: string } | undefined)
        ?.serverMessage;
    expect(message({ message: 'a' })).toBe('a');
    expect(message({ error: 'invalid_request', error_description: 'b' })).toBe('b');
    expect(message({ errors: [{ message: 'c' }] })).toBe('c');
    expect(message({ code: -1100, msg: 'd' })).toBe('d');
    expect(message('plain text e')).toBe('plain text e');
    expect(message('{"message":"f"}')).toBe('f');
    expect(message(undefined)).toBeUndefined();
  });

  it('honours x-should-retry and reads request ids from headers or the body', () => {
    expect(classifyHttpResponse({ status: 500, headers: { 'x-should-retry': 'false' } }).retryable).toBe(
      false,
    );
    expect(classifyHttpResponse({ status: 409, headers: { 'X-Should-Retry': 'true' } })).toMatchObject({
      retryable: true,
      retryHint: true,
    });
    expect(classifyHttpResponse({ status: 500, headers: { 'x-request-id': 'h' } }).requestId).toBe('h');
    expect(classifyHttpResponse({ status: 500, body: { request_id: 'b' } }).requestId).toBe('b');
    expect(
      classifyHttpResponse({ status: 500, headers: { 'x-mbx-uuid': 'm' }, requestIdHeaders: ['x-mbx-uuid'] })
        .requestId,
    ).toBe('m');
  });

  it('survives an invalid status', () => {
    const error = classifyHttpResponse({ status: Number.NaN });
    expect(error.code).toBe('client.error');
    expect(error.status).toBeUndefined();
  });
});
