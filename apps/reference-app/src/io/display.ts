import type { Terminal } from './terminal';
import { stripAnsi, visibleLength } from './terminal';

const ESC = String.fromCharCode(27);
const HIDE_CURSOR = `${ESC}[?25l`;
const SHOW_CURSOR = `${ESC}[?25h`;
const CLEAR_TO_END = `${ESC}[0J`;

/** Options for {@link createLiveDisplay}. */
export interface LiveDisplayOptions {
  /** The lines of the status block (TTY). */
  readonly block: () => readonly string[];
  /** One plain progress line (piped output). */
  readonly progressLine: () => string;
  /** Redraw interval on a TTY, in milliseconds (a few times a second at most). @default 250 */
  readonly redrawIntervalMs?: number;
  /** Interval of the plain progress line when piped, in milliseconds. @default 3_000 */
  readonly progressIntervalMs?: number;
}

/** The live status display of a running command, which also owns writing log lines to the terminal. */
export interface LiveDisplay {
  /** Starts redrawing (TTY) or printing progress lines (piped). */
  start(): void;
  /** Writes a log line to stderr without tearing the status block. */
  log(line: string): void;
  /** Draws the block a last time (TTY) and stops; the block stays on screen. */
  stop(): void;
}

/** Default intervals of {@link createLiveDisplay}. */
const DEFAULT_LIVE_DISPLAY_OPTIONS = { redrawIntervalMs: 250, progressIntervalMs: 3_000 } as const;

/**
 * On a TTY the block is redrawn in place (cursor up, clear to end, write) at most every
 * `redrawIntervalMs`; lines are cut to the terminal width, since a wrapped line would break the
 * cursor arithmetic. Piped, no escape code is ever written: a plain progress line every
 * `progressIntervalMs`. Log lines go to stderr; when stdout and stderr share a terminal, the block
 * is erased first and drawn again below the line, so the two never interleave.
 */
export function createLiveDisplay(terminal: Terminal, options: LiveDisplayOptions): LiveDisplay {
  const redrawMs = options.redrawIntervalMs ?? DEFAULT_LIVE_DISPLAY_OPTIONS.redrawIntervalMs;
  const progressMs = options.progressIntervalMs ?? DEFAULT_LIVE_DISPLAY_OPTIONS.progressIntervalMs;
  let drawnLines = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running = false;
  const sharedTerminal = terminal.isTTY && terminal.errIsTTY;

  const erase = (): string => (drawnLines > 0 ? `${ESC}[${drawnLines}F${CLEAR_TO_END}` : '');
  const draw = (): void => {
    const width = Math.max(20, terminal.columns - 1);
    const lines = options.block().map((line) => fitToWidth(line, width, terminal.color));
    terminal.out(`${erase()}${lines.join('\n')}\n`);
    drawnLines = lines.length;
  };
  const restoreCursor = (): void => {
    terminal.out(SHOW_CURSOR);
  };

  return {
    start() {
      if (running) return;
      running = true;
      if (terminal.isTTY) {
        terminal.out(HIDE_CURSOR);
        process.once('exit', restoreCursor);
        draw();
        timer = setInterval(draw, redrawMs);
      } else {
        timer = setInterval(() => terminal.out(`${stripAnsi(options.progressLine())}\n`), progressMs);
      }
      timer.unref?.();
    },
    log(line) {
      const text = line.endsWith('\n') ? line : `${line}\n`;
      if (running && sharedTerminal && drawnLines > 0) {
        terminal.out(erase());
        drawnLines = 0;
        terminal.err(text);
        draw();
        return;
      }
      terminal.err(text);
    },
    stop() {
      if (!running) return;
      running = false;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (terminal.isTTY) {
        draw();
        restoreCursor();
        process.removeListener('exit', restoreCursor);
      }
    },
  };
}

function fitToWidth(line: string, width: number, color: boolean): string {
  if (visibleLength(line) <= width) return line;
  // Cutting inside an escape sequence would corrupt the screen: cut the plain text instead.
  const plain = stripAnsi(line);
  const cut = `${plain.slice(0, width - 1)}…`;
  return color ? `${cut}${ESC}[0m` : cut;
}
