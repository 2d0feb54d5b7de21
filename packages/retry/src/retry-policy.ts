import { classifyError, isKitError, KitError } from '@kit/errors';
import { noopLogger } from '@kit/logger';
import { abortError } from './abort-error';
import { createAttemptGuard } from './attempt-guards';
import { createBackoff } from './backoff';
import { startTimer } from './clock-timer';
import { combineSignals } from './combine-signals';
import { raceAbort } from './race-abort';
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
      const backoff = createBackoff({
        initialDelayMs: config.initialDelayMs,
        maxDelayMs: config.maxDelayMs,
        random,
      });
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

      const deadline = new AbortController();
      let inAttempt = false;
      const cancelDeadline = startTimer(clock, config.deadlineMs, () =>
        deadline.abort(deadlineError(lastError, inAttempt)),
      );
      // User signal + deadline: what every backoff sleep listens to.
      const callSignal = combineSignals([userSignal, deadline.signal]);
      try {
        if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
        for (;;) {
          attempts++;
          const timeLeftMs = deadlineAt - clock.now();
          if (timeLeftMs <= 0) throw giveUp(deadlineError(lastError, false), 'deadline');
          const attemptTimeoutMs = Math.min(config.attemptTimeoutMs, timeLeftMs);
          const attemptTimer = new AbortController();
          // An attempt cut short by the deadline ends the call with timeout.deadline, whichever of
          // the two timers the clock happens to fire first.
          const cutByDeadline = timeLeftMs <= config.attemptTimeoutMs;
          const cancelAttemptTimer = startTimer(clock, attemptTimeoutMs, () => {
            if (cutByDeadline) {
              deadline.abort(deadlineError(lastError, true));
              return;
            }
            attemptTimer.abort(
              new KitError('timeout.attempt', {
                message: `Attempt ${attempts} timed out after ${attemptTimeoutMs} ms`,
                attempts,
                outcome: 'unknown',
              }),
            );
          });
          const attemptSignal = combineSignals([callSignal.signal, attemptTimer.signal]);
          const ctx: AttemptContext = {
            attempt: attempts,
            signal: attemptSignal.signal,
            deadlineAt,
            timeLeftMs,
            attemptTimeoutMs,
          };
          let error: KitError;
          try {
            // Classified inside the guard, so the circuit breaker judges KitErrors, not raw errors.
            const run = () =>
              Promise.resolve()
                .then(() => fn(ctx))
                .catch((raw: unknown) => {
                  throw isKitError(raw) ? raw : classifyError(raw);
                });
            inAttempt = true;
            const result = await raceAbort(guard(run, ctx.signal), ctx.signal);
            budget?.recordSuccess(budgetKey);
            return result;
          } catch (thrown) {
            if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
            if (deadline.signal.aborted) throw giveUp(abortError(deadline.signal), 'deadline');
            error = attemptTimer.signal.aborted
              ? abortError(attemptTimer.signal)
              : isKitError(thrown)
                ? thrown
                : classifyError(thrown);
          } finally {
            inAttempt = false;
            attemptSignal.dispose();
            cancelAttemptTimer();
          }
          lastError = error;

          if (!retryRule(error, ctx)) throw giveUp(error, 'not_retryable');
          if (attempts >= config.maxAttempts) throw giveUp(error, 'max_attempts');
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
          try {
            await clock.sleep(delayMs, callSignal.signal);
          } catch {
            if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
            throw giveUp(deadlineError(error, false), 'deadline');
          }
          totalDelayMs += delayMs;
        }
      } finally {
        callSignal.dispose();
        cancelDeadline();
      }
    },
  };
}
