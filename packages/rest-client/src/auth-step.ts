import { type AuthRequest, type AuthStrategy, formatQuery } from '@kit/auth';
import { createSplitStep, type PipelineStep } from './pipeline';

/** Name of the auth step. */
export const AUTH_STEP = 'auth';

/** Options for {@link createAuthStep}. */
export interface AuthStepOptions {
  /** The strategy that attaches credentials. */
  auth: AuthStrategy;
}

/**
 * Authenticates every attempt afresh (timestamps, nonces and signatures are per attempt): builds an
 * `AuthRequest` from the call's pristine query, headers and body, lets the strategy sign it, then
 * records exactly its URL, query pairs (serialised with @kit/auth's `formatQuery`, the function
 * signers use), headers and body as what the transport sends. The signed request itself stays on
 * `request.authenticated` for the 401 step.
 */
export function createAuthStep(options: AuthStepOptions): PipelineStep {
  const { auth } = options;
  return createSplitStep(
    AUTH_STEP,
    (request) => {
      const unsigned: AuthRequest = {
        method: request.method,
        url: request.url,
        path: request.path,
        query: request.query.length === 0 ? [] : request.query.map(([key, value]) => [key, value]),
        headers: { ...request.headers },
        body: request.body,
        signal: request.attemptSignal,
      };
      // Promise.resolve: a strategy that returns its request synchronously still works (and a
      // native promise passes through as it is).
      return Promise.resolve(auth.authenticate(unsigned)).then((signed) => {
        request.authenticated = signed;
        request.sent = {
          url: signed.query.length > 0 ? `${signed.url}?${formatQuery(signed.query)}` : signed.url,
          headers: signed.headers,
          body: signed.body,
        };
      });
    },
    undefined,
  );
}
