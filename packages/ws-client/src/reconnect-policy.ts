import type { WsCloseAction } from '@kit/errors';
import { exponentialCeilingMs, fullJitterMs } from '@kit/retry/internal';
import type { ReconnectOptions } from './options';

/** Chooses reconnect delays: full jitter, a fast first retry after a stable session, close-code pauses. @internal */
export class ReconnectPolicy {
  readonly #options: Required<ReconnectOptions>;
  readonly #random: () => number;
  #failures = 0;

  constructor(options: Required<ReconnectOptions>, random: () => number) {
    this.#options = options;
    this.#random = random;
  }

  /** Consecutive attempts that did not reach a stable session. */
  get failures(): number {
    return this.#failures;
  }

  /** The session stayed live for `stableAfterMs`: the next retry is fast and the counter restarts. */
  markStable(): void {
    this.#failures = 0;
  }

  /**
   * The delay before the next attempt, in milliseconds, and counts a failure.
   * `stable` says whether the session that just ended had been live for `stableAfterMs`.
   */
  nextDelayMs(action: WsCloseAction, stable: boolean): number {
    const o = this.#options;
    if (stable) this.#failures = 0;
    const n = this.#failures;
    this.#failures++;
    const jitter = (cap: number) => fullJitterMs(cap, this.#random);
    const exponential = exponentialCeilingMs(n, o.initialDelayMs, o.maxDelayMs);
    switch (action) {
      case 'reconnect_after_pause':
        return o.restartMinDelayMs + jitter(o.restartMaxDelayMs - o.restartMinDelayMs);
      case 'backoff':
        return o.tryAgainLaterDelayMs + jitter(exponential);
      default:
        return n === 0 && stable ? jitter(o.fastRetryMaxMs) : jitter(exponential);
    }
  }
}
