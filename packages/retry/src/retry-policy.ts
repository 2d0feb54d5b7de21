import { classifyError, isKitError, KitError } from '@kit/errors';
import { noopLogger } from '@kit/logger';
import { abortError } from './abort-error';
import { createAttemptGuard } from './attempt-guards';
import { type Backoff, createBackoff } from './backoff';
import { createRetryBudget } from './retry-budget';
import {
  type AttemptContext,
  DEFAULT_RETRY_POLICY_OPTIONS,
  type ExecuteOptions,
  type GiveUpReason,
  MAX_RETRY_AFTER_JITTER_MS,
  RETRY_AFTER_JITTER_RATIO,
  type RetryEvent,
  type RetryPolicyOptions,
} from './retry-policy-options';
import { AttemptAbort, runAttempt } from './run-attempt';
import { systemClock } from './system-clock';
import { withoutUndefined } from './without-undefined';

/** A configured retry policy. Create one per client (or per host) and reuse it for every call. */
export interface RetryPolicy {
  /**
   * Runs `fn` until it succeeds, the error is not worth retrying, attempts run out or the deadline
   * passes. Rejects with a KitError carrying `attempts` and `totalDelayMs`.
   */
  execute<T>(fn: (ctx: AttemptContext) => Promise<T>, options?: ExecuteOptions): Promise<T>;
}

/**
 * Calls the operation on the next microtask, never synchronously inside `execute` (callers and
 * their tests may rely on `execute` returning before the operation starts), turning a synchronous
 * throw into a rejection and any rejection into a KitError (so the circuit breaker, when there is
 * one, judges classified errors).
 */
function callOperation<T>(fn: (ctx: AttemptContext) => Promise<T>, ctx: AttemptContext): Promise<T> {
  return STARTED.then(() => fn(ctx)).catch(toKitError);
}

const STARTED: Promise<void> = Promise.resolve();

function toKitError(raw: unknown): never {
  throw isKitError(raw) ? raw : classifyError(raw);
}

/** The policy's default retry rule for operations it knows nothing about (no method). */
function defaultShouldRetry(error: KitError): boolean {
  return error.retryable && error.code !== 'server.execution_unknown' && error.outcome !== 'unknown';
}

/**
 * Creates a retry policy with DESIGN §4's defaults: 3 attempts, decorrelated-jitter backoff from
 * 500 ms capped at 10 s, a 60 s deadline that wins over the attempt count, an attempt timeout of
 * min(30 s, time left), Retry-After honoured up to 60 s, and a retry budget per key.
 *
 * @example
 * ```ts
 * const policy = createRetryPolicy({ deadlineMs: 10_000 });
 * const data = await policy.execute(({ signal }) => fetch(url, { signal }).then((r) => r.json()));
 * ```
 */
