import { type ErrorCode, KitError } from '@kit/errors';
import { redactSecretValues } from '@kit/logger';

/** The grant a token request used. */
export type OAuth2GrantType = 'client_credentials' | 'refresh_token';

/** An RFC 6749 §5.2 error body, as far as it could be read. */
export interface OAuth2ErrorBody {
  error?: string;
  error_description?: string;
  error_uri?: string;
}

/**
 * The catalogue code for a token endpoint error (RFC 6749 §5.2):
 * `invalid_client` -> `auth.invalid_credentials`; `invalid_scope`, `unauthorized_client`,
 * `access_denied` -> `auth.insufficient_permissions`; `invalid_grant` -> `auth.expired_token` for a
 * refresh token (expired or revoked), `auth.invalid_credentials` otherwise; anything else
 * `auth.token_endpoint_failed`. Without an error code, 401 and 403 decide.
 */
export function tokenErrorCode(status: number, error: string | undefined, grant: OAuth2GrantType): ErrorCode {
  switch (error) {
    case 'invalid_client':
      return 'auth.invalid_credentials';
    case 'invalid_scope':
    case 'unauthorized_client':
    case 'access_denied':
      return 'auth.insufficient_permissions';
    case 'invalid_grant':
      return grant === 'refresh_token' ? 'auth.expired_token' : 'auth.invalid_credentials';
    case undefined:
      if (status === 401) return 'auth.invalid_credentials';
      if (status === 403) return 'auth.insufficient_permissions';
      return 'auth.token_endpoint_failed';
    default:
      return 'auth.token_endpoint_failed';
  }
}

/** Whether a token endpoint status is worth retrying: 408, 429 and 5xx (except 501 and 505). */
export function isRetryableTokenStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status !== 501 && status !== 505;
}

/** Reads an RFC 6749 error body from a response text; tolerant of non-JSON bodies. */
export function parseOAuth2ErrorBody(text: string): OAuth2ErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const record = parsed as Record<string, unknown>;
    // Identity providers sometimes echo what was sent: mask every registered secret value.
    const pick = (key: string): string | undefined =>
      typeof record[key] === 'string' ? redactSecretValues((record[key] as string).slice(0, 500)) : undefined;
    const body: OAuth2ErrorBody = {};
    const error = pick('error');
    const description = pick('error_description');
    const uri = pick('error_uri');
    if (error !== undefined) body.error = error;
    if (description !== undefined) body.error_description = description;
    if (uri !== undefined) body.error_uri = uri;
    return body;
  } catch {
    return {};
  }
}

/**
 * The KitError for a non-2xx token endpoint response: the mapped code, the status, the token
 * URL's path, and the RFC 6749 `error`, `error_description` and `error_uri` in `details`.
 */
export function tokenEndpointError(
  status: number,
  body: OAuth2ErrorBody,
  grant: OAuth2GrantType,
  path: string,
  retryAfterMs?: number,
): KitError {
  const code = tokenErrorCode(status, body.error, grant);
  const reason = body.error
    ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}`
    : '';
  return new KitError(code, {
    message: `The token endpoint answered ${status}${reason ? ` (${reason})` : ''} to a ${grant} request`,
    status,
    method: 'POST',
    path,
    retryable: code === 'auth.token_endpoint_failed' ? isRetryableTokenStatus(status) : false,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    details: {
      grantType: grant,
      ...(body.error === undefined ? {} : { error: body.error }),
      ...(body.error_description === undefined ? {} : { errorDescription: body.error_description }),
      ...(body.error_uri === undefined ? {} : { errorUri: body.error_uri }),
    },
  });
}
