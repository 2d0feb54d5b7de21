import type { LogRecord } from './log-record';
import { runtimeProcess } from './runtime';

/**
 * Writes a line to stdout (debug, info) or stderr (warn, error) in Node, and to the matching
 * `console` method where there is no `process` (browsers, workers).
 */
export function defaultSink(line: string, record: LogRecord): void {
  const proc = runtimeProcess();
  const stream = record.level === 'warn' || record.level === 'error' ? proc?.stderr : proc?.stdout;
  if (typeof stream?.write === 'function') {
    stream.write(`${line}\n`);
    return;
  }
  const target = (globalThis as { console?: Console }).console;
  if (target === undefined) return;
  const write = typeof target[record.level] === 'function' ? target[record.level] : target.log;
  write.call(target, line);
}

/** Whether stdout is an interactive terminal (false in browsers and when output is piped). */
export function isInteractiveTerminal(): boolean {
  return runtimeProcess()?.stdout?.isTTY === true;
}
