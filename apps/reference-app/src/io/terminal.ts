import { styleText } from 'node:util';

/** The streams a command writes to, and what they are. Injected so tests can capture output. */
export interface Terminal {
  /** Writes to stdout (the report, the status display, `--json`). */
  out(text: string): void;
  /** Writes to stderr (log lines when no `--log-file`, usage errors). */
  err(text: string): void;
  /** Whether stdout is an interactive terminal (a live display is redrawn only then). */
  readonly isTTY: boolean;
  /** Whether stderr is an interactive terminal. */
  readonly errIsTTY: boolean;
  /** Whether colour escape codes may be written to stdout. */
  readonly color: boolean;
  /** Terminal width in columns (80 when unknown). */
  readonly columns: number;
}

type Style = Parameters<typeof styleText>[0];

/** Options for {@link createProcessTerminal}. */
export interface ProcessTerminalOptions {
  /** Environment to read `NO_COLOR`, `TERM` and `FORCE_COLOR` from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** `--no-color` given. @default false */
  noColor?: boolean;
}

/**
 * The real process streams. Colour only when stdout is a TTY, `NO_COLOR` is unset (any value, even
 * empty, per no-color.org), `TERM` is not `dumb` and `--no-color` was not given. `CI` and
 * `FORCE_COLOR` never turn colour on for a pipe: escape codes in a CI log or a file are noise.
 */
export function createProcessTerminal(options: ProcessTerminalOptions = {}): Terminal {
  const env = options.env ?? process.env;
  const isTTY = process.stdout.isTTY === true;
  const color = isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb' && options.noColor !== true;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY,
    errIsTTY: process.stderr.isTTY === true,
    color,
    columns: process.stdout.columns ?? 80,
  };
}

/** Text styles that collapse to plain text when the terminal has no colour. */
export interface Styles {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/**
 * Styles for a terminal. `styleText` is given `validateStream: false` because the decision is made
 * once in {@link createProcessTerminal} (it also honours `--no-color`, which `styleText` cannot know).
 */
export function stylesFor(terminal: Pick<Terminal, 'color'>): Styles {
  const make =
    (format: Style) =>
    (text: string): string =>
      terminal.color ? styleText(format, text, { validateStream: false }) : text;
  return {
    bold: make('bold'),
    dim: make('dim'),
    green: make('green'),
    red: make('red'),
    yellow: make('yellow'),
    cyan: make('cyan'),
  };
}

const ANSI_PATTERN = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/** `text` without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** The printed width of `text` (escape sequences excluded). */
export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}
