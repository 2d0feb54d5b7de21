import type { SecretInput } from '@kit/logger';
import type { AuthRequest, AuthStrategy } from './auth-strategy';
import { requireCredential, requireHeaderName } from './credential';
import { copyRequest, withHeader, withoutQuery } from './request-edit';
import { assertSecureTransport } from './secure-transport';

/** Options for {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** The API key. A string is wrapped in a `Secret` (and registered for redaction). */
  key: SecretInput;
  /**
   * Where the key goes: a request header or a query parameter.
   * @default 'header'
   */
  in?: 'header' | 'query';
  /**
   * The header or query parameter name.
   * @default 'X-API-Key'
   */
  name?: string;
}

/** Defaults for {@link ApiKeyAuthOptions}. */
export const DEFAULT_API_KEY_AUTH_OPTIONS = {
  in: 'header',
  name: 'X-API-Key',
} as const satisfies Required<Omit<ApiKeyAuthOptions, 'key'>>;

/**
 * A static API key in a header (default `X-API-Key`) or a query parameter. Refuses plain-http
 * non-loopback URLs (`auth.insecure_transport`); an empty key fails at construction
 * (`auth.missing_credentials`).
 *
 * @example
 * ```ts
 * const auth = apiKeyAuth({ key: process.env.API_KEY ?? '', name: 'X-API-Key' });
 * ```
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): AuthStrategy {
  const key = requireCredential(options.key, 'key');
  const placement = options.in ?? DEFAULT_API_KEY_AUTH_OPTIONS.in;
  const name = options.name ?? DEFAULT_API_KEY_AUTH_OPTIONS.name;
  if (placement === 'header') requireHeaderName(name, 'name');
  return {
    name: 'api-key',
    async authenticate(request: AuthRequest): Promise<AuthRequest> {
      assertSecureTransport(request.url);
      const next = copyRequest(request);
      if (placement === 'header') {
        next.headers = withHeader(next.headers, name, key.reveal());
      } else {
        next.query = [...withoutQuery(next.query, [name]), [name, key.reveal()]];
      }
      return next;
    },
  };
}
