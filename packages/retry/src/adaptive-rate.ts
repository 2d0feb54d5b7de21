import { KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { abortError } from './abort-error';
import type { Clock } from './clock';

/**
 * Options of the retry policy's adaptive send rate (`RetryPolicyOptions.adaptiveRate`): a rate per
 * budget key (the host), learned from throttling answers, that every attempt to that key waits for.
 */
export interface AdaptiveRateOptions {
  /** The lowest rate the learned rate goes down to, in requests per second. @default 0.5 */
  minRatePerSecond?: number;
  /**
   * After a cut, how long the rate takes to climb back to the rate that was throttled, in
   * milliseconds (CUBIC's K). Longer probes more gently: fewer 429s, slower recovery. @default 2_000
   */
  recoveryMs?: number;
  /** Most keys (hosts) with a learned rate; the least recently throttled is forgotten beyond it. @default 1_000 */
  maxKeys?: number;
}

/** Defaults of {@link AdaptiveRateOptions}. */
export const DEFAULT_ADAPTIVE_RATE_OPTIONS: Required<AdaptiveRateOptions> = {
  minRatePerSecond: 0.5,
  recoveryMs: 2_000,
  maxKeys: 1_000,
};

/**
 * Successes since the previous cut that make a throttle look isolated: a request that reached the
 * server a little early (a stalled event loop, a busy proxy), not a rate that is too high. It gets
 * the smallest cut, so such noise costs almost no throughput.
 */
const ISOLATED_AFTER = 8;
/** The cut for an isolated throttle. */
const ISOLATED_CUT = 0.95;
/** An isolated throttle at the plateau moves it down by this factor. */
const PLATEAU_STEP = 0.98;
/** How far above the rate sent the ceiling may stay after an isolated throttle. */
const ISOLATED_CEILING = 1.1;
/** The cut when something sent since the previous cut got through, but not much: close to the limit. */
const NEAR_CUT = 0.85;
/**
 * The cut when nothing sent since the previous cut got through: the rate is far too high, so it
 * halves until something does. Also the floor for the further cuts of one round.
 */
const FAR_CUT = 0.5;
/**
 * Each further throttle of the same round (requests already in flight at the cut) lowers the rate
 * a little more, down to `FAR_CUT` of the rate at the cut: eight in flight and seven refused say
 * more than one refusal does, but only one cut reacts to them.
 */
const SAME_ROUND_CUT = 0.9;
/**
 * After an isolated throttle of the last request sent, the next one may leave this share of an
 * interval later (the refused one did not count at the server): enough for the server to see it
 * after the one it accepted last, without wasting the slot.
 */
export const REFUND_DELAY = 0.2;
/** Upper bound of a learned rate: beyond it pacing means nothing (and CUBIC's curve keeps growing). */
const MAX_RATE_PER_SECOND = 1_000_000;
/** Longest delay `setTimeout` honours. */
const MAX_TIMER_MS = 2_147_483_647;
/** Grant times kept to measure the rate actually sent. */
const GRANT_HISTORY = 8;
/**
 * The last `GRANT_HISTORY` grants, one bit each: the rate actually sent is used instead of the
 * permitted one only when none of them had to wait (the caller, not the pacer, was slower).
 *
 * @internal
 */
export const GRANT_MASK = (1 << GRANT_HISTORY) - 1;

/** What the controller needs to start. @internal */
export interface AdaptiveRateInit {
  /** The rate to start from, per second (capped to `[minRatePerSecond, maxRatePerSecond]`). */
  readonly ratePerSecond: number;
  /** The lowest rate, per second. */
  readonly minRatePerSecond: number;
  /** The highest rate, per second (a configured limit); `Infinity` for none. */
  readonly maxRatePerSecond: number;
  /** CUBIC's K: how long the rate takes to climb back to the rate that was throttled, in ms. */
  readonly recoveryMs: number;
  /** When the rate starts, on the caller's clock (epoch ms). */
  readonly nowMs: number;
  /** Successes just before the start: an isolated first throttle or an overload? */
  readonly okBefore: number;
  /** The first mark of the first round (see {@link AdaptiveRate.onThrottle}). */
  readonly firstMark: number;
}

/**
 * A send rate learned from throttling: the controller behind the policy's adaptive rate and the
 * limiter's pacing after a 429.
 *
 * The rate follows CUBIC (RFC 9438) in time, as AWS's adaptive retry mode does: a throttle cuts
 * it, then it climbs back, fast at first and flattening out at the rate that was throttled
 * (reached after `recoveryMs`), then probes beyond it, slowly at first. Unlike AWS's:
 *
 * - the cut depends on what happened since the previous one: 0.95x for an isolated throttle after
 *   a run of successes (noise: a request that reached the server a little early because an event
 *   loop or the proxy stalled, not a rate that is too high), 0.85x when a few got through, 0.5x
 *   when nothing did in two rounds in a row (AWS cuts to 0.7x every time, so noise costs as much
 *   as a real overload);
 * - noise keeps the rate the curve flattens at, except noise at that rate, which lowers it 2%: the
 *   plateau settles just below where the server's noise starts (CUBIC would lower it to the
 *   throttled rate each time, ratcheting down a few percent per stall);
 * - a round of throttles (for the requests already sent when the rate was cut) cuts once; the
 *   owner may let each further one of the round cut 0.9x more, down to half (AWS cuts on every
 *   throttled response: eight in flight cut the rate to 0.7^8);
 * - the cut starts from the rate actually sent when the owner measured a lower one than permitted.
 *
 * Rounds are told apart by marks the owner chooses, increasing with time: the send time of the
 * throttled request (the policy), or its grant number (the limiter).
 *
 * @internal
 */
export class AdaptiveRate {
  readonly #min: number;
  readonly #max: number;
  readonly #recoveryMs: number;
  /** The rate when the last cut happened (CUBIC's W_max), per second. */
  #ceiling: number;
  /** The rate right after the last cut, per second. */
  #floor: number;
  /** When the last cut happened (the curve's origin). */
  #cutAt: number;
  /** Marks below it belong to the round the last cut reacted to. */
  #cutMark: number;
  /** Marks below it were sent before the last cut (the round proper, without its extension). */
  #roundMark: number;
  /** Successes of requests marked since the last cut. */
  #okSinceCut: number;
  /** The lowest rate further throttles of the current round may push it to. */
  #roundFloor: number;
  /** Whether the last cut was for an isolated throttle. */
  #lastIsolated = false;

  constructor(init: AdaptiveRateInit) {
    this.#min = init.minRatePerSecond;
    this.#max = Math.min(MAX_RATE_PER_SECOND, init.maxRatePerSecond);
    this.#recoveryMs = init.recoveryMs;
    const rate = Math.min(this.#max, Math.max(this.#min, init.ratePerSecond));
    this.#ceiling = rate;
    this.#floor = rate;
    this.#roundFloor = rate;
    // As if cut long ago: the curve starts at the ceiling.
    this.#cutAt = init.nowMs - 2 * init.recoveryMs;
    this.#cutMark = init.firstMark;
    this.#roundMark = init.firstMark;
    this.#okSinceCut = init.okBefore;
  }

  /** The rate allowed at `now`, per second. */
  rateAt(now: number): number {
    // CUBIC: W(t) = W_max + C (t - K)^3, with W(0) = floor, so C = (W_max - floor) / K^3.
    const k = this.#recoveryMs;
    const x = Math.max(0, now - this.#cutAt) - k;
    const rate = this.#ceiling + ((this.#ceiling - this.#floor) / (k * k * k)) * x * x * x;
    return Math.min(this.#max, Math.max(this.#min, rate));
  }

  /**
   * Makes requests marked below `mark` part of the current round: the owner handed a refused
   * request's slot back, and the one sent in it may meet the same stall (its throttle is then no
   * news, and must not cut again).
   */
  extendRound(mark: number): void {
    if (mark > this.#cutMark) this.#cutMark = mark;
  }

  /** A request marked `mark` got through (a success, or a failure other than throttling). */
  onSuccess(mark: number): void {
    if (mark >= this.#cutMark) this.#okSinceCut++;
  }

  /**
   * A request marked `mark` was throttled at `now`. The first throttle of a round cuts the rate
   * (from `sentRatePerSecond`, when given and lower than the permitted rate: the owner passes it
   * when requests were leaving slower than permitted, on their own) and starts a new round
   * at `nextMark`. A throttle of the current round cuts 0.9x more when `deepenRound` is set.
   * Returns what it did: `isolated` (the small cut for noise), `cut`, or `round` (same round).
   */
  onThrottle(
    now: number,
    mark: number,
    nextMark: number,
    sentRatePerSecond: number | undefined,
    deepenRound: boolean,
  ): 'isolated' | 'cut' | 'round' {
    if (mark < this.#cutMark) {
      if (deepenRound && mark < this.#roundMark) {
        this.#floor = Math.max(this.#roundFloor, this.#floor * SAME_ROUND_CUT);
      }
      return 'round';
    }
    const permitted = this.rateAt(now);
    const sent =
      sentRatePerSecond === undefined || sentRatePerSecond > permitted ? permitted : sentRatePerSecond;
    const ok = this.#okSinceCut;
    const isolated = ok >= ISOLATED_AFTER;
    // Halving needs two rounds in a row where nothing got through: right after an isolated
    // throttle, the next request often meets the same stall.
    const cut = isolated ? ISOLATED_CUT : ok > 0 || this.#lastIsolated ? NEAR_CUT : FAR_CUT;
    this.#lastIsolated = isolated;
    // Noise does not say the rate the curve flattens at was too high: an isolated throttle during
    // the climb back keeps that rate (if it is close), where lowering it each time would ratchet
    // the rate down a few percent per stall of the event loop.
    // At (or above) the rate the curve flattens at, though, it says that rate is a little too high
    // for this server's noise: the plateau moves a step below it.
    const atPlateau = permitted >= this.#ceiling * PLATEAU_STEP;
    // A few throttles close together (something got through) lower it a step too; only a round in
    // which nothing got through says the rate itself was far off, and starts over from it.
    const remembered = Math.min(
      Math.max(this.#ceiling * (atPlateau || !isolated ? PLATEAU_STEP : 1), sent),
      sent * ISOLATED_CEILING,
    );
    const ceiling = cut === FAR_CUT ? sent : isolated && atPlateau ? sent * PLATEAU_STEP : remembered;
    this.#ceiling = Math.max(this.#min, ceiling);
    this.#floor = Math.max(this.#min, sent * cut);
    this.#roundFloor = Math.max(this.#min, sent * FAR_CUT);
    this.#cutAt = now;
    this.#cutMark = nextMark;
    this.#roundMark = nextMark;
    this.#okSinceCut = 0;
    return isolated ? 'isolated' : 'cut';
  }
}

/** Why {@link AdaptiveGate.acquire} refused: the call cannot go before its deadline. @internal */
export class GateRefusal {
  /** `paused`: the host asked for a pause that ends past the deadline (`waitMs` from now). */
  constructor(
    readonly reason: 'deadline' | 'paused',
    readonly waitMs: number,
  ) {}
}

interface GateWaiter {
  resolve(): void;
  reject(reason: unknown): void;
}

const GRANTED: Promise<void> = Promise.resolve();

/**
 * The policy's pacer for one key: an {@link AdaptiveRate} and the FIFO queue of attempts waiting
 * for it. Requests leave one at a time, at least `1 / rate` apart (a bucket of one: a late grant
 * never lets the next one catch up, so a stalled event loop cannot bunch two requests together),
 * and never during a pause. Marks are attempt start times.
 *
 * @internal
 */
export class AdaptiveGate {
  readonly #clock: Clock;
  readonly #rate: AdaptiveRate;
  #lastGrantAt = Number.NEGATIVE_INFINITY;
  #pausedUntil = 0;
  readonly #grants = new Float64Array(GRANT_HISTORY);
  #grantCount = 0;
  /** One bit per recent grant (newest lowest), set when it had to wait: the gate set the pace. */
  #waited = 0;
  readonly #queue: GateWaiter[] = [];
  #pumping = false;
  #wake = new AbortController();

  /**
   * @param ratePerSecond - how fast the caller was sending when first throttled.
   * @param okBefore - its successes just before.
   */
  constructor(clock: Clock, ratePerSecond: number, okBefore: number, options: Required<AdaptiveRateOptions>) {
    this.#clock = clock;
    const now = clock.now();
    this.#rate = new AdaptiveRate({
      ratePerSecond,
      minRatePerSecond: options.minRatePerSecond,
      maxRatePerSecond: Number.POSITIVE_INFINITY,
      recoveryMs: options.recoveryMs,
      nowMs: now,
      okBefore,
      // Every attempt so far started before the gate existed: a round that has not been cut yet.
      firstMark: Number.NEGATIVE_INFINITY,
    });
  }

  /** The rate allowed at `now`, per second. */
  rateAt(now: number): number {
    return this.#rate.rateAt(now);
  }

  /** When the current pause ends (epoch ms on the clock), or 0. */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Attempts waiting. */
  get queueSize(): number {
    return this.#queue.length;
  }

  /**
   * Waits (FIFO) for this key's next slot. Rejects with the caller's abort error when `signal`
   * aborts, with a {@link GateRefusal} when the slot would come after `deadlineAt`.
   */
  acquire(signal: AbortSignal | undefined, deadlineAt: number): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const now = this.#clock.now();
    if (this.#pausedUntil > deadlineAt) {
      return Promise.reject(new GateRefusal('paused', this.#pausedUntil - now));
    }
    if (this.#queue.length === 0 && !this.#pumping && now >= this.#dueAt(now)) {
      this.#grant(now, false);
      return GRANTED;
    }
    return new Promise<void>((resolve, reject) => {
      const timeout = new AbortController();
      const leave = (): boolean => {
        const index = this.#queue.indexOf(waiter);
        if (index < 0) return false;
        this.#queue.splice(index, 1);
        signal?.removeEventListener('abort', onAbort);
        timeout.abort();
        // The next one may be due already (it waited behind this one).
        if (index === 0) this.#wakeUp();
        return true;
      };
      const onAbort = (): void => {
        if (leave()) reject(abortError(signal as AbortSignal));
      };
      const waiter: GateWaiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          timeout.abort();
          resolve();
        },
        reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // A deadline too far for a timer (an infinite one) never cuts the wait.
      if (deadlineAt - now <= MAX_TIMER_MS) {
        this.#clock.sleep(Math.max(0, deadlineAt - now), timeout.signal).then(
          () => {
            if (leave()) reject(new GateRefusal('deadline', 0));
          },
          () => {},
        );
      }
      this.#queue.push(waiter);
      void this.#pump();
    });
  }

  /** An attempt sent at `sentAt` succeeded (or failed for a reason other than throttling). */
  onSuccess(sentAt: number): void {
    this.#rate.onSuccess(sentAt);
  }

  /**
   * An attempt sent at `sentAt` was throttled: the first of a round cuts the rate (from the rate
   * actually sent when that was lower), later ones of the same round (sent before the cut) cut a
   * little more. `retryAfterMs` pauses the key (capped at `maxPauseMs`).
   */
  onThrottle(sentAt: number, retryAfterMs: number | undefined, maxPauseMs: number): void {
    const now = this.#clock.now();
    if (retryAfterMs !== undefined && retryAfterMs > 0)
      this.pauseUntil(now + Math.min(retryAfterMs, maxPauseMs));
    const outcome = this.#rate.onThrottle(
      now,
      sentAt,
      now,
      this.#waited !== 0 ? undefined : measuredRate(this.#grants, this.#grantCount, this.#pausedUntil),
      true,
    );
    // An isolated throttle of the last request let go: it reached the server a little early, and
    // the server did not count it. Its slot is handed back, a fifth of an interval from now, so
    // the noise costs a fraction of a slot instead of a whole one.
    if (outcome === 'isolated' && this.#lastGrantAt <= sentAt) {
      const intervalMs = 1_000 / this.#rate.rateAt(now);
      this.#lastGrantAt = Math.min(this.#lastGrantAt, now + intervalMs * REFUND_DELAY - intervalMs);
      this.#rate.extendRound(now + intervalMs * (REFUND_DELAY + 0.5));
    }
    this.#wakeUp();
  }

  /** Holds every attempt until `epochMs`; never shortens a pause. */
  pauseUntil(epochMs: number): void {
    if (epochMs <= this.#pausedUntil) return;
    this.#pausedUntil = epochMs;
    this.#wakeUp();
  }

  /** The earliest time the next attempt may leave. */
  #dueAt(now: number): number {
    const paced = this.#lastGrantAt + 1_000 / this.#rate.rateAt(now);
    return Math.max(paced, this.#pausedUntil);
  }

  #grant(now: number, waited: boolean): void {
    this.#waited = ((this.#waited << 1) | (waited ? 1 : 0)) & GRANT_MASK;
    this.#lastGrantAt = now;
    this.#grants[this.#grantCount % GRANT_HISTORY] = now;
    this.#grantCount++;
  }

  #wakeUp(): void {
    this.#wake.abort();
    this.#wake = new AbortController();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      // Bounded by the queue: each turn grants the head or sleeps until it is due (or woken).
      while (this.#queue.length > 0) {
        const now = this.#clock.now();
        const due = this.#dueAt(now);
        if (now >= due) {
          this.#grant(now, true);
          (this.#queue.shift() as GateWaiter).resolve();
          continue;
        }
        try {
          await this.#clock.sleep(Math.max(1, Math.ceil(due - now)), this.#wake.signal);
        } catch {
          // Woken early: the queue, the rate or the pause changed.
        }
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/**
 * The rate of the grants recorded in the ring `times` (`count` recorded in all), per second, over
 * the last few; undefined with fewer than two, or when a pause ending at `pausedUntil` falls among
 * them (the pause would count as slowness the server did not cause).
 *
 * @internal
 */
export function measuredRate(times: Float64Array, count: number, pausedUntil: number): number | undefined {
  const n = Math.min(count, times.length);
  if (n < 2) return undefined;
  const oldest = times[(count - n) % times.length] as number;
  const newest = times[(count - 1) % times.length] as number;
  if (pausedUntil > oldest) return undefined;
  return ((n - 1) * 1_000) / Math.max(1, newest - oldest);
}

/**
 * Whether `error` is the server saying "too fast": a rate-limit answer from the other side (429,
 * Binance's 418 ban, a venue's mapped "too many requests"), not one of kit's own local refusals
 * (a full limiter queue, a full bulkhead, an unreachable store).
 *
 * @internal
 */
export function isThrottle(error: KitError): boolean {
  return error.code === 'rate_limit.exceeded' || error.code === 'rate_limit.ip_banned';
}

/**
 * The adaptive rates of one retry policy, one {@link AdaptiveGate} per key, created at a key's
 * first throttle (until then a key costs one `Map` lookup per attempt), least recently throttled
 * forgotten beyond `maxKeys`.
 *
 * @internal
 */
export class AdaptiveRates {
  readonly #clock: Clock;
  readonly #options: Required<AdaptiveRateOptions>;
  readonly #gates = new Map<string, AdaptiveGate>();

  constructor(clock: Clock, options: AdaptiveRateOptions) {
    this.#clock = clock;
    this.#options = { ...DEFAULT_ADAPTIVE_RATE_OPTIONS, ...withoutUndefined(options) };
    const { minRatePerSecond, recoveryMs, maxKeys } = this.#options;
    if (!(minRatePerSecond > 0) || !(recoveryMs > 0) || !(maxKeys >= 1)) {
      throw new KitError('client.invalid_argument', {
        message: `adaptiveRate needs minRatePerSecond > 0, recoveryMs > 0 and maxKeys >= 1; got ${JSON.stringify({ minRatePerSecond, recoveryMs, maxKeys })}`,
      });
    }
  }

  /** The gate of `key`, when `key` has been throttled. */
  gateFor(key: string): AdaptiveGate | undefined {
    return this.#gates.size === 0 ? undefined : this.#gates.get(key);
  }

  /**
   * An attempt to `key` sent at `sentAt` was throttled. `sentRatePerSecond` (how fast the caller
   * was sending) and `okBefore` (its successes since its last throttle) matter the first time only.
   */
  onThrottle(
    key: string,
    sentAt: number,
    retryAfterMs: number | undefined,
    sentRatePerSecond: number,
    okBefore: number,
    maxPauseMs: number,
  ): AdaptiveGate {
    let gate = this.#gates.get(key);
    if (gate === undefined) {
      gate = new AdaptiveGate(this.#clock, sentRatePerSecond, okBefore, this.#options);
      // The gate exists from now: attempts that started before it are the round it reacts to.
    } else this.#gates.delete(key);
    this.#gates.set(key, gate);
    if (this.#gates.size > this.#options.maxKeys) {
      const oldest = this.#gates.keys().next().value;
      if (oldest !== undefined) this.#gates.delete(oldest);
    }
    gate.onThrottle(sentAt, retryAfterMs, maxPauseMs);
    return gate;
  }
}
