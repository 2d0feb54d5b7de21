/**
 * Anything that carries HTTP headers: a plain object (any key case, values may be arrays or
 * numbers, as in Node's `IncomingHttpHeaders`), a `Headers` instance, axios `AxiosHeaders`, a
 * `Map`, or a list of `[name, value]` pairs.
 */
export type HeadersLike =
  | { get(name: string): unknown }
  | Readonly<Record<string, unknown>>
  | ReadonlyMap<string, unknown>
  | ReadonlyArray<readonly [string, unknown]>;

function normalise(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(normalise).filter((part): part is string => part !== undefined);
    return parts.length === 0 ? undefined : parts.join(', ');
  }
  return undefined;
}

/**
 * The value of one header, case-insensitively, from any {@link HeadersLike}. Repeated headers are
 * joined with `, ` (as `Headers.get` does). Returns `undefined` when absent or not a string/number.
 *
 * @example
 * ```ts
 * headerValue({ 'Retry-After': '5' }, 'retry-after'); // '5'
 * headerValue(new Headers({ 'x-request-id': 'abc' }), 'X-Request-Id'); // 'abc'
 * ```
 */
export function headerValue(headers: HeadersLike | null | undefined, name: string): string | undefined {
  if (headers === null || headers === undefined || typeof headers !== 'object') return undefined;
  const wanted = name.toLowerCase();
  try {
    if (headers instanceof Map) {
      for (const [key, value] of headers) if (String(key).toLowerCase() === wanted) return normalise(value);
      return undefined;
    }
    if (Array.isArray(headers)) {
      const values = headers
        .filter((pair) => Array.isArray(pair) && String(pair[0]).toLowerCase() === wanted)
        .map((pair) => pair[1]);
      return normalise(values.length === 1 ? values[0] : values);
    }
    const get = (headers as { get?: unknown }).get;
    // Headers and AxiosHeaders both look names up case-insensitively themselves.
    if (typeof get === 'function') {
      const value = normalise((get as (n: string) => unknown).call(headers, name));
      if (value !== undefined) return value;
    }
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === wanted) return normalise((headers as Record<string, unknown>)[key]);
    }
  } catch {
    // Invalid header names make Headers.get throw; a hostile proxy may throw too.
  }
  return undefined;
}
