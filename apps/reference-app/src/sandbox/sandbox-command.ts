import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CommandContext } from '../cli/command-context';

const require = createRequire(import.meta.url);

/** Where the sandbox's own command line lives (apps/sandbox-broker/src/cli.ts). */
function sandboxCliPath(): string {
  return join(dirname(require.resolve('@kit/sandbox-broker/package.json')), 'src', 'cli.ts');
}

/**
 * `kit sandbox …`: runs the sandbox broker's own CLI in the foreground with every argument
 * untouched, rather than a second copy of its options here. Signals are forwarded, and its exit
 * code is ours.
 */
export async function sandboxCommand(args: readonly string[], context: CommandContext): Promise<number> {
  const cli = sandboxCliPath();
  if (!existsSync(cli)) {
    context.terminal.err(
      `kit sandbox: the sandbox's command line is missing (${cli}); is apps/sandbox-broker complete?\n`,
    );
    return 1;
  }
  const child = spawn(
    process.execPath,
    ['--conditions=@kit/source', '--import', import.meta.resolve('tsx'), cli, ...args],
    {
      stdio: 'inherit',
      env: { ...process.env, ...context.env },
    },
  );
  const forward = () => child.kill('SIGTERM');
  context.signal.addEventListener('abort', forward, { once: true });
  return new Promise<number>((resolve) => {
    child.once('error', (error) => {
      context.terminal.err(`kit sandbox: could not start the sandbox (${error.message})\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      context.signal.removeEventListener('abort', forward);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}
