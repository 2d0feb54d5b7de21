import { classifyError, isKitError, KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import type { Logger } from '@kit/logger';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';
import type { Clock } from './clock';
import {
  type BulkheadOptions,
  type CircuitBreakerOptions,
  type CircuitBreakerState,
  DEFAULT_BULKHEAD_OPTIONS,
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
} from './retry-policy-options';

/**
 * The opt-in cockatiel guards of one policy (circuit breaker, bulkhead), created once so their
 * state is shared by every call. @internal
 */
export interface AttemptGuards {
  /**
   * Runs `fn(ctx)` through the guards. Takes the holder of the attempt's signal, not the signal: it
   * is read (and created) only when a guard can act on it, i.e. when the attempt waits in the
   * bulkhead's queue or behind the circuit's trial call.
   */
  run<T, C>(
    fn: (ctx: C) => T | PromiseLike<T>,
    ctx: C,
    attempt: { readonly signal: AbortSignal },
  ): Promise<T>;
  /** The circuit breaker's state; `undefined` without one. */
  readonly circuitState: CircuitBreakerState | undefined;
  /** Calls `listener` on each state change of the circuit breaker; returns the unsubscribe. */
  onCircuitStateChange(listener: (state: CircuitBreakerState) => void): () => void;
}

/** What cockatiel is given where the attempt's signal cannot matter (no wait in a guard). */
const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Failures that say the host is unhealthy: retryable errors other than rate limits and
 * cancellations (a 429 means the host is fine but busy; an abort is the caller's choice).
 */
function countsAgainstHost(error: unknown): boolean {
  return (
    isKitError(error) && error.retryable && error.category !== 'rate_limit' && error.category !== 'cancelled'
  );
}

/** Any rejection as a KitError, so the circuit breaker judges classified errors. */
async function classified<T, C>(fn: (ctx: C) => T | PromiseLike<T>, ctx: C): Promise<T> {
  try {
    return await fn(ctx);
  } catch (raw) {
    throw isKitError(raw) ? raw : classifyError(raw);
  }
}

function toState(state: CircuitState): CircuitBreakerState {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half_open';
  // Open, and Isolated (which kit never requests): no call goes through either way.
  return 'open';
}

/**
 * Builds the guards from the circuit-breaker and bulkhead options: cockatiel's policies, created
 * once per retry policy. cockatiel's own errors become KitErrors (`server.circuit_open`,
 * `rate_limit.concurrency_limit`). `undefined` when neither is configured.
 *
 * The circuit stays open for `halfOpenAfterMs` on the policy's `clock` (cockatiel would time it
 * with `Date.now()`): cockatiel keeps the state machine (consecutive failures, the single trial
 * call, closing or reopening after it) with its own open period turned off, and the guard refuses
 * calls while the open period has not passed on `clock`.
 *
 * @internal
 */
export function createAttemptGuards(
  breakerOptions: CircuitBreakerOptions | false | undefined,
  bulkheadOptions: BulkheadOptions | false | undefined,
  clock: Clock,
  logger: Logger,
): AttemptGuards | undefined {
  const breakerConfig = breakerOptions
    ? { ...DEFAULT_CIRCUIT_BREAKER_OPTIONS, ...withoutUndefined(breakerOptions) }
    : undefined;
  const breaker =
    breakerConfig === undefined
      ? undefined
      : circuitBreaker(handleWhen(countsAgainstHost), {
          // Never blocks on cockatiel's clock: the open period is timed on the policy's, below.
          halfOpenAfter: Number.NEGATIVE_INFINITY,
          breaker: new ConsecutiveBreaker(breakerConfig.consecutiveFailures),
        });
  const limit = bulkheadOptions
    ? (() => {
        const config = { ...DEFAULT_BULKHEAD_OPTIONS, ...withoutUndefined(bulkheadOptions) };
        return bulkhead(config.maxConcurrent, config.maxQueued);
      })()
    : undefined;
  if (!breaker && !limit) return undefined;

  // When the circuit may try a call again, on the policy's clock.
  let reopensAt = 0;
  const listeners = new Set<(state: CircuitBreakerState) => void>();
  breaker?.onStateChange((raw) => {
    if (raw === CircuitState.Open) reopensAt = clock.now() + (breakerConfig?.halfOpenAfterMs ?? 0);
    if (listeners.size === 0) return;
    const state = toState(raw);
    // A copy: a listener may unsubscribe (itself or another) while being called.
    for (const listener of [...listeners]) {
      try {
        listener(state);
      } catch (error) {
        // Inside cockatiel's state change: a throwing listener must not break the call.
        logger.warn('retry: an onCircuitStateChange listener threw; ignored', {
          error: (isKitError(error) ? error : classifyError(error)).toJSON(),
        });
      }
    }
  });

  const viaBreaker = <T, C>(
    fn: (ctx: C) => T | PromiseLike<T>,
    ctx: C,
    attempt: { readonly signal: AbortSignal },
  ): Promise<T> => {
    if (breaker === undefined) return classified(fn, ctx);
    const state = breaker.state;
    if (state === CircuitState.Open && clock.now() < reopensAt) throw new BrokenCircuitError();
    // cockatiel reads the signal only while a call waits for the trial call (half open).
    const signal = state === CircuitState.HalfOpen ? attempt.signal : NEVER_ABORTED;
    return breaker.execute(() => classified(fn, ctx), signal);
  };

  return {
    async run(fn, ctx, attempt) {
      try {
        if (limit === undefined) return await viaBreaker(fn, ctx, attempt);
        // The bulkhead reads the signal only for an attempt it queues (it is dropped if aborted).
        const signal = limit.executionSlots > 0 ? NEVER_ABORTED : attempt.signal;
        return await limit.execute(() => viaBreaker(fn, ctx, attempt), signal);
      } catch (error) {
        if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
          throw new KitError('server.circuit_open', { cause: error, outcome: 'not_sent' });
        }
        if (error instanceof BulkheadRejectedError) {
          throw new KitError('rate_limit.concurrency_limit', { cause: error, outcome: 'not_sent' });
        }
        throw error;
      }
    },
    get circuitState() {
      return breaker === undefined ? undefined : toState(breaker.state);
    },
    onCircuitStateChange(listener) {
      if (breaker === undefined) return noop;
      // A wrapper per subscription: the same function subscribed twice is called twice and each
      // unsubscribe removes its own.
      const entry = (state: CircuitBreakerState): void => listener(state);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}

function noop(): void {}
