import { systemClock } from '@kit/retry';
import type { AuthClock } from './auth-clock';

/** Returns a new nonce on every call, strictly greater than the previous one. */
export type NonceSource = () => number;

/** Options for {@link createNonceSource}. */
export interface NonceSourceOptions {
  /** Time source the nonces follow. @default the system clock */
  clock?: AuthClock;
  /**
   * Nonce unit: epoch milliseconds, or microseconds (`ms * 1000`) for venues that want finer ones.
   * @default 'ms'
   */
  unit?: 'ms' | 'us';
}

/** Defaults for {@link NonceSourceOptions}. */
export const DEFAULT_NONCE_SOURCE_OPTIONS = { unit: 'ms' } as const;

/**
 * Nonces that follow the clock but are strictly increasing: two calls in the same millisecond get
 * `n` and `n + 1`, and a clock stepping backwards (NTP correction) never produces a smaller nonce;
 * the source keeps counting up from its last value until the clock catches up.
 *
 * @example
 * ```ts
 * const nonce = createNonceSource();
 * nonce(); // 1700000000000
 * nonce(); // 1700000000001 (same millisecond)
 * ```
 */
export function createNonceSource(options: NonceSourceOptions = {}): NonceSource {
  const clock = options.clock ?? systemClock;
  const scale = (options.unit ?? DEFAULT_NONCE_SOURCE_OPTIONS.unit) === 'us' ? 1000 : 1;
  let last = 0;
  return () => {
    const candidate = Math.floor(clock.now()) * scale;
    last = candidate > last ? candidate : last + 1;
    return last;
  };
}
