import { appendFileSync, writeFileSync } from 'node:fs';
import { createLogger, type Logger, type LogLevel, type LogRecord } from '@kit/logger';

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Options for {@link createAppLogger}. */
export interface AppLoggerOptions {
  /** Lowest level written to the file or stderr. */
  readonly level: LogLevel;
  /** JSON lines go here when set (the file is truncated first). @default stderr */
  readonly file?: string;
  /** How a line reaches stderr (the live display, so lines never tear the status block). */
  readonly writeStderr: (line: string) => void;
  /** Lowest level kept in memory for a support bundle. @default the same as `level` */
  readonly captureLevel?: LogLevel;
  /** Lines kept in memory. @default 200 */
  readonly captureLines?: number;
}

/** The app's logger, its recent lines and a way to say where the lines went. */
export interface AppLogger {
  readonly logger: Logger;
  /** The last captured lines, already redacted by @kit/logger. */
  recentLines(): string[];
  /** Where lines are written, for messages (`stderr` or the file path). */
  readonly destination: string;
}

/**
 * Structured JSON logs through @kit/logger (so redaction of keys, patterns and registered secrets
 * applies before a line exists), written to `--log-file` or to stderr, and the last lines kept in a
 * ring for `doctor --bundle`.
 */
export function createAppLogger(options: AppLoggerOptions): AppLogger {
  const captureLevel = options.captureLevel ?? options.level;
  const captureLines = options.captureLines ?? 200;
  const ring: string[] = [];
  const threshold = SEVERITY[options.level];
  if (options.file !== undefined) writeFileSync(options.file, '');
  const write =
    options.file === undefined
      ? options.writeStderr
      : (line: string) => appendFileSync(options.file as string, `${line}\n`);
  const lowest = SEVERITY[captureLevel] < threshold ? captureLevel : options.level;
  const logger = createLogger({
    name: 'kit',
    level: lowest,
    format: 'json',
    sink: (line: string, record: LogRecord) => {
      if (SEVERITY[record.level] >= SEVERITY[captureLevel]) {
        ring.push(line);
        if (ring.length > captureLines) ring.shift();
      }
      if (SEVERITY[record.level] >= threshold) write(line);
    },
  });
  return { logger, recentLines: () => [...ring], destination: options.file ?? 'stderr' };
}