export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const config = { ...DEFAULT_RETRY_POLICY_OPTIONS, ...withoutUndefined(options) };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? noopLogger;
  const budget = options.budget === false ? undefined : (options.budget ?? createRetryBudget());
  const guard = createAttemptGuard(options.circuitBreaker, options.bulkhead);

  const callHook = <E>(name: string, hook: ((event: E) => void) | undefined, event: E): void => {
    if (!hook) return;
    try {
      hook(event);
    } catch (error) {
      logger.warn(`retry: the ${name} hook threw; ignored`, {
        error: (isKitError(error) ? error : classifyError(error)).toJSON(),
      });
    }
  };

  return {
    async execute<T>(fn: (ctx: AttemptContext) => Promise<T>, callOptions: ExecuteOptions = {}): Promise<T> {
      const userSignal = callOptions.signal;
      const retryRule = callOptions.shouldRetry ?? defaultShouldRetry;
      const budgetKey = callOptions.budgetKey ?? 'default';
      // Created on the first failure: a call that succeeds at once never needs one.
      let backoff: Backoff | undefined;
      const deadlineAt = clock.now() + config.deadlineMs;
      let attempts = 0;
      let totalDelayMs = 0;
      let lastError: KitError | undefined;

      /**
       * `inFlight`: the deadline cut an attempt that may have reached the server (outcome unknown);
       * otherwise the next wait would end past it, and the last error's outcome stands.
       */
      const deadlineError = (cause: unknown, inFlight: boolean): KitError =>
        new KitError('timeout.deadline', {
          message: inFlight
            ? `The ${config.deadlineMs} ms deadline passed during attempt ${attempts}`
            : `The ${config.deadlineMs} ms deadline leaves no time for another attempt after ${attempts}`,
          cause,
          attempts,
          totalDelayMs,
          outcome: inFlight ? 'unknown' : (lastError?.outcome ?? 'not_sent'),
        });
      const giveUp = (error: KitError, reason: GiveUpReason): KitError => {
        error.attempts = attempts;
        error.totalDelayMs = totalDelayMs;
        logger.debug('retry: giving up', { reason, attempts, code: error.code });
        callHook('onGiveUp', options.onGiveUp, { attempts, error, reason });
        return error;
      };

      if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
      for (;;) {
        attempts++;
        const timeLeftMs = deadlineAt - clock.now();
        if (timeLeftMs <= 0) throw giveUp(deadlineError(lastError, false), 'deadline');
        const attemptTimeoutMs = Math.min(config.attemptTimeoutMs, timeLeftMs);
        // One timer serves the attempt timeout and the deadline: whichever is sooner. An attempt
        // cut short by the deadline ends the call with timeout.deadline. The reasons are built
        // only when the timer fires, never on the success path.
        const cutByDeadline = timeLeftMs <= config.attemptTimeoutMs;
        let deadlineHit: KitError | undefined;
        let attemptTimedOut: KitError | undefined;
        const onTimeout = (): KitError => {
          if (cutByDeadline) {
            deadlineHit = deadlineError(lastError, true);
            return deadlineHit;
          }
          attemptTimedOut = new KitError('timeout.attempt', {
            message: `Attempt ${attempts} timed out after ${attemptTimeoutMs} ms`,
            attempts,
            outcome: 'unknown',
          });
          return attemptTimedOut;
        };
        const abort = new AttemptAbort();
        const ctx: AttemptContext = {
          attempt: attempts,
          // An own, enumerable getter (so spreading the context still copies the signal): an
          // operation that never reads its signal costs no AbortController.
          get signal() {
            return abort.signal;
          },
          deadlineAt,
          timeLeftMs,
          attemptTimeoutMs,
        };
        let error: KitError;
        try {
          // With guards, errors are classified inside them, so the circuit breaker judges KitErrors;
          // without, the catch below classifies them the same way.
          const result = await runAttempt(clock, abort, attemptTimeoutMs, userSignal, onTimeout, () =>
            guard === undefined ? STARTED.then(() => fn(ctx)) : guard(() => callOperation(fn, ctx), ctx),
          );
          budget?.recordSuccess(budgetKey);
          return result;
        } catch (thrown) {
          if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
          if (deadlineHit !== undefined) throw giveUp(deadlineHit, 'deadline');
          error = attemptTimedOut ?? (isKitError(thrown) ? thrown : classifyError(thrown));
        }
        lastError = error;

        if (!retryRule(error, ctx)) throw giveUp(error, 'not_retryable');
        if (attempts >= config.maxAttempts) throw giveUp(error, 'max_attempts');
        backoff ??= createBackoff({
          initialDelayMs: config.initialDelayMs,
          maxDelayMs: config.maxDelayMs,
          random,
        });
        let delayMs = backoff.next();
        const now = clock.now();
        if (error.retryAfterMs !== undefined) {
          if (error.retryAfterMs > config.maxRetryAfterMs || now + error.retryAfterMs >= deadlineAt) {
            const tooLong = new KitError('rate_limit.exceeded', {
              message: `The server asked to wait ${error.retryAfterMs} ms, beyond ${
                error.retryAfterMs > config.maxRetryAfterMs ? 'maxRetryAfterMs' : 'the deadline'
              }`,
              cause: error,
              retryAfterMs: error.retryAfterMs,
              ...(error.status === undefined ? {} : { status: error.status }),
              ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
              ...(error.method === undefined ? {} : { method: error.method }),
              ...(error.path === undefined ? {} : { path: error.path }),
              ...(error.outcome === undefined ? {} : { outcome: error.outcome }),
            });
            throw giveUp(tooLong, 'retry_after_too_long');
          }
          const jitterMs =
            random() * Math.min(MAX_RETRY_AFTER_JITTER_MS, error.retryAfterMs * RETRY_AFTER_JITTER_RATIO);
          delayMs = Math.max(delayMs, Math.ceil(error.retryAfterMs + jitterMs));
        }
        // The deadline wins: a wait that ends past it would only lead to a cut-off attempt.
        if (now + delayMs >= deadlineAt) throw giveUp(deadlineError(error, false), 'deadline');
        if (budget && !budget.tryAcquire(budgetKey, error.category === 'timeout' ? 'timeout' : 'retry')) {
          throw giveUp(error, 'budget_exhausted');
        }
        const event: RetryEvent = { attempt: attempts, delayMs, error };
        callHook('onRetry', options.onRetry, event);
        callHook('onRetry', callOptions.onRetry, event);
        // The wait ends before the deadline (checked above), so only the caller can cut it short.
        try {
          await clock.sleep(delayMs, userSignal);
        } catch {
          if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
          throw giveUp(deadlineError(error, false), 'deadline');
        }
        totalDelayMs += delayMs;
      }
    },
  };
}
