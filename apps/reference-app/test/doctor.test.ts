import { createServer } from 'node:net';
import {
  DEMO_CREDENTIALS,
  type SandboxBroker,
  type SandboxBrokerOptions,
  startSandboxBroker,
} from '@kit/sandbox-broker';
import { createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Resolver } from '../src/doctor/net-probes';
import { doctorJson, firstFailure } from './support';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

async function sandbox(options: SandboxBrokerOptions = {}): Promise<SandboxBroker> {
  const broker = await startSandboxBroker({ port: 0, seed: 5, ...options });
  open.push(broker);
  return broker;
}

const trader = DEMO_CREDENTIALS.trader;

/** Environment for `--target` with HMAC credentials. */
function hmacEnv(
  url: string,
  key: string = trader.keyId,
  secret: string = trader.secret,
): Record<string, string> {
  return { KIT_TARGET: url, KIT_API_KEY: key, KIT_API_SECRET: secret, KIT_TIMEOUT: '1s' };
}

/** A resolver for tests: only names in `table` resolve; it counts lookups and never asks real DNS. */
function fakeResolver(table: Record<string, string> = {}): Resolver & { lookups: string[] } {
  const lookups: string[] = [];
  const resolver = async (hostname: string) => {
    lookups.push(hostname);
    const address = table[hostname];
    if (address === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname,
      });
    }
    return [{ address, family: 4 as const }];
  };
  return Object.assign(resolver, { lookups });
}

