import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, Socket } from 'node:net';
import { type PeerCertificate, rootCertificates, type TLSSocket, connect as tlsConnect } from 'node:tls';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Resolves a host name. The doctor resolves once through this and pins every later connection to
 * the answer, so tests can inject it and nothing else ever asks real DNS.
 */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (`getaddrinfo`, like every Node client by default). */
export const systemResolver: Resolver = async (hostname) =>
  (await dnsPromises.lookup(hostname, { all: true })).map((entry: LookupAddress) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

/** `[::1]` -> `::1`: URL keeps brackets around IPv6 literals. */
export function bareHostname(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** The port of a URL, with the scheme's default. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
}

/** A `lookup` for sockets that answers with an address already resolved. */
export function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

/** The CA list for TLS: the system roots plus an extra PEM (Node's `ca` option replaces the roots otherwise). */
export function caList(extraPem: string | undefined): string[] | undefined {
  return extraPem === undefined ? undefined : [...rootCertificates, extraPem];
}

function timeoutError(syscall: string, timeoutMs: number): Error {
  return Object.assign(new Error(`${syscall} timed out after ${timeoutMs} ms`), {
    code: 'ETIMEDOUT',
    syscall,
  });
}

/** Opens a TCP connection and closes it; resolves with the connect time in milliseconds. */
export function probeTcp(target: ResolvedAddress, port: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = new Socket();
    const timer = setTimeout(() => socket.destroy(timeoutError('connect', timeoutMs)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(performance.now() - started);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.connect({ host: target.address, port, family: target.family });
  });
}

/** What a TLS handshake showed. */
export interface TlsProbe {
  /** Handshake time after the TCP connect, in milliseconds. */
  readonly handshakeMs: number;
  readonly authorized: boolean;
  /** OpenSSL's reason when not authorized (`CERT_HAS_EXPIRED`, …). */
  readonly authorizationError?: string;
  readonly certificate: PeerCertificate | undefined;
  readonly protocol: string | null;
}

/** Options for {@link probeTls}. */
export interface TlsProbeOptions {
  readonly target: ResolvedAddress;
  readonly port: number;
  /** The host name the certificate must cover (SNI too, unless it is an IP). */
  readonly servername: string;
  readonly ca: string[] | undefined;
  readonly timeoutMs: number;
}

/**
 * Completes a TLS handshake without verifying (so the certificate can be shown even when it is
 * bad) and reports whether verification would pass; nothing is sent over the connection.
 */
export function probeTls(options: TlsProbeOptions): Promise<TlsProbe> {
  return new Promise((resolve, reject) => {
    let connectedAt = performance.now();
    const socket: TLSSocket = tlsConnect({
      host: options.target.address,
      port: options.port,
      ...(isIP(options.servername) === 0 ? { servername: options.servername } : {}),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(
      () => socket.destroy(timeoutError('TLS handshake', options.timeoutMs)),
      options.timeoutMs,
    );
    socket.once('connect', () => {
      connectedAt = performance.now();
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const certificate = socket.getPeerCertificate(true);
      const result: TlsProbe = {
        handshakeMs: performance.now() - connectedAt,
        authorized: socket.authorized,
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
        certificate: certificate && Object.keys(certificate).length > 0 ? certificate : undefined,
        protocol: socket.getProtocol(),
      };
      socket.destroy();
      resolve(result);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A raw HTTP exchange with per-phase timings. */
export interface HttpProbe {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Local wall clock when the request was written and when the first byte arrived (epoch ms). */
  readonly sentAtMs: number;
  readonly firstByteAtMs: number;
  readonly timings: {
    readonly connectMs: number;
    readonly tlsMs?: number;
    readonly firstByteMs: number;
    readonly totalMs: number;
  };
}

/** Options for {@link probeHttp}. */
export interface HttpProbeOptions {
  readonly url: URL;
  readonly target: ResolvedAddress;
  readonly ca: string[] | undefined;
  readonly timeoutMs: number;
  /** @default 'GET' */
  readonly method?: string;
  /** @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest body kept, in bytes. @default 65_536 */
  readonly maxBodyBytes?: number;
}

/** One request on a fresh connection pinned to `target`, timing connect, TLS and first byte. */
export function probeHttp(options: HttpProbeOptions): Promise<HttpProbe> {
  return new Promise((resolve, reject) => {
    const isHttps = options.url.protocol === 'https:';
    const started = performance.now();
    let connectedAt = started;
    let secureAt: number | undefined;
    let sentAt = started;
    let sentAtMs = Date.now();
    const request = (isHttps ? https : http).request(options.url, {
      method: options.method ?? 'GET',
      agent: false,
      lookup: pinnedLookup(options.target),
      headers: { accept: 'application/json', ...options.headers },
      ...(isHttps && options.ca !== undefined ? { ca: options.ca } : {}),
    });
    const timer = setTimeout(
      () => request.destroy(timeoutError('request', options.timeoutMs)),
      options.timeoutMs,
    );
    request.once('socket', (socket) => {
      socket.once('connect', () => {
        connectedAt = performance.now();
      });
      socket.once('secureConnect', () => {
        secureAt = performance.now();
      });
    });
    request.once('finish', () => {
      sentAt = performance.now();
      sentAtMs = Date.now();
    });
    request.once('response', (response) => {
      const firstByteAt = performance.now();
      const firstByteAtMs = Date.now();
      const chunks: Buffer[] = [];
      let size = 0;
      const limit = options.maxBodyBytes ?? 65_536;
      response.on('data', (chunk: Buffer) => {
        if (size < limit) chunks.push(chunk);
        size += chunk.length;
      });
      response.once('end', () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8').slice(0, limit),
          sentAtMs,
          firstByteAtMs,
          timings: {
            connectMs: connectedAt - started,
            ...(secureAt === undefined ? {} : { tlsMs: secureAt - connectedAt }),
            firstByteMs: firstByteAt - sentAt,
            totalMs: performance.now() - started,
          },
        });
      });
      response.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end();
  });
}
