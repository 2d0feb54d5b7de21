import { execFile, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CREDENTIALS, type SandboxBroker, startSandboxBroker } from '@kit/sandbox-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, CLI } from './support';

const run = promisify(execFile);
// One tmux server per test process, on its own socket, so nothing else on the machine is touched.
const SOCKET = `kit-reference-app-${process.pid}`;
const tmux = (...args: string[]) => run('tmux', ['-L', SOCKET, ...args], { timeout: 90_000 });

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `kit …` in a real pseudo-terminal (a detached tmux pane, 120x40) and returns the screen as a
 * user would see it when the command has finished. The command signals a tmux channel when it ends;
 * the pane is kept open (a sleep) until the screen has been read, then the session is killed.
 */
async function screenOf(
  name: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ screen: string; code: number }> {
  const assignments = Object.entries({ TERM: 'xterm-256color', ...env }).map(
    ([key, value]) => `${key}=${quote(value)}`,
  );
  const command = [
    'env',
    '-u NO_COLOR -u FORCE_COLOR -u CI',
    ...assignments,
    quote(process.execPath),
    '--conditions=@kit/source --import tsx',
    quote(CLI),
    ...args.map(quote),
    `; echo "[exit $?]"; tmux -L ${SOCKET} wait-for -S ${name}-done; sleep 60`,
  ].join(' ');
  await tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', name, '-c', APP_DIR, command);
  try {
    await tmux('wait-for', `${name}-done`);
    const { stdout } = await tmux('capture-pane', '-p', '-t', name);
    const code = Number(/\[exit (\d+)\]/.exec(stdout)?.[1] ?? Number.NaN);
    return { screen: stdout, code };
  } finally {
    await tmux('kill-session', '-t', name).catch(() => undefined);
  }
}

let broker: SandboxBroker;
beforeAll(async () => {
  broker = await startSandboxBroker({ port: 0, seed: 9 });
});
afterAll(async () => {
  await broker.close();
  await tmux('kill-server').catch(() => undefined);
});

// tmux renders the pseudo-terminal's screen. In CI a missing tmux is a failure (beforeAll throws);
// on a developer machine without it these two tests are skipped, saying why.
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux && process.env.CI)
  throw new Error('tmux is required for the terminal tests in CI (apt-get install -y tmux)');
if (!hasTmux) console.warn('terminal tests skipped: tmux is not installed (apt-get install -y tmux)');

describe.skipIf(!hasTmux)('as a user sees it in a terminal (tmux)', () => {
  it('start redraws one status block in place and ends with the summary', async () => {
    // No --log-file: on a terminal the JSON logs go to a file the header names, not over the display.
    const logFile = join(tmpdir(), 'kit-start-21.log');
    const { screen, code } = await screenOf('start', [
      'start',
      '--profile',
      'harsh',
      '--duration',
      '7s',
      '--seed',
      '21',
    ]);
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(
      /^kit start {2}embedded sandbox http:\/\/127\.0\.0\.1:\d+ {2}profile harsh {2}seed 21 {2}7\.0 s$/,
    );
    // Redrawn in place: the block's lines appear once, not once per redraw.
    expect(lines.filter((line) => line.startsWith('running '))).toHaveLength(0);
    expect(lines.filter((line) => /^finished in \d+\.\d s$/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('  streams '))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('  rest '))).toHaveLength(1);
    expect(screen).toMatch(/^Summary$/m);
    expect(screen).toMatch(/^ {2}REST requests +\d+/m);
    expect(screen).toMatch(/^ {2}duplicate orders +0 {2}from the sandbox's ledger$/m);
    expect(screen).toContain(' ✔ no duplicate order');
    expect(screen).toContain(' ✔ book equal to a fresh snapshot');
    expect(screen).not.toContain('"level"');
    expect(screen).toContain(`logs (warn+) to ${logFile}`);
    const log = await readFile(logFile, 'utf8');
    for (const line of log.trim().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(code).toBe(0);
  });

  it('doctor shows the failing check with its code, hint and page, and the rest skipped', async () => {
    const { screen, code } = await screenOf('doctor', ['doctor'], {
      KIT_TARGET: broker.url,
      KIT_API_KEY: DEMO_CREDENTIALS.trader.keyId,
      KIT_API_SECRET: 'not-the-secret-of-this-key',
    });
    expect(screen).toContain(`kit doctor checking ${broker.url}`);
    expect(screen).toMatch(/^ ✔ HTTP reachable +GET \/v1\/time -> 200, first byte \d+ ms$/m);
    expect(screen).toMatch(
      /^ ✖ Credentials \(signed call\) +GET \/v1\/account rejected \(401\) for HMAC key sbx_key_trader/m,
    );
    expect(screen).toMatch(/^ {6}code {2}auth\.invalid_signature$/m);
    expect(screen).toMatch(/^ {6}hint {2}The server knows key sbx_key_trader but rejected the signature/m);
    expect(screen).toMatch(/^ {6}docs {2}docs\/troubleshooting\/auth-invalid-signature\.md$/m);
    expect(screen).toMatch(/^ – Permissions +skipped: Credentials \(signed call\) failed$/m);
    expect(screen).toMatch(/^ – WebSocket login +skipped: Credentials \(signed call\) failed$/m);
    expect(screen).toMatch(/1 check failed\. \d+ passed, 0 warnings, 1 failed, \d+ skipped in .* \(exit 1\)/);
    expect(screen).not.toContain('not-the-secret-of-this-key');
    expect(code).toBe(1);
  });
});
