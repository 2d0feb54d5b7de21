import { type HeadersLike, headerValue } from './header-value';

/**
 * Response headers that carry a request id, most specific first: the generic ones, then the
 * clouds' and gateways' own (a CDN ray id only when nothing better is there).
 */
export const DEFAULT_REQUEST_ID_HEADERS: readonly string[] = [
  'x-request-id',
  'request-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-ms-request-id',
  'x-github-request-id',
  'x-correlation-id',
  'x-trace-id',
  'cf-ray',
  'x-amz-cf-id',
];

/**
 * The server's request id from the first of `names` that is present (case-insensitive), trimmed,
 * at most 200 printable characters. `undefined` when none is present.
 *
 * @param names - header names to try in order. @default DEFAULT_REQUEST_ID_HEADERS
 */
export function readRequestId(
  headers: HeadersLike | null | undefined,
  names: readonly string[] = DEFAULT_REQUEST_ID_HEADERS,
): string | undefined {
  for (const name of names) {
    const value = headerValue(headers, name)
      ?.replace(/[^\x20-\x7e]/g, '')
      .trim()
      .slice(0, 200);
    if (value) return value;
  }
  return undefined;
}
