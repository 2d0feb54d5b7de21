import { type ApiError, apiError } from '../api-error';

/** Parses a query string, refusing names not in `allowed` and repeated names. */
export function readQuery(rawQuery: string, allowed: readonly string[]): Map<string, string> | ApiError {
  const values = new Map<string, string>();
  if (rawQuery.length === 0) return values;
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    if (!allowed.includes(name)) {
      return apiError(
        400,
        'INVALID_REQUEST',
        `Unknown query parameter "${name.slice(0, 64)}"; this route takes ${allowed.join(', ') || 'none'}`,
      );
    }
    if (values.has(name)) return apiError(400, 'INVALID_REQUEST', `Query parameter "${name}" is given twice`);
    values.set(name, value);
  }
  return values;
}

/** An integer query parameter in `[min, max]`, `fallback` when absent. */
export function readInteger(
  values: Map<string, string>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number | ApiError {
  const text = values.get(name);
  if (text === undefined) return fallback;
  if (!/^\d{1,16}$/.test(text) || Number(text) < min || Number(text) > max) {
    return apiError(400, 'INVALID_REQUEST', `${name} must be an integer from ${min} to ${max}`);
  }
  return Number(text);
}

/** Whether a value is an {@link ApiError} (handlers return, never throw, them). */
export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' && value !== null && 'code' in value && 'status' in value && 'message' in value
  );
}
