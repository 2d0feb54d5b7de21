const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// An IPv4-mapped 127.x address, as written (`::ffff:127.0.0.1`) or as URL normalises it (`::ffff:7f00:1`).
const MAPPED_DOTTED = /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const MAPPED_HEX = /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/;

function isIpv4Loopback(host: string): boolean {
  const match = IPV4_LOOPBACK.exec(host);
  return match?.slice(1).every((octet) => Number(octet) <= 255) === true;
}

/**
 * Whether a host name is this machine: `localhost`, any address in 127.0.0.0/8, `::1`, or an
 * IPv4-mapped 127.x address. Accepts a host as `URL.hostname` gives it (`[::1]`) or bare (`::1`),
 * in any case, with or without the trailing dot of a fully qualified name (`localhost.` is the same
 * host as `localhost`, so a check that missed it could be bypassed).
 *
 * @example
 * ```ts
 * isLoopbackHost(new URL('http://localhost.:8080/').hostname); // true
 * isLoopbackHost('api.example.com'); // false
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  if (typeof hostname !== 'string') return false;
  let host = hostname.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (isIpv4Loopback(host)) return true;
  const mapped = MAPPED_DOTTED.exec(host);
  if (mapped) return isIpv4Loopback(mapped[1] as string);
  return MAPPED_HEX.test(host);
}
