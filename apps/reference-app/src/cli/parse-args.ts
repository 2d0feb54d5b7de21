import { parseArgs } from 'node:util';
import { closestMatch } from '../util/closest-match';
import type { CommandSpec } from './command-spec';
import { COMMANDS, START_COMMAND } from './commands';

/** A mistake on the command line, with how to fix it. */
export interface UsageProblem {
  readonly message: string;
  readonly hint: string;
}

/** What the command line asked for. */
export type ParsedCommandLine =
  | { readonly kind: 'help'; readonly command?: CommandSpec }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'usage-error';
      readonly command?: CommandSpec;
      readonly problems: readonly UsageProblem[];
    }
  | {
      readonly kind: 'run';
      readonly command: CommandSpec;
      /** Option values by long name (strings for string options, `true` for booleans). */
      readonly values: Readonly<Record<string, string | boolean>>;
      /** For pass-through commands: every argument after the command, untouched. */
      readonly rest: readonly string[];
    };

/**
 * Parses `kit [command] [options]`. `node:util`'s `parseArgs` tokenises (non-strict, so it never
 * throws) and every mistake is collected: an unknown option with a "did you mean", an option of
 * another command, a missing value, a value given to a flag, a stray argument. No command means
 * `start`, so `npm start -- doctor` and plain `npm start` both read naturally.
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const first = argv[0];
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') {
    const named = COMMANDS.find((command) => command.name === argv[1]);
    return named ? { kind: 'help', command: named } : { kind: 'help' };
  }
  if ((first === '--help' || first === '-h') && argv.length === 1) return { kind: 'help' };

  let command: CommandSpec = START_COMMAND;
  let args = argv;
  if (first !== undefined && !first.startsWith('-')) {
    const named = COMMANDS.find((candidate) => candidate.name === first);
    if (!named) {
      const suggestion = closestMatch(
        first,
        COMMANDS.map((candidate) => candidate.name),
      );
      return {
        kind: 'usage-error',
        problems: [
          {
            message: `unknown command "${first}"`,
            hint: suggestion
              ? `Did you mean \`kit ${suggestion}\`? Commands: start, doctor, sandbox.`
              : 'Commands: start, doctor, sandbox (`kit --help` lists them).',
          },
        ],
      };
    }
    command = named;
    args = argv.slice(1);
  }
  if (command.passThrough) return { kind: 'run', command, values: {}, rest: args };

  const options = Object.fromEntries(
    command.options.map((option) => [
      option.name,
      { type: option.type, ...(option.short === undefined ? {} : { short: option.short }) },
    ]),
  );
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const problems: UsageProblem[] = [];
  const known = new Map(command.options.map((option) => [option.name, option]));
  // `--bundel out.json`: the value of a misspelt option is not a second mistake.
  const swallowed = new Set<number>();
  for (const token of tokens ?? []) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (swallowed.has(token.index)) continue;
      problems.push({
        message: `unexpected argument "${token.value}"`,
        hint: `\`kit ${command.name}\` takes options only; see \`kit ${command.name} --help\`.`,
      });
      continue;
    }
    const spec = known.get(token.name);
    if (!spec) {
      problems.push(unknownOption(command, token.rawName, token.name));
      const meant = COMMANDS.flatMap((other) => other.options).find(
        (option) =>
          option.name ===
          (closestMatch(
            token.name,
            command.options.map((o) => o.name),
          ) ?? token.name),
      );
      if (meant?.type === 'string' && token.value === undefined) swallowed.add(token.index + 1);
      continue;
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) {
        problems.push({
          message: `${token.rawName} takes no value (got "${token.value}")`,
          hint: `Write ${token.rawName} on its own.`,
        });
        continue;
      }
      values[spec.name] = true;
      continue;
    }
    if (token.value === undefined || token.value === '') {
      problems.push({
        message: `${token.rawName} needs a value`,
        hint: `Write ${token.rawName} ${spec.valueName ?? 'VALUE'} (or ${token.rawName}=${spec.valueName ?? 'VALUE'}).`,
      });
      continue;
    }
    values[spec.name] = token.value;
  }
  if (values.help === true) return { kind: 'help', command };
  if (problems.length > 0) return { kind: 'usage-error', command, problems };
  return { kind: 'run', command, values, rest: [] };
}

function unknownOption(command: CommandSpec, rawName: string, name: string): UsageProblem {
  const owner = COMMANDS.find(
    (other) => other !== command && other.options.some((option) => option.name === name),
  );
  if (owner) {
    return {
      message: `${rawName} is not an option of \`kit ${command.name}\``,
      hint: `It belongs to \`kit ${owner.name}\`; see \`kit ${command.name} --help\`.`,
    };
  }
  const suggestion = closestMatch(
    name,
    command.options.map((option) => option.name),
  );
  return {
    message: `unknown option ${rawName}`,
    hint: suggestion
      ? `Did you mean --${suggestion}?`
      : `See \`kit ${command.name} --help\` for the options.`,
  };
}