describe('kit doctor against a real sandbox', () => {
  it('passes every check against a healthy sandbox and exits 0', async () => {
    const broker = await sandbox();
    const { code, report } = await doctorJson([], hmacEnv(broker.url), fakeResolver());
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['config', 'pass'],
      ['dns', 'pass'],
      ['tcp', 'pass'],
      ['tls', 'skip'],
      ['http', 'pass'],
      ['clock', 'pass'],
      ['credentials', 'pass'],
      ['permissions', 'pass'],
      ['rate_limit', 'pass'],
      ['ws_handshake', 'pass'],
      ['ws_login', 'pass'],
      ['ws_heartbeat', 'pass'],
      ['ws_subscription', 'pass'],
    ]);
    expect(report.checks.find((check) => check.id === 'tls')?.notApplicable).toBe(true);
    expect(report.checks.find((check) => check.id === 'http')?.timings).toMatchObject({
      connectMs: expect.any(Number),
      firstByteMs: expect.any(Number),
    });
    expect(code).toBe(0);
  });

  it('names the signed call, auth.invalid_signature and the secret for a wrong secret', async () => {
    const broker = await sandbox();
    const { code, report, check } = await doctorJson(
      [],
      hmacEnv(broker.url, trader.keyId, 'sbx_secret_not_the_right_one'),
    );
    expect(firstFailure(report)?.id).toBe('credentials');
    expect(check('credentials').problem).toMatchObject({
      code: 'auth.invalid_signature',
      docs: 'docs/troubleshooting/auth-invalid-signature.md',
    });
    expect(check('credentials').problem?.hint).toContain('KIT_API_SECRET');
    expect(check('permissions')).toMatchObject({
      status: 'skip',
      skippedBecause: 'Credentials (signed call)',
    });
    expect(check('ws_login')).toMatchObject({ status: 'skip' });
    expect(code).toBe(1);
  });

  it('fails the clock check with auth.clock_skew when the server clock is 30 s ahead, and skips the signed call', async () => {
    const broker = await sandbox({ clockOffsetMs: 30_000 });
    const { code, report, check } = await doctorJson([], hmacEnv(broker.url));
    expect(firstFailure(report)?.id).toBe('clock');
    expect(check('clock').problem?.code).toBe('auth.clock_skew');
    expect(check('clock').summary).toMatch(/server clock 30\.\d s ahead of this machine \(window ±5\.0 s/);
    expect(check('clock').problem?.hint).toMatch(/behind the server.*NTP/);
    expect(check('credentials')).toMatchObject({
      status: 'skip',
      skippedBecause: 'Clock skew vs signing window',
    });
    // The stream's upgrade does not depend on the clock: it is checked with the configured
    // credentials (not reported as missing), and only the signed login waits for the clock.
    expect(check('ws_handshake')).toMatchObject({ status: 'pass' });
    expect(check('ws_login')).toMatchObject({
      status: 'skip',
      skippedBecause: 'Clock skew vs signing window',
    });
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['clock']);
    expect(code).toBe(1);
  });

  it('rejects an http:// URL for a non-loopback host in the config check, before any lookup', async () => {
    const resolver = fakeResolver();
    const { code, report, check } = await doctorJson([], hmacEnv('http://api.example.com'), resolver);
    expect(firstFailure(report)?.id).toBe('config');
    expect(check('config').problem).toMatchObject({ code: 'config.insecure_url' });
    expect(check('config').problem?.hint).toContain('https://');
    expect(check('dns').status).toBe('skip');
    expect(resolver.lookups).toEqual([]);
    expect(code).toBe(1);
  });

  it('names TCP connect and network.connection_refused for a closed port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { code, report, check } = await doctorJson([], hmacEnv(`http://127.0.0.1:${port}`));
    expect(firstFailure(report)?.id).toBe('tcp');
    expect(check('tcp').problem?.code).toBe('network.connection_refused');
    expect(check('tcp').problem?.hint).toContain(`127.0.0.1:${port}`);
    expect(check('http').status).toBe('skip');
    expect(code).toBe(1);
  });

  it('names DNS lookup and network.dns_failure for an unknown host (injected resolver)', async () => {
    const resolver = fakeResolver();
    const { code, report, check } = await doctorJson(
      [],
      hmacEnv('https://broker.unknown-host.example:8443'),
      resolver,
    );
    expect(resolver.lookups).toEqual(['broker.unknown-host.example']);
    expect(firstFailure(report)?.id).toBe('dns');
    expect(check('dns').problem?.code).toBe('network.dns_failure');
    expect(check('dns').problem?.hint).toContain('"broker.unknown-host.example" does not resolve');
    expect(check('tcp').status).toBe('skip');
    expect(code).toBe(1);
  });

  describe('TLS', () => {
    const tlsCase = async (variant: 'valid' | 'expired' | 'wrong-host' | 'untrusted', trustCa = true) => {
      const broker = await sandbox({ tls: variant });
      const url = broker.url.replace('http://', 'https://');
      const caFile = trustCa ? await writeCa(broker.caCertPem as string) : undefined;
      return doctorJson(caFile ? ['--ca-file', caFile] : [], hmacEnv(url));
    };

    it('passes with a valid certificate from a CA given by --ca-file, showing subject and dates', async () => {
      const { code, check } = await tlsCase('valid');
      expect(check('tls').status).toBe('pass');
      expect(check('tls').details?.join('\n')).toMatch(
        /subject CN=sandbox-broker valid[\s\S]*valid {3}2024-01-01 to 2124-01-01/,
      );
      expect(check('ws_subscription').status).toBe('pass');
      expect(code).toBe(0);
    });

    it('names an expired certificate with its dates', async () => {
      const { code, report, check } = await tlsCase('expired');
      expect(firstFailure(report)?.id).toBe('tls');
      expect(check('tls').problem?.code).toBe('network.tls_failure');
      expect(check('tls').summary).toBe('certificate expired on 2021-01-01');
      expect(check('tls').problem?.hint).toContain('renew the certificate');
      expect(check('http').status).toBe('skip');
      expect(code).toBe(1);
    });

    it('names a certificate for another host', async () => {
      const { report, check } = await tlsCase('wrong-host');
      expect(firstFailure(report)?.id).toBe('tls');
      expect(check('tls').summary).toBe('certificate is for DNS:wrong-host.invalid, not 127.0.0.1');
      expect(check('tls').problem?.hint).toContain('does not cover "127.0.0.1"');
    });

    it('names a certificate from an untrusted CA and says how to trust one', async () => {
      const { report, check } = await tlsCase('untrusted');
      expect(firstFailure(report)?.id).toBe('tls');
      expect(check('tls').summary).toBe(
        'certificate issued by "kit sandbox-broker untrusted CA", which this machine does not trust',
      );
      expect(check('tls').problem?.hint).toContain('--ca-file');
    });
  });

  it('fails permissions with auth.insufficient_permissions for a read-only key', async () => {
    const broker = await sandbox();
    const reader = DEMO_CREDENTIALS.reader;
    const { code, report, check } = await doctorJson([], hmacEnv(broker.url, reader.keyId, reader.secret));
    expect(firstFailure(report)?.id).toBe('permissions');
    expect(check('credentials').status).toBe('pass');
    expect(check('permissions').problem?.code).toBe('auth.insufficient_permissions');
    expect(check('permissions').problem?.hint).toContain('"trade" scope');
    expect(code).toBe(1);
  });

  it('warns (exit 2) when the rate-limit window is nearly used up by someone else', async () => {
    const broker = await sandbox({ rateLimit: { limit: 40, windowMs: 60_000 } });
    const { createRestClient } = await import('@kit/rest-client');
    const { hmacAuth } = await import('@kit/auth');
    const other = createRestClient({
      baseUrl: `${broker.url}/v1`,
      auth: hmacAuth({ apiKey: trader.keyId, apiSecret: trader.secret }),
      retry: false,
    });
    for (let index = 0; index < 7; index++) await other.get('/orders', { weight: 5 });
    const { code, check } = await doctorJson([], hmacEnv(broker.url));
    expect(check('rate_limit').status).toBe('warn');
    expect(check('rate_limit').problem?.code).toBe('rate_limit.exceeded');
    expect(check('rate_limit').summary).toMatch(/^\d of 40 requests left in this window/);
    expect(check('rate_limit').problem?.hint).toContain('own key');
    expect(code).toBe(2);
  });

  describe('WebSocket', () => {
    async function faultServer(options: Parameters<typeof createWsFaultServer>[0]): Promise<WsFaultServer> {
      const server = await createWsFaultServer(options);
      open.push(server);
      return server;
    }

    it('names the login and protocol.ws_auth_rejected when the stream rejects logins REST accepts', async () => {
      const broker = await sandbox();
      const stream = await faultServer({ faults: { rejectAuth: 'message' } });
      const { code, report, check } = await doctorJson(['--ws-url', stream.url], hmacEnv(broker.url));
      expect(firstFailure(report)?.id).toBe('ws_login');
      expect(check('ws_handshake').status).toBe('pass');
      expect(check('ws_login').problem?.code).toBe('protocol.ws_auth_rejected');
      expect(check('ws_login').problem?.hint).toContain('REST calls with the same credentials work');
      expect(check('ws_heartbeat').status).toBe('skip');
      expect(code).toBe(1);
    });

    it('names the login and timeout.auth_ack when the socket opens but never sends', async () => {
      const broker = await sandbox();
      const stream = await faultServer({ onConnection: (connection) => connection.halfOpen() });
      const { code, report, check } = await doctorJson(['--ws-url', stream.url], hmacEnv(broker.url));
      expect(firstFailure(report)?.id).toBe('ws_login');
      expect(check('ws_handshake').status).toBe('pass');
      expect(check('ws_login').problem?.code).toBe('timeout.auth_ack');
      expect(check('ws_login').problem?.hint).toContain('sent nothing back');
      expect(check('ws_subscription').status).toBe('skip');
      expect(code).toBe(1);
    });
  });
});

async function writeCa(pem: string): Promise<string> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'kit-doctor-ca-'));
  const file = join(dir, 'ca.pem');
  await writeFile(file, pem);
  return file;
}
