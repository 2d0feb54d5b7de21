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
  /**
   * The trace id (32 hex digits) of the OpenTelemetry span active when the line was logged, so logs
   * and traces can be joined; absent when no span is active (or no OpenTelemetry is registered).
   */
  trace_id?: string;
  /** The span id (16 hex digits) of that span; present exactly when `trace_id` is. */
  span_id?: string;
}

/** Receives every emitted line (already redacted and formatted) and its record. */
export type LogSink = (line: string, record: LogRecord) => void;

/** `json`: one JSON object per line, for machines. `pretty`: readable text, for people. */
export type LogFormat = 'json' | 'pretty';
