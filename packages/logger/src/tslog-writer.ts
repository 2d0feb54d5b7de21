import { type ILogObj, Logger as TslogLogger } from 'tslog';
import { LEVEL_SEVERITY } from './log-level';
import type { LogFormat, LogRecord, LogSink } from './log-record';
import { splitErrorsForPretty } from './pretty-errors';

/** Options for {@link createTslogWriter}. */
export interface TslogWriterOptions {
  format: LogFormat;
  name: string | undefined;
  sink: LogSink;
  /** ANSI colours in pretty output (only for an interactive terminal). */
  colors: boolean;
}

/**
 * Formats already-redacted records with tslog and hands each line to the sink. tslog's own masking
 * is switched off (`overwrite.mask` is the identity): kit redacts before tslog sees anything, because
 * tslog's masking misses secrets inside strings and Error cause chains.
 */
export function createTslogWriter(options: TslogWriterOptions): (record: LogRecord) => void {
  // tslog's hooks are synchronous, so the record in flight is a plain variable (saved and restored
  // around each call, in case a sink logs through the same logger).
  let current: LogRecord | undefined;
  const emit = (line: string): void => {
    if (current !== undefined) options.sink(line, current);
  };

  const tslog = new TslogLogger<ILogObj>({
    type: options.format,
    name: options.name,
    minLevel: 0, // the kit logger filters before calling tslog, so below-threshold calls cost nothing
    hideLogPositionForProduction: true, // no stack capture per line
    stylePrettyLogs: options.colors,
    prettyLogTimeZone: 'UTC',
    prettyLogTemplate:
      '{{yyyy}}-{{mm}}-{{dd}} {{hh}}:{{MM}}:{{ss}}.{{ms}} {{logLevelName}}{{nameWithDelimiterPrefix}} ',
    prettyInspectOptions: {
      colors: options.colors,
      compact: true,
      depth: Number.POSITIVE_INFINITY,
      breakLength: 120,
    },
    prettyLogLevelMethod: { '*': (line: unknown) => emit(String(line)) },
    maskValuesOfKeys: [],
    overwrite: {
      mask: (args) => args,
      toLogObj: () => ({ ...current }),
      addMeta: (logObj, logLevelId, logLevelName) => ({
        ...logObj,
        _meta: {
          runtime: 'kit',
          date: new Date(current?.time ?? Date.now()),
          logLevelId,
          logLevelName,
          name: options.name,
        },
      }),
      addPlaceholders: (_meta, placeholders) => {
        // tslog accepts only its own placeholders, so the trace ids ride on the name's.
        const trace =
          current?.trace_id === undefined ? '' : ` trace_id=${current.trace_id} span_id=${current.span_id}`;
        placeholders.nameWithDelimiterPrefix = `${options.name === undefined ? '' : ` [${options.name}]`}${trace}`;
        placeholders.logLevelName = String(placeholders.logLevelName ?? '').padEnd(5);
      },
      transportJSON: () => {
        if (current === undefined) return;
        const { time, level, name, msg, fields, trace_id, span_id } = current;
        emit(JSON.stringify({ time, level, name, msg, fields, trace_id, span_id }));
      },
    },
  });

  return (record) => {
    const previous = current;
    current = record;
    try {
      const args: unknown[] = [record.msg];
      if (options.format === 'pretty') {
        const { fields, errors } = splitErrorsForPretty(record.fields);
        if (Object.keys(fields).length > 0) args.push(fields);
        args.push(...errors);
      } else if (Object.keys(record.fields).length > 0) {
        args.push(record.fields);
      }
      tslog.log(LEVEL_SEVERITY[record.level], record.level.toUpperCase(), ...args);
    } finally {
      current = previous;
    }
  };
}
