import { KitError } from '@kit/errors';
import { isLoopbackHost } from '@kit/errors/internal';

const SECURE_PROTOCOLS = new Set(['https:', 'wss:']);
const PLAIN_PROTOCOLS = new Set(['http:', 'ws:']);

// One loopback rule for all of kit, kept public here.
export { isLoopbackHost } from '@kit/errors/internal';

/** Most origins whose approval {@link assertSecureTransport} remembers. */
const MAX_CACHED_ORIGINS = 256;
const approvedOrigins = new Set<string>();
const PLAIN_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[a-z0-9.\-:[\]]+(?=[/?#]|$)/i;

/** The origin approved last: most clients talk to one host, so this is checked before anything else. */
let lastApproved = '';

/** Whether `url` is `origin` followed by nothing or by a path, query or fragment (`/`, `?`, `#`). */
function startsWithOrigin(url: string, origin: string): boolean {
  if (origin === '' || !url.startsWith(origin)) return false;
  const next = url.charCodeAt(origin.length);
  // NaN at the end of the string; 47 '/', 63 '?', 35 '#'.
  return Number.isNaN(next) || next === 47 || next === 63 || next === 35;
}

/**
 * `scheme://authority` of `url` when it has only the plainest characters there (letters, digits,
 * `.`, `-`, `:`, `[`, `]`) and the authority ends at `/`, `?`, `#` or the end; otherwise undefined.
 * For such a prefix the URL parser's protocol and hostname depend on the prefix alone, so one
 * verdict serves every URL that starts with it. Anything unusual (userinfo, backslashes,
 * percent-escapes, whitespace) is left to the full parse every time.
 */
function plainOrigin(url: string): string | undefined {
  const match = PLAIN_ORIGIN.exec(url);
  return match === null ? undefined : match[0];
}

/** The full check: parses `url` and throws `auth.insecure_transport` unless it is safe. */
function checkParsed(url: string | URL): void {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (cause) {
    throw new KitError('auth.insecure_transport', {
      message: 'Credentials were not attached: the request URL is not an absolute URL',
      cause,
      hint: 'Pass an absolute https:// (or wss://) URL; credentials are only attached to URLs kit can check.',
    });
  }
  if (SECURE_PROTOCOLS.has(parsed.protocol)) return;
  if (PLAIN_PROTOCOLS.has(parsed.protocol) && isLoopbackHost(parsed.hostname)) return;
  throw new KitError('auth.insecure_transport', {
    message: `Credentials were not attached: ${parsed.protocol}//${parsed.host} is not encrypted and not a loopback host`,
    path: parsed.pathname,
    details: { protocol: parsed.protocol, host: parsed.host },
  });
}

/**
 * Throws `auth.insecure_transport` unless `url` is `https://`/`wss://`, or `http://`/`ws://` to a
 * loopback host (127.0.0.0/8, ::1, localhost). Every strategy calls it before attaching credentials.
 * The error names the scheme and host only: never the full URL, whose query may hold credentials.
 *
 * It runs on every attempt, so approvals are remembered per `scheme://host:port` string (up to 256
 * of them, for plain-looking URL strings only): the common case is one regular-expression match
 * and one set lookup instead of a `new URL()` parse. Refusals are never cached.
 *
 * @example
 * ```ts
 * assertSecureTransport('https://api.example.com/v1'); // ok
 * assertSecureTransport('http://127.0.0.1:8080/v1');   // ok (loopback)
 * assertSecureTransport('http://api.example.com/v1');  // throws auth.insecure_transport
 * ```
 */
export function assertSecureTransport(url: string | URL): void {
  if (typeof url === 'string' && startsWithOrigin(url, lastApproved)) return;
  const origin = typeof url === 'string' ? plainOrigin(url) : undefined;
  if (origin !== undefined && approvedOrigins.has(origin)) {
    lastApproved = origin;
    return;
  }
  checkParsed(url);
  if (origin !== undefined) {
    // Bounded: a process talking to more origins than this just parses a little more often.
    if (approvedOrigins.size >= MAX_CACHED_ORIGINS) approvedOrigins.clear();
    approvedOrigins.add(origin);
    lastApproved = origin;
  }
}
