import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));

function runMain(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@kit/source', '--import', 'tsx', 'src/main.ts'],
      { cwd: appDir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it('loads the config, redacts the key, classifies real loopback failures and exits 0', async () => {
  const key = 'sk_example_test_key_42';
  const { code, stdout, stderr } = await runMain({
    KIT_EXAMPLE_API_KEY: key,
    KIT_EXAMPLE_REST__TIMEOUT_MS: '3s',
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const [configLine] = stdout.split('\n');
  expect(JSON.parse(configLine ?? '')).toMatchObject({
    msg: 'config loaded',
    fields: {
      apiKey: '[REDACTED]',
      timeoutMs: 3000,
      note: 'the key [REDACTED] is masked even inside a string',
    },
  });
  expect(stdout).not.toContain(key);
  expect(stdout).toContain('network.connection_refused');
  expect(stdout).toContain('docs/troubleshooting/network-connection-refused.md');
  expect(stdout).toContain('server.unavailable');
  expect(stdout).toContain('retry after: 2000 ms, request id: req-example-1');
  expect(stdout).toContain('plain http:// only for 127.0.0.1');
  expect(stdout).toMatch(/Invalid configuration \(2 problems\)/);
});

it('exits 1 with every problem when its own config is wrong', async () => {
  const { code, stderr, stdout } = await runMain({
    KIT_EXAMPLE_REST__BASE_URL: 'http://api.example.com',
    KIT_EXAMPLE_RETRIES: '3',
  });
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr).toContain('rest.baseUrl (from env KIT_EXAMPLE_REST__BASE_URL)');
  expect(stderr).toContain('KIT_EXAMPLE_RETRIES');
});
