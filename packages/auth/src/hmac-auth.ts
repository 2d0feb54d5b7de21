import type { SecretInput } from '@kit/logger';
import { systemClock } from '@kit/retry';
import type { AuthClock } from './auth-clock';
import type { AuthRequest, AuthStrategy } from './auth-strategy';
import { requireCredential, requireHeaderName } from './credential';
import { registerSignature } from './derived-secrets';
import { toBase64, toHex } from './encoding';
import {
  type DigestEncoding,
  decodeSecret,
  type HmacAlgorithm,
  importHmacKey,
  type SecretEncoding,
  signWithKey,
} from './hmac';
import { formatQuery } from './query-string';
import { copyRequest, withHeader, withoutQuery } from './request-edit';
import { assertSecureTransport } from './secure-transport';

/** Where a value goes: a header or a query parameter (appended in order). */
export interface HmacPlacement {
  /** A request header, or a query parameter appended after the caller's own. */
  in: 'header' | 'query';
  /** The header or query parameter name, exactly as the API spells it. */
  name: string;
}

/** What a prehash function can cover. */
export interface HmacPrehashParts {
  /** The timestamp (or nonce) string, exactly as sent. */
  timestamp: string;
  /** Upper-case method. */
  method: string;
  /** The path, e.g. `/v1/orders`. */
  path: string;
  /** The serialised query ({@link formatQuery}), including a key or timestamp placed in it; no `?`. */
  query: string;
  /** `path` plus `?query` when there is a query. */
  pathWithQuery: string;
  /** The body as sent, or `''`. */
  body: string;
  /** The whole request, for anything else. */
  request: AuthRequest;
}

/** Options for {@link hmacAuth}. */
export interface HmacAuthOptions {
  /** The strategy name in logs. @default 'hmac' */
  name?: string;
  /** The API key (sent as-is where `apiKeyPlacement` says). */
  apiKey: SecretInput;
  /** The signing secret. */
  apiSecret: SecretInput;
  /** The HMAC hash. @default 'SHA-256' */
  algorithm?: HmacAlgorithm;
  /** How the secret string becomes key bytes. @default 'utf8' */
  secretEncoding?: SecretEncoding;
  /** How the signature is written. @default 'hex' */
  signatureEncoding?: DigestEncoding;
  /**
   * The timestamp format: epoch milliseconds, epoch seconds (integer), ISO 8601, or your own
   * function of the clock's now (e.g. a nonce source).
   * @default 'milliseconds'
   */
  timestamp?: 'milliseconds' | 'seconds' | 'iso' | ((nowMs: number) => string);
  /**
   * The string (or bytes) to sign.
   * @default (p) => p.timestamp + p.method + p.pathWithQuery + p.body
   */
  prehash?: (parts: HmacPrehashParts) => string | Uint8Array | Promise<string | Uint8Array>;
  /** Where the key goes. @default { in: 'header', name: 'X-API-Key' } */
  apiKeyPlacement?: HmacPlacement;
  /** Where the timestamp goes, or `false` to send it nowhere. @default { in: 'header', name: 'X-Timestamp' } */
  timestampPlacement?: HmacPlacement | false;
  /** Where the signature goes (always last). @default { in: 'header', name: 'X-Signature' } */
  signaturePlacement?: HmacPlacement;
  /** Extra credential headers sent as-is, e.g. a passphrase. @default {} */
  extraHeaders?: Readonly<Record<string, SecretInput>>;
  /** Time source; pass a `createServerClock()` to correct skew. @default the system clock */
  clock?: AuthClock;
}

/** Defaults for {@link HmacAuthOptions}. */
export const DEFAULT_HMAC_AUTH_OPTIONS = {
  name: 'hmac',
  algorithm: 'SHA-256',
  secretEncoding: 'utf8',
  signatureEncoding: 'hex',
  timestamp: 'milliseconds',
  apiKeyPlacement: { in: 'header', name: 'X-API-Key' },
  timestampPlacement: { in: 'header', name: 'X-Timestamp' },
  signaturePlacement: { in: 'header', name: 'X-Signature' },
} as const;

