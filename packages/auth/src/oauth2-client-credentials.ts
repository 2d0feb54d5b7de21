import { isKitError, KitError } from '@kit/errors';
import { isSecret, type Logger, noopLogger, type Secret, type SecretInput } from '@kit/logger';
import { systemClock } from '@kit/retry';
import { raceAbort, throwIfAborted } from '@kit/retry/internal';
import type { AuthClock } from './auth-clock';
import type { AuthRequest, AuthStrategy } from './auth-strategy';
import { requireCredential } from './credential';
import {
  defaultTokenCacheKey,
  type OAuth2TokenCache,
  type ObtainedOAuth2Token,
  type SharedOAuth2Token,
} from './oauth2-token-cache';
import {
  basicAuthorization,
  type FetchLike,
  requestToken,
  type TokenEndpointConfig,
  type TokenResult,
} from './oauth2-token-request';
import { copyRequest, readHeader, withHeader } from './request-edit';
import { assertSecureTransport } from './secure-transport';

/** Retry settings for the token endpoint (network failures, timeouts, 408, 429, 5xx). */
export interface OAuth2TokenRetryOptions {
  /**
   * Attempts per token request, the first included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Backoff before the first retry, in milliseconds (doubles per retry, with jitter).
   * @default 500
   */
  initialDelayMs?: number;
  /**
   * Cap on one backoff delay, in milliseconds; a longer Retry-After fails at once.
   * @default 5000
   */
  maxDelayMs?: number;
}

/** Options for {@link oauth2ClientCredentials}. */
export interface OAuth2ClientCredentialsOptions {
  /** The token endpoint (`https://`; plain http only for loopback hosts). */
  tokenUrl: string;
  /**
   * The OAuth client id: a string, or a `Secret` (e.g. straight from @kit/config's `secret()`).
   * A client id is an identifier, not a credential (RFC 6749 §2.2), so a string id is not
   * registered for redaction; pass a `Secret` to have it masked in logs too.
   */
  clientId: SecretInput;
  /** The OAuth client secret. */
  clientSecret: SecretInput;
  /** Requested scope: a space-separated string or a list. @default undefined (the server's default scope) */
  scope?: string | readonly string[];
  /** `audience` parameter (Auth0 and similar). @default undefined */
  audience?: string;
  /**
   * How the client authenticates to the token endpoint (RFC 6749 §2.3.1).
   * @default 'client_secret_basic'
   */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /**
   * A refresh token to use before falling back to client credentials. Rotated refresh tokens from
   * responses replace it; a response without one keeps it (RFC 6749 §6).
   * @default undefined
   */
  refreshToken?: SecretInput;
  /** Extra form parameters for every token request (e.g. `resource`). @default {} */
  extraParams?: Readonly<Record<string, string>>;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: FetchLike;
  /** Time source and sleeps (expiry, backoff, timeouts). @default the system clock */
  clock?: AuthClock;
  /** Random source in [0, 1) for backoff jitter. @default Math.random */
  random?: () => number;
  /** Where refreshes and failures are logged (never tokens). @default noopLogger */
  logger?: Logger;
  /**
   * Within this many milliseconds of expiry a request starts a background refresh and proceeds
   * with the current token. Capped at half the token's lifetime.
   * @default 300000 (5 minutes)
   */
  refreshWindowMs?: number;
  /**
   * Within this many milliseconds of expiry (or after it) a request waits for the refresh.
   * Capped at a quarter of the token's lifetime.
   * @default 30000
   */
  blockingWindowMs?: number;
  /**
   * After a 401 made the strategy fetch a new token, further 401s within this many milliseconds
   * are not worth a retry (the fresh token was rejected too: the credentials are bad). After it, a
   * 401 again invalidates the token once (e.g. a revocation later in the token's life). This bounds
   * token requests to one per interval while credentials are rejected.
   * @default 30000
   */
  minReauthIntervalMs?: number;
  /**
   * Timeout for one token request attempt, in milliseconds.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /** Retries for the token endpoint. @default DEFAULT_OAUTH2_CLIENT_CREDENTIALS_OPTIONS.retry */
  retry?: OAuth2TokenRetryOptions;
  /**
   * A token cache shared between processes (`createRedisTokenCache()` from `@kit/auth/redis`):
   * processes starting together make one token request, a refresh is made by one process while the
   * others keep using the current token, and while the cache is unreachable each process fetches
   * its own. Without one, the token is cached in this strategy only. @default undefined
   */
  tokenCache?: OAuth2TokenCache;
  /**
   * The name the token is shared under in `tokenCache` (1-128 of `A-Z a-z 0-9 _ . : -`). Strategies
   * with the same key share one token, so give different clients different keys.
   * @default a SHA-256 of tokenUrl, clientId, scope, audience and extraParams (never the secret)
   */
  tokenCacheKey?: string;
}

