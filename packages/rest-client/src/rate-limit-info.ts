import { isRateLimitHeaderName, parseRateLimitHeaders } from '@kit/errors/internal';
import type { RateLimitObservation } from '@kit/retry';

/** Rate-limit state announced by the server on a response. */
export interface RateLimitInfo {
  /** The rate-limit headers as received (lower-case names): `x-ratelimit-*`, `ratelimit*`, `x-mbx-used-weight*`, `retry-after*`. */
  readonly headers: Readonly<Record<string, string>>;
  /** What they say, parsed by `parseRateLimitHeaders` (one entry per window/convention). */
  readonly observations: readonly RateLimitObservation[];
  /**
   * The smallest `remaining` over all observations, when any was announced (with a legacy and an
   * IETF header saying the same, the IETF one, whose reset is the precise one).
   */
  readonly remaining: number | undefined;
  /** The `limit` of the observation with the smallest `remaining`, when stated. */
  readonly limit: number | undefined;
  /** Milliseconds until that window resets, when stated. */
  readonly resetMs: number | undefined;
}

/** Parses on first read; a class (not closures) so an unread response costs one small object. */
class LazyRateLimitInfo implements RateLimitInfo {
  readonly #source: Record<string, string>;
  readonly #nowMs: number;
  #headers: Record<string, string> | undefined;
  #observations: RateLimitObservation[] | undefined;
  #tightest: RateLimitObservation | undefined;

  constructor(source: Record<string, string>, nowMs: number) {
    this.#source = source;
    this.#nowMs = nowMs;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.#headers === undefined) {
      const found: Record<string, string> = {};
      for (const name in this.#source)
        if (isRateLimitHeaderName(name)) found[name] = this.#source[name] as string;
      this.#headers = found;
    }
    return this.#headers;
  }

  get observations(): readonly RateLimitObservation[] {
    return this.#parse();
  }

  get remaining(): number | undefined {
    this.#parse();
    return this.#tightest?.remaining;
  }

  get limit(): number | undefined {
    this.#parse();
    return this.#tightest?.limit;
  }

  get resetMs(): number | undefined {
    this.#parse();
    return this.#tightest?.resetMs;
  }

  toJSON(): Record<string, unknown> {
    return { headers: this.headers, remaining: this.remaining, limit: this.limit, resetMs: this.resetMs };
  }

  #parse(): RateLimitObservation[] {
    if (this.#observations === undefined) {
      this.#observations = parseRateLimitHeaders(this.#source, { nowMs: this.#nowMs });
      for (const observation of this.#observations) {
        const tightest = this.#tightest;
        if (
          tightest === undefined ||
          observation.remaining < tightest.remaining ||
          // The same count in a legacy and an IETF header: the IETF reset is the precise one (a
          // delta, where X-RateLimit-Reset is usually an epoch second on the server's clock).
          (observation.remaining === tightest.remaining &&
            tightest.source === 'x-ratelimit' &&
            observation.source !== 'x-ratelimit' &&
            observation.source !== 'used-weight' &&
            observation.resetMs !== undefined)
        )
          this.#tightest = observation;
      }
    }
    return this.#observations;
  }
}

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
  return new LazyRateLimitInfo(headers, nowMs);
}