function formatTimestamp(format: NonNullable<HmacAuthOptions['timestamp']>, nowMs: number): string {
  if (typeof format === 'function') return format(nowMs);
  if (format === 'seconds') return String(Math.floor(nowMs / 1000));
  if (format === 'iso') return new Date(nowMs).toISOString();
  return String(Math.floor(nowMs));
}

function place(request: AuthRequest, placement: HmacPlacement, value: string): void {
  if (placement.in === 'header') request.headers = withHeader(request.headers, placement.name, value);
  else request.query = [...withoutQuery(request.query, [placement.name]), [placement.name, value]];
}

const defaultPrehash = (p: HmacPrehashParts): string => p.timestamp + p.method + p.pathWithQuery + p.body;

/**
 * A small builder for HMAC request-signing schemes: choose the hash, the secret and signature
 * encodings, the timestamp format, the prehash, and where key, timestamp and signature go. The
 * presets ({@link coinbaseAuth}) are built on it; Binance and Kraken add body/query edits of their own.
 *
 * @example
 * ```ts
 * // Bitso-style: HMAC-SHA256 hex of nonce + method + path + body in one header.
 * const auth = hmacAuth({
 *   apiKey, apiSecret,
 *   timestampPlacement: false,
 *   signaturePlacement: { in: 'header', name: 'X-Signature' },
 *   prehash: (p) => p.timestamp + p.method + p.path + p.body,
 * });
 * ```
 */
export function hmacAuth(options: HmacAuthOptions): AuthStrategy {
  const d = DEFAULT_HMAC_AUTH_OPTIONS;
  const apiKey = requireCredential(options.apiKey, 'apiKey');
  const apiSecret = requireCredential(options.apiSecret, 'apiSecret');
  const algorithm = options.algorithm ?? d.algorithm;
  const keyBytes = decodeSecret(apiSecret.reveal(), options.secretEncoding ?? d.secretEncoding, 'apiSecret');
  const signatureEncoding = options.signatureEncoding ?? d.signatureEncoding;
  const timestampFormat = options.timestamp ?? d.timestamp;
  const prehash = options.prehash ?? defaultPrehash;
  const keyPlacement = options.apiKeyPlacement ?? d.apiKeyPlacement;
  const timestampPlacement = options.timestampPlacement ?? d.timestampPlacement;
  const signaturePlacement = options.signaturePlacement ?? d.signaturePlacement;
  const extraHeaders = Object.entries(options.extraHeaders ?? {}).map(
    ([name, value]) => [requireHeaderName(name, 'extraHeaders'), requireCredential(value, name)] as const,
  );
  for (const placement of [keyPlacement, timestampPlacement, signaturePlacement]) {
    if (placement && placement.in === 'header') requireHeaderName(placement.name, 'placement name');
  }
  const clock = options.clock ?? systemClock;
  let key: Promise<CryptoKey> | undefined;
  return {
    name: options.name ?? d.name,
    async authenticate(request: AuthRequest): Promise<AuthRequest> {
      assertSecureTransport(request.url);
      const next = copyRequest(request);
      const timestamp = formatTimestamp(timestampFormat, clock.now());
      if (signaturePlacement.in === 'query') next.query = withoutQuery(next.query, [signaturePlacement.name]);
      place(next, keyPlacement, apiKey.reveal());
      if (timestampPlacement) place(next, timestampPlacement, timestamp);
      for (const [name, value] of extraHeaders) next.headers = withHeader(next.headers, name, value.reveal());
      const query = formatQuery(next.query);
      const material = await prehash({
        timestamp,
        method: next.method,
        path: next.path,
        query,
        pathWithQuery: query ? `${next.path}?${query}` : next.path,
        body: next.body ?? '',
        request: next,
      });
      key ??= importHmacKey(algorithm, keyBytes);
      const raw = await signWithKey(await key, material);
      const signature = signatureEncoding === 'hex' ? toHex(raw) : toBase64(raw);
      registerSignature(signature);
      place(next, signaturePlacement, signature);
      return next;
    },
  };
}
