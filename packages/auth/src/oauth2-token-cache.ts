import type { Secret } from '@kit/logger';
import { sha256 } from './hmac';

/** An access token as a shared token cache hands it out. */
export interface SharedOAuth2Token {
  /** The access token, registered for redaction. */
  readonly accessToken: Secret;
  /**
   * Milliseconds the token had left when it was read or fetched; `undefined` when the token endpoint
   * gave no `expires_in` (the token is used until a 401).
   */
  readonly expiresInMs: number | undefined;
  /** The token's whole lifetime (`expires_in`), which the refresh windows scale with; `undefined` when unknown. */
  readonly lifetimeMs: number | undefined;
}

/** A token from {@link OAuth2TokenCache.obtain}, and where it came from. */
export interface ObtainedOAuth2Token extends SharedOAuth2Token {
  /** `'cache'`: another process (or an earlier call) fetched it; `'fetched'`: this call's `fetch` did. */
  readonly source: 'cache' | 'fetched';
}

/** What {@link OAuth2TokenCache.obtain} needs from the strategy. */
export interface OAuth2TokenCacheRequest {
  /** Asks the token endpoint for a new token (the cache decides whether this process does). */
  fetch(): Promise<SharedOAuth2Token>;
  /** Whether a token found in the cache will do (not inside its refresh window, not the one being replaced). */
  usable(token: SharedOAuth2Token): boolean;
}

/**
 * A token cache shared between processes, for {@link OAuth2ClientCredentialsOptions.tokenCache}.
 * `@kit/auth/redis` has one on Redis (`createRedisTokenCache`); any object of this shape works.
 */
export interface OAuth2TokenCache {
  /**
   * A usable token for `key`: one already in the cache, or one fetched with `request.fetch` (by one
   * process at a time per key) and then shared. Fails only when `fetch` fails: a cache that cannot
   * be reached makes each process fetch its own token.
   */
  obtain(key: string, request: OAuth2TokenCacheRequest): Promise<ObtainedOAuth2Token>;
  /** Drops `accessToken` from the cache if it is still the one shared under `key` (after a 401). */
  invalidate(key: string, accessToken: Secret): Promise<void>;
}

/** What identifies a token: everything that changes what the token endpoint issues, no secret. */
export interface TokenCacheKeyParts {
  tokenUrl: string;
  clientId: string;
  scope: string | undefined;
  audience: string | undefined;
  extraParams: Readonly<Record<string, string>>;
}

/**
 * The default cache key: a SHA-256 (hex, 32 characters) of the token URL, client id, scope,
 * audience and extra parameters, so two strategies share a token exactly when the token endpoint
 * would issue them the same kind of token. The client secret is left out on purpose: a key derived
 * from it would let anyone who can read Redis test guesses of the secret.
 */
export async function defaultTokenCacheKey(parts: TokenCacheKeyParts): Promise<string> {
  const extra = Object.keys(parts.extraParams)
    .sort()
    .map((name) => [name, parts.extraParams[name]]);
  const material = JSON.stringify([
    parts.tokenUrl,
    parts.clientId,
    parts.scope ?? null,
    parts.audience ?? null,
    extra,
  ]);
  return (await sha256(material, 'hex')).slice(0, 32);
}
