import type { SecretInput } from '@kit/logger';
import type { AuthClock } from './auth-clock';
import type { AuthRequest, AuthStrategy } from './auth-strategy';
import { requireCredential } from './credential';
import { registerSignature } from './derived-secrets';
import { concatBytes, toBase64, utf8 } from './encoding';
import { decodeSecret, hmac, importHmacKey, sha256, signWithKey } from './hmac';
import { createNonceSource, type NonceSource } from './nonce-source';
import { copyRequest, withHeader } from './request-edit';
import { assertSecureTransport } from './secure-transport';

async function krakenMessage(urlPath: string, nonce: string, postData: string): Promise<Uint8Array> {
  return concatBytes(utf8(urlPath), await sha256(nonce + postData));
}

/**
 * Kraken's `API-Sign`: base64(HMAC-SHA512(base64-decoded secret, urlPath + SHA256(nonce + postData))),
 * where the SHA-256 digest is appended as raw bytes.
 *
 * @example
 * ```ts
 * await signKraken(secret, '/0/private/AddOrder', '1616492376594', 'nonce=1616492376594&pair=XBTUSD');
 * ```
 */
export async function signKraken(
  base64Secret: SecretInput,
  urlPath: string,
  nonce: string | number,
  postData: string,
): Promise<string> {
  const key = decodeSecret(requireCredential(base64Secret, 'apiSecret').reveal(), 'base64', 'apiSecret');
  return hmac('SHA-512', key, await krakenMessage(urlPath, String(nonce), postData), 'base64');
}

/** Options for {@link krakenAuth}. */
export interface KrakenAuthOptions {
  /** `API-Key`. */
  apiKey: SecretInput;
  /** The base64 private key exactly as Kraken shows it. */
  apiSecret: SecretInput;
  /** Nonce source; share one per API key across clients. @default createNonceSource({ clock }) */
  nonce?: NonceSource;
  /** Clock for the default nonce source. @default the system clock */
  clock?: AuthClock;
}

/**
 * Kraken spot REST signing: puts `nonce=<n>` first in the form body (replacing any nonce already
 * there), and sends `API-Key` and `API-Sign`. The client must send the returned body unchanged.
 *
 * @example
 * ```ts
 * const auth = krakenAuth({ apiKey, apiSecret });
 * ```
 */
export function krakenAuth(options: KrakenAuthOptions): AuthStrategy {
  const apiKey = requireCredential(options.apiKey, 'apiKey');
  const keyBytes = decodeSecret(
    requireCredential(options.apiSecret, 'apiSecret').reveal(),
    'base64',
    'apiSecret',
  );
  const nextNonce = options.nonce ?? createNonceSource(options.clock ? { clock: options.clock } : {});
  let key: Promise<CryptoKey> | undefined;
  return {
    name: 'hmac:kraken',
    async authenticate(request: AuthRequest): Promise<AuthRequest> {
      assertSecureTransport(request.url);
      const next = copyRequest(request);
      const nonce = String(nextNonce());
      const rest = (next.body ?? '')
        .split('&')
        .filter((pair) => pair !== '' && !pair.startsWith('nonce='))
        .join('&');
      const postData = rest ? `nonce=${nonce}&${rest}` : `nonce=${nonce}`;
      key ??= importHmacKey('SHA-512', keyBytes);
      const signature = toBase64(
        await signWithKey(await key, await krakenMessage(next.path, nonce, postData)),
      );
      registerSignature(signature);
      next.body = postData;
      next.headers = withHeader(next.headers, 'API-Key', apiKey.reveal());
      next.headers = withHeader(next.headers, 'API-Sign', signature);
      return next;
    },
  };
}
