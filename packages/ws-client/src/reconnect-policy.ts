import type { WsCloseAction } from '@kit/errors';
import { exponentialCeilingMs, fullJitterMs } from '@kit/retry/internal';
import type { ReconnectOptions } from './options';

/**
 * The delay before the next attempt, in milliseconds: full jitter over the exponential ceiling of
 * `failures` (consecutive attempts that did not reach a stable session, before this one), a fast
 * first retry after a stable session, and the pauses close codes ask for (1012 restart, 1013 try
 * again later). `stable` says whether the session that just ended had been live for
 * `stableAfterMs`; the caller counts it as failure 0. Draws one number from `random`. @internal
 */
export function reconnectDelayMs(
  action: WsCloseAction,
  failures: number,
  stable: boolean,
  options: Required<ReconnectOptions>,
  random: () => number,
): number {
  const jitter = (cap: number) => fullJitterMs(cap, random);
  const exponential = exponentialCeilingMs(failures, options.initialDelayMs, options.maxDelayMs);
  switch (action) {
    case 'reconnect_after_pause':
      return options.restartMinDelayMs + jitter(options.restartMaxDelayMs - options.restartMinDelayMs);
    case 'backoff':
      return options.tryAgainLaterDelayMs + jitter(exponential);
    default:
      return failures === 0 && stable ? jitter(options.fastRetryMaxMs) : jitter(exponential);
  }
}
