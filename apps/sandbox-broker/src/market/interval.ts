/**
 * Schedules `callback` every `intervalMs` and returns a function that cancels it. The market and
 * the stream take one so tests can drive their timers by hand instead of waiting on real time.
 */
export type Every = (intervalMs: number, callback: () => void) => () => void;

/** The real scheduler: `setInterval`, unref'd so a forgotten sandbox never keeps a process alive. */
export const realEvery: Every = (intervalMs, callback) => {
  const timer = setInterval(callback, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
};

/** A scheduler driven by hand: nothing runs until `fire()` is called. */
export interface ManualEvery {
  /** The scheduler to inject. */
  readonly every: Every;
  /** Runs, once, every live callback registered with this interval (every callback when omitted), in registration order. */
  fire(intervalMs?: number): void;
  /** How many callbacks are registered and not cancelled. */
  readonly active: number;
}

/** A hand-driven {@link Every} for deterministic tests. */
export function manualEvery(): ManualEvery {
  const entries = new Set<{ intervalMs: number; callback: () => void }>();
  return {
    every(intervalMs, callback) {
      const entry = { intervalMs, callback };
      entries.add(entry);
      return () => {
        entries.delete(entry);
      };
    },
    fire(intervalMs) {
      for (const entry of [...entries]) {
        if (entries.has(entry) && (intervalMs === undefined || entry.intervalMs === intervalMs))
          entry.callback();
      }
    },
    get active() {
      return entries.size;
    },
  };
}
