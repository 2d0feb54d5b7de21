export type { CreateLoggerOptions } from './create-logger';
export { createLogger, DEFAULT_LOGGER_OPTIONS } from './create-logger';
export { defaultSink } from './default-sink';
export { LOG_FORMAT_ENV, LOG_LEVEL_ENV, LOG_LEVELS, parseLogLevel } from './log-level';
export type { LogFormat, LogRecord, LogSink } from './log-record';
export type { LogFields, Logger, LogLevel } from './logger-types';
export { noopLogger } from './logger-types';
export type { RedactOptions, Redactor } from './redact';
export { CIRCULAR, createRedactor, DEFAULT_REDACT_OPTIONS, MAX_DEPTH, redact, UNREADABLE } from './redact';
export { DEFAULT_REDACTED_KEY_FRAGMENTS, DEFAULT_REDACTED_KEYS } from './redact-keys';
export type { RedactStringOptions } from './redact-string';
export { redactString } from './redact-string';
export type { SecretInput } from './secret';
export { isSecret, Secret, toSecret } from './secret';
export {
  MAX_TRANSIENT_SECRETS,
  MIN_SECRET_LENGTH,
  REDACTED,
  redactSecretValues,
  registerSecretValue,
  registerTransientSecret,
  TRANSIENT_SECRET_RETENTION_MS,
} from './secret-registry';
// Deliberately not exported: the tslog writer, key matcher and `process` guards (internals).
