import { parseRateLimitHeaders, type RateLimitObservation } from '@kit/retry';

/** Rate-limit state announced by the server on a response. */
export interface RateLimitInfo {
  /** The rate-limit headers as received (lower-case names): `x-ratelimit-*`, `ratelimit*`, `x-mbx-used-weight*`, `retry-after*`. */
  readonly headers: Readonly<Record<string, string>>;
  /** What they say, parsed by @kit/retry's `parseRateLimitHeaders` (one entry per window/convention). */
  readonly observations: readonly RateLimitObservation[];
  /** The smallest `remaining` over all observations, when any was announced. */
  readonly remaining: number | undefined;
  /** The `limit` of the observation with the smallest `remaining`, when stated. */
  readonly limit: number | undefined;
  /** Milliseconds until that window resets, when stated. */
  readonly resetMs: number | undefined;
}

const RATE_LIMIT_HEADER = /^(x-)?ratelimit|^x-rate-limit|^x-mbx-used-weight|^retry-after/;

/**
 * Reads a response's rate-limit headers, lazily: nothing is parsed until a property is read, so
 * responses nobody inspects cost nothing.
 *
 * @param headers - lower-case header names.
 * @param nowMs - now, for epoch resets.
 */
export function readRateLimitInfo(
  headers: Record<string, string>,
  nowMs: number = Date.now(),
): RateLimitInfo {
  let raw: Record<string, string> | undefined;
  let observations: RateLimitObservation[] | undefined;
  let tightest: RateLimitObservation | undefined;
  const observe = (): RateLimitObservation | undefined => {
    if (observations === undefined) {
      observations = parseRateLimitHeaders(headers, { nowMs });
      for (const observation of observations) {
        if (tightest === undefined || observation.remaining < tightest.remaining) tightest = observation;
      }
    }
    return tightest;
  };
  return {
    get headers() {
      if (raw === undefined) {
        raw = {};
        for (const name in headers) if (RATE_LIMIT_HEADER.test(name)) raw[name] = headers[name] as string;
      }
      return raw;
    },
    get observations() {
      observe();
      return observations as RateLimitObservation[];
    },
    get remaining() {
      return observe()?.remaining;
    },
    get limit() {
      return observe()?.limit;
    },
    get resetMs() {
      return observe()?.resetMs;
    },
  };
}
