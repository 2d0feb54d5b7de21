import { classifyError, isKitError, type KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import { callHook } from './call-hook';
import type { PipelineRequest } from './pipeline';
import { withRequestContext } from './request-context';
import type { RestClientHooks } from './rest-client-options';

/** What {@link createFailureReporting} needs from the client. @internal */
export interface FailureReportingOptions {
  readonly logger: Logger;
  readonly hooks: RestClientHooks;
  readonly debug: boolean;
  /** The client's milliseconds clock. */
  readonly now: () => number;
}

/** Turns whatever ended a call into the KitError it rejects with, logged once and passed to `onError`. @internal */
export interface FailureReporting {
  /** A call that went through the pipeline and failed for good. */
  failed(error: unknown, request: PipelineRequest): KitError;
  /** A call rejected before anything was sent (a missing path parameter, an invalid input). */
  rejected(error: unknown, method: string, pathTemplate: string): KitError;
}

/**
 * One log line per failed call: debug for a cancellation (the caller asked for it), info for a
 * 404 or 409 on the first attempt (the server's answer to the question asked: a lookup that finds
 * nothing, a cancel of a cancelled order, which callers handle every day and a warning per lookup
 * would bury the real ones), warn for everything else; then the `onError` hook. @internal
 */
export function createFailureReporting(options: FailureReportingOptions): FailureReporting {
  const { logger, hooks, debug, now } = options;
  return {
    failed(error, request) {
      const kit = withRequestContext(
        isKitError(error) ? error : classifyError(error, { method: request.method, path: request.path }),
        { method: request.method, path: request.path, attempts: request.attempt },
      );
      if (kit.code === 'cancelled.aborted') {
        if (debug)
          logger.debug('rest: call cancelled', {
            method: kit.method,
            path: kit.path,
            attempt: request.attempt,
          });
      } else {
        const fields = {
          method: kit.method,
          path: kit.path,
          status: kit.status,
          attempt: request.attempt,
          code: kit.code,
          requestId: kit.requestId,
          durationMs: now() - request.startedAtMs,
          totalDelayMs: kit.totalDelayMs,
        };
        if (request.attempt === 1 && (kit.category === 'not_found' || kit.category === 'conflict')) {
          logger.info('rest: answered with an error', fields);
        } else {
          logger.warn('rest: giving up', fields);
        }
      }
      callHook(logger, 'onError', hooks.onError, {
        method: request.method,
        path: request.path,
        endpoint: request.pathTemplate,
        error: kit,
      });
      return kit;
    },
    rejected(error, method, pathTemplate) {
      const kit = isKitError(error) ? error : classifyError(error, { method, path: pathTemplate });
      logger.warn('rest: call rejected before sending', { method, endpoint: pathTemplate, code: kit.code });
      callHook(logger, 'onError', hooks.onError, {
        method,
        path: pathTemplate,
        endpoint: pathTemplate,
        error: kit,
      });
      return kit;
    },
  };
}
