import { describe, expect, it } from 'vitest';
import {
  isRetryableTokenStatus,
  parseOAuth2ErrorBody,
  tokenEndpointError,
  tokenErrorCode,
} from './oauth2-token-error';

describe('tokenErrorCode', () => {
  it.each([
    [400, 'invalid_client', 'client_credentials', 'auth.invalid_credentials'],
    [401, 'invalid_client', 'client_credentials', 'auth.invalid_credentials'],
    [400, 'invalid_scope', 'client_credentials', 'auth.insufficient_permissions'],
    [400, 'unauthorized_client', 'client_credentials', 'auth.insufficient_permissions'],
    [403, 'access_denied', 'client_credentials', 'auth.insufficient_permissions'],
    [400, 'invalid_grant', 'refresh_token', 'auth.expired_token'],
    [400, 'invalid_grant', 'client_credentials', 'auth.invalid_credentials'],
    [400, 'unsupported_grant_type', 'client_credentials', 'auth.token_endpoint_failed'],
    [400, 'invalid_request', 'client_credentials', 'auth.token_endpoint_failed'],
    [401, undefined, 'client_credentials', 'auth.invalid_credentials'],
    [403, undefined, 'client_credentials', 'auth.insufficient_permissions'],
    [404, undefined, 'client_credentials', 'auth.token_endpoint_failed'],
    [503, undefined, 'client_credentials', 'auth.token_endpoint_failed'],
  ] as const)('%i %s (%s) -> %s', (status, error, grant, code) => {
    expect(tokenErrorCode(status, error, grant)).toBe(code);
  });
});

describe('tokenEndpointError', () => {
  it('keeps error, error_description and error_uri in details and the status on the error', () => {
    const error = tokenEndpointError(
      400,
      { error: 'invalid_scope', error_description: 'scope "admin" not allowed', error_uri: 'https://idp/e' },
      'client_credentials',
      '/oauth/token',
    );
    expect(error.code).toBe('auth.insufficient_permissions');
    expect(error.status).toBe(400);
    expect(error.path).toBe('/oauth/token');
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({
      grantType: 'client_credentials',
      error: 'invalid_scope',
      errorDescription: 'scope "admin" not allowed',
      errorUri: 'https://idp/e',
    });
    expect(error.message).toContain('invalid_scope');
  });

  it('marks 5xx token_endpoint_failed retryable and 4xx not', () => {
    expect(tokenEndpointError(503, {}, 'client_credentials', '/t').retryable).toBe(true);
    expect(tokenEndpointError(400, { error: 'invalid_request' }, 'client_credentials', '/t').retryable).toBe(
      false,
    );
  });
});

describe('parseOAuth2ErrorBody', () => {
  it('reads string fields only and tolerates HTML or junk', () => {
    expect(parseOAuth2ErrorBody('{"error":"invalid_client","error_description":7}')).toEqual({
      error: 'invalid_client',
    });
    expect(parseOAuth2ErrorBody('<html>502 Bad Gateway</html>')).toEqual({});
    expect(parseOAuth2ErrorBody('null')).toEqual({});
  });
});

describe('isRetryableTokenStatus', () => {
  it('retries 408, 429 and 5xx except 501/505', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableTokenStatus)).toBe(true);
    expect([400, 401, 403, 404, 501, 505].some(isRetryableTokenStatus)).toBe(false);
  });
});
