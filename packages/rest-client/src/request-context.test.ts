import { KitError } from '@kit/errors';
import { Secret } from '@kit/logger';
import { describe, expect, it } from 'vitest';
import { withRequestContext } from './request-context';

describe('withRequestContext', () => {
  it('adds method, path and attempts to an error made without them, keeping code, fields and cause', () => {
    const cause = new Error('inner');
    const error = new KitError('timeout.deadline', {
      message: 'The 60000 ms deadline passed',
      cause,
      totalDelayMs: 5,
    });
    const result = withRequestContext(error, { method: 'GET', path: '/v1/orders', attempts: 3 });
    expect([result.code, result.method, result.path, result.attempts, result.totalDelayMs]).toEqual([
      'timeout.deadline',
      'GET',
      '/v1/orders',
      3,
      5,
    ]);
    expect(result.message).toBe('GET /v1/orders: The 60000 ms deadline passed');
    expect(result.cause).toBe(cause);
  });

  it('masks a registered secret that appears in the path', () => {
    new Secret('pathsecret-123456');
    const error = new KitError('client.not_found', {
      method: 'GET',
      path: '/v1/keys/pathsecret-123456',
      status: 404,
    });
    const result = withRequestContext(error, { method: 'GET', path: '/v1/keys/pathsecret-123456' });
    expect(result.path).toBe('/v1/keys/[REDACTED]');
    expect(JSON.stringify(result)).not.toContain('pathsecret-123456');
  });

  it('returns an error that already has its context, updating only attempts', () => {
    const error = new KitError('server.unavailable', { method: 'GET', path: '/v1/x', status: 503 });
    expect(withRequestContext(error, { method: 'GET', path: '/v1/x', attempts: 2 })).toBe(error);
    expect(error.attempts).toBe(2);
  });
});
