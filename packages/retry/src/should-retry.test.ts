import { KitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { isIdempotentMethod, shouldRetry } from './should-retry';

describe('shouldRetry (DESIGN §4)', () => {
  const cases: Array<[string, KitError, { method?: string; hasIdempotencyKey?: boolean }, boolean]> = [
    ['503 on GET', new KitError('server.unavailable', { status: 503 }), { method: 'GET' }, true],
    ['503 on lower-case put', new KitError('server.unavailable', { status: 503 }), { method: 'put' }, true],
    [
      '503 on POST without key',
      new KitError('server.unavailable', { status: 503 }),
      { method: 'POST' },
      false,
    ],
    [
      '503 on POST with key',
      new KitError('server.unavailable', { status: 503 }),
      { method: 'POST', hasIdempotencyKey: true },
      true,
    ],
    [
      '429 on POST without key',
      new KitError('rate_limit.exceeded', { status: 429 }),
      { method: 'POST' },
      true,
    ],
    [
      'refused connection on PATCH (never sent)',
      new KitError('network.connection_refused', { outcome: 'not_sent' }),
      { method: 'PATCH' },
      true,
    ],
    [
      'reset after send on POST',
      new KitError('network.connection_reset', { outcome: 'unknown' }),
      { method: 'POST' },
      false,
    ],
    [
      'attempt timeout on POST',
      new KitError('timeout.attempt', { outcome: 'unknown' }),
      { method: 'POST' },
      false,
    ],
    [
      'attempt timeout on GET',
      new KitError('timeout.attempt', { outcome: 'unknown' }),
      { method: 'GET' },
      true,
    ],
    ['501 on GET', new KitError('server.not_implemented', { status: 501 }), { method: 'GET' }, false],
    [
      '505 even if marked retryable',
      new KitError('server.error', { status: 505, retryable: true }),
      { method: 'GET' },
      false,
    ],
    ['400 on GET', new KitError('client.bad_request', { status: 400 }), { method: 'GET' }, false],
    [
      '404 forced retryable',
      new KitError('client.not_found', { status: 404, retryable: true }),
      { method: 'GET' },
      false,
    ],
    ['408 on GET', new KitError('client.request_timeout', { status: 408 }), { method: 'GET' }, true],
    [
      '409 the server says to retry (x-should-retry: true) on GET',
      new KitError('client.conflict', { status: 409, retryable: true, retryHint: true }),
      { method: 'GET' },
      true,
    ],
    [
      '409 the server says to retry, on POST without a key',
      new KitError('client.conflict', { status: 409, retryable: true, retryHint: true }),
      { method: 'POST' },
      false,
    ],
    [
      '503 the server says not to retry (x-should-retry: false)',
      new KitError('server.unavailable', { status: 503, retryable: false, retryHint: false }),
      { method: 'GET' },
      false,
    ],
    [
      'execution unknown, even with a key',
      new KitError('server.execution_unknown', { retryable: true }),
      { method: 'POST', hasIdempotencyKey: true },
      false,
    ],
    [
      'non-retryable on GET',
      new KitError('auth.invalid_credentials', { status: 401 }),
      { method: 'GET' },
      false,
    ],
    ['no method, server error', new KitError('server.internal', { status: 500 }), {}, false],
  ];
  it.each(cases)('%s', (_name, error, request, expected) => {
    expect(shouldRetry(error, request)).toBe(expected);
  });

  it('knows the idempotent methods', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'].every(isIdempotentMethod)).toBe(true);
    expect(['POST', 'PATCH', 'CONNECT', undefined].some(isIdempotentMethod)).toBe(false);
  });
});
