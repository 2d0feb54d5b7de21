import { defaultSink, isInteractiveTerminal } from './default-sink';
import { LEVEL_SEVERITY, LOG_FORMAT_ENV, LOG_LEVEL_ENV, LOG_LEVELS, parseLogLevel } from './log-level';
import type { LogFormat, LogRecord, LogSink } from './log-record';
import type { LogFields, Logger, LogLevel } from './logger-types';
import { activeSpanIds } from './otel';
import { createRedactor, type RedactOptions, UNREADABLE } from './redact';
import { readEnv } from './runtime';
import { createTslogWriter } from './tslog-writer';

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /**
   * Shown on every line (`name` in JSON, `[name]` in pretty output).
   * @default undefined
   */
  name?: string;
  /**
   * Lowest level emitted. An unknown value logs one warning and falls back.
   * @default the `KIT_LOG_LEVEL` environment variable, else `'info'`
   */
  level?: LogLevel;
  /**
   * `json` (one object per line: `time`, `level`, `name`, `msg`, `fields`) or `pretty`.
   * @default the `KIT_LOG_FORMAT` environment variable, else `'pretty'` when stdout is a terminal, `'json'` otherwise
   */
  format?: LogFormat;
  /**
   * Extra keys and patterns to mask (the built-in keys and string rules always apply), and size bounds.
   * @default {}
   */
  redact?: RedactOptions;
  /**
   * Receives each formatted, redacted line and its record.
   * @default stdout (debug, info) and stderr (warn, error) in Node; `console` in browsers
   */
  sink?: LogSink;
  /**
   * Fields added to every line (a child's fields and the call's fields win on a clash).
   * @default {}
   */
  fields?: LogFields;
  /**
   * Clock for the `time` of each line, in epoch milliseconds (inject one in tests).
   * @default Date.now
   */
  now?: () => number;
}

/** The defaults {@link createLogger} applies when neither the options nor the environment decide. */
export const DEFAULT_LOGGER_OPTIONS: Readonly<{ level: LogLevel; redact: RedactOptions; fields: LogFields }> =
  Object.freeze({ level: 'info', redact: {}, fields: {} });

// One warning per bad value per process: libraries create many loggers from the same environment.
const warnedValues = new Set<string>();

interface Warning {
  message: string;
  fields: LogFields;
}

function resolveLevel(option: unknown, warnings: Warning[]): LogLevel {
  const fromOption = parseLogLevel(option);
  if (fromOption) return fromOption;
  if (option !== undefined) warnOnce(warnings, 'level option', option);
  const env = readEnv(LOG_LEVEL_ENV);
  const fromEnv = parseLogLevel(env);
  if (fromEnv) return fromEnv;
  if (env !== undefined) warnOnce(warnings, LOG_LEVEL_ENV, env);
  return DEFAULT_LOGGER_OPTIONS.level;
}

const FORMATS: readonly LogFormat[] = ['json', 'pretty'];

function warnOnce(
  warnings: Warning[],
  source: string,
  value: unknown,
  expected: readonly string[] = LOG_LEVELS,
): void {
  const shown = String(value).slice(0, 40);
  const key = `${source}=${shown}`;
  if (warnedValues.has(key)) return;
  warnedValues.add(key);
  warnings.push({
    message: `Unknown value in ${source}; using the fallback`,
    fields: { value: shown, expected: expected.join(', ') },
  });
}

function resolveFormat(option: unknown, warnings: Warning[]): LogFormat {
  if (option === 'json' || option === 'pretty') return option;
  if (option !== undefined) warnOnce(warnings, 'format option', option, FORMATS);
  const env = readEnv(LOG_FORMAT_ENV);
  const fromEnv = env?.trim().toLowerCase();
  if (fromEnv === 'json' || fromEnv === 'pretty') return fromEnv;
  if (env !== undefined) warnOnce(warnings, LOG_FORMAT_ENV, env, FORMATS);
  return isInteractiveTerminal() ? 'pretty' : 'json';
}

