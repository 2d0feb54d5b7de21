import type { LogLevel } from './logger-types';

/** The levels a logger accepts, lowest first. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['debug', 'info', 'warn', 'error', 'silent']);

/** Environment variable read for the level when the options do not set one. */
export const LOG_LEVEL_ENV = 'KIT_LOG_LEVEL';

/** Environment variable read for the format when the options do not set one. */
export const LOG_FORMAT_ENV = 'KIT_LOG_FORMAT';

/** Severity per level; the ids match tslog's default levels (DEBUG 2 … ERROR 5). */
export const LEVEL_SEVERITY: Readonly<Record<LogLevel, number>> = Object.freeze({
  debug: 2,
  info: 3,
  warn: 4,
  error: 5,
  silent: Number.POSITIVE_INFINITY,
});

/** `value` as a {@link LogLevel} (case and surrounding spaces ignored), or `undefined` if it is not one. */
export function parseLogLevel(value: unknown): LogLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const normalized = value.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(normalized) ? (normalized as LogLevel) : undefined;
}
