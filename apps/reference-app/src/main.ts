import type { EnvSource } from '@kit/config';
import { classifyError } from '@kit/errors';
import { redactString } from '@kit/logger';
import type { CommandContext } from './cli/command-context';
import { EXIT_USAGE } from './cli/exit-codes';
import { renderCommandHelp, renderMainHelp } from './cli/help';
import { parseCommandLine } from './cli/parse-args';
import { doctorCommand } from './doctor/doctor-command';
import type { Resolver } from './doctor/net-probes';
import { createProcessTerminal, stylesFor, type Terminal } from './io/terminal';
import { sandboxCommand } from './sandbox/sandbox-command';
import { startCommand } from './start/start-command';
import { appVersion, versions } from './version';

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** @default the process's stdout/stderr */
  readonly terminal?: Terminal;
  /** @default process.env */
  readonly env?: EnvSource;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** Host name resolution for the doctor. @default the system resolver */
  readonly resolver?: Resolver;
  /** Stops a running command. @default never */
  readonly signal?: AbortSignal;
}

/** Runs `kit` with `argv` (without `node` and the script) and resolves with the exit code; never throws. */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const parsed = parseCommandLine(argv);
  const noColor = argv.includes('--no-color');
  const terminal = options.terminal ?? createProcessTerminal({ env, noColor });
  const styles = stylesFor(terminal);
  switch (parsed.kind) {
    case 'version': {
      const lines = Object.entries(versions()).map(([name, version]) => `${name} ${version}`);
      terminal.out(`kit ${appVersion()}\n${lines.join('\n')}\n`);
      return 0;
    }
    case 'help':
      terminal.out(parsed.command ? renderCommandHelp(parsed.command, styles) : renderMainHelp(styles));
      return 0;
    case 'usage-error': {
      const lines = parsed.problems.map(
        (problem) => `  ${styles.red('✖')} ${problem.message}\n    ${styles.dim('hint:')} ${problem.hint}`,
      );
      const count = parsed.problems.length;
      terminal.err(
        `kit${parsed.command ? ` ${parsed.command.name}` : ''}: ${count} problem${count === 1 ? '' : 's'} with the command line\n${lines.join('\n')}\n`,
      );
      return EXIT_USAGE;
    }
    case 'run': {
      const context: CommandContext = {
        values: parsed.values,
        terminal,
        env,
        cwd: options.cwd ?? process.cwd(),
        argv,
        signal: options.signal ?? new AbortController().signal,
        ...(options.resolver === undefined ? {} : { resolver: options.resolver }),
      };
      try {
        if (parsed.command.name === 'doctor') return await doctorCommand(context);
        if (parsed.command.name === 'sandbox') return await sandboxCommand(parsed.rest, context);
        return await startCommand(context);
      } catch (error) {
        const kit = classifyError(error);
        terminal.err(
          `${styles.red('kit: unexpected failure')} ${redactString(kit.message)} (${kit.code})\n  hint: ${kit.hint}\n`,
        );
        return 1;
      }
    }
  }
}
