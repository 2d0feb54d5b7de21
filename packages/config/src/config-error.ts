import { type ErrorCode, isKitError, KitError } from '@kit/errors';

/** Where a config value came from, lowest precedence first. */
export type ConfigSource = 'default' | 'file' | 'env' | 'override';

/** One thing wrong with a configuration. Never holds a secret's value. */
export interface ConfigProblem {
  /** The most specific catalogue code: `config.missing`, `config.invalid`, `config.insecure_url`, … */
  readonly code: ErrorCode;
  /** The dotted setting path (`rest.baseUrl`); empty for problems with the file as a whole. */
  readonly path: string;
  /** The environment variable that sets (or, for an unknown variable, was) this setting. */
  readonly envVar?: string;
  /** Where the offending value came from; absent when no source gave one. */
  readonly source?: ConfigSource;
  /** The file path or variable name the value came from, for the message. */
  readonly origin?: string;
  /** What the setting accepts. */
  readonly expected: string;
  /** What was received, shown safely (`<redacted, 12 chars>` for secrets). */
  readonly received: string;
  /** One sentence that says how to fix it. */
  readonly hint: string;
}

const CONFIG_ERROR_MARKER = Symbol.for('kit.config-error');

/** The one-line form of a problem used in {@link ConfigError}'s message. */
export function formatProblem(problem: ConfigProblem): string {
  const name = problem.path || problem.origin || '(config)';
  const origin = problem.origin && problem.origin !== name ? ` ${problem.origin}` : '';
  const where = [problem.source ? `from ${problem.source}${origin}` : 'not set'];
  if (problem.envVar && problem.envVar !== problem.origin) where.push(`env ${problem.envVar}`);
  return `${name} (${where.join('; ')}): expected ${problem.expected}, received ${problem.received}. Hint: ${problem.hint}`;
}

/**
 * Every problem found while loading a configuration, reported at once. `code` is the problem's own
 * code when there is exactly one, else `config.invalid`; `details.problems` lists them all and the
 * message has one line per problem. Check with {@link isConfigError} (works across duplicate installs).
 */
export class ConfigError extends KitError {
  /** The problems, in the order found. Also in `details.problems`. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const single = problems.length === 1 ? problems[0] : undefined;
    const heading =
      problems.length === 1
        ? 'Invalid configuration (1 problem):'
        : `Invalid configuration (${problems.length} problems):`;
    super(single?.code ?? 'config.invalid', {
      message: [heading, ...problems.map((problem) => `  - ${formatProblem(problem)}`)].join('\n'),
      hint:
        single?.hint ??
        'Fix each problem listed in the message: every line names the setting, the variable that sets it and a hint.',
      details: { problems },
    });
    this.name = 'ConfigError';
    this.problems = problems;
    Object.defineProperty(this, CONFIG_ERROR_MARKER, { value: true });
  }
}

/** Whether `value` is a {@link ConfigError} from any copy of @kit/config. */
export function isConfigError(value: unknown): value is ConfigError {
  return isKitError(value) && (value as unknown as Record<symbol, unknown>)[CONFIG_ERROR_MARKER] === true;
}
