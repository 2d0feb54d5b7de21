import type { SecretInput } from '@kit/logger';
import type { AuthClock } from './auth-clock';
import type { AuthStrategy } from './auth-strategy';
import { requireCredential } from './credential';
import { decodeSecret, hmac } from './hmac';
import { hmacAuth } from './hmac-auth';

/**
 * Coinbase Exchange's `CB-ACCESS-SIGN`: base64(HMAC-SHA256(base64-decoded secret,
 * timestamp + METHOD + requestPath + body)).
 *
 * @example
 * ```ts
 * await signCoinbase(secret, '1700000000', 'POST', '/orders', '{"size":"1.0"}');
 * ```
 */
export function signCoinbase(
  base64Secret: SecretInput,
  timestamp: string,
  method: string,
  requestPath: string,
  body = '',
): Promise<string> {
  const key = decodeSecret(requireCredential(base64Secret, 'apiSecret').reveal(), 'base64', 'apiSecret');
  return hmac('SHA-256', key, timestamp + method.toUpperCase() + requestPath + body, 'base64');
}

/** Options for {@link coinbaseAuth}. */
export interface CoinbaseAuthOptions {
  /** `CB-ACCESS-KEY`. */
  apiKey: SecretInput;
  /** The base64 secret exactly as Coinbase shows it. */
  apiSecret: SecretInput;
  /** `CB-ACCESS-PASSPHRASE`, chosen when the key was created. */
  passphrase: SecretInput;
  /** Time source for `CB-ACCESS-TIMESTAMP` (epoch seconds). @default the system clock */
  clock?: AuthClock;
}

/**
 * Coinbase Exchange signing: `CB-ACCESS-KEY`, `CB-ACCESS-SIGN`, `CB-ACCESS-TIMESTAMP` (epoch
 * seconds) and `CB-ACCESS-PASSPHRASE` headers. The signed requestPath includes the query string when
 * there is one, as Coinbase Exchange expects.
 *
 * @example
 * ```ts
 * const auth = coinbaseAuth({ apiKey, apiSecret, passphrase });
 * ```
 */
export function coinbaseAuth(options: CoinbaseAuthOptions): AuthStrategy {
  return hmacAuth({
    name: 'hmac:coinbase',
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    algorithm: 'SHA-256',
    secretEncoding: 'base64',
    signatureEncoding: 'base64',
    timestamp: 'seconds',
    prehash: (p) => p.timestamp + p.method.toUpperCase() + p.pathWithQuery + p.body,
    apiKeyPlacement: { in: 'header', name: 'CB-ACCESS-KEY' },
    timestampPlacement: { in: 'header', name: 'CB-ACCESS-TIMESTAMP' },
    signaturePlacement: { in: 'header', name: 'CB-ACCESS-SIGN' },
    extraHeaders: { 'CB-ACCESS-PASSPHRASE': options.passphrase },
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
