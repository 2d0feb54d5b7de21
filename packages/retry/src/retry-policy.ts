import { classifyError, type ErrorOutcome, isKitError, KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { type Logger, noopLogger } from '@kit/logger';
import { abortError } from './abort-error';
import { AdaptiveRates, GateRefusal, isThrottle } from './adaptive-rate';
import { type AttemptGuards, createAttemptGuards } from './attempt-guards';
import { type Backoff, createBackoff } from './backoff';
import type { Clock } from './clock';
import { createRetryBudget, type RetryBudget } from './retry-budget';
import {
  type AttemptContext,
  type CircuitBreakerState,
  DEFAULT_RETRY_POLICY_OPTIONS,
  type ExecuteOptions,
  type GiveUpReason,
  MAX_RETRY_AFTER_JITTER_MS,
  RETRY_AFTER_JITTER_RATIO,
  type RetryEvent,
  type RetryPolicyOptions,
} from './retry-policy-options';
import { AttemptContext as AttemptContextObject, AttemptRun, type AttemptTimeoutSource } from './run-attempt';
import { systemClock } from './system-clock';

/** A configured retry policy. Create one per client (or per host) and reuse it for every call. */
export interface RetryPolicy {
  /**
   * Runs `fn` until it succeeds, the error is not worth retrying, attempts run out or the deadline
   * passes. Rejects with a KitError carrying `attempts` and `totalDelayMs`.
   */
  execute<T>(fn: (ctx: AttemptContext) => Promise<T>, options?: ExecuteOptions): Promise<T>;
  /**
   * The circuit breaker's state now (see {@link CircuitBreakerState}), shared by every call of this
   * policy; `undefined` when the policy has no circuit breaker (`circuitBreaker` not set). Cheap and
   * synchronous: read it from a gauge callback.
   *
   * `open` lasts until the first attempt after `halfOpenAfterMs`, which turns it `half_open` while it
   * runs (the state does not change on a timer, with no call to try).
   */
  readonly circuitState: CircuitBreakerState | undefined;
  /**
   * Calls `listener` with the new state each time the circuit breaker changes state (`closed` ->
   * `open` -> `half_open` -> `closed` or `open`), synchronously, as the attempt that caused it
   * ends or starts. A listener that throws is logged (warn) and ignored. Returns the unsubscribe
   * function (calling it again does nothing). Without a circuit breaker the listener is never
   * called.
   *
   * @example
   * ```ts
   * const policy = createRetryPolicy({ circuitBreaker: { consecutiveFailures: 5 } });
   * const unsubscribe = policy.onCircuitStateChange((state) => console.warn(`circuit breaker ${state}`));
   * ```
   */
  onCircuitStateChange(listener: (state: CircuitBreakerState) => void): () => void;
}

const NO_LISTENER = (): void => {};

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

/** Calls a user hook; a hook that throws is logged and ignored. */
function callHook<E>(logger: Logger, name: string, hook: ((event: E) => void) | undefined, event: E): void {
  if (!hook) return;
  try {
    hook(event);
  } catch (error) {
    logger.warn(`retry: the ${name} hook threw; ignored`, {
      error: (isKitError(error) ? error : classifyError(error)).toJSON(),
    });
  }
}

type PolicyConfig = RetryPolicyOptions & Record<keyof typeof DEFAULT_RETRY_POLICY_OPTIONS, number>;

/** What every call of one policy shares: its configuration and its cross-call bookkeeping. */
interface PolicyCore {
  readonly config: PolicyConfig;
  readonly options: RetryPolicyOptions;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly budget: RetryBudget | undefined;
  readonly guards: AttemptGuards | undefined;
  readonly rates: AdaptiveRates | undefined;
  /**
   * When attempts started, over the last few: the starting point of a key's rate at its first
   * throttle. A ring of numbers written once per attempt (no allocation on the success path).
   */
  readonly sendTimes: Float64Array;
  sends: number;
  /** Successes since the last throttle: whether a key's first throttle is isolated or an overload. */
  successStreak: number;
}

/** How fast the policy was sending (per second), or one attempt per round trip when unknown. */
function sendRate(core: PolicyCore, now: number, sentAt: number): number {
  const count = Math.min(core.sends, SEND_HISTORY);
  if (count < 2) return 1_000 / Math.max(1, now - sentAt);
  const oldest = core.sendTimes[(core.sends - count) % SEND_HISTORY] as number;
  return (count * 1_000) / Math.max(1, now - oldest);
}

/**
 * One call's bookkeeping, in one object rather than closures over `execute`'s locals: a call that
 * succeeds at once allocates this, its attempt and its context, and nothing else of its own. It is
 * also the source of its attempts' timeout reasons, built only when a timer fires.
 */
class Call implements AttemptTimeoutSource {
  readonly core: PolicyCore;
  readonly deadlineAt: number;
  attempts = 0;
  totalDelayMs = 0;
  lastError: KitError | undefined = undefined;
  /**
   * Each failed attempt's outcome, and the first that may have taken effect: a call whose later
   * attempt was refused must not look refused when an earlier one may have executed.
   */
  outcomes: Array<ErrorOutcome | null> | undefined = undefined;
  firstUnknown: KitError | undefined = undefined;
  /** The running attempt's timeout, and whether the deadline (not `attemptTimeoutMs`) sets it. */
  attemptTimeoutMs = 0;
  cutByDeadline = false;
  /** Why the running attempt's timer fired, once it has. */
  deadlineHit: KitError | undefined = undefined;
  attemptTimedOut: KitError | undefined = undefined;

  constructor(core: PolicyCore, deadlineAt: number) {
    this.core = core;
    this.deadlineAt = deadlineAt;
  }

  /**
   * `inFlight`: the deadline cut an attempt that may have reached the server (outcome unknown);
   * otherwise the next wait would end past it, and the last error's outcome stands.
   */
  deadlineError(cause: unknown, inFlight: boolean): KitError {
    const { deadlineMs } = this.core.config;
    return new KitError('timeout.deadline', {
      message: inFlight
        ? `The ${deadlineMs} ms deadline passed during attempt ${this.attempts}`
        : `The ${deadlineMs} ms deadline leaves no time for another attempt after ${this.attempts}`,
      cause,
      attempts: this.attempts,
      totalDelayMs: this.totalDelayMs,
      outcome: inFlight ? 'unknown' : (this.lastError?.outcome ?? 'not_sent'),
    });
  }

  /**
   * The running attempt's timer fired: one timer serves the attempt timeout and the deadline,
   * whichever is sooner, and an attempt cut short by the deadline ends the call with
   * timeout.deadline.
   */
  timeoutReason(): KitError {
    if (this.cutByDeadline) {
      this.deadlineHit = this.deadlineError(this.lastError, true);
      return this.deadlineHit;
    }
    this.attemptTimedOut = new KitError('timeout.attempt', {
      message: `Attempt ${this.attempts} timed out after ${this.attemptTimeoutMs} ms`,
      attempts: this.attempts,
      outcome: 'unknown',
    });
    return this.attemptTimedOut;
  }

  giveUp(last: KitError, reason: GiveUpReason): KitError {
    const { attempts, totalDelayMs, firstUnknown, outcomes } = this;
    last.attempts = attempts;
    last.totalDelayMs = totalDelayMs;
    const error =
      firstUnknown !== undefined && last.outcome !== 'unknown' && outcomes !== undefined
        ? withEarlierUnknown(last, firstUnknown, outcomes)
        : last;
    this.core.logger.debug('retry: giving up', { reason, attempts, code: error.code });
    callHook(this.core.logger, 'onGiveUp', this.core.options.onGiveUp, { attempts, error, reason });
    return error;
  }
}

async function execute<T>(
  core: PolicyCore,
  fn: (ctx: AttemptContext) => Promise<T>,
  callOptions: ExecuteOptions | undefined,
): Promise<T> {
  const { config, clock, budget, guards, rates } = core;
  const userSignal = callOptions?.signal;
  const budgetKey = callOptions?.budgetKey ?? 'default';
  // The caller's own limiter paces the attempts: the policy's adaptive rate stays out.
  const pacedByCaller = callOptions?.paced === true;
  const calledAt = clock.now();
  const call = new Call(core, calledAt + config.deadlineMs);
  const deadlineAt = call.deadlineAt;
  if (userSignal?.aborted) throw call.giveUp(abortError(userSignal), 'aborted');
  // Created on the first failure: a call that succeeds at once never needs one.
  let backoff: Backoff | undefined;
  // Failed attempts, which `maxAttempts` bounds; throttled ones with a known wait do not count.
  let failures = 0;
  for (;;) {
    const attempt = ++call.attempts;
    // A key that was throttled paces every attempt to it, this call's first one included.
    const gate = pacedByCaller ? undefined : rates?.gateFor(budgetKey);
    if (gate !== undefined) {
      try {
        await gate.acquire(userSignal, deadlineAt);
      } catch (refusal) {
        if (userSignal?.aborted) throw call.giveUp(abortError(userSignal), 'aborted');
        if (refusal instanceof GateRefusal && refusal.reason === 'paused') {
          throw call.giveUp(
            tooLongError(
              `The server asked (on an earlier call) to wait ${refusal.waitMs} ms more, beyond the deadline`,
              refusal.waitMs,
              call.lastError,
            ),
            'retry_after_too_long',
          );
        }
        throw call.giveUp(call.deadlineError(call.lastError, false), 'deadline');
      }
    }
    // Nothing ran since `calledAt` for a first attempt that did not wait for a gate.
    const startedAt = attempt === 1 && gate === undefined ? calledAt : clock.now();
    core.sendTimes[core.sends % SEND_HISTORY] = startedAt;
    core.sends++;
    const timeLeftMs = deadlineAt - startedAt;
    if (timeLeftMs <= 0) throw call.giveUp(call.deadlineError(call.lastError, false), 'deadline');
    const attemptTimeoutMs = Math.min(config.attemptTimeoutMs, timeLeftMs);
    call.attemptTimeoutMs = attemptTimeoutMs;
    call.cutByDeadline = timeLeftMs <= config.attemptTimeoutMs;
    call.deadlineHit = undefined;
    call.attemptTimedOut = undefined;
    const run = new AttemptRun<T>(call, userSignal);
    // An operation that never reads `ctx.signal` costs no AbortController.
    const ctx = new AttemptContextObject(
      run as AttemptRun<unknown>,
      attempt,
      deadlineAt,
      timeLeftMs,
      attemptTimeoutMs,
    );
    let error: KitError;
    try {
      // With guards, errors are classified inside them, so the circuit breaker judges KitErrors;
      // without, the catch below classifies them the same way.
      const result = await (guards === undefined
        ? run.start(clock, attemptTimeoutMs, fn, ctx)
        : run.start(clock, attemptTimeoutMs, (c: AttemptContext) => guards.run(fn, c, run), ctx));
      budget?.recordSuccess(budgetKey);
      gate?.onSuccess(startedAt);
      core.successStreak++;
      return result;
    } catch (thrown) {
      if (userSignal?.aborted) throw call.giveUp(abortError(userSignal), 'aborted');
      if (call.deadlineHit !== undefined) throw call.giveUp(call.deadlineHit, 'deadline');
      error = call.attemptTimedOut ?? (isKitError(thrown) ? thrown : classifyError(thrown));
    }
    call.lastError = error;
    call.outcomes ??= [];
    call.outcomes.push(error.outcome ?? null);
    if (error.outcome === 'unknown' && call.firstUnknown === undefined) call.firstUnknown = error;

    const now = clock.now();
    const throttled = isThrottle(error);
    // The server said "too fast": the whole key slows down, not just this call.
    const throttleGate =
      throttled && rates !== undefined && !pacedByCaller
        ? rates.onThrottle(
            budgetKey,
            startedAt,
            error.retryAfterMs,
            sendRate(core, now, startedAt),
            core.successStreak,
            config.maxRetryAfterMs,
          )
        : undefined;
    if (throttled) core.successStreak = 0;
    if (!throttled) gate?.onSuccess(startedAt);
    if (!(callOptions?.shouldRetry ?? defaultShouldRetry)(error, ctx)) {
      throw call.giveUp(error, 'not_retryable');
    }
    // Paced (by the learned rate or the caller's limiter), a throttled retry needs no backoff of
    // its own: it queues for the next slot like every other attempt.
    const paced = throttled && (throttleGate !== undefined || pacedByCaller);
    // A throttled attempt whose wait is known (pacing, or the server said how long) was
    // refused, not failed: it does not use up an attempt. `maxAttempts: 1` still means no retry.
    if (!(paced || (throttled && error.retryAfterMs !== undefined))) failures++;
    if (failures >= config.maxAttempts || config.maxAttempts <= 1) throw call.giveUp(error, 'max_attempts');
    let delayMs = 0;
    if (!paced) {
      backoff ??= createBackoff({
        initialDelayMs: config.initialDelayMs,
        maxDelayMs: config.maxDelayMs,
        random: core.random,
      });
      delayMs = backoff.next();
    }
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > config.maxRetryAfterMs || now + error.retryAfterMs >= deadlineAt) {
        throw call.giveUp(
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
        core.random() * Math.min(MAX_RETRY_AFTER_JITTER_MS, error.retryAfterMs * RETRY_AFTER_JITTER_RATIO);
      delayMs = Math.max(delayMs, Math.ceil(error.retryAfterMs + jitterMs));
    }
    // The deadline wins: a wait that ends past it would only lead to a cut-off attempt.
    if (now + delayMs >= deadlineAt) throw call.giveUp(call.deadlineError(error, false), 'deadline');
    // The budget stops retry storms against a failing host; paced throttled retries cannot
    // storm (the learned rate bounds them), so they do not spend it.
    if (
      !paced &&
      budget &&
      !budget.tryAcquire(budgetKey, error.category === 'timeout' ? 'timeout' : 'retry')
    ) {
      throw call.giveUp(error, 'budget_exhausted');
    }
    const event: RetryEvent = { attempt, delayMs, error };
    callHook(core.logger, 'onRetry', core.options.onRetry, event);
    callHook(core.logger, 'onRetry', callOptions?.onRetry, event);
    // The wait ends before the deadline (checked above), so only the caller can cut it short.
    try {
      await clock.sleep(delayMs, userSignal);
    } catch {
      if (userSignal?.aborted) throw call.giveUp(abortError(userSignal), 'aborted');
      throw call.giveUp(call.deadlineError(error, false), 'deadline');
    }
    call.totalDelayMs += delayMs;
  }
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
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const core: PolicyCore = {
    config: { ...DEFAULT_RETRY_POLICY_OPTIONS, ...withoutUndefined(options) },
    options,
    clock,
    random: options.random ?? Math.random,
    logger,
    budget: options.budget === false ? undefined : (options.budget ?? createRetryBudget()),
    guards: createAttemptGuards(options.circuitBreaker, options.bulkhead, clock, logger),
    rates: options.adaptiveRate === false ? undefined : new AdaptiveRates(clock, options.adaptiveRate ?? {}),
    sendTimes: new Float64Array(SEND_HISTORY),
    sends: 0,
    successStreak: 0,
  };
  const guards = core.guards;
  return {
    execute: (fn, callOptions) => execute(core, fn, callOptions),
    get circuitState() {
      return guards?.circuitState;
    },
    onCircuitStateChange(listener) {
      if (typeof listener !== 'function') {
        throw new KitError('client.invalid_argument', {
          message: `onCircuitStateChange needs a function; got ${listener === null ? 'null' : typeof listener}`,
        });
      }
      return guards === undefined ? NO_LISTENER : guards.onCircuitStateChange(listener);
    },
  };
}
