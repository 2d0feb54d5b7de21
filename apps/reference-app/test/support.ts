import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvSource } from '@kit/config';
import type { CheckResult } from '../src/doctor/check-result';
import type { Resolver } from '../src/doctor/net-probes';
import type { Terminal } from '../src/io/terminal';
import { runCli } from '../src/main';

/** The app's directory. */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The `kit` entry point. */
export const CLI = join(APP_DIR, 'src', 'cli.ts');

/** A terminal that keeps what was written. */
export interface CapturedTerminal extends Terminal {
  readonly stdout: string[];
  readonly stderr: string[];
}

/** A non-TTY terminal capturing both streams. */
export function captureTerminal(): CapturedTerminal {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    isTTY: false,
    errIsTTY: false,
    color: false,
    columns: 120,
  };
}

/** The doctor's `--json` report. */
export interface DoctorJson {
  readonly exitCode: number;
  readonly counts: Record<string, number>;
  readonly checks: CheckResult[];
}

/** Runs `kit doctor --json …` in process (real sockets, real sandbox) and parses the report. */
export async function doctorJson(
  args: readonly string[],
  env: EnvSource,
  resolver?: Resolver,
): Promise<{ code: number; report: DoctorJson; check: (id: string) => CheckResult }> {
  const terminal = captureTerminal();
  const code = await runCli(['doctor', '--json', ...args], {
    terminal,
    env,
    cwd: APP_DIR,
    ...(resolver ? { resolver } : {}),
  });
  const report = JSON.parse(terminal.stdout.join('')) as DoctorJson;
  const check = (id: string): CheckResult => {
    const found = report.checks.find((result) => result.id === id);
    if (!found) throw new Error(`no check ${id} in ${JSON.stringify(report.checks.map((c) => c.id))}`);
    return found;
  };
  return { code, report, check };
}

/** The id of the first failing check, and the checks after it that were skipped. */
export function firstFailure(report: DoctorJson): CheckResult | undefined {
  return report.checks.find((result) => result.status === 'fail');
}

/** Output and exit code of a real `kit` process. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kit …` as a real child process (tsx from source), stdout and stderr piped. */
export function runKit(
  args: readonly string[],
  env: EnvSource = {},
  timeoutMs = 90_000,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@kit/source', '--import', 'tsx', CLI, ...args], {
      cwd: APP_DIR,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kit ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment of a child: the test's PATH and HOME, nothing KIT_* from the caller, plus `extra`. */
function cleanEnv(extra: EnvSource): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      !name.startsWith('KIT_') &&
      !name.startsWith('SAMPLE_BROKER_') &&
      name !== 'NO_COLOR' &&
      name !== 'FORCE_COLOR'
    ) {
      env[name] = value;
    }
  }
  return { ...env, ...extra };
}

/** Whether `text` holds any ANSI escape sequence. */
export function hasEscapeCodes(text: string): boolean {
  return text.includes(String.fromCharCode(27));
}
