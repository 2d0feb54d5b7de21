import { classifyError, type ErrorOutcome, isKitError, KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { noopLogger } from '@kit/logger';
import { abortError } from './abort-error';
import { AdaptiveRates, GateRefusal, isThrottle } from './adaptive-rate';
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

/** `rate_limit.exceeded` for a wait kit will not sit through, with the context of `cause`. */
function tooLongError(message: string, waitMs: number, cause: KitError | undefined): KitError {
  return new KitError('rate_limit.exceeded', {
    message,
    cause,
    retryAfterMs: waitMs,
    ...(cause?.status === undefined ? {} : { status: cause.status }),
    ...(cause?.requestId === undefined ? {} : { requestId: cause.requestId }),
    ...(cause?.method === undefined ? {} : { method: cause.method }),
    ...(cause?.path === undefined ? {} : { path: cause.path }),
    ...(cause?.outcome === undefined ? {} : { outcome: cause.outcome }),
  });
}

/**
 * The final error of a call one of whose attempts may have taken effect (outcome `unknown`) while
 * the last one did not (a 429, a 4xx, a refusal): a copy with outcome `unknown`, keeping the last
 * error's code, and what the attempts ended as in `details` (`earlierOutcome`, `earlierCode`,
 * `attemptOutcomes`, `null` where an attempt's outcome was not known). A copy, not the error itself: an abort reason may be shared by many calls.
 */
function withEarlierUnknown(
  error: KitError,
  earlier: KitError,
  outcomes: ReadonlyArray<ErrorOutcome | null>,
): KitError {
  const record = { earlierOutcome: 'unknown', earlierCode: earlier.code, attemptOutcomes: [...outcomes] };
  const details =
    error.details === undefined
      ? record
      : typeof error.details === 'object' && error.details !== null && !Array.isArray(error.details)
        ? { ...error.details, ...record }
        : { lastDetails: error.details, ...record };
  const copy = new KitError(error.code, {
    message: error.message,
    cause: error.cause,
    retryable: error.retryable,
    status: error.status,
    requestId: error.requestId,
    retryAfterMs: error.retryAfterMs,
    retryHint: error.retryHint,
    attempts: error.attempts,
    totalDelayMs: error.totalDelayMs,
    method: error.method,
    path: error.path,
    outcome: 'unknown',
    vendorCode: error.vendorCode,
    closeCode: error.closeCode,
    closeReason: error.closeReason,
    details,
    hint: `An earlier attempt may have taken effect (${earlier.code}): reconcile before sending it again. ${error.hint}`,
  });
  if (error.stack !== undefined) copy.stack = error.stack;
  return copy;
}

/** Attempt start times kept to estimate how fast the policy was sending when a key is first throttled. */
const SEND_HISTORY = 8;

/** The policy's default retry rule for operations it knows nothing about (no method). */
function defaultShouldRetry(error: KitError): boolean {
  return error.retryable && error.code !== 'server.execution_unknown' && error.outcome !== 'unknown';
}

/**
 * Creates a retry policy with kit's defaults: 3 attempts, decorrelated-jitter backoff from
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
  const rates =
    options.adaptiveRate === false ? undefined : new AdaptiveRates(clock, options.adaptiveRate ?? {});
  // When attempts started, over the last few: the starting point of a key's rate at its first
  // throttle. A ring of numbers written once per attempt (no allocation on the success path).
  const sendTimes = new Float64Array(SEND_HISTORY);
  let sends = 0;
  // Successes since the last throttle: whether a key's first throttle is isolated or an overload.
  let successStreak = 0;
  /** How fast the policy was sending (per second), or one attempt per round trip when unknown. */
  const sendRate = (now: number, sentAt: number): number => {
    const count = Math.min(sends, SEND_HISTORY);
    if (count < 2) return 1_000 / Math.max(1, now - sentAt);
    const oldest = sendTimes[(sends - count) % SEND_HISTORY] as number;
    return (count * 1_000) / Math.max(1, now - oldest);
  };

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
      // The caller's own limiter paces the attempts: the policy's adaptive rate stays out.
      const pacedByCaller = callOptions.paced === true;
      // Created on the first failure: a call that succeeds at once never needs one.
      let backoff: Backoff | undefined;
      const deadlineAt = clock.now() + config.deadlineMs;
      let attempts = 0;
      let totalDelayMs = 0;
      let lastError: KitError | undefined;
      // Each failed attempt's outcome, and the first that may have taken effect: a call whose later
      // attempt was refused must not look refused when an earlier one may have executed.
      let outcomes: Array<ErrorOutcome | null> | undefined;
      let firstUnknown: KitError | undefined;

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
      const giveUp = (last: KitError, reason: GiveUpReason): KitError => {
        last.attempts = attempts;
        last.totalDelayMs = totalDelayMs;
        const error =
          firstUnknown !== undefined && last.outcome !== 'unknown' && outcomes !== undefined
            ? withEarlierUnknown(last, firstUnknown, outcomes)
            : last;
        logger.debug('retry: giving up', { reason, attempts, code: error.code });
        callHook('onGiveUp', options.onGiveUp, { attempts, error, reason });
        return error;
      };

      if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
      // Failed attempts, which `maxAttempts` bounds; throttled ones with a known wait do not count.
      let failures = 0;
      for (;;) {
        attempts++;
        // A key that was throttled paces every attempt to it, this call's first one included.
        const gate = pacedByCaller ? undefined : rates?.gateFor(budgetKey);
        if (gate !== undefined) {
          try {
            await gate.acquire(userSignal, deadlineAt);
          } catch (refusal) {
            if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
            if (refusal instanceof GateRefusal && refusal.reason === 'paused') {
              throw giveUp(
                tooLongError(
                  `The server asked (on an earlier call) to wait ${refusal.waitMs} ms more, beyond the deadline`,
                  refusal.waitMs,
                  lastError,
                ),
                'retry_after_too_long',
              );
            }
            throw giveUp(deadlineError(lastError, false), 'deadline');
          }
        }
        const startedAt = clock.now();
        sendTimes[sends % SEND_HISTORY] = startedAt;
        sends++;
        const timeLeftMs = deadlineAt - startedAt;
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
          gate?.onSuccess(startedAt);
          successStreak++;
          return result;
        } catch (thrown) {
          if (userSignal?.aborted) throw giveUp(abortError(userSignal), 'aborted');
          if (deadlineHit !== undefined) throw giveUp(deadlineHit, 'deadline');
          error = attemptTimedOut ?? (isKitError(thrown) ? thrown : classifyError(thrown));
        }
        lastError = error;
        outcomes ??= [];
        outcomes.push(error.outcome ?? null);
        if (error.outcome === 'unknown' && firstUnknown === undefined) firstUnknown = error;

        const now = clock.now();
        const throttled = isThrottle(error);
        // The server said "too fast": the whole key slows down, not just this call.
        const throttleGate =
          throttled && rates !== undefined && !pacedByCaller
            ? rates.onThrottle(
                budgetKey,
                startedAt,
                error.retryAfterMs,
                sendRate(now, startedAt),
                successStreak,
                config.maxRetryAfterMs,
              )
            : undefined;
        if (throttled) successStreak = 0;
        if (!throttled) gate?.onSuccess(startedAt);
        if (!retryRule(error, ctx)) throw giveUp(error, 'not_retryable');
        // Paced (by the learned rate or the caller's limiter), a throttled retry needs no backoff of
        // its own: it queues for the next slot like every other attempt.
        const paced = throttled && (throttleGate !== undefined || pacedByCaller);
        // A throttled attempt whose wait is known (pacing, or the server said how long) was
        // refused, not failed: it does not use up an attempt. `maxAttempts: 1` still means no retry.
        if (!(paced || (throttled && error.retryAfterMs !== undefined))) failures++;
        if (failures >= config.maxAttempts || config.maxAttempts <= 1) throw giveUp(error, 'max_attempts');
        let delayMs = 0;
        if (!paced) {
          backoff ??= createBackoff({
            initialDelayMs: config.initialDelayMs,
            maxDelayMs: config.maxDelayMs,
            random,
          });
          delayMs = backoff.next();
        }
        if (error.retryAfterMs !== undefined) {
          if (error.retryAfterMs > config.maxRetryAfterMs || now + error.retryAfterMs >= deadlineAt) {
            throw giveUp(
              tooLongError(
                `The server asked to wait ${error.retryAfterMs} ms, beyond ${
                  error.retryAfterMs > config.maxRetryAfterMs ? 'maxRetryAfterMs' : 'the deadline'
                }`,
                error.retryAfterMs,
                error,
              ),
              'retry_after_too_long',
            );
          }
          const jitterMs =
            random() * Math.min(MAX_RETRY_AFTER_JITTER_MS, error.retryAfterMs * RETRY_AFTER_JITTER_RATIO);
          delayMs = Math.max(delayMs, Math.ceil(error.retryAfterMs + jitterMs));
        }
        // The deadline wins: a wait that ends past it would only lead to a cut-off attempt.
        if (now + delayMs >= deadlineAt) throw giveUp(deadlineError(error, false), 'deadline');
        // The budget stops retry storms against a failing host; paced throttled retries cannot
        // storm (the learned rate bounds them), so they do not spend it.
        if (
          !paced &&
          budget &&
          !budget.tryAcquire(budgetKey, error.category === 'timeout' ? 'timeout' : 'retry')
        ) {
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
