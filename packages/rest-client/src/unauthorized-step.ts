import type { AuthStrategy } from '@kit/auth';
import { isKitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import type { PipelineStep } from './pipeline';

/** Name of the 401 step. */
export const UNAUTHORIZED_STEP = 'unauthorized';

/** Options for {@link createUnauthorizedStep}. */
export interface UnauthorizedStepOptions {
  /** The strategy whose `onUnauthorized` decides whether one more attempt can succeed. */
  auth: AuthStrategy;
  /** Logs the replay at info. */
  logger: Logger;
}

/**
 * On a 401, asks the strategy (`onUnauthorized(error, request)`, with the authenticated request that
 * got the 401; e.g. OAuth2 invalidating its token) whether a fresh attempt can succeed and, if so,
 * sends once more at once, whatever the method: the server refused the request, so nothing
 * happened. Once per logical call, so a bad key never loops.
 */
export function createUnauthorizedStep(options: UnauthorizedStepOptions): PipelineStep {
  const { auth, logger } = options;
  return {
    name: UNAUTHORIZED_STEP,
    async send(request, next) {
      try {
        return await next(request);
      } catch (error) {
        if (!isKitError(error) || error.status !== 401 || auth.onUnauthorized === undefined) throw error;
        if (request.replayedUnauthorized) throw error;
        request.replayedUnauthorized = true;
        // The request that got the 401 tells the strategy which credential it carried: with many
        // calls failing at once, those on the old token retry with the new one instead of failing.
        if (!(await auth.onUnauthorized(error, request.authenticated))) throw error;
        logger.info('rest: 401, credentials refreshed; sending once more', {
          method: request.method,
          path: request.path,
          attempt: request.attempt,
          strategy: auth.name,
        });
        request.attempt++;
        return next(request);
      }
    },
  };
}