/** Defaults for {@link OAuth2ClientCredentialsOptions}. */
export const DEFAULT_OAUTH2_CLIENT_CREDENTIALS_OPTIONS = {
  authMethod: 'client_secret_basic',
  refreshWindowMs: 300_000,
  blockingWindowMs: 30_000,
  minReauthIntervalMs: 30_000,
  requestTimeoutMs: 10_000,
  retry: { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 5_000 },
} as const;

/** An {@link AuthStrategy} for OAuth2 client credentials, with `refresh` and `onUnauthorized`. */
export interface OAuth2ClientCredentialsAuth extends AuthStrategy {
  /** Fetches a token now, joining a refresh already in flight. */
  refresh(signal?: AbortSignal): Promise<void>;
  /**
   * After a 401: resolves true when one retry can succeed (the cached token is dropped so the next
   * call fetches a fresh one, or `request` carried an older token than the cached one); false for
   * other statuses and for a token rejected again within `minReauthIntervalMs` of a refresh.
   */
  onUnauthorized(error: KitError, request?: AuthRequest): Promise<boolean>;
}

interface CachedToken {
  accessToken: Secret;
  expiresAt: number;
  refreshAt: number;
  blockAt: number;
  /** Fetched because a 401 invalidated its predecessor: a 401 on it soon after means bad credentials. */
  afterUnauthorized: boolean;
  /** When it was cached (clock time). */
  cachedAt: number;
}

function joinScope(scope: string | readonly string[] | undefined): string | undefined {
  if (scope === undefined) return undefined;
  const joined = typeof scope === 'string' ? scope.trim() : scope.join(' ');
  return joined === '' ? undefined : joined;
}

const TOKEN_CACHE_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

function checkTokenCache(options: OAuth2ClientCredentialsOptions): OAuth2TokenCache | undefined {
  const cache = options.tokenCache;
  if (cache !== undefined) {
    const shape = cache as Partial<OAuth2TokenCache> | null;
    if (typeof shape?.obtain !== 'function' || typeof shape.invalidate !== 'function') {
      throw new KitError('client.invalid_argument', {
        message: '`tokenCache` must have obtain() and invalidate() methods',
        hint: 'Pass createRedisTokenCache() from @kit/auth/redis, or leave tokenCache out.',
      });
    }
  }
  const key = options.tokenCacheKey;
  if (key !== undefined && (typeof key !== 'string' || !TOKEN_CACHE_KEY.test(key))) {
    throw new KitError('client.invalid_argument', {
      message: '`tokenCacheKey` must be 1-128 characters of A-Z a-z 0-9 _ . : -',
      hint: 'Use a plain name such as "broker-api:orders", or leave it out for a key derived from the client.',
    });
  }
  return cache;
}

