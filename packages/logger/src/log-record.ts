import type { LogFields, LogLevel } from './logger-types';

/** One log line before formatting; what a {@link LogSink} receives next to the formatted line. */
export interface LogRecord {
  /** ISO 8601 time in UTC. */
  time: string;
  /** The level the line was logged at. */
  level: Exclude<LogLevel, 'silent'>;
  /** The logger's name, if it has one. */
  name?: string;
  /** The message, already redacted. */
  msg: string;
  /** The logger's bound fields merged with the call's fields, already redacted (JSON-safe). */
  fields: LogFields;
}

/** Receives every emitted line (already redacted and formatted) and its record. */
export type LogSink = (line: string, record: LogRecord) => void;

/** `json`: one JSON object per line, for machines. `pretty`: readable text, for people. */
export type LogFormat = 'json' | 'pretty';
