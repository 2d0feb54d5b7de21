import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers Node's http parser keeps only the first value of when a response repeats them
 * (node/lib/_http_incoming.js `matchKnownFields`); every other repeated header is joined with ", ".
 */
const FIRST_VALUE_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** One value for a repeated header other than `set-cookie`, as Node's parser makes it. */
function joinRepeated(name: string, values: string[]): string {
  return FIRST_VALUE_ONLY.has(name) ? (values[0] as string) : values.join(name === 'cookie' ? '; ' : ', ');
}

/**
 * Turns undici's parsed response headers (repeated headers as arrays) into the shape Node's
 * `IncomingMessage.headers` has, which is what axios's http adapter hands to `AxiosHeaders`:
 * `set-cookie` stays an array, the first-value-only headers keep their first value, others are joined.
 */
export function toNodeHeaders(headers: Record<string, string | string[] | undefined>): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      result[name] = name === 'set-cookie' ? [value] : value;
    } else if (name === 'set-cookie') {
      result[name] = value;
    } else {
      result[name] = joinRepeated(name, value);
    }
  }
  return result;
}

/**
 * Undici's parsed response headers as the client reads them: Node's shape (see
 * {@link toNodeHeaders}) with `set-cookie` joined with ", " too, so every value is one string, as
 * the client's transport makes of `AxiosHeaders`. For the direct exchange, which skips `AxiosHeaders`.
 */
export function toPlainHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') result[name] = value;
    else if (name === 'set-cookie') result[name] = value.join(', ');
    else result[name] = joinRepeated(name, value);
  }
  return result;
}
