import { KitError } from '@kit/errors';
import type { Dispatcher } from 'undici';

/** TLS settings for the adapter's own sockets (the subset of `tls.connect` options that matter for clients). */
export interface UndiciTlsOptions {
  /** Extra trusted CA certificates (PEM). @default undefined (Node's bundled CAs plus NODE_EXTRA_CA_CERTS) */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate for mutual TLS (PEM). @default undefined */
  cert?: string | Buffer | Array<string | Buffer>;
  /** Private key for the client certificate (PEM). @default undefined */
  key?: string | Buffer | Array<string | Buffer>;
  /** Verify the server certificate. Only turn off against a local test server. @default true */
  rejectUnauthorized?: boolean;
  /** SNI server name when it differs from the URL host. @default the URL host */
  servername?: string;
}

/** Options of {@link createUndiciAdapter}. Every field is optional; defaults are in {@link DEFAULT_UNDICI_ADAPTER_OPTIONS}. */
export interface UndiciAdapterOptions {
  /**
   * Send through this undici dispatcher instead of the adapter's own keep-alive `Agent`.
   * The adapter never closes a dispatcher it did not create, and ignores the connection
   * options below (they configure the adapter's own agent).
   * @default undefined (the adapter creates one `Agent`, or an `EnvHttpProxyAgent` when proxy variables are set)
   */
  dispatcher?: Dispatcher;
  /** Time allowed to open a TCP (and TLS) connection, in milliseconds. @default 10_000 */
  connectTimeoutMs?: number;
  /** How long an idle keep-alive socket stays open, in milliseconds (servers' own hints can shorten it). @default 4_000 */
  keepAliveTimeoutMs?: number;
  /** Maximum sockets per origin. @default undefined (unlimited, like Node's default agent) */
  connections?: number;
  /** Requests pipelined on one socket. Keep 1 unless the server is known to handle pipelining. @default 1 */
  pipelining?: number;
  /**
   * Upper bound on redirects followed for one request. The effective limit is
   * `min(config.maxRedirects, maxRedirections)`, so `maxRedirects: 0` in the axios config still disables following.
   * @default 5
   */
  maxRedirections?: number;
  /** Honour `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (and their lower-case forms) when no dispatcher is given. @default true */
  proxyFromEnv?: boolean;
  /** Safety net: time to wait for response headers on one hop, in milliseconds (axios `timeout` is the wall clock). `0` disables. @default 300_000 */
  headersTimeoutMs?: number;
  /** Safety net: longest gap between two body chunks, in milliseconds. `0` disables. @default 300_000 */
  bodyTimeoutMs?: number;
  /** TLS settings for the adapter's own sockets. @default undefined */
  tls?: UndiciTlsOptions;
}

/** The adapter's defaults, applied in one place ({@link resolveUndiciAdapterOptions}). */
export const DEFAULT_UNDICI_ADAPTER_OPTIONS = {
  connectTimeoutMs: 10_000,
  keepAliveTimeoutMs: 4_000,
  pipelining: 1,
  maxRedirections: 5,
  proxyFromEnv: true,
  headersTimeoutMs: 300_000,
  bodyTimeoutMs: 300_000,
} as const satisfies UndiciAdapterOptions;

/** {@link UndiciAdapterOptions} with every default applied. */
export type ResolvedUndiciAdapterOptions = Required<
  Pick<
    UndiciAdapterOptions,
    | 'connectTimeoutMs'
    | 'keepAliveTimeoutMs'
    | 'pipelining'
    | 'maxRedirections'
    | 'proxyFromEnv'
    | 'headersTimeoutMs'
    | 'bodyTimeoutMs'
  >
> &
  Pick<UndiciAdapterOptions, 'dispatcher' | 'connections' | 'tls'>;

function nonNegativeInteger(name: string, value: number, minimum = 0): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new KitError('client.invalid_argument', {
      message: `createUndiciAdapter: \`${name}\` must be an integer >= ${minimum} (got ${String(value)})`,
      details: { option: name },
    });
  }
  return value;
}

/**
 * Applies {@link DEFAULT_UNDICI_ADAPTER_OPTIONS} to user options and validates them.
 * @throws KitError `client.invalid_argument` when a number is negative or not an integer.
 */
export function resolveUndiciAdapterOptions(
  options: UndiciAdapterOptions = {},
): ResolvedUndiciAdapterOptions {
  const d = DEFAULT_UNDICI_ADAPTER_OPTIONS;
  return {
    dispatcher: options.dispatcher,
    connections:
      options.connections === undefined
        ? undefined
        : nonNegativeInteger('connections', options.connections, 1),
    tls: options.tls,
    connectTimeoutMs: nonNegativeInteger('connectTimeoutMs', options.connectTimeoutMs ?? d.connectTimeoutMs),
    keepAliveTimeoutMs: nonNegativeInteger(
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs,
      1,
    ),
    pipelining: nonNegativeInteger('pipelining', options.pipelining ?? d.pipelining, 1),
    maxRedirections: nonNegativeInteger('maxRedirections', options.maxRedirections ?? d.maxRedirections),
    proxyFromEnv: options.proxyFromEnv ?? d.proxyFromEnv,
    headersTimeoutMs: nonNegativeInteger('headersTimeoutMs', options.headersTimeoutMs ?? d.headersTimeoutMs),
    bodyTimeoutMs: nonNegativeInteger('bodyTimeoutMs', options.bodyTimeoutMs ?? d.bodyTimeoutMs),
  };
}
