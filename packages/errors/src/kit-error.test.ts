import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isKitError, KitError } from './kit-error';

describe('KitError', () => {
  it('takes category, retryable, hint and docs slug from the catalogue', () => {
    const error = new KitError('server.unavailable', { status: 503 });
    expect(error.category).toBe('server');
    expect(error.retryable).toBe(true);
    expect(error.docsSlug).toBe('server-unavailable');
    expect(error.hint.length).toBeGreaterThan(10);
    expect(isKitError(error, 'server.unavailable')).toBe(true);
    expect(isKitError(new Error('x'))).toBe(false);
  });

  it('never shows a cause object in toJSON or inspect, only its summary', () => {
    const cause = Object.assign(new Error('boom'), {
      config: { headers: { Authorization: 'Bearer sk_live_123' } },
    });
    const error = new KitError('network.connection_reset', { cause });
    expect(JSON.stringify(error)).not.toContain('sk_live_123');
    expect(inspect(error, { depth: 10 })).not.toContain('sk_live_123');
  });
});

describe('summariseCause', () => {
  it('masks bearer tokens and URL credentials in cause messages', async () => {
    const { summariseCause } = await import('./kit-error');
    const summary = summariseCause(new Error('failed https://bob:hunter2@h/x with Bearer abc.def')) as {
      message: string;
    };
    expect(summary.message).toBe('failed https://h/x with Bearer [REDACTED]');
  });

  it('omits valibot messages, which quote received values', async () => {
    const { summariseCause } = await import('./kit-error');
    const vali = Object.assign(new Error('Invalid type: Expected number but received "sk_live_1"'), {
      name: 'ValiError',
      issues: [],
    });
    expect(JSON.stringify(summariseCause(vali))).not.toContain('sk_live_1');
  });

  it('bounds the cause chain depth', async () => {
    const { summariseCause } = await import('./kit-error');
    let error = new Error('root');
    for (let i = 0; i < 10; i++) error = new Error(`level ${i}`, { cause: error });
    expect(JSON.stringify(summariseCause(error))).toContain('[cause chain truncated]');
  });
});
