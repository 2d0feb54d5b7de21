import type { HeadersLike } from './header-value';

/**
 * The header names of `headers`, lower-cased, when they can be listed without guessing: a plain
 * record, an axios `AxiosHeaders` (own properties), or anything iterable over `[name, value]`
 * (fetch `Headers`, `Map`, an array of pairs). `undefined` for any other shape (an object that only
 * has `get()`): callers then fall back to looking names up one by one.
 */
export function listHeaderNames(headers: HeadersLike | null | undefined): string[] | undefined {
  if (headers === null || headers === undefined) return [];
  if (typeof headers !== 'object') return undefined;
  try {
    const proto: unknown = Object.getPrototypeOf(headers);
    const plain = proto === Object.prototype || proto === null;
    if (plain ? typeof (headers as { get?: unknown }).get !== 'function' : isAxiosHeaders(headers)) {
      return Object.keys(headers).map((name) => name.toLowerCase());
    }
    if (typeof (headers as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') return undefined;
    const names: string[] = [];
    for (const entry of headers as Iterable<unknown>) {
      const name: unknown = Array.isArray(entry) ? entry[0] : undefined;
      if (typeof name !== 'string') return undefined;
      names.push(name.toLowerCase());
    }
    return names;
  } catch {
    // A hostile object (a Proxy that throws): let the one-by-one lookups deal with it.
    return undefined;
  }
}

/** axios keeps each header as an own property of an `AxiosHeaders` instance. */
function isAxiosHeaders(headers: object): boolean {
  const candidate = headers as { constructor?: { name?: unknown }; normalize?: unknown; toJSON?: unknown };
  return (
    candidate.constructor?.name === 'AxiosHeaders' &&
    typeof candidate.normalize === 'function' &&
    typeof candidate.toJSON === 'function'
  );
}

/**
 * The name prefixes of every rate-limit header family kit reads (lower case): the legacy
 * `X-RateLimit-*` and its `X-Rate-Limit-*` spelling, the IETF `RateLimit*` fields, Binance's
 * used-weight headers and `Retry-After` / `retry-after-ms`.
 */
export const RATE_LIMIT_HEADER_PREFIXES: readonly string[] = Object.freeze([
  'x-ratelimit',
  'x-rate-limit',
  'ratelimit',
  'x-mbx-used-weight',
  'retry-after',
]);

/** Whether a (lower-case) header name belongs to a rate-limit header family. */
export function isRateLimitHeaderName(name: string): boolean {
  for (const prefix of RATE_LIMIT_HEADER_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}
