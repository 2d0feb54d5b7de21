import { afterEach, describe, expect, it } from 'vitest';
import { type SandboxBroker, type SandboxTlsVariant, startSandboxBroker } from '../src/index';
import { call } from './support';

const brokers: SandboxBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function start(tls: SandboxTlsVariant): Promise<SandboxBroker> {
  const broker = await startSandboxBroker({ tls });
  brokers.push(broker);
  return broker;
}

async function outcome(broker: SandboxBroker, ca: string | undefined): Promise<string | number> {
  try {
    return (await call(broker.url, { path: '/v1/time', key: null, ...(ca ? { ca } : {}) })).status;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

describe('TLS variants (committed fixtures with fixed dates)', () => {
  it('valid: https and wss URLs, accepted by a client that trusts the test CA, refused by one that does not', async () => {
    const broker = await start('valid');
    expect(broker.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/v1\/stream$/);
    expect(broker.caCertPem).toContain('BEGIN CERTIFICATE');
    expect(await outcome(broker, broker.caCertPem)).toBe(200);
    expect(await outcome(broker, undefined)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // Signed requests work the same over TLS.
    expect((await call(broker.url, { path: '/v1/account', ca: broker.caCertPem! })).status).toBe(200);
  });

  it('expired: refused as expired even with the test CA trusted', async () => {
    const broker = await start('expired');
    expect(await outcome(broker, broker.caCertPem)).toBe('CERT_HAS_EXPIRED');
  });

  it('wrong-host: refused for the host name', async () => {
    const broker = await start('wrong-host');
    expect(await outcome(broker, broker.caCertPem)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('untrusted: signed by a CA the client does not know', async () => {
    const broker = await start('untrusted');
    expect(await outcome(broker, broker.caCertPem)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
