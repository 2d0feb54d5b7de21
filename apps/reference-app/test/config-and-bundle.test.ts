import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CREDENTIALS, startSandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorJson, hasEscapeCodes, runKit } from './support';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kit-reference-app-'));
});

/** Five classic mistakes in one config file. */
const FIVE_MISTAKES = {
  target: 'http://broker.example.com', // plain http to a non-loopback host
  apiKey: 'sbx_key_trader',
  apiSecret: ' sbx_secret_trader_4d9f2c7a1e\n', // whitespace copied with the secret
  profile: 'harshh', // enum typo
  seed: '42', // a quoted number
  logLevle: 'debug', // a misspelt key
};

describe('a config with five classic mistakes', () => {
  it('gets all five reported at once by the doctor, each with its hint, and no lookup of the host', async () => {
    const file = join(dir, 'five-mistakes.json');
    await writeFile(file, JSON.stringify(FIVE_MISTAKES, null, 2));
    const resolved: string[] = [];
    const { code, check } = await doctorJson(['--config', file], {}, async (host) => {
      resolved.push(host);
      throw new Error('no lookup expected');
    });
    const config = check('config');
    expect(config.status).toBe('fail');
    expect(config.summary).toBe('5 problems, all listed below');
    const details = config.details?.join('\n') ?? '';
    expect(details).toContain('config.insecure_url  target');
    expect(details).toContain('Use https:// for this host');
    expect(details).toContain('config.invalid  apiSecret');
    expect(details).toContain('Remove the spaces or newline around the value');
    expect(details).toContain('"harshh"');
    expect(details).toContain('Did you mean "harsh"?');
    expect(details).toContain('seed');
    expect(details).toContain('write numbers without quotes');
    expect(details).toContain('config.unknown_key  logLevle');
    expect(details).toContain('Did you mean "logLevel"?');
    expect(details).not.toContain('sbx_secret_trader_4d9f2c7a1e');
    expect(check('dns').status).toBe('skip');
    expect(resolved).toEqual([]);
    expect(code).toBe(1);
  });

  it('gets all five from `kit start` too (real process), exit 64, nothing started', async () => {
    const file = join(dir, 'five-mistakes-start.json');
    await writeFile(file, JSON.stringify(FIVE_MISTAKES));
    const { code, stdout, stderr } = await runKit(['start', '--config', file]);
    expect(stderr).toContain('kit start: 5 configuration problems');
    for (const code of ['config.insecure_url', 'config.unknown_key']) expect(stderr).toContain(code);
    expect(stderr.match(/^ {2}✖ /gm)).toHaveLength(5);
    expect(stderr.match(/^ {4}hint: /gm)).toHaveLength(5);
    expect(stderr).not.toContain('sbx_secret_trader_4d9f2c7a1e');
    expect(stdout).toBe('');
    expect(code).toBe(64);
  });
});

describe('doctor --bundle', () => {
  let broker: Awaited<ReturnType<typeof startSandboxBroker>>;
  beforeAll(async () => {
    broker = await startSandboxBroker({ port: 0, seed: 3 });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('writes a support bundle with versions, OS, config, checks and logs, and none of the secrets from config or env', async () => {
    const wrongSecret = 'known-wrong-secret-in-config-3f9a';
    const adminToken = 'known-admin-token-in-config-77c1';
    const envSecret = 'known-adapter-secret-in-env-5b2e';
    const envToken = 'known-bearer-in-env-9d4a0c';
    const file = join(dir, 'with-secrets.json');
    await writeFile(
      file,
      JSON.stringify({ apiKey: DEMO_CREDENTIALS.trader.keyId, apiSecret: wrongSecret, adminToken }),
    );
    const bundle = join(dir, 'bundle.json');
    const { code, stdout, stderr } = await runKit(
      ['doctor', '--config', file, '--bundle', bundle, '--timeout', '2s'],
      {
        KIT_TARGET: broker.url,
        SAMPLE_BROKER_CLIENT_SECRET: envSecret,
        SAMPLE_BROKER_ACCESS_TOKEN: envToken,
      },
    );
    expect(code).toBe(1);
    expect(hasEscapeCodes(stdout)).toBe(false);
    expect(stdout).toContain(`Support bundle written to ${bundle}`);
    const text = await readFile(bundle, 'utf8');
    for (const secret of [wrongSecret, adminToken, envSecret, envToken, DEMO_CREDENTIALS.trader.secret]) {
      expect(text).not.toContain(secret);
      expect(stdout + stderr).not.toContain(secret);
    }
    const parsed = JSON.parse(text) as {
      versions: Record<string, string>;
      os: { platform: string };
      config: { settings: Array<{ setting: string; value: unknown }> };
      environment: Record<string, string>;
      checks: Array<{ id: string; status: string; problem?: { code: string } }>;
      logLines: string[];
    };
    expect(parsed.versions.node).toBe(process.version);
    expect(parsed.versions['@kit/reference-app']).toBe('0.0.0');
    expect(parsed.os.platform).toBe(process.platform);
    const setting = (name: string) => parsed.config.settings.find((entry) => entry.setting === name)?.value;
    expect(setting('profile')).toBe('mild');
    expect(setting('timeout')).toBe(2_000);
    expect(setting('apiSecret')).toBe('[REDACTED]');
    expect(setting('adminToken')).toBe('[REDACTED]');
    expect(setting('target')).toBe(broker.url);
    expect(parsed.environment).toMatchObject({
      KIT_TARGET: broker.url,
      SAMPLE_BROKER_CLIENT_SECRET: '[REDACTED]',
    });
    expect(parsed.checks).toHaveLength(13);
    expect(parsed.checks.find((check) => check.id === 'credentials')).toMatchObject({
      status: 'fail',
      problem: { code: 'auth.invalid_signature' },
    });
    expect(parsed.logLines.length).toBeGreaterThan(0);
  });
});
