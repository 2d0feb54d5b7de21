import type { RetryAfterSpec } from './fault-types';

/** The HTML page a proxy (nginx here) answers with when the upstream fails. */
export function proxyErrorPage(status: number): string {
  const title = `${status} ${status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Temporarily Unavailable' : 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * Turns valid JSON text into text no JSON parser accepts while keeping it plausible: the first half,
 * then `,}` (a trailing comma, an unterminated string or a dangling value, whatever the cut hit).
 */
export function malformJson(text: string | undefined): string {
  if (text === undefined || text.length === 0) return '{"ok":tru';
  return `${text.slice(0, Math.ceil(text.length / 2))},}`;
}

/** The header for a {@link RetryAfterSpec}: `Retry-After` (seconds or HTTP-date) or `retry-after-ms`. */
export function retryAfterHeader(spec: RetryAfterSpec): [string, string] {
  if ('seconds' in spec) return ['Retry-After', String(spec.seconds)];
  if ('ms' in spec) return ['retry-after-ms', String(spec.ms)];
  return ['Retry-After', new Date(spec.date).toUTCString()];
}
