import { isKitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import { callHook } from './call-hook';
import type { PipelineStep } from './pipeline';
import type { RestClientHooks } from './rest-client-options';

/** Name of the logging step. */
export const LOGGING_STEP = 'logging';

/** Options for {@link createLoggingStep}. */
export interface LoggingStepOptions {
  /** Receives one debug line per attempt. */
  logger: Logger;
  /** `onRequest` before and `onResponse` after each attempt. */
  hooks: RestClientHooks;
  /** Whether debug lines are wanted; when false the step builds no log fields at all. */
  debug: boolean;
}

/**
 * One debug line per attempt (method, path, status, attempt, durationMs, requestId: never headers,
 * query or body, which may hold credentials) and the `onRequest`/`onResponse` hooks. With debug off
 * and no hooks, the client leaves this step out of the pipeline entirely.
 */
export function createLoggingStep(options: LoggingStepOptions): PipelineStep {
  const { logger, hooks, debug } = options;
  return {
    name: LOGGING_STEP,
    async send(request, next) {
      if (hooks.onRequest !== undefined) {
        callHook(logger, 'onRequest', hooks.onRequest, {
          method: request.method,
          path: request.path,
          endpoint: request.pathTemplate,
          attempt: request.attempt,
          idempotencyKey: request.idempotencyKey,
        });
      }
      const started = Date.now();
      try {
        const response = await next(request);
        if (debug) {
          logger.debug('rest: attempt', {
            method: request.method,
            path: request.path,
            status: response.status,
            attempt: request.attempt,
            durationMs: response.durationMs,
            requestId: response.requestId,
          });
        }
        if (hooks.onResponse !== undefined) {
          callHook(logger, 'onResponse', hooks.onResponse, {
            method: request.method,
            path: request.path,
            endpoint: request.pathTemplate,
            attempt: request.attempt,
            idempotencyKey: request.idempotencyKey,
            status: response.status,
            durationMs: response.durationMs,
            requestId: response.requestId,
            rateLimit: response.rateLimit,
          });
        }
        return response;
      } catch (error) {
        if (debug) {
          logger.debug('rest: attempt failed', {
            method: request.method,
            path: request.path,
            attempt: request.attempt,
            durationMs: Date.now() - started,
            code: isKitError(error) ? error.code : undefined,
          });
        }
        throw error;
      }
    },
  };
}