function resolveConfig(options: OAuth2ClientCredentialsOptions): TokenEndpointConfig & {
  refreshWindowMs: number;
  blockingWindowMs: number;
  minReauthIntervalMs: number;
} {
  const defaults = DEFAULT_OAUTH2_CLIENT_CREDENTIALS_OPTIONS;
  assertSecureTransport(options.tokenUrl);
  const clientId = isSecret(options.clientId) ? options.clientId.reveal() : options.clientId;
  if (!clientId) {
    throw new KitError('auth.missing_credentials', { message: 'The `clientId` is missing' });
  }
  const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (!fetchImpl) {
    throw new KitError('client.invalid_argument', { message: 'No fetch implementation: pass `fetch`' });
  }
  const clientSecret = requireCredential(options.clientSecret, 'clientSecret');
  const authMethod = options.authMethod ?? defaults.authMethod;
  return {
    tokenUrl: options.tokenUrl,
    clientId,
    clientSecret,
    basicAuthorization:
      authMethod === 'client_secret_basic' ? basicAuthorization(clientId, clientSecret) : undefined,
    scope: joinScope(options.scope),
    audience: options.audience,
    authMethod,
    extraParams: options.extraParams ?? {},
    fetch: options.fetch ?? ((url, init) => fetchImpl(url, init)),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    requestTimeoutMs: options.requestTimeoutMs ?? defaults.requestTimeoutMs,
    retry: {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? defaults.retry.maxAttempts),
      initialDelayMs: options.retry?.initialDelayMs ?? defaults.retry.initialDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? defaults.retry.maxDelayMs,
    },
    logger: (options.logger ?? noopLogger).child({ auth: 'oauth2' }),
    refreshWindowMs: options.refreshWindowMs ?? defaults.refreshWindowMs,
    blockingWindowMs: options.blockingWindowMs ?? defaults.blockingWindowMs,
    minReauthIntervalMs: options.minReauthIntervalMs ?? defaults.minReauthIntervalMs,
  };
}

/**
 * The error a caller sees when no token could be had: named after the caller's request
 * (`GET /v1/orders failed: the token endpoint answered 401 …`), with the token endpoint's error
 * (its `POST /token`, status, attempts and RFC 6749 details) as the `cause`. The caller's request was
 * never sent (`outcome: 'not_sent'`) and got no status of its own: a 401 from the token endpoint must
 * not read as the API rejecting the token. Cancellation and the caller's own timeouts pass through.
 */
