/** One command-line option. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `log-file`. */
  readonly name: string;
  /** `string` options take a value; `boolean` ones do not. */
  readonly type: 'string' | 'boolean';
  /** One-letter alias, e.g. `h`. @default none */
  readonly short?: string;
  /** The value's placeholder in help, e.g. `FILE`. @default 'VALUE' */
  readonly valueName?: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The config setting this flag overrides (flags win over env and the config file). @default none */
  readonly configKey?: string;
}

/** One command of the `kit` binary. */
export interface CommandSpec {
  readonly name: 'start' | 'doctor' | 'sandbox';
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line after `kit`. */
  readonly usage: string;
  /** Paragraphs shown under the usage line. */
  readonly description: readonly string[];
  readonly options: readonly OptionSpec[];
  /** Extra help sections (title -> lines), e.g. exit codes. @default none */
  readonly sections?: ReadonlyArray<{ readonly title: string; readonly lines: readonly string[] }>;
  /** Arguments after the command go to another program unparsed (the sandbox's own CLI). @default false */
  readonly passThrough?: boolean;
}
