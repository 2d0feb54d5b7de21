import { appConfig } from '../config/app-config';
import type { Styles } from '../io/terminal';
import type { CommandSpec } from './command-spec';
import { COMMANDS } from './commands';

/** `kit --help`. */
export function renderMainHelp(styles: Styles): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `${styles.bold('kit')}: the kit reference app`,
    '',
    `${styles.bold('Usage')}: kit [command] [options]      (no command: start)`,
    '       npm start -- [command] [options]   (from the repository root)',
    '',
    styles.bold('Commands'),
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run \`kit <command> --help\` for a command's options. \`kit --version\` prints the versions.`,
    '',
  ].join('\n');
}

/** `kit <command> --help`: usage, description, options, sections, and for doctor every setting. */
export function renderCommandHelp(command: CommandSpec, styles: Styles): string {
  const lines = [`${styles.bold('Usage')}: kit ${command.usage}`, '', ...command.description, ''];
  if (command.options.length > 0) {
    const labels = command.options.map(
      (option) =>
        `${option.short ? `-${option.short}, ` : '    '}--${option.name}${option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : ''}`,
    );
    const width = Math.max(...labels.map((label) => label.length));
    lines.push(styles.bold('Options'));
    command.options.forEach((option, index) => {
      lines.push(`  ${(labels[index] as string).padEnd(width)}  ${option.description}`);
    });
    lines.push('');
  }
  for (const section of command.sections ?? []) {
    lines.push(styles.bold(section.title), ...section.lines.map((line) => `  ${line}`), '');
  }
  if (command.name === 'doctor') {
    const fields = appConfig.describe();
    const width = Math.max(...fields.map((field) => field.envVar.length));
    lines.push(styles.bold('Settings (environment variable, config file key, default)'));
    for (const field of fields) {
      const fallback = field.default === undefined ? '' : `  default ${String(field.default)}`;
      lines.push(
        `  ${field.envVar.padEnd(width)}  ${field.path}${field.secret ? ' (secret)' : ''}${fallback}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