function forRequest(request: AuthRequest, error: unknown): KitError {
  const cause = isKitError(error) ? error : new KitError('auth.token_endpoint_failed', { cause: error });
  if (request.signal?.aborted || cause.category === 'cancelled') return cause;
  const reason = cause.message.charAt(0).toLowerCase() + cause.message.slice(1);
  return new KitError(cause.code, {
    message: `${request.method} ${request.path} failed: ${reason}`,
    cause,
    method: request.method,
    path: request.path,
    outcome: 'not_sent',
    retryable: cause.retryable,
    hint: cause.hint,
    ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
  });
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4) with refresh tokens (§6). The token is cached with an
 * absolute expiry: inside `refreshWindowMs` of expiry a request triggers a background refresh and
 * goes on with the current token; inside `blockingWindowMs` (or expired) it waits. However many
 * callers wait, one token request is in flight. On a 401 `onUnauthorized()` invalidates the token
 * and returns true once; a 401 on the token fetched for that retry returns false, so the client fails
 * with its auth error instead of looping (for `minReauthIntervalMs`; after that a 401 again earns one
 * refresh, so a revocation late in a token's life is recovered).
 *
 * @example
 * ```ts
 * const auth = oauth2ClientCredentials({
 *   tokenUrl: 'https://idp.example.com/oauth/token',
 *   clientId: 'my-client',
 *   clientSecret: process.env.CLIENT_SECRET ?? '',
 *   scope: ['orders:read', 'orders:write'],
 * });
 * ```
 */
export function oauth2ClientCredentials(
  options: OAuth2ClientCredentialsOptions,
): OAuth2ClientCredentialsAuth {
  const config = resolveConfig(options);
  const { clock, logger } = config;
  let refreshToken =
    options.refreshToken === undefined ? undefined : requireCredential(options.refreshToken, 'refreshToken');
  let current: CachedToken | undefined;
  let inflight: Promise<CachedToken> | undefined;
  /** Set when a 401 invalidated the token; the next token fetched is marked `afterUnauthorized`. */
  let invalidatedBy401 = false;
  let backgroundPausedUntil = Number.NEGATIVE_INFINITY;

  const tokenCache = checkTokenCache(options);
  let cacheKey: Promise<string> | undefined;
  const tokenCacheKey = (): Promise<string> => {
    cacheKey ??= options.tokenCacheKey
      ? Promise.resolve(options.tokenCacheKey)
      : defaultTokenCacheKey({
          tokenUrl: config.tokenUrl,
          clientId: config.clientId,
          scope: config.scope,
          audience: config.audience,
          extraParams: config.extraParams,
        });
    return cacheKey;
  };
  /** The token a 401 invalidated, so a shared cache is not asked to hand it back. */
  let rejectedToken: CachedToken | undefined;

  /** The margin before expiry where refreshing starts, for a token of this lifetime. */
  const refreshMarginMs = (lifetimeMs: number): number => Math.min(config.refreshWindowMs, lifetimeMs / 2);

  const cache = (token: SharedOAuth2Token, afterUnauthorized: boolean): CachedToken => {
    const cachedAt = clock.now();
    if (token.expiresInMs === undefined) {
      // No expires_in: the token is used until a 401 says otherwise (guessing a lifetime would
      // either refresh needlessly or too late).
      return {
        accessToken: token.accessToken,
        expiresAt: Number.POSITIVE_INFINITY,
        refreshAt: Number.POSITIVE_INFINITY,
        blockAt: Number.POSITIVE_INFINITY,
        afterUnauthorized,
        cachedAt,
      };
    }
    const lifetimeMs = token.lifetimeMs ?? token.expiresInMs;
    const expiresAt = cachedAt + token.expiresInMs;
    return {
      accessToken: token.accessToken,
      expiresAt,
      refreshAt: expiresAt - refreshMarginMs(lifetimeMs),
      blockAt: expiresAt - Math.min(config.blockingWindowMs, lifetimeMs / 4),
      afterUnauthorized,
      cachedAt,
    };
  };

  /** A token endpoint answer as what is left of it now (expiry counts from when it was requested). */
  const shared = (result: TokenResult): SharedOAuth2Token => {
    if (result.refreshToken) refreshToken = result.refreshToken;
    logger.debug('oauth2 token fetched', {
      expiresInMs: result.expiresInMs,
      attempts: result.attempts,
      rotatedRefreshToken: result.refreshToken !== undefined,
    });
    return {
      accessToken: result.accessToken,
      expiresInMs:
        result.expiresInMs === undefined ? undefined : result.requestedAt + result.expiresInMs - clock.now(),
      lifetimeMs: result.expiresInMs,
    };
  };

  const fetchToken = async (): Promise<TokenResult> => {
    if (refreshToken) {
      try {
        return await requestToken(config, 'refresh_token', refreshToken);
      } catch (error) {
        if (!isKitError(error, 'auth.expired_token')) throw error;
        // The refresh token expired or was revoked: client credentials can still get a token.
        logger.info('oauth2 refresh token rejected, falling back to client credentials', {
          code: error.code,
        });
        refreshToken = undefined;
      }
    }
    return requestToken(config, 'client_credentials', undefined);
  };

  /**
   * Through the shared cache: a token another process fetched, or one fetched here and shared. A
   * token from the cache must be a newer one than the token being replaced (the current one, or
   * the one a 401 rejected): a different value that expires later and is outside its own refresh
   * window. Both expiries are on this process's clock, so clock differences between machines do
   * not matter.
   */
  const obtainShared = async (store: OAuth2TokenCache): Promise<ObtainedOAuth2Token> => {
    const replacing = current ?? rejectedToken;
    const obtained = await store.obtain(await tokenCacheKey(), {
      fetch: async () => shared(await fetchToken()),
      usable: (token) => {
        if (replacing && token.accessToken.reveal() === replacing.accessToken.reveal()) return false;
        if (token.expiresInMs === undefined) return true;
        const lifetimeMs = token.lifetimeMs ?? token.expiresInMs;
        return (
          token.expiresInMs > refreshMarginMs(lifetimeMs) &&
          (replacing === undefined || clock.now() + token.expiresInMs > replacing.expiresAt)
        );
      },
    });
    if (obtained.source === 'cache') {
      logger.debug('oauth2 token taken from the shared token cache', { expiresInMs: obtained.expiresInMs });
    }
    return obtained;
  };

  const startRefresh = (): Promise<CachedToken> => {
    inflight ??= (async () => {
      try {
        const afterUnauthorized = invalidatedBy401;
        const token = cache(
          tokenCache ? await obtainShared(tokenCache) : shared(await fetchToken()),
          afterUnauthorized,
        );
        current = token;
        invalidatedBy401 = false;
        rejectedToken = undefined;
        return token;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  const getToken = async (signal: AbortSignal | undefined): Promise<CachedToken> => {
    throwIfAborted(signal);
    const now = clock.now();
    const token = current;
    if (token && now < token.refreshAt) return token;
    if (token && now < token.blockAt) {
      if (!inflight && now >= backgroundPausedUntil) {
        startRefresh().catch((error: unknown) => {
          backgroundPausedUntil = clock.now() + config.retry.maxDelayMs;
          logger.warn('oauth2 background token refresh failed; using the current token', {
            code: isKitError(error) ? error.code : 'internal.unexpected',
            expiresInMs: token.expiresAt - clock.now(),
          });
        });
      }
      return token;
    }
    return raceAbort(startRefresh(), signal);
  };

  return {
    name: 'oauth2',
    async authenticate(request: AuthRequest): Promise<AuthRequest> {
      assertSecureTransport(request.url);
      let token: CachedToken;
      try {
        token = await getToken(request.signal);
      } catch (error) {
        throw forRequest(request, error);
      }
      const next = copyRequest(request);
      next.headers = withHeader(next.headers, 'Authorization', `Bearer ${token.accessToken.reveal()}`);
      return next;
    },
    async refresh(signal?: AbortSignal): Promise<void> {
      await raceAbort(startRefresh(), signal);
    },
    async onUnauthorized(error: KitError, request?: AuthRequest): Promise<boolean> {
      // A 403 (or another non-401 status) is not fixed by a new token.
      if (error.status !== undefined && error.status !== 401) return false;
      const token = current;
      const sent = request ? readHeader(request.headers, 'Authorization') : undefined;
      if (token && sent !== undefined && sent !== `Bearer ${token.accessToken.reveal()}`) {
        // The request carried an older token; the current one has not been tried by it yet.
        return true;
      }
      if (!token) return invalidatedBy401;
      if (token.afterUnauthorized && clock.now() - token.cachedAt < config.minReauthIntervalMs) {
        logger.warn('oauth2 token rejected right after a refresh; not retrying', { status: error.status });
        return false;
      }
      current = undefined;
      invalidatedBy401 = true;
      rejectedToken = token;
      logger.info('oauth2 token rejected (401); invalidated, the request may retry once', {
        status: error.status,
      });
      if (tokenCache) {
        // So that no other process picks the rejected token up; a failure only costs them a 401.
        await tokenCache.invalidate(await tokenCacheKey(), token.accessToken).catch((cause: unknown) => {
          logger.debug('oauth2 token cache: invalidate failed', {
            cause: cause instanceof Error ? cause.message : String(cause),
          });
        });
      }
      return true;
    },
  };
}