function asFields(value: unknown): LogFields {
  if (value === undefined || value === null) return {};
  return typeof value === 'object' && !Array.isArray(value) ? (value as LogFields) : { value };
}

function mergeFields(bound: LogFields, extra: unknown): LogFields {
  try {
    return { ...bound, ...asFields(extra) };
  } catch {
    return { ...bound, childFields: UNREADABLE };
  }
}

/**
 * Creates a structured logger on tslog. Every message and field is redacted before it is formatted
 * (see {@link redact}); calls below the level return before doing any work; a log call never throws.
 *
 * @example
 * ```ts
 * const logger = createLogger({ name: 'orders', level: 'debug', format: 'json' });
 * const log = logger.child({ requestId: 'req_1' });
 * log.info('order placed', { orderId: 'o_1', headers: { authorization: 'Bearer abc' } });
 * // {"time":"…","level":"info","name":"orders","msg":"order placed","fields":{"requestId":"req_1","orderId":"o_1","headers":{"authorization":"[REDACTED]"}}}
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const warnings: Warning[] = [];
  const level = resolveLevel(options.level, warnings);
  const format = resolveFormat(options.format, warnings);
  const sink = options.sink ?? defaultSink;
  const now = options.now ?? Date.now;
  const redactor = createRedactor(options.redact ?? DEFAULT_LOGGER_OPTIONS.redact);
  const threshold = LEVEL_SEVERITY[level];
  let sinkFailed = false;
  const write = createTslogWriter({
    format,
    name: options.name,
    colors: format === 'pretty' && options.sink === undefined && isInteractiveTerminal(),
    sink: (line, record) => {
      try {
        sink(line, record);
      } catch {
        // A logger must never throw into its caller; say once, on the default sink, that lines are lost.
        if (!sinkFailed && sink !== defaultSink) {
          sinkFailed = true;
          defaultSink(`kit logger: the log sink threw; its lines are being lost`, {
            ...record,
            level: 'error',
          });
        }
      }
    },
  });

  // `silent` is never "enabled": there is no line at that level to emit.
  const isLevelEnabled = (asked: LogLevel): boolean => {
    const severity = LEVEL_SEVERITY[asked];
    return severity !== undefined && Number.isFinite(severity) && severity >= threshold;
  };

  const make = (bound: LogFields): Logger => {
    const method =
      (level: LogRecord['level']) =>
      (message: string, fields?: LogFields): void => {
        if (LEVEL_SEVERITY[level] < threshold) return;
        try {
          // Redacted separately, then merged: the copies are plain objects, so merging cannot throw.
          const boundCopy = redactor.value(bound) as LogFields;
          const merged =
            fields === undefined
              ? boundCopy
              : { ...boundCopy, ...asFields(redactor.value(asFields(fields))) };
          const record: LogRecord = {
            time: new Date(now()).toISOString(),
            level,
            name: options.name,
            msg: redactor.string(typeof message === 'string' ? message : String(redactor.value(message))),
            fields: merged,
          };
          // Trace correlation: one property read when no OpenTelemetry is registered.
          const span = activeSpanIds();
          if (span !== undefined) {
            record.trace_id = span.traceId;
            record.span_id = span.spanId;
          }
          write(record);
        } catch {
          // Only reachable through a hostile value (a Proxy that throws on spread, a clock that
          // throws); dropping that one line beats crashing the caller.
        }
      };
    return {
      debug: method('debug'),
      info: method('info'),
      warn: method('warn'),
      error: method('error'),
      child: (fields) => make(mergeFields(bound, fields)),
      isLevelEnabled,
    };
  };

  const logger = make(asFields(options.fields ?? DEFAULT_LOGGER_OPTIONS.fields));
  for (const warning of warnings) logger.warn(warning.message, warning.fields);
  return logger;
}
