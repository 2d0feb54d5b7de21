import { isKitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SANDBOX_BROKER_OPTIONS,
  DEMO_CREDENTIALS,
  type SandboxBrokerOptions,
  startSandboxBroker,
} from '../src/index';
import { call } from './support';

async function rejection(options: unknown): Promise<Error> {
  try {
    const broker = await startSandboxBroker(options as SandboxBrokerOptions);
    await broker.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected startSandboxBroker to refuse the options');
}

describe('options', () => {
  it.each([
    [{ port: -1 }, /port must be an integer from 0 to 65535, got -1/],
    [{ port: '8080' }, /port must be an integer/],
    [{ host: '0.0.0.0' }, /host must be a loopback address/],
    [{ seed: 1.5 }, /seed must be an integer/],
    [{ profile: 'brutal' }, /profile must be one of none, mild, harsh, got "brutal"/],
    [{ tls: 'self-signed' }, /tls must be false or one of valid, expired, wrong-host, untrusted/],
    [{ tokenTtlMs: 0 }, /tokenTtlMs must be an integer from 1/],
    [{ recvWindowMs: Number.NaN }, /recvWindowMs must be an integer/],
    [{ rateLimit: { limit: 10 } }, /rateLimit.windowMs must be an integer/],
    [{ rateLimit: true }, /rateLimit must be \{ limit, windowMs \} or false/],
    [
      { faults: { http: { latency: { probability: 2, minMs: 1, maxMs: 2 } } } },
      /faults.http.latency.probability must be a probability/,
    ],
    [
      { faults: { http: { latency: { probability: 0.1, minMs: 9, maxMs: 2 } } } },
      /faults.http.latency must be minMs <= maxMs/,
    ],
    [{ faults: { tcp: {} } }, /faults.tcp must be http or ws/],
    [{ faults: { ws: { drop: { probability: -1 } } } }, /faults.ws.drop.probability/],
    [
      { faults: { http: { match: 'POST /v1/orders' } } },
      /faults.http.match must be a list of route patterns/,
    ],
    [
      { credentials: [{ keyId: 'k1', secret: 'short', scopes: ['read'] }] },
      /credentials\[0\].secret must be a string of at least 8 characters, got "\(hidden\)"/,
    ],
    [
      { credentials: [{ keyId: 'k1', secret: 'long-enough', scopes: ['admin'] }] },
      /credentials\[0\].scopes must be a list of scopes/,
    ],
    [{ adminToken: 'short' }, /adminToken must be a string of at least 16 characters/],
    [{ enforceUniqueClientOrderId: 'yes' }, /enforceUniqueClientOrderId must be true or false/],
    [{ symbols: [] }, /symbols must be a non-empty list/],
  ])('%j is refused with a clear config.invalid error', async (options, message) => {
    const error = await rejection(options);
    expect(isKitError(error)).toBe(true);
    expect((error as Error & { code?: string }).code).toBe('config.invalid');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('long-enough');
  });

  it('refuses an unknown option with config.unknown_key', async () => {
    const error = await rejection({ prot: 8080 });
    expect((error as Error & { code?: string }).code).toBe('config.unknown_key');
    expect(error.message).toContain('"prot"');
  });

  it('takes undefined as the default for every option', async () => {
    const all = Object.fromEntries(
      [
        ...Object.keys(DEFAULT_SANDBOX_BROKER_OPTIONS),
        'faults',
        'credentials',
        'oauthClients',
        'adminToken',
      ].map((k) => [k, undefined]),
    );
    const broker = await startSandboxBroker(all as SandboxBrokerOptions);
    try {
      expect(broker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(broker.adminToken).toMatch(/^sbx_admin_/);
      expect(broker.caCertPem).toBeUndefined();
      const res = await call(broker.url, { path: '/v1/account' });
      expect(res.headers['x-ratelimit-limit']).toBe('200');
    } finally {
      await broker.close();
    }
  });

  it('serves custom credentials on their own accounts, and reports a port in use', async () => {
    const broker = await startSandboxBroker({
      credentials: [
        { keyId: 'alice', secret: 'alice-secret-1', scopes: ['read', 'trade'], accountId: 'acc_alice' },
      ],
    });
    try {
      expect(
        (await call(broker.url, { path: '/v1/account', key: { keyId: 'alice', secret: 'alice-secret-1' } }))
          .json.id,
      ).toBe('acc_alice');
      expect(
        (await call(broker.url, { path: '/v1/account', key: DEMO_CREDENTIALS.trader })).json.error.code,
      ).toBe('UNKNOWN_API_KEY');
      const busy = await rejection({ port: broker.port });
      expect(busy.message).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
    } finally {
      await broker.close();
    }
  });
});
