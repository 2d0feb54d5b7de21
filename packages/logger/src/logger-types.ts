/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * The logging contract every kit package writes to. Any object of this shape works, so a pino or
 * winston logger adapts in a few lines:
 *
 * @example
 * ```ts
 * const fromPino = (p: pino.Logger): Logger => ({
 *   debug: (m, f) => p.debug(f ?? {}, m), info: (m, f) => p.info(f ?? {}, m),
 *   warn: (m, f) => p.warn(f ?? {}, m), error: (m, f) => p.error(f ?? {}, m),
 *   child: (f) => fromPino(p.child(f)),
 * });
 * ```
 */
export interface Logger {
  /** Detail for finding a bug: every attempt, wait and header kit read. */
  debug(message: string, fields?: LogFields): void;
  /** A normal event worth a line: a connection opened, a token refreshed. */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong and kit recovered (a retry, a reconnect), or a setting looks wrong. */
  warn(message: string, fields?: LogFields): void;
  /** A call failed for good or a component stopped working. */
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  /**
   * Whether a line at `level` would be emitted. Optional, so any object with the five methods above
   * still satisfies `Logger`; callers that find it skip building fields for lines nobody sees
   * (without it they must assume every level is on).
   */
  isLevelEnabled?(level: LogLevel): boolean;
}

/** A logger that discards everything (the default where a package takes an optional logger). */
export const noopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return noopLogger;
  },
  isLevelEnabled() {
    return false;
  },
};
