import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_BROKER_OPTIONS, DEMO_CREDENTIALS, startSandboxBroker } from '../src/index';
import { profileRows } from './profile-rows';
import { call } from './support';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const cells = (row: string) =>
  row
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
const tableRows = (startsWith: string) =>
  readme.split('\n').filter((line) => line.startsWith(`| ${startsWith}`));

describe('README', () => {
  it('the worked signing example: each string to sign is timestamp + method + target + body, and each signature is its HMAC', () => {
    const rows = tableRows('`').filter((row) => row.includes('`1764620000000'));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [request, toSign, signature] = cells(row).map((cell) => cell.replace(/^`|`$/g, ''));
      const match = /^(GET|POST) (\S+?)`?(?: with `(.*))?$/.exec(request!)!;
      const [, method, target, body = ''] = match;
      expect(toSign).toBe(`1764620000000${method}${target}${body}`);
      expect(signature).toBe(
        createHmac('sha256', DEMO_CREDENTIALS.trader.secret).update(toSign!).digest('hex'),
      );
    }
    const openssl = /SHA2-256\(stdin\)= ([0-9a-f]{64})/.exec(readme)![1];
    expect(openssl).toBe(cells(rows[0]!)[2]!.replace(/`/g, ''));
  });

  it('a request signed the way the README says is accepted (with a timestamp from now)', async () => {
    const broker = await startSandboxBroker();
    try {
      const timestamp = String(Date.now());
      const target = '/v1/orders?status=open&limit=2';
      const signature = createHmac('sha256', 'sbx_secret_trader_4d9f2c7a1e')
        .update(`${timestamp}GET${target}`)
        .digest('hex');
      const res = await call(broker.url, {
        path: target,
        key: null,
        headers: { 'X-API-Key': 'sbx_key_trader', 'X-Timestamp': timestamp, 'X-Signature': signature },
      });
      expect(res.status).toBe(200);
    } finally {
      await broker.close();
    }
  });

  it('the profile table is PROFILES', () => {
    const documented = readme
      .split('\n')
      .filter((line) => /^\| `(http|ws)\.\w+` +\|/.test(line))
      .map(cells);
    expect(documented).toEqual(profileRows().map(cells));
  });

  it('the demo credentials table is DEMO_CREDENTIALS, and every option is in the options table', () => {
    for (const credential of [DEMO_CREDENTIALS.trader, DEMO_CREDENTIALS.reader]) {
      expect(readme).toMatch(new RegExp(`\\| \`${credential.keyId}\` \\| \`${credential.secret}\` \\|`));
    }
    const { clientId, clientSecret } = DEMO_CREDENTIALS.oauthClient;
    expect(readme).toMatch(new RegExp(`\\| \`${clientId}\` +\\| \`${clientSecret}\` \\|`));
    for (const option of [
      ...Object.keys(DEFAULT_SANDBOX_BROKER_OPTIONS),
      'faults',
      'credentials',
      'oauthClients',
      'adminToken',
    ]) {
      expect(readme).toMatch(new RegExp(`^\\| \`${option}\` +\\|`, 'm'));
    }
  });
});
