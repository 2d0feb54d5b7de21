import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { call } from './support';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--conditions=@kit/source', '--import', 'tsx', 'src/cli.ts', ...args],
    {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal }));
  /** Resolves with stdout once it contains `text` (or rejects if the process ends first). */
  const waitFor = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text)) {
          child.stdout!.off('data', check);
          resolve(stdout);
        }
      };
      child.stdout!.on('data', check);
      check();
      exited.then(() => reject(new Error(`exited before printing "${text}": ${stderr}`)));
    });
  return { child, waitFor, exited, output: () => ({ stdout, stderr }) };
}

it('prints its URLs and the demo credentials, serves them, and ends cleanly on SIGINT', async () => {
  const cli = run(['--port', '0', '--seed', '42', '--profile', 'mild', '--clock-offset-ms', '0']);
  const stdout = await cli.waitFor('Press Ctrl-C to stop.');
  expect(stdout).toContain('sandbox-broker listening (seed 42, profile mild)');
  expect(stdout).toContain('sbx_key_trader  secret sbx_secret_trader_4d9f2c7a1e');
  expect(stdout).toContain('sbx_client_app  secret sbx_client_secret_7c1a9e4b2f');
  const rest = /REST {4}(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stdout)![1]!;
  expect(stdout).toContain(`Stream  ${rest.replace('http', 'ws')}/v1/stream`);
  const token = /Bearer (sbx_admin_\S+)\)/.exec(stdout)![1]!;
  expect((await call(rest, { path: '/v1/account' })).status).toBe(200);
  const ledger = await call(rest, {
    path: '/admin/ledger',
    key: null,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(ledger.json.counts.requests).toBe(1);
  cli.child.kill('SIGINT');
  expect(await cli.exited).toEqual({ code: 0, signal: null });
  expect(cli.output().stdout).toContain('sandbox-broker stopped (SIGINT)');
});

it('--help prints the usage; a bad option exits 2 with the reason', async () => {
  const help = run(['--help']);
  expect(await help.exited).toEqual({ code: 0, signal: null });
  expect(help.output().stdout).toContain('--profile <name>        fault mix: none, mild, harsh');
  const bad = run(['--profile', 'brutal']);
  expect((await bad.exited).code).toBe(2);
  expect(bad.output().stderr).toContain('profile must be one of none, mild, harsh, got "brutal"');
  const typo = run(['--prot', '8080']);
  expect((await typo.exited).code).toBe(2);
  expect(typo.output().stderr).toMatch(/Unknown option '--prot'/);
});
