import type { SecretInput } from '@kit/logger';
import { systemClock } from '@kit/retry';
import type { AuthClock } from './auth-clock';
import type { AuthRequest, AuthStrategy } from './auth-strategy';
import { requireCredential } from './credential';
import { registerSignature } from './derived-secrets';
import { toHex } from './encoding';
import { hmac, importHmacKey, signWithKey } from './hmac';
import { formatQuery } from './query-string';
import { copyRequest, withHeader, withoutQuery } from './request-edit';
import { assertSecureTransport } from './secure-transport';

/**
 * Binance's SIGNED-endpoint signature: HMAC-SHA256 of `totalParams` (the query string concatenated
 * with the request body, no separator) under the secret as UTF-8, lower-case hex.
 *
 * @example
 * ```ts
 * await signBinance(secret, 'symbol=LTCBTC&side=BUY&...&timestamp=1499827319559');
 * ```
 */
export function signBinance(secret: SecretInput, queryString: string, body = ''): Promise<string> {
  return hmac('SHA-256', secret, queryString + body, 'hex');
}

/** Options for {@link binanceAuth}. */
export interface BinanceAuthOptions {
  /** The API key, sent in `X-MBX-APIKEY`. */
  apiKey: SecretInput;
  /** The HMAC secret key. */
  apiSecret: SecretInput;
  /**
   * `recvWindow` sent with every signed request, in milliseconds (Binance allows up to 60,000).
   * A request whose `query` already has `recvWindow` keeps its own.
   * @default 5000
   */
  recvWindowMs?: number;
  /**
   * Source of the `timestamp`; pass a `createServerClock()` to correct for clock skew.
   * @default the system clock
   */
  clock?: AuthClock;
}

/** Defaults for {@link BinanceAuthOptions}. */
export const DEFAULT_BINANCE_AUTH_OPTIONS = {
  recvWindowMs: 5000,
} as const satisfies Required<Pick<BinanceAuthOptions, 'recvWindowMs'>>;

/**
 * Binance-style signing: appends `recvWindow` and `timestamp` to the query, signs the exact query
 * string plus body, and appends `signature` as the last query parameter; the key goes in
 * `X-MBX-APIKEY`. Any `timestamp`/`signature` already in the query is replaced, so every attempt is
 * freshly signed.
 *
 * @example
 * ```ts
 * const auth = binanceAuth({ apiKey, apiSecret, clock: createServerClock({ fetchServerTime }) });
 * ```
 */
export function binanceAuth(options: BinanceAuthOptions): AuthStrategy {
  const apiKey = requireCredential(options.apiKey, 'apiKey');
  const apiSecret = requireCredential(options.apiSecret, 'apiSecret');
  const recvWindowMs = options.recvWindowMs ?? DEFAULT_BINANCE_AUTH_OPTIONS.recvWindowMs;
  const clock = options.clock ?? systemClock;
  let key: Promise<CryptoKey> | undefined;
  return {
    name: 'hmac:binance',
    async authenticate(request: AuthRequest): Promise<AuthRequest> {
      assertSecureTransport(request.url);
      const next = copyRequest(request);
      const query = withoutQuery(next.query, ['timestamp', 'signature']);
      if (!query.some(([name]) => name === 'recvWindow')) query.push(['recvWindow', String(recvWindowMs)]);
      query.push(['timestamp', String(Math.floor(clock.now()))]);
      key ??= importHmacKey('SHA-256', apiSecret);
      const signature = toHex(await signWithKey(await key, formatQuery(query) + (next.body ?? '')));
      registerSignature(signature);
      query.push(['signature', signature]);
      next.query = query;
      next.headers = withHeader(next.headers, 'X-MBX-APIKEY', apiKey.reveal());
      return next;
    },
  };
}
