import { isKitError, KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';
import {
  type BulkheadOptions,
  type CircuitBreakerOptions,
  DEFAULT_BULKHEAD_OPTIONS,
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
} from './retry-policy-options';

/**
 * Runs one attempt through the opt-in cockatiel guards. Takes the holder of the signal, not the
 * signal, so that without guards the signal is never read (and never created). @internal
 */
export type AttemptGuard = <T>(
  run: () => Promise<T>,
  attempt: { readonly signal: AbortSignal },
) => Promise<T>;

/**
 * Failures that say the host is unhealthy: retryable errors other than rate limits and
 * cancellations (a 429 means the host is fine but busy; an abort is the caller's choice).
 */
function countsAgainstHost(error: unknown): boolean {
  return (
    isKitError(error) && error.retryable && error.category !== 'rate_limit' && error.category !== 'cancelled'
  );
}

/**
 * Builds the attempt guard from the circuit-breaker and bulkhead options: cockatiel's policies,
 * created once per retry policy so their state is shared by every call. cockatiel's own errors
 * become KitErrors (`server.circuit_open`, `rate_limit.concurrency_limit`). `undefined` when neither
 * is configured.
 *
 * @internal
 */
export function createAttemptGuard(
  breakerOptions: CircuitBreakerOptions | false | undefined,
  bulkheadOptions: BulkheadOptions | false | undefined,
): AttemptGuard | undefined {
  const breaker = breakerOptions
    ? (() => {
        const config = { ...DEFAULT_CIRCUIT_BREAKER_OPTIONS, ...withoutUndefined(breakerOptions) };
        return circuitBreaker(handleWhen(countsAgainstHost), {
          halfOpenAfter: config.halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(config.consecutiveFailures),
        });
      })()
    : undefined;
  const limit = bulkheadOptions
    ? (() => {
        const config = { ...DEFAULT_BULKHEAD_OPTIONS, ...withoutUndefined(bulkheadOptions) };
        return bulkhead(config.maxConcurrent, config.maxQueued);
      })()
    : undefined;
  // No guard at all: the policy calls the operation directly (one promise layer less per attempt).
  if (!breaker && !limit) return undefined;
  return async (run, attempt) => {
    const signal = attempt.signal;
    const viaBreaker = breaker ? () => breaker.execute(run, signal) : run;
    try {
      return await (limit ? limit.execute(viaBreaker, signal) : viaBreaker());
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new KitError('server.circuit_open', { cause: error, outcome: 'not_sent' });
      }
      if (error instanceof BulkheadRejectedError) {
        throw new KitError('rate_limit.concurrency_limit', { cause: error, outcome: 'not_sent' });
      }
      throw error;
    }
  };
}
