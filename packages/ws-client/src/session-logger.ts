import { type LogFields, type Logger, type LogLevel, noopLogger } from '@kit/logger';

type Line = (message: string, fields?: LogFields) => void;

/**
 * `log`, with every line written inside `inSession` (the session span's context), so a logger that
 * correlates with the active span (kit's does: `trace_id`, `span_id`) ties the client's lines
 * about a connection to its `kit.ws.session` span. The span is only entered for a line the logger
 * will write; without telemetry, or without a logger, `log` itself is returned. @internal
 */
export function sessionLogger(log: Logger, inSession: (<T>(fn: () => T) => T) | undefined): Logger {
  if (inSession === undefined || log === noopLogger) return log;
  const line =
    (level: Exclude<LogLevel, 'silent'>): Line =>
    (message, fields) => {
      if (log.isLevelEnabled?.(level) === false) return;
      inSession(() => log[level](message, fields));
    };
  const correlated: Logger = {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (fields) => sessionLogger(log.child(fields), inSession),
  };
  if (log.isLevelEnabled) correlated.isLevelEnabled = (level) => log.isLevelEnabled?.(level) ?? true;
  return correlated;
}
