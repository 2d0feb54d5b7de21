import { isKitError, KitError, parseExplicitRetryAfter } from '@kit/errors';
import { type Logger, type Secret, toSecret } from '@kit/logger';
import { abortError, equalJitterMs, exponentialCeilingMs } from '@kit/retry/internal';
import type { AuthClock } from './auth-clock';
import { registerCredential } from './derived-secrets';
import { toBase64, utf8 } from './encoding';
import { type OAuth2GrantType, parseOAuth2ErrorBody, tokenEndpointError } from './oauth2-token-error';

/** The subset of `fetch` the token endpoint needs (the global `fetch` satisfies it). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Everything a token request needs, with defaults already applied. */
export interface TokenEndpointConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: Secret;
  /** The `Authorization` header for `client_secret_basic` (see {@link basicAuthorization}). */
  basicAuthorization: Secret | undefined;
  scope: string | undefined;
  audience: string | undefined;
  authMethod: 'client_secret_basic' | 'client_secret_post';
  extraParams: Readonly<Record<string, string>>;
  fetch: FetchLike;
  clock: AuthClock;
  random: () => number;
  requestTimeoutMs: number;
  retry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  logger: Logger;
}

/** A successful token response, credentials already wrapped in Secrets. */
export interface TokenResult {
  accessToken: Secret;
  /** `expires_in` in milliseconds, when the server sent one. */
  expiresInMs: number | undefined;
  refreshToken: Secret | undefined;
  /** When the successful request was sent (expiry counts from here, conservatively). */
  requestedAt: number;
  attempts: number;
}

/**
 * The `client_secret_basic` header value, built once per strategy. RFC 6749 §2.3.1: id and secret
 * are form-urlencoded before they are joined and base64-encoded. The base64 credential is a secret
 * of its own (nothing masks it by the client secret's value), so it is registered the moment it
 * exists, with its encoded forms: a token endpoint echoing the request cannot print it.
 */
export function basicAuthorization(clientId: string, clientSecret: Secret): Secret {
  const form = (value: string): string => new URLSearchParams([['v', value]]).toString().slice(2);
  const credentials = toBase64(utf8(`${form(clientId)}:${form(clientSecret.reveal())}`));
  registerCredential(credentials);
  return toSecret(`Basic ${credentials}`);
}

function buildBody(
  config: TokenEndpointConfig,
  grant: OAuth2GrantType,
  refreshToken: Secret | undefined,
): string {
  const body = new URLSearchParams();
  body.set('grant_type', grant);
  if (grant === 'refresh_token' && refreshToken) body.set('refresh_token', refreshToken.reveal());
  if (config.scope) body.set('scope', config.scope);
  if (config.audience) body.set('audience', config.audience);
  for (const [key, value] of Object.entries(config.extraParams)) body.set(key, value);
  if (config.authMethod === 'client_secret_post') {
    body.set('client_id', config.clientId);
    body.set('client_secret', config.clientSecret.reveal());
  }
  return body.toString();
}

function readTokenResponse(
  text: string,
  status: number,
  path: string,
): Omit<TokenResult, 'requestedAt' | 'attempts'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KitError('auth.token_endpoint_failed', {
      message: `The token endpoint answered ${status} with a body that is not JSON`,
      status,
      method: 'POST',
      path,
      retryable: true,
    });
  }
  const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  // Wrap first: from here on the token value is registered for redaction everywhere.
  const accessToken = typeof record.access_token === 'string' ? toSecret(record.access_token) : undefined;
  const refreshToken =
    typeof record.refresh_token === 'string' && record.refresh_token !== ''
      ? toSecret(record.refresh_token)
      : undefined;
  // And the forms they take in a URL or the next token request's body.
  if (accessToken) registerCredential(accessToken.reveal());
  if (refreshToken) registerCredential(refreshToken.reveal());
  if (!accessToken || accessToken.isEmpty) {
    throw new KitError('auth.token_endpoint_failed', {
      message: 'The token endpoint response has no access_token',
      status,
      method: 'POST',
      path,
      retryable: false,
    });
  }
  const tokenType = record.token_type;
  if (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer') {
    throw new KitError('auth.token_endpoint_failed', {
      message: `The token endpoint issued a "${tokenType.slice(0, 40)}" token; only bearer tokens are supported`,
      status,
      method: 'POST',
      path,
      retryable: false,
    });
  }
  const expiresIn = typeof record.expires_in === 'string' ? Number(record.expires_in) : record.expires_in;
  const expiresInMs =
    typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
      ? expiresIn * 1000
      : undefined;
  return { accessToken, expiresInMs, refreshToken };
}

