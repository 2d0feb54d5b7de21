import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { classifyError, classifyHttpResponse, type ErrorCode } from '@kit/errors';
import { formatMs } from '../io/table';
import { type CheckResult, problemFromError, problemOf } from './check-result';
import {
  bareHostname,
  type HttpProbe,
  portOf,
  probeHttp,
  probeTcp,
  probeTls,
  type ResolvedAddress,
  type Resolver,
} from './net-probes';

/** A check's outcome before the runner adds id, title and duration. */
export type CheckOutcome = Omit<CheckResult, 'id' | 'title' | 'durationMs'>;

/** Resolves the host of `url`; an IP literal needs no lookup. */
export async function checkDns(
  url: URL,
  resolver: Resolver,
  timeoutMs: number,
): Promise<CheckOutcome & { readonly address?: ResolvedAddress }> {
  const host = bareHostname(url);
  if (/^[\d.]+$/.test(host) || host.includes(':')) {
    const address: ResolvedAddress = { address: host, family: host.includes(':') ? 6 : 4 };
    return {
      status: 'pass',
      summary: `${host} is an IP address (no lookup)`,
      timings: { dnsMs: 0 },
      address,
    };
  }
  const started = performance.now();
  try {
    const addresses = await withTimeout(resolver(host), timeoutMs, 'getaddrinfo');
    const dnsMs = performance.now() - started;
    const first = addresses[0];
    if (first === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return {
      status: 'pass',
      summary: `${host} -> ${addresses.map((entry) => entry.address).join(', ')} in ${formatMs(dnsMs)}`,
      timings: { dnsMs },
      address: first,
    };
  } catch (error) {
    const kit = classifyError(error, { url: url.toString() });
    return {
      status: 'fail',
      summary: `${host} did not resolve`,
      timings: { dnsMs: performance.now() - started },
      problem: problemFromError(
        kit,
        kit.code === 'network.dns_failure'
          ? `"${host}" does not resolve: check the host name in --target (KIT_TARGET) for a typo, and that DNS works on this machine (getent hosts ${host}).`
          : undefined,
      ),
    };
  }
}

/** Opens a TCP connection to the resolved address. */
export async function checkTcp(url: URL, address: ResolvedAddress, timeoutMs: number): Promise<CheckOutcome> {
  const port = portOf(url);
  const where = `${address.family === 6 ? `[${address.address}]` : address.address}:${port}`;
  try {
    // Best of three, like ping: one connect can include a pause of this process's own event loop.
    const samples = [await probeTcp(address, port, timeoutMs)];
    for (let index = 0; index < 2; index++) samples.push(await probeTcp(address, port, timeoutMs));
    const connectMs = Math.min(...samples);
    return {
      status: 'pass',
      summary: `${where} in ${formatMs(connectMs)} (best of 3)`,
      timings: { connectMs },
    };
  } catch (error) {
    const kit = classifyError(error, { url: url.toString() });
    const hints: Partial<Record<ErrorCode, string>> = {
      'network.connection_refused': `Nothing is listening on ${where}: check the port in --target (KIT_TARGET) and that the server is running (\`kit sandbox\` starts a local one).`,
      'timeout.connect': `No answer from ${where} within ${formatMs(timeoutMs)}: a firewall, VPN or proxy is dropping the connection, or the host is down.`,
    };
    return {
      status: 'fail',
      summary: `${where} not reachable`,
      problem: problemFromError(kit, hints[kit.code]),
    };
  }
}

const DAY_MS = 86_400_000;

/** Options for {@link checkTls}. */
export interface TlsCheckOptions {
  readonly url: URL;
  readonly address: ResolvedAddress;
  readonly ca: string[] | undefined;
  readonly timeoutMs: number;
  /** Local time (epoch ms). */
  readonly now: number;
  /** Warn when the certificate expires sooner than this. @default 14 days */
  readonly expiryWarningMs?: number;
}

/** Handshakes, then reports trust, host name and validity dates, with the certificate's subject and dates. */
export async function checkTls(options: TlsCheckOptions): Promise<CheckOutcome> {
  const { url } = options;
  if (url.protocol !== 'https:' && url.protocol !== 'wss:') {
    return {
      status: 'skip',
      notApplicable: true,
      summary: 'not used: plain http to a loopback host',
      skippedBecause: 'plain http',
    };
  }
  const host = bareHostname(url);
  let probe: Awaited<ReturnType<typeof probeTls>>;
  try {
    probe = await probeTls({
      target: options.address,
      port: portOf(url),
      servername: host,
      ca: options.ca,
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    const kit = classifyError(error, { url: url.toString() });
    return { status: 'fail', summary: 'handshake failed', problem: problemFromError(kit) };
  }
  const timings = { tlsMs: probe.handshakeMs };
  const cert = probe.certificate;
  const details = cert ? describeCertificate(cert, options.now) : ['no certificate presented'];
  if (probe.protocol) details.push(`protocol ${probe.protocol}`);
  const reason = probe.authorizationError ?? (cert ? identityError(host, cert) : 'NO_CERTIFICATE');
  if (reason !== undefined) {
    const kit = classifyError(Object.assign(new Error(reason), { code: reason }), { url: url.toString() });
    const { summary, hint } = tlsAdvice(reason, host, cert, options.now);
    return {
      status: 'fail',
      summary,
      timings,
      details,
      problem: problemOf(
        kit.code === 'internal.unexpected' ? 'network.tls_failure' : kit.code,
        `${summary} (${reason})`,
        hint,
      ),
    };
  }
  const validTo = cert ? Date.parse(cert.valid_to) : Number.NaN;
  const left = validTo - options.now;
  if (Number.isFinite(left) && left < (options.expiryWarningMs ?? 14 * DAY_MS)) {
    return {
      status: 'warn',
      summary: `trusted, but expires in ${Math.max(0, Math.floor(left / DAY_MS))} days`,
      timings,
      details,
      problem: problemOf(
        'network.tls_failure',
        `The certificate expires on ${new Date(validTo).toISOString()}`,
        'Renew the server certificate before it expires; clients will then refuse every connection.',
      ),
    };
  }
  return {
    status: 'pass',
    summary: `trusted, valid for ${host}, ${formatMs(probe.handshakeMs)}`,
    timings,
    details,
  };
}

function identityError(host: string, cert: PeerCertificate): string | undefined {
  const error = checkServerIdentity(host, cert);
  return error ? ((error as { code?: string }).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID') : undefined;
}

function names(cert: PeerCertificate): string {
  return cert.subjectaltname ?? (cert.subject?.CN ? `CN=${cert.subject.CN}` : 'no names');
}

function describeCertificate(cert: PeerCertificate, now: number): string[] {
  const from = Date.parse(cert.valid_from);
  const to = Date.parse(cert.valid_to);
  const daysLeft = Math.floor((to - now) / DAY_MS);
  return [
    `subject CN=${cert.subject?.CN ?? '?'} (${names(cert)})`,
    `issuer  CN=${cert.issuer?.CN ?? '?'}${cert.issuer?.O ? `, O=${cert.issuer.O}` : ''}`,
    `valid   ${iso(from)} to ${iso(to)} (${daysLeft >= 0 ? `${daysLeft} days left` : `expired ${-daysLeft} days ago`})`,
  ];
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '?';
}

function tlsAdvice(
  reason: string,
  host: string,
  cert: PeerCertificate | undefined,
  now: number,
): { summary: string; hint: string } {
  const issuer = cert?.issuer?.CN ? `"${cert.issuer.CN}"` : 'its issuer';
  switch (reason) {
    case 'CERT_HAS_EXPIRED':
      return {
        summary: `certificate expired on ${iso(Date.parse(cert?.valid_to ?? ''))}`,
        hint: `The server's certificate expired (this machine's clock says ${iso(now)}): renew the certificate on the server, and check this machine's clock if the date looks wrong.`,
      };
    case 'CERT_NOT_YET_VALID':
      return {
        summary: `certificate not valid before ${iso(Date.parse(cert?.valid_from ?? ''))}`,
        hint: `The certificate is not valid yet by this machine's clock (${iso(now)}): fix the clock (NTP) or the certificate's dates.`,
      };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        summary: `certificate is for ${cert ? names(cert) : 'another host'}, not ${host}`,
        hint: `The certificate does not cover "${host}": use the host name the certificate names in --target, or have the server present a certificate for "${host}".`,
      };
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
      return {
        summary: `certificate issued by ${issuer}, which this machine does not trust`,
        hint: `Trust the issuing CA with --ca-file FILE (KIT_CA_FILE) or NODE_EXTRA_CA_CERTS; if you did not expect ${issuer}, a proxy may be intercepting TLS. Never disable verification.`,
      };
    default:
      return {
        summary: `certificate rejected (${reason})`,
        hint: "Check the server's certificate chain and this machine's CA bundle (--ca-file or NODE_EXTRA_CA_CERTS).",
      };
  }
}

/** The first request: `GET /v1/time` unauthenticated, with connect, TLS and first-byte timings. */
export async function checkHttp(
  restUrl: string,
  address: ResolvedAddress,
  ca: string[] | undefined,
  timeoutMs: number,
): Promise<CheckOutcome & { readonly probe?: HttpProbe; readonly serverTime?: number }> {
  const url = new URL(`${restUrl}/time`);
  let probe: HttpProbe;
  try {
    probe = await probeHttp({ url, target: address, ca, timeoutMs });
  } catch (error) {
    const kit = classifyError(error, { method: 'GET', url: url.toString() });
    return { status: 'fail', summary: `GET ${url.pathname} failed`, problem: problemFromError(kit) };
  }
  const timings = { ...probe.timings };
  const line = `GET ${url.pathname} -> ${probe.status}, first byte ${formatMs(probe.timings.firstByteMs)}`;
  const serverTime = readServerTime(probe.body);
  if (probe.status >= 200 && probe.status < 300 && serverTime !== undefined) {
    return { status: 'pass', summary: line, timings, probe, serverTime };
  }
  const looksHtml = /^\s*</.test(probe.body);
  if (probe.status >= 200 && probe.status < 300) {
    return {
      status: 'fail',
      summary: `${line}, but not the broker API`,
      timings,
      problem: problemOf(
        looksHtml ? 'schema.html_error_page' : 'schema.response_mismatch',
        `GET ${url.pathname} answered ${looksHtml ? 'an HTML page' : 'without a serverTime'}`,
        'The URL answers, but not as this API: --target must be the base URL of the broker API (REST under /v1), not a web page or a proxy login page.',
      ),
    };
  }
  const kit = classifyHttpResponse({
    status: probe.status,
    headers: flatHeaders(probe.headers),
    body: probe.body,
    method: 'GET',
    path: url.pathname,
  });
  const hint =
    probe.status === 404
      ? `${url.pathname} does not exist there: --target must be the API's base URL (REST under /v1), e.g. https://host:port.`
      : undefined;
  return { status: 'fail', summary: line, timings, problem: problemFromError(kit, hint) };
}

/** The `serverTime` of a `GET /v1/time` body, if it has a numeric one. */
export function readServerTime(body: string): number | undefined {
  try {
    const parsed = JSON.parse(body) as { serverTime?: unknown };
    return typeof parsed.serverTime === 'number' && Number.isFinite(parsed.serverTime)
      ? parsed.serverTime
      : undefined;
  } catch {
    return undefined;
  }
}

/** Node's header object with array values joined, for the classifiers. */
function flatHeaders(headers: HttpProbe['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Rejects when `promise` takes longer than `timeoutMs`, with a system-style timeout error. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number, syscall: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error(`${syscall} timed out after ${timeoutMs} ms`), {
            code: 'ETIMEDOUT',
            syscall,
          }),
        ),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
