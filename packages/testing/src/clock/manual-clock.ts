/** Options of {@link createManualClock}. */
export interface ManualClockOptions {
  /**
   * The time the clock starts at, in milliseconds since the epoch.
   * @default 1_700_000_000_000 (2023-11-14T22:13:20Z)
   */
  startMs?: number;
  /**
   * What a sleep rejects with when its signal aborts. kit's clocks reject with a KitError; pass
   * a factory to match a contract that inspects the rejection.
   * @default the signal's `reason`
   */
  abortError?: (signal: AbortSignal) => unknown;
}

/** Defaults of {@link ManualClockOptions}. */
export const DEFAULT_MANUAL_CLOCK_OPTIONS: Readonly<Required<ManualClockOptions>> = Object.freeze({
  startMs: 1_700_000_000_000,
  abortError: (signal: AbortSignal): unknown => signal.reason,
});

/**
 * A clock that moves only when the test says so. It has the `now()`/`sleep(ms, signal)` shape of
 * the `Clock` that @kit/retry, @kit/auth and @kit/ws-client take, so it drives their backoff,
 * timeouts, heartbeats and token expiry deterministically.
 */
export interface ManualClock {
  /** The clock's time, in milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves when {@link ManualClock.advance} moves time `ms` past the moment of the call; rejects
   * when `signal` aborts (see {@link ManualClockOptions.abortError}), removing its listener either way.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Moves time forward by `ms`, firing every sleep that falls due in time order (sleeps started by
   * a firing count too, when they fall due before the target). Each firing is followed by a
   * macrotask turn, so loopback I/O a timer sets off (a ping, a reconnect) runs before the next.
   */
  advance(ms: number): Promise<void>;
  /** Sets the time without firing anything (it may go backwards, as a wall clock can). */
  set(nowMs: number): void;
  /** Durations of the sleeps still pending, in the order they started. */
  readonly pending: readonly number[];
  /** Every sleep duration requested so far, in order (a history for assertions). */
  readonly sleeps: readonly number[];
  /**
   * Resolves with the duration of the next sleep matching `match`: one already pending, or the
   * next one started. Lets a test wait for the code under test to start waiting, not for time.
   */
  nextSleep(match?: (ms: number) => boolean): Promise<number>;
}

interface PendingSleep {
  readonly id: number;
  readonly at: number;
  readonly ms: number;
  readonly fire: () => void;
}

// The real setImmediate, taken when the module loads: a test may install fake timers (which fake
// setImmediate too), and the manual clock must not wait on a timer nobody advances.
const realSetImmediate: (callback: () => void) => unknown = globalThis.setImmediate.bind(globalThis);

/** The most sleeps one `advance()` fires: a loop that keeps rescheduling at 0 ms must still end. */
const MAX_FIRINGS_PER_ADVANCE = 100_000;

function checkMs(what: string, ms: number): void {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`ManualClock.${what}: expected a non-negative number of milliseconds, got ${ms}`);
  }
}

/**
 * Creates a {@link ManualClock}.
 *
 * @example
 * ```ts
 * const clock = createManualClock();
 * const slept = clock.sleep(1_000);
 * await clock.advance(1_000); // slept resolves
 * ```
 */
export function createManualClock(options: ManualClockOptions = {}): ManualClock {
  const startMs = options.startMs ?? DEFAULT_MANUAL_CLOCK_OPTIONS.startMs;
  const abortError = options.abortError ?? DEFAULT_MANUAL_CLOCK_OPTIONS.abortError;
  if (!Number.isFinite(startMs)) {
    throw new RangeError(`createManualClock: startMs must be a finite number, got ${startMs}`);
  }
  let now = startMs;
  let nextId = 0;
  const timers = new Map<number, PendingSleep>();
  const sleeps: number[] = [];
  const waiters: Array<{ match: (ms: number) => boolean; resolve: (ms: number) => void }> = [];
  const turn = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

  return {
    now: () => now,
    get pending() {
      return [...timers.values()].map((t) => t.ms);
    },
    get sleeps() {
      return [...sleeps];
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      const wait = Number.isNaN(ms) ? 0 : Math.max(0, ms);
      sleeps.push(wait);
      return new Promise<void>((resolve, reject) => {
        const id = nextId++;
        const onAbort = (): void => {
          timers.delete(id);
          reject(abortError(signal as AbortSignal));
        };
        timers.set(id, {
          id,
          at: now + wait,
          ms: wait,
          fire: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        for (const waiter of [...waiters]) {
          if (!waiter.match(wait)) continue;
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(wait);
        }
      });
    },
    async advance(ms) {
      checkMs('advance', ms);
      const target = now + ms;
      for (let fired = 0; fired < MAX_FIRINGS_PER_ADVANCE; fired++) {
        await turn();
        let next: PendingSleep | undefined;
        for (const timer of timers.values()) {
          if (next === undefined || timer.at < next.at) next = timer;
        }
        if (next === undefined || next.at > target) break;
        now = Math.max(now, next.at);
        timers.delete(next.id);
        next.fire();
      }
      now = Math.max(now, target);
      await turn();
    },
    set(nowMs) {
      if (!Number.isFinite(nowMs))
        throw new RangeError(`ManualClock.set: expected a finite number, got ${nowMs}`);
      now = nowMs;
    },
    nextSleep(match = () => true) {
      for (const timer of timers.values()) if (match(timer.ms)) return Promise.resolve(timer.ms);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
