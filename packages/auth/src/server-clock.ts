import { KitError } from '@kit/errors';
import { type Logger, noopLogger } from '@kit/logger';
import { systemClock } from '@kit/retry';
import type { AuthClock } from './auth-clock';

/** A clock corrected by the measured offset of the server's clock. */
export interface ServerClock extends AuthClock {
  /** Local time plus the measured skew: what signed timestamps should use. */
  now(): number;
  /** The measured offset (server minus local), in milliseconds; 0 until measured. */
  readonly skewMs: number;
  /**
   * Measures the skew from `fetchServerTime` (midpoint of the round trip) and applies it. Returns the
   * new skew. Throws `auth.clock_skew` (skew not applied) when it exceeds `maxSkewMs`.
   */
  sync(signal?: AbortSignal): Promise<number>;
  /**
   * Refines the skew from a response `Date` header (1 s resolution): the skew only moves when the
   * current estimate is outside what the header allows. Unparseable or implausible values are ignored.
   */
  observeDateHeader(date: string | null | undefined, timing?: { sentAt?: number; receivedAt?: number }): void;
}

/** Options for {@link createServerClock}. */
export interface ServerClockOptions {
  /** The local clock. @default the system clock */
  clock?: AuthClock;
  /** Reads the server's time in epoch milliseconds (e.g. `GET /api/v3/time`). @default undefined */
  fetchServerTime?: (signal?: AbortSignal) => Promise<number>;
  /**
   * Largest skew accepted, in milliseconds. Anything beyond is more likely a wrong endpoint, a cached
   * `Date` header or a broken machine clock than real skew, so it is refused (`auth.clock_skew`).
   * @default 3600000 (1 hour)
   */
  maxSkewMs?: number;
  /** Where skew changes are logged. @default noopLogger */
  logger?: Logger;
}

/** Defaults for {@link ServerClockOptions}. */
export const DEFAULT_SERVER_CLOCK_OPTIONS = { maxSkewMs: 3_600_000 } as const;

/**
 * A clock that follows the server's: measure the skew from a time endpoint (`sync()`) or from `Date`
 * headers (`observeDateHeader()`), then pass the clock to a signing strategy so its timestamps land
 * inside the venue's window (Binance's recvWindow) even when this machine's clock is off.
 *
 * @example
 * ```ts
 * const clock = createServerClock({
 *   fetchServerTime: async () => (await (await fetch('https://api.binance.com/api/v3/time')).json()).serverTime,
 * });
 * await clock.sync();
 * const auth = binanceAuth({ apiKey, apiSecret, clock });
 * ```
 */
export function createServerClock(options: ServerClockOptions = {}): ServerClock {
  const local = options.clock ?? systemClock;
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_SERVER_CLOCK_OPTIONS.maxSkewMs;
  const logger = (options.logger ?? noopLogger).child({ component: 'server-clock' });
  let skewMs = 0;

  const apply = (next: number, source: string): void => {
    const rounded = Math.round(next);
    if (rounded !== skewMs)
      logger.debug('clock skew updated', { skewMs: rounded, previousSkewMs: skewMs, source });
    skewMs = rounded;
  };

  return {
    get skewMs() {
      return skewMs;
    },
    now: () => local.now() + skewMs,
    sleep: (ms, signal) => local.sleep(ms, signal),
    async sync(signal?: AbortSignal): Promise<number> {
      if (!options.fetchServerTime) {
        throw new KitError('client.invalid_argument', {
          message: 'createServerClock() needs `fetchServerTime` to sync()',
        });
      }
      const sentAt = local.now();
      const serverTime = await options.fetchServerTime(signal);
      const receivedAt = local.now();
      if (typeof serverTime !== 'number' || !Number.isFinite(serverTime)) {
        throw new KitError('auth.clock_skew', {
          message: 'The server time endpoint did not return a number of milliseconds',
          retryable: false,
          hint: 'Check `fetchServerTime`: it must resolve to epoch milliseconds (e.g. Binance `serverTime`).',
        });
      }
      const measured = serverTime - (sentAt + receivedAt) / 2;
      if (Math.abs(measured) > maxSkewMs) {
        throw new KitError('auth.clock_skew', {
          message: `Measured clock skew of ${Math.round(measured)} ms exceeds maxSkewMs (${maxSkewMs} ms); not applied`,
          retryable: false,
          details: { measuredSkewMs: Math.round(measured), maxSkewMs, roundTripMs: receivedAt - sentAt },
        });
      }
      apply(measured, 'time-endpoint');
      return skewMs;
    },
    observeDateHeader(date, timing = {}) {
      if (!date) return;
      const serverSecond = Date.parse(date);
      if (Number.isNaN(serverSecond)) return;
      const receivedAt = timing.receivedAt ?? local.now();
      const sentAt = Math.min(timing.sentAt ?? receivedAt, receivedAt);
      // The server's clock read somewhere in [serverSecond, serverSecond + 999] while the request was
      // in flight, so the true skew lies in [serverSecond - receivedAt, serverSecond + 999 - sentAt].
      const low = serverSecond - receivedAt;
      const high = serverSecond + 999 - sentAt;
      if (skewMs >= low && skewMs <= high) return;
      const estimate = skewMs < low ? low : high;
      if (Math.abs(estimate) > maxSkewMs) {
        logger.warn('ignored an implausible Date header', { impliedSkewMs: Math.round(estimate), maxSkewMs });
        return;
      }
      apply(estimate, 'date-header');
    },
  };
}
