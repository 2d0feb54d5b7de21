import type { Clock } from './clock';
import type { RateLimitLevels, RateLimitStore, RateLimitWindow, TakeResult } from './rate-limit-store';
import { systemClock } from './system-clock';

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Time source for the refill. @default systemClock */
  clock?: Clock;
}

/** The in-memory store: a {@link RateLimitStore} whose methods answer synchronously. */
export interface MemoryStore extends RateLimitStore {
  /** {@inheritDoc RateLimitStore.take} The answer is synchronous. */
  take(key: string, windows: readonly RateLimitWindow[], weights: readonly number[]): TakeResult;
  /** {@inheritDoc RateLimitStore.block} Synchronous. */
  block(key: string, durationMs: number): void;
  /** {@inheritDoc RateLimitStore.clamp} Synchronous. */
  clamp(key: string, windows: readonly RateLimitWindow[], windowIndex: number, remaining: number): void;
  /**
   * Takes one `weight` from every window of `key` if it fits now and `key` is not paused; returns
   * whether it did (nothing is taken otherwise). The allocation-free fast path of `take` for a single
   * acquisition, used by the rate limiter when nobody is queued.
   */
  tryTake(key: string, windows: readonly RateLimitWindow[], weight: number): boolean;
  /**
   * The tokens of each window of `key` now (refilled to the clock's now; 0 while paused; full for a
   * key never used), exactly and without changing anything.
   */
  peek(key: string, windows: readonly RateLimitWindow[]): RateLimitLevels;
}

interface BucketState {
  levels: number[];
  /** Refilled up to here; in the future during a pause (the buckets refill from its end). */
  updatedAt: number;
  blockedUntil: number;
  /** Emptied by a pause: windows without a level yet start with one token, not full. */
  drained: boolean;
  /** The windows of the last take (the size of each, for the token a pause leaves). */
  windows: readonly RateLimitWindow[];
}

/** Tokens of each window after refilling from `state.updatedAt` to `now`. */
function refill(state: BucketState, windows: readonly RateLimitWindow[], now: number): void {
  const elapsed = Math.max(0, now - state.updatedAt);
  for (let i = 0; i < windows.length; i++) {
    const window = windows[i] as RateLimitWindow;
    const level = state.levels[i] ?? (state.drained ? Math.min(1, window.tokens) : window.tokens);
    state.levels[i] = Math.min(window.tokens, level + (elapsed * window.tokens) / window.intervalMs);
  }
  state.updatedAt = Math.max(state.updatedAt, now);
}

/**
 * The default, in-process {@link RateLimitStore}: one token bucket per window per key, refilled
 * continuously from the clock (a pause leaves one token at its end). Answers
 * synchronously, so an uncontended acquire costs no I/O.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock;
  const buckets = new Map<string, BucketState>();
  const stateFor = (key: string, windows: readonly RateLimitWindow[], now: number): BucketState => {
    let state = buckets.get(key);
    if (!state) {
      state = {
        levels: windows.map((w) => w.tokens),
        updatedAt: now,
        blockedUntil: 0,
        drained: false,
        windows,
      };
      buckets.set(key, state);
    }
    state.windows = windows;
    refill(state, windows, now);
    return state;
  };
  return {
    take(key, windows, weights): TakeResult {
      const now = clock.now();
      const state = stateFor(key, windows, now);
      if (state.blockedUntil > now) return { granted: 0, retryInMs: state.blockedUntil - now };
      let granted = 0;
      for (const weight of weights) {
        let retryInMs = 0;
        windows.forEach((window, i) => {
          const missing = weight - (state.levels[i] as number);
          if (missing > 0)
            retryInMs = Math.max(retryInMs, Math.ceil((missing * window.intervalMs) / window.tokens));
        });
        if (retryInMs > 0) return { granted, retryInMs };
        for (let i = 0; i < windows.length; i++) state.levels[i] = (state.levels[i] as number) - weight;
        granted++;
      }
      return { granted, retryInMs: 0 };
    },
    tryTake(key, windows, weight) {
      const now = clock.now();
      const state = stateFor(key, windows, now);
      if (state.blockedUntil > now) return false;
      const levels = state.levels;
      for (let i = 0; i < windows.length; i++) if ((levels[i] as number) < weight) return false;
      for (let i = 0; i < windows.length; i++) levels[i] = (levels[i] as number) - weight;
      return true;
    },
    peek(key, windows) {
      const now = clock.now();
      const state = buckets.get(key);
      const tokens = windows.map((window, i) => {
        if (state === undefined) return window.tokens;
        if (state.blockedUntil > now) return 0;
        const level = state.levels[i] ?? (state.drained ? Math.min(1, window.tokens) : window.tokens);
        const elapsed = Math.max(0, now - state.updatedAt);
        return Math.min(window.tokens, level + (elapsed * window.tokens) / window.intervalMs);
      });
      return { tokens, exact: true };
    },
    block(key, durationMs) {
      if (!(durationMs > 0)) return;
      const now = clock.now();
      const until = now + durationMs;
      const state = buckets.get(key) ?? {
        levels: [],
        updatedAt: now,
        blockedUntil: 0,
        drained: false,
        windows: [],
      };
      buckets.set(key, state);
      // A shorter pause inside a longer one changes nothing (that one already emptied the buckets).
      if (until <= state.blockedUntil) return;
      state.blockedUntil = until;
      // One token when the pause ends, refilling from there: one request may leave as it ends and
      // the queue follows at the rate, instead of as one burst of the whole bucket.
      for (let i = 0; i < state.levels.length; i++) {
        state.levels[i] = Math.min(1, (state.windows[i] as RateLimitWindow | undefined)?.tokens ?? 1);
      }
      state.drained = true;
      state.updatedAt = until;
    },
    clamp(key, windows, windowIndex, remaining) {
      const state = stateFor(key, windows, clock.now());
      const level = state.levels[windowIndex];
      if (level !== undefined) state.levels[windowIndex] = Math.max(0, Math.min(level, remaining));
    },
  };
}
