// Rate-limit header parsing lives with the other response-header readers in @kit/errors; exported
// here too, where limiter users have always found it.
export type { ParseRateLimitHeadersOptions, RateLimitObservation } from '@kit/errors/internal';
export { parseRateLimitHeaders } from '@kit/errors/internal';
export type { AdaptiveRateOptions } from './adaptive-rate';
export { DEFAULT_ADAPTIVE_RATE_OPTIONS } from './adaptive-rate';
export type { Backoff, BackoffOptions } from './backoff';
export { createBackoff, DEFAULT_BACKOFF_OPTIONS } from './backoff';
export type { Clock } from './clock';
export type { CombinedSignal } from './combine-signals';
export { combineSignals } from './combine-signals';
export type { MemoryStore, MemoryStoreOptions } from './memory-store';
export { createMemoryStore } from './memory-store';
export type { RateLimitLevels, RateLimitStore, RateLimitWindow, TakeResult } from './rate-limit-store';
export type { RateLimiter } from './rate-limiter';
export { createRateLimiter } from './rate-limiter';
export type {
  AcquireOptions,
  RateLimiterOptions,
  RateLimitHeadroom,
  RateLimitPauseEvent,
  RateLimitPauseReason,
  RateLimitResponse,
} from './rate-limiter-options';
export { DEFAULT_RATE_LIMITER_OPTIONS } from './rate-limiter-options';
export type { RetryBudget, RetryBudgetOptions } from './retry-budget';
export { createRetryBudget, DEFAULT_RETRY_BUDGET_OPTIONS } from './retry-budget';
export type { RetryPolicy } from './retry-policy';
export { createRetryPolicy } from './retry-policy';
export type {
  AttemptContext,
  BulkheadOptions,
  CircuitBreakerOptions,
  CircuitBreakerState,
  ExecuteOptions,
  GiveUpEvent,
  GiveUpReason,
  RetryEvent,
  RetryPolicyOptions,
} from './retry-policy-options';
export {
  DEFAULT_BULKHEAD_OPTIONS,
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  DEFAULT_RETRY_POLICY_OPTIONS,
  MAX_RETRY_AFTER_JITTER_MS,
  RETRY_AFTER_JITTER_RATIO,
} from './retry-policy-options';
export type { RetryRequestInfo } from './should-retry';
export { isIdempotentMethod, shouldRetry } from './should-retry';
export { sleep } from './sleep';
export { systemClock } from './system-clock';
