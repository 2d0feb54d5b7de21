import type { KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import { type RetryEvent, type RetryPolicy, shouldRetry } from '@kit/retry';
import { callHook } from './call-hook';
import type { PipelineRequest, PipelineStep } from './pipeline';
import type { RestClientHooks } from './rest-client-options';

/** Name of the retry step. */
export const RETRY_STEP = 'retry';

/** Options for {@link createRetryStep}. */
export interface RetryStepOptions {
  /** The policy (backoff, deadline, attempt timeout, budget) from @kit/retry. */
  policy: RetryPolicy;
  /** Logs each retry at info. */
  logger: Logger;
  /** `onRetry` is called before each wait. */
  hooks: RestClientHooks;
  /** The retry-budget and adaptive-rate key (the host), so one host's failures or 429s do not slow another. */
  budgetKey: string;
  /**
   * Whether a rate limiter paces every attempt (the client's `rateLimit`): it then handles 429s
   * itself, so the policy's adaptive rate stays out and a 429 is retried through the limiter at
   * once. @default false
   */
  paced?: boolean;
}

/**
 * Runs the rest of the pipeline through @kit/retry's policy, with the shared rule
 * (`shouldRetry(error, { method, hasIdempotencyKey })`): idempotent methods on anything retryable,
 * POST/PATCH only with an idempotency key, else only when the request never left or on a 429.
 * Each attempt gets the policy's signal (caller + attempt timeout + deadline). A 429 slows down
 * every call to the host: the client's limiter when it has one (`paced`), else the policy's
 * adaptive rate for `budgetKey`; either way the retry waits for its turn instead of a backoff and
 * does not use up an attempt.
 */
export function createRetryStep(options: RetryStepOptions): PipelineStep {
  const { policy, logger, hooks, budgetKey } = options;
  const paced = options.paced === true;
  /** Logs and reports one retry (bound per call: a bound function, not a closure, on the success path). */
  const retrying = (request: PipelineRequest, event: RetryEvent): void => {
    logger.info('rest: retrying', {
      method: request.method,
      path: request.path,
      attempt: request.attempt,
      delayMs: event.delayMs,
      code: event.error.code,
      status: event.error.status,
      requestId: event.error.requestId,
    });
    callHook(logger, 'onRetry', hooks.onRetry, {
      method: request.method,
      path: request.path,
      endpoint: request.pathTemplate,
      attempt: request.attempt,
      idempotencyKey: request.idempotencyKey,
      delayMs: event.delayMs,
      error: event.error,
    });
  };
  return {
    name: RETRY_STEP,
    send(request, next) {
      return policy.execute(
        (ctx) => {
          request.attempt++;
          request.attemptSignal = ctx.signal;
          return next(request);
        },
        {
          signal: request.signal,
          budgetKey,
          paced,
          shouldRetry: retryRule.bind(undefined, request.method, request.idempotencyKey !== undefined),
          onRetry: retrying.bind(undefined, request),
        },
      );
    },
  };
}

/** The shared rule, for a call's method and whether it has an idempotency key. */
function retryRule(method: string, hasIdempotencyKey: boolean, error: KitError): boolean {
  return shouldRetry(error, { method, hasIdempotencyKey });
}
