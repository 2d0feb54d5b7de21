/** A weight budget per key and fixed window. */
export interface RateLimitPolicy {
  /** Weight a key may spend per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/** The limiter's verdict, with what to announce. */
export interface RateLimitDecision {
  /** 0: allowed; 429: over budget; 418: banned. */
  readonly status: 0 | 429 | 418;
  /** The response headers as a flat name/value list (X-RateLimit-*, RateLimit, RateLimit-Policy, Retry-After). */
  readonly headers: string[];
  /** Seconds until the key may send again (429/418). */
  readonly retryAfterSeconds: number;
}

interface KeyState {
  windowStart: number;
  used: number;
  /** 429s answered since the key's last allowed request. */
  violations: number;
  bannedUntil: number;
}

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  readonly policy: RateLimitPolicy;
  /** 429s in a row (without an allowed request between) before the key is banned. */
  readonly banAfterViolations: number;
  readonly banMs: number;
  /** Real time for the windows (epoch ms). */
  readonly now: () => number;
  /** The server clock's offset, so `X-RateLimit-Reset` is in the server's epoch. */
  readonly clockOffsetMs: () => number;
}

/**
 * Per-key fixed windows, weighted per route: a key's window opens with its first request and lasts
 * `windowMs` (so a window never ends mid-burst by the wall clock's accident, and tests are exact).
 * A key that keeps sending while rate limited is banned for `banMs` (Binance answers those with 418).
 */
export class RateLimiter {
  readonly #keys = new Map<string, KeyState>();
  #policy: RateLimitPolicy;
  #policyHeader: string;

  constructor(private readonly options: RateLimiterOptions) {
    this.#policy = options.policy;
    this.#policyHeader = policyHeader(options.policy);
  }

  /** Replaces the policy; windows and bans start afresh. */
  setPolicy(policy: RateLimitPolicy): void {
    this.#policy = policy;
    this.#policyHeader = policyHeader(policy);
    this.#keys.clear();
  }

  /** Spends `weight` of `keyId`'s budget, or says why not. */
  take(keyId: string, weight: number): RateLimitDecision {
    const { limit, windowMs } = this.#policy;
    const nowMs = this.options.now();
    let state = this.#keys.get(keyId);
    if (state === undefined) {
      state = { windowStart: nowMs, used: 0, violations: 0, bannedUntil: 0 };
      this.#keys.set(keyId, state);
    } else if (nowMs >= state.windowStart + windowMs) {
      state.windowStart = nowMs;
      state.used = 0;
    }
    const windowEnd = state.windowStart + windowMs;
    if (state.bannedUntil > nowMs) {
      return this.#answer(418, state, windowEnd, nowMs, Math.ceil((state.bannedUntil - nowMs) / 1000));
    }
    if (state.used + weight > limit) {
      state.violations++;
      if (state.violations >= this.options.banAfterViolations) {
        state.bannedUntil = nowMs + this.options.banMs;
        state.violations = 0;
        return this.#answer(418, state, windowEnd, nowMs, Math.ceil(this.options.banMs / 1000));
      }
      return this.#answer(429, state, windowEnd, nowMs, Math.max(1, Math.ceil((windowEnd - nowMs) / 1000)));
    }
    state.used += weight;
    state.violations = 0;
    return this.#answer(0, state, windowEnd, nowMs, 0);
  }

  #answer(
    status: 0 | 429 | 418,
    state: KeyState,
    windowEnd: number,
    nowMs: number,
    retryAfterSeconds: number,
  ): RateLimitDecision {
    const remaining = String(Math.max(0, this.#policy.limit - state.used));
    const secondsToReset = Math.max(0, Math.ceil((windowEnd - nowMs) / 1000));
    const headers = [
      'x-ratelimit-limit',
      String(this.#policy.limit),
      'x-ratelimit-remaining',
      remaining,
      'x-ratelimit-reset',
      String(Math.ceil((windowEnd + this.options.clockOffsetMs()) / 1000)),
      'ratelimit',
      `"default";r=${remaining};t=${secondsToReset}`,
      'ratelimit-policy',
      this.#policyHeader,
    ];
    if (status !== 0) headers.push('retry-after', String(retryAfterSeconds));
    return { status, headers, retryAfterSeconds };
  }
}

function policyHeader(policy: RateLimitPolicy): string {
  return `"default";q=${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`;
}
