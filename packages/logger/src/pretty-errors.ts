import type { LogFields } from './logger-types';

interface ErrorRecord {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  [field: string]: unknown;
}

function isErrorRecord(value: unknown): value is ErrorRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.name === 'string' && typeof record.message === 'string' && typeof record.stack === 'string'
  );
}

// Rebuilt from the already-redacted record, so nothing tslog prints can hold an unredacted value.
function toError(record: ErrorRecord, depth: number): Error {
  const error = new Error(record.message);
  for (const [key, value] of Object.entries(record)) {
    // tslog prints the name already; an own `name` of "Error" would only repeat it.
    if (key === 'message' || key === 'stack' || key === 'cause' || (key === 'name' && value === 'Error'))
      continue;
    Object.defineProperty(error, key, { value, enumerable: true, writable: true, configurable: true });
  }
  error.stack = record.stack;
  if (record.cause !== undefined) {
    const cause = isErrorRecord(record.cause) && depth < 5 ? toError(record.cause, depth + 1) : record.cause;
    Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  }
  return error;
}

/**
 * For pretty output: top-level fields holding a (redacted) error become real `Error` objects passed
 * to tslog separately, so people get tslog's error block (stack frames, "Caused by") instead of an
 * escaped one-line stack; the field keeps a one-line summary.
 */
export function splitErrorsForPretty(fields: LogFields): { fields: LogFields; errors: Error[] } {
  let out: LogFields | undefined;
  const errors: Error[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (!isErrorRecord(value)) continue;
    out ??= { ...fields };
    out[key] = `${value.name}: ${value.message}`;
    errors.push(toError(value, 0));
  }
  return { fields: out ?? fields, errors };
}
