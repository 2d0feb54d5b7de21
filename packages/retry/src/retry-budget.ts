import { withoutUndefined } from '@kit/errors/internal';

/** Options for {@link createRetryBudget}. AWS SDK "standard" retry-quota numbers by default. */
export interface RetryBudgetOptions {
  /** Tokens each key starts with and can hold. @default 500 */
  capacity?: number;
  /** Tokens a retry costs. @default 5 */
  retryCost?: number;
  /** Tokens a retry after a timeout costs (timeouts are the costliest failures to pile onto). @default 10 */
  timeoutRetryCost?: number;
  /** Tokens a successful call returns. @default 1 */
  successReward?: number;
  /** Most keys (hosts) tracked; the least recently used is forgotten beyond it. @default 1_000 */
  maxKeys?: number;
}

/** Defaults for {@link RetryBudgetOptions}. */
export const DEFAULT_RETRY_BUDGET_OPTIONS: Required<RetryBudgetOptions> = {
  capacity: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  successReward: 1,
  maxKeys: 1_000,
};

/**
 * A retry budget: a token bucket per key (usually the host) that retries spend and successes
 * refill. When a host is down, every caller's retries drain it quickly and further failures are
 * returned at once instead of multiplying the load (a retry storm).
 */
export interface RetryBudget {
  /** Spends the cost of one retry for `key`; `false` (and nothing spent) when the budget is too low. */
  tryAcquire(key: string, kind: 'retry' | 'timeout'): boolean;
  /** Records a success for `key`, returning `successReward` tokens (up to `capacity`). */
  recordSuccess(key: string): void;
  /** Tokens left for `key`. */
  available(key: string): number;
}

/**
 * Creates a {@link RetryBudget}. Share one between policies to share the budget across them.
 *
 * @example
 * ```ts
 * const budget = createRetryBudget({ capacity: 100 });
 * const policy = createRetryPolicy({ budget });
 * ```
 */
export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const config = { ...DEFAULT_RETRY_BUDGET_OPTIONS, ...withoutUndefined(options) };
  // Only keys below capacity are stored: a full bucket and a forgotten one are the same, so the
  // common case (successes on a healthy host) touches the map once and the map stays small.
  // A Map keeps insertion order: re-inserting on use makes the first key the least recently used.
  const tokens = new Map<string, number>();
  const store = (key: string, value: number): void => {
    tokens.delete(key);
    if (value >= config.capacity) return;
    tokens.set(key, value);
    if (tokens.size > config.maxKeys) {
      const oldest = tokens.keys().next().value;
      if (oldest !== undefined) tokens.delete(oldest);
    }
  };
  return {
    tryAcquire(key, kind) {
      const cost = kind === 'timeout' ? config.timeoutRetryCost : config.retryCost;
      const value = tokens.get(key) ?? config.capacity;
      if (value < cost) {
        store(key, value);
        return false;
      }
      store(key, value - cost);
      return true;
    },
    recordSuccess(key) {
      const value = tokens.get(key);
      if (value === undefined) return;
      store(key, Math.min(config.capacity, value + config.successReward));
    },
    available(key) {
      return tokens.get(key) ?? config.capacity;
    },
  };
}