async function attemptToken(
  config: TokenEndpointConfig,
  grant: OAuth2GrantType,
  refreshToken: Secret | undefined,
  signal: AbortSignal | undefined,
): Promise<Omit<TokenResult, 'attempts'>> {
  const path = new URL(config.tokenUrl).pathname;
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  config.clock.sleep(config.requestTimeoutMs, controller.signal).then(
    () => {
      timedOut = true;
      controller.abort();
    },
    () => {},
  );
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (config.basicAuthorization) headers.Authorization = config.basicAuthorization.reveal();
  const requestedAt = config.clock.now();
  try {
    let status: number;
    let text: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await config.fetch(config.tokenUrl, {
        method: 'POST',
        headers,
        body: buildBody(config, grant, refreshToken),
        signal: controller.signal,
      });
      status = response.status;
      // @kit/errors' reader: Retry-After (seconds or HTTP-date) and retry-after-ms, bounded.
      retryAfterMs = parseExplicitRetryAfter(response.headers, config.clock.now());
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted) throw abortError(signal);
      throw new KitError('auth.token_endpoint_failed', {
        message: timedOut
          ? `The token endpoint did not answer within ${config.requestTimeoutMs} ms`
          : 'The token endpoint could not be reached',
        cause,
        method: 'POST',
        path,
        retryable: true,
      });
    }
    if (status >= 200 && status < 300) return { ...readTokenResponse(text, status, path), requestedAt };
    throw tokenEndpointError(status, parseOAuth2ErrorBody(text), grant, path, retryAfterMs);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}

/**
 * One logical token request: up to `retry.maxAttempts` attempts with backoff (Retry-After honoured
 * up to `retry.maxDelayMs`; a longer one fails at once) for network failures, timeouts, 408, 429 and
 * 5xx. The final error carries `attempts` and `totalDelayMs`.
 */
export async function requestToken(
  config: TokenEndpointConfig,
  grant: OAuth2GrantType,
  refreshToken: Secret | undefined,
  signal?: AbortSignal,
): Promise<TokenResult> {
  let totalDelayMs = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await attemptToken(config, grant, refreshToken, signal)), attempts: attempt };
    } catch (caught) {
      const error = isKitError(caught)
        ? caught
        : new KitError('auth.token_endpoint_failed', { cause: caught });
      const hint = error.retryAfterMs;
      const giveUp =
        !error.retryable ||
        error.code === 'cancelled.aborted' ||
        attempt >= config.retry.maxAttempts ||
        (hint !== undefined && hint > config.retry.maxDelayMs);
      if (giveUp) {
        error.attempts = attempt;
        error.totalDelayMs = totalDelayMs;
        throw error;
      }
      // Equal jitter: the token endpoint is retried a few times only, and never at once.
      const ceilingMs = exponentialCeilingMs(
        attempt - 1,
        config.retry.initialDelayMs,
        config.retry.maxDelayMs,
      );
      const delayMs = Math.max(equalJitterMs(ceilingMs, config.random), hint ?? 0);
      config.logger.warn('oauth2 token request failed, retrying', {
        attempt,
        delayMs,
        code: error.code,
        status: error.status,
        grantType: grant,
      });
      await config.clock.sleep(delayMs, signal);
      totalDelayMs += delayMs;
    }
  }
}
