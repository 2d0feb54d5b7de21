import { type CreateLoggerOptions, createLogger } from './create-logger';
import type { LogRecord } from './log-record';
import type { Logger } from './logger-types';

/** Options for {@link createCapturingLogger}: every {@link CreateLoggerOptions} field except `sink`. */
export interface CapturingLoggerOptions extends Omit<CreateLoggerOptions, 'sink'> {
  /**
   * Lowest level captured.
   * @default 'debug'
   */
  level?: CreateLoggerOptions['level'];
  /**
   * Output format of the captured lines.
   * @default 'json'
   */
  format?: CreateLoggerOptions['format'];
}

/** The defaults {@link createCapturingLogger} applies on top of {@link createLogger}'s. */
export const DEFAULT_CAPTURING_LOGGER_OPTIONS: Readonly<
  Required<Pick<CapturingLoggerOptions, 'level' | 'format'>>
> = Object.freeze({ level: 'debug', format: 'json' });

/** A real logger whose output is kept in memory. */
export interface CapturingLogger {
  /** The logger to hand to the code under test. */
  logger: Logger;
  /** Every emitted line, formatted and redacted exactly as a sink receives it. */
  lines: string[];
  /** The record behind each line (same order as `lines`). */
  records: LogRecord[];
  /** All lines joined with newlines: the text to search for a leaked secret. */
  text(): string;
  /** Forgets everything captured so far. */
  clear(): void;
}

/**
 * A real {@link createLogger} (same redaction and formatting) whose sink captures each line, at
 * level `debug` and format `json` unless told otherwise. Use it to assert what a component logs
 * and that no secret leaks.
 *
 * @example
 * ```ts
 * const { logger, text } = createCapturingLogger();
 * const apiKey = new Secret('sk_live_123456');
 * logger.info(`calling with ${apiKey.reveal()}`);
 * expect(text()).not.toContain('sk_live_123456');
 * ```
 */
export function createCapturingLogger(options: CapturingLoggerOptions = {}): CapturingLogger {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const logger = createLogger({
    ...options,
    level: options.level ?? DEFAULT_CAPTURING_LOGGER_OPTIONS.level,
    format: options.format ?? DEFAULT_CAPTURING_LOGGER_OPTIONS.format,
    sink: (line, record) => {
      lines.push(line);
      records.push(record);
    },
  });
  return {
    logger,
    lines,
    records,
    text: () => lines.join('\n'),
    clear: () => {
      lines.length = 0;
      records.length = 0;
    },
  };
}
