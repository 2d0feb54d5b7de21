import { KitError } from '@kit/errors';

const SECURE_PROTOCOLS = new Set(['https:', 'wss:']);
const PLAIN_PROTOCOLS = new Set(['http:', 'ws:']);

/**
 * Whether `hostname` (as `URL.hostname` gives it) is a loopback host: `localhost`, any address in
 * 127.0.0.0/8, or `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  // URL normalises IPv4 shorthands (`127.1`, `0x7f.1`) to dotted quads, so one pattern is enough.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Throws `auth.insecure_transport` unless `url` is `https://`/`wss://`, or `http://`/`ws://` to a
 * loopback host (127.0.0.0/8, ::1, localhost). Every strategy calls it before attaching credentials.
 * The error names the scheme and host only: never the full URL, whose query may hold credentials.
 *
 * @example
 * ```ts
 * assertSecureTransport('https://api.example.com/v1'); // ok
 * assertSecureTransport('http://127.0.0.1:8080/v1');   // ok (loopback)
 * assertSecureTransport('http://api.example.com/v1');  // throws auth.insecure_transport
 * ```
 */
export function assertSecureTransport(url: string | URL): void {
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
