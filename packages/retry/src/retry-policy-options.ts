import type { KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import type { AdaptiveRateOptions } from './adaptive-rate';
import type { Clock } from './clock';
import type { RetryBudget } from './retry-budget';

/** Passed to the operation on every attempt. */
export interface AttemptContext {
  /** The attempt number, 1-based. */
  readonly attempt: number;
  /**
   * Aborts on the user's signal, this attempt's timeout or the overall deadline: pass it on. Created
   * on first read (an operation that never reads it costs no AbortController); with no timer to arm
   * (`attemptTimeoutMs` and `deadlineMs` both `Infinity`) it is the caller's signal itself.
   */
  readonly signal: AbortSignal;
  /** When the overall deadline passes, in the clock's epoch milliseconds. */
  readonly deadlineAt: number;
  /** Milliseconds left before the deadline when the attempt started. */
  readonly timeLeftMs: number;
  /** This attempt's timeout: min(`attemptTimeoutMs`, time left). */
  readonly attemptTimeoutMs: number;
}

/** Reported to `onRetry` before each backoff sleep. */
export interface RetryEvent {
  /** The attempt that failed (1-based); the next one is `attempt + 1`. */
  readonly attempt: number;
  /** How long kit waits before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** Why the attempt failed. */
  readonly error: KitError;
}

/** Why a policy stopped retrying. */
export type GiveUpReason =
  /** `shouldRetry` said no (not retryable, or not safe to repeat). */
  | 'not_retryable'
  /** `maxAttempts` attempts failed (throttled attempts with a known wait do not count). */
  | 'max_attempts'
  /** The deadline passed, or the next backoff would end past it. */
  | 'deadline'
  /**
   * The server asked to wait longer than `maxRetryAfterMs` or past the deadline (or the host is
   * paused, after such an answer to another call, until past this call's deadline).
   */
  | 'retry_after_too_long'
  /** The retry budget for this key is empty (the host is failing for everyone). */
  | 'budget_exhausted'
  /** The caller's signal aborted. */
  | 'aborted';

/** Reported to `onGiveUp` once, when a call fails for good. */
export interface GiveUpEvent {
  /** Attempts made. */
  readonly attempts: number;
  /** The error the call rejects with. */
  readonly error: KitError;
  /** Why no further attempt was made. */
  readonly reason: GiveUpReason;
}

/** Opt-in circuit breaker (cockatiel `ConsecutiveBreaker`), shared by every call of one policy. */
export interface CircuitBreakerOptions {
  /** Consecutive failed attempts that open the circuit. @default 5 */
  consecutiveFailures?: number;
  /** How long the circuit stays open before one trial call, in milliseconds on the policy's `clock`. @default 30_000 */
  halfOpenAfterMs?: number;
}

/**
 * A circuit breaker's state, as `RetryPolicy.circuitState` reports it:
 * - `closed`: calls go through; consecutive failures are counted.
 * - `open`: calls fail at once with `server.circuit_open`, sending nothing. It stays open for
 *   `halfOpenAfterMs` (on the policy's clock), then until the next attempt, which becomes the trial.
 * - `half_open`: that one trial attempt is running; other attempts wait for its outcome. It closes
 *   the circuit when it succeeds (or fails in a way that says nothing about the host), and opens it
 *   again for another `halfOpenAfterMs` when it fails.
 */
export type CircuitBreakerState = 'closed' | 'open' | 'half_open';

/** Defaults for {@link CircuitBreakerOptions}. */
export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: Required<CircuitBreakerOptions> = {
  consecutiveFailures: 5,
  halfOpenAfterMs: 30_000,
};

/** Opt-in bulkhead (cockatiel `bulkhead`): caps concurrent attempts of one policy. */
export interface BulkheadOptions {
  /** Attempts running at once. @default 10 */
  maxConcurrent?: number;
  /** Attempts waiting for a slot; beyond it a call fails with `rate_limit.concurrency_limit`. @default 100 */
  maxQueued?: number;
}

/** Defaults for {@link BulkheadOptions}. */
export const DEFAULT_BULKHEAD_OPTIONS: Required<BulkheadOptions> = {
  maxConcurrent: 10,
  maxQueued: 100,
};

/** Options for {@link createRetryPolicy}; every default is in {@link DEFAULT_RETRY_POLICY_OPTIONS}. */
export interface RetryPolicyOptions {
  /**
   * Attempts that may fail, the first included. A throttled attempt (the server answered 429 or
   * another rate-limit refusal: it did not process the request) does not count when the wait it
   * calls for is known: a `Retry-After`, or the adaptive rate's pacing; the deadline bounds those.
   * `1` retries nothing, throttled or not. @default 3
   */
  maxAttempts?: number;
  /** Median first backoff delay (decorrelated jitter), in milliseconds. @default 500 */
  initialDelayMs?: number;
  /** Cap on one backoff delay, in milliseconds. @default 10_000 */
  maxDelayMs?: number;
  /** Overall deadline for the call, all attempts and waits included; wins over `maxAttempts`. @default 60_000 */
  deadlineMs?: number;
  /** Timeout of one attempt (capped by the time left before the deadline), in milliseconds. @default 30_000 */
  attemptTimeoutMs?: number;
  /** Longest server-requested wait (`retryAfterMs`) kit sleeps through; longer fails at once. @default 60_000 */
  maxRetryAfterMs?: number;
  /** A retry budget (shared across policies if you pass the same one), or `false` for none. @default a new budget with AWS's numbers */
  budget?: RetryBudget | false;
  /**
   * The adaptive send rate per `budgetKey` (the host): dormant until an attempt is throttled, then
   * every attempt to that key (first attempts included, from every call) waits its turn at a rate
   * learned from the throttling, paced one at a time; `false` turns it off (a throttled attempt then
   * backs off and counts like a failure unless it carries a Retry-After). @default {} (on, with
   * `DEFAULT_ADAPTIVE_RATE_OPTIONS`)
   */
  adaptiveRate?: AdaptiveRateOptions | false;
  /** Opt-in circuit breaker around each attempt. @default false */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Opt-in bulkhead around each attempt. @default false */
  bulkhead?: BulkheadOptions | false;
  /** Time source for deadlines, timeouts, sleeps and the circuit breaker's open period. @default systemClock */
  clock?: Clock;
  /** Uniform random numbers in [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** Called before each backoff sleep. @default undefined */
  onRetry?: (event: RetryEvent) => void;
  /** Called once when a call fails for good. @default undefined */
  onGiveUp?: (event: GiveUpEvent) => void;
  /** Where hook failures and give-ups are logged (debug). @default noopLogger */
  logger?: Logger;
}

/** Per-call options for `RetryPolicy.execute`. */
export interface ExecuteOptions {
  /** Cancels the call: an abort during an attempt or a backoff rejects at once. @default undefined */
  signal?: AbortSignal;
  /**
   * Whether to retry after `error`. @default retryable errors, except `server.execution_unknown`
   * and `outcome: 'unknown'` (use `shouldRetry(error, { method })` for HTTP calls)
   */
  shouldRetry?: (error: KitError, ctx: AttemptContext) => boolean;
  /** The key of the retry budget and of the adaptive rate: the host, so one host's 429s slow down only calls to it. @default 'default' */
  budgetKey?: string;
  /** Called before each backoff sleep of this call (after the policy's `onRetry`). @default undefined */
  onRetry?: (event: RetryEvent) => void;
  /**
   * The operation's attempts already wait for a rate limiter that slows down on 429s (the REST
   * client's `rateLimit`, a `createRateLimiter()`): the policy's adaptive rate stays out of the way
   * (two pacers in a row react late and compound each other's cuts), and a throttled attempt is
   * retried at once, the limiter being its wait, without counting against `maxAttempts` or the
   * retry budget. @default false
   */
  paced?: boolean;
}

/** The numeric defaults of {@link RetryPolicyOptions}, applied in `createRetryPolicy` only. */
export const DEFAULT_RETRY_POLICY_OPTIONS = {
  maxAttempts: 3,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  deadlineMs: 60_000,
  attemptTimeoutMs: 30_000,
  maxRetryAfterMs: 60_000,
} as const satisfies RetryPolicyOptions;

/** Share of a server-requested wait added as jitter, so clients told the same time do not return together. */
export const RETRY_AFTER_JITTER_RATIO = 0.1;
/** Cap on the jitter added to a server-requested wait, in milliseconds. */
export const MAX_RETRY_AFTER_JITTER_MS = 1_000;
