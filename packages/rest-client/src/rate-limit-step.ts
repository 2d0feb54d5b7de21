import type { Logger } from '@kit/logger';
import { callHook } from './call-hook';
import { createSplitStep, type PipelineRequest, type PipelineResponse, type PipelineStep } from './pipeline';
import type { RateLimiterLike, RestClientHooks } from './rest-client-options';

/** Name of the rate-limit step. */
export const RATE_LIMIT_STEP = 'rateLimit';

/** Options for {@link createRateLimitStep}. */
export interface RateLimitStepOptions {
  /** The limiter (@kit/retry's `createRateLimiter()`); without one the step only reports 429s. @default undefined */
  limiter?: RateLimiterLike;
  /** `onRateLimit` is called when the call waited or got a 429. */
  hooks: RestClientHooks;
  /** Where hook failures are logged. */
  logger: Logger;
  /** Milliseconds clock used to measure the wait. @default Date.now */
  now?: () => number;
}

/**
 * Before every attempt, waits for the endpoint's weight (`limiter.acquire`, abortable); after every
 * response, feeds status and headers back (`limiter.observe`), so the limiter follows the server's
 * remaining/reset headers and a 429 pauses the whole queue, not just this call. Runs after the
 * retry wait and before signing, so a signed timestamp never ages in the queue.
 */
export function createRateLimitStep(options: RateLimitStepOptions): PipelineStep {
  const { limiter, hooks, logger } = options;
  const now = options.now ?? Date.now;
  const report = (request: PipelineRequest, waitedMs: number, response?: PipelineResponse) => {
    if (hooks.onRateLimit === undefined) return;
    callHook(logger, 'onRateLimit', hooks.onRateLimit, {
      method: request.method,
      path: request.path,
      endpoint: request.pathTemplate,
      attempt: request.attempt,
      idempotencyKey: request.idempotencyKey,
      waitedMs,
      status: response?.status,
      rateLimit: response?.rateLimit,
    });
  };
  return createSplitStep(
    RATE_LIMIT_STEP,
    limiter === undefined
      ? undefined
      : (request) => {
          const started = now();
          return Promise.resolve(
            limiter.acquire(request.weight, { signal: request.attemptSignal ?? request.signal }),
          ).then(() => {
            const waitedMs = now() - started;
            if (waitedMs > 0) report(request, waitedMs);
          });
        },
    (request, response) => {
      // The response carries `status` and `headers`, all `observe` reads: no copy per response.
      limiter?.observe(response);
      if (response.status === 429) report(request, 0, response);
    },
  );
}
