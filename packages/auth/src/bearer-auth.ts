import { isKitError, KitError } from '@kit/errors';
import type { SecretInput } from '@kit/logger';
import { raceAbort, throwIfAborted } from '@kit/retry/internal';
import type { AuthRequest, AuthStrategy } from './auth-strategy';
import { requireCredential } from './credential';
import { copyRequest, withHeader } from './request-edit';
import { assertSecureTransport } from './secure-transport';

/** Supplies a bearer token on demand (cache inside it if fetching is expensive). */
export type TokenProvider = (signal?: AbortSignal) => Promise<SecretInput>;

/** Options for {@link bearerAuth}. */
export interface BearerAuthOptions {
  /** A static token, or an async provider called once per request attempt. */
  token: SecretInput | TokenProvider;
}

/**
 * `Authorization: Bearer <token>` from a static token or an async provider. A provider's failure
 * becomes `auth.token_endpoint_failed` (its own KitErrors pass through); an empty token is
 * `auth.missing_credentials`. Refuses plain-http non-loopback URLs.
 *
 * @example
 * ```ts
 * const auth = bearerAuth({ token: async () => vault.read('api-token') });
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): AuthStrategy {
  const provider = typeof options.token === 'function' ? options.token : undefined;
  const fixed = provider ? undefined : requireCredential(options.token as SecretInput, 'token');
  return {
    name: 'bearer',
    async authenticate(request: AuthRequest): Promise<AuthRequest> {
      assertSecureTransport(request.url);
      throwIfAborted(request.signal);
      let token = fixed;
      if (provider) {
        let supplied: SecretInput;
        try {
          supplied = await raceAbort(
            Promise.resolve().then(() => provider(request.signal)),
            request.signal,
          );
        } catch (cause) {
          if (isKitError(cause)) throw cause;
          throw new KitError('auth.token_endpoint_failed', {
            message: 'The bearer token provider failed',
            cause,
            method: request.method,
            path: request.path,
            hint: 'Check the token provider passed to bearerAuth(); its error is the cause.',
          });
        }
        token = requireCredential(supplied, 'token');
      }
      const next = copyRequest(request);
      next.headers = withHeader(next.headers, 'Authorization', `Bearer ${token!.reveal()}`);
      return next;
    },
  };
}
