import { KitError } from '@kit/errors';
import type { AuthClock } from '../src/auth-clock';

interface Timer {
  at: number;
  ms: number;
  resolve: () => void;
}

/**
 * A clock that moves only when the test says so. `sleep()` registers a timer that fires on
 * `advance()`; `nextSleep()` resolves when code under test starts a matching sleep, so tests wait
 * for events instead of real time.
 */
export class ManualClock implements AuthClock {
  #now: number;
  readonly #timers = new Set<Timer>();
  readonly #waiters: Array<{ match: (ms: number) => boolean; resolve: (ms: number) => void }> = [];
  /** Every sleep duration requested, in order. */
  readonly sleeps: number[] = [];

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new KitError('cancelled.aborted'));
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        at: this.#now + ms,
        ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#timers.delete(timer);
        reject(new KitError('cancelled.aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.add(timer);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(ms)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(ms);
        }
      }
    });
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    this.#now += ms;
    const due = [...this.#timers].filter((t) => t.at <= this.#now).sort((a, b) => a.at - b.at);
    for (const timer of due) {
      this.#timers.delete(timer);
      timer.resolve();
    }
  }

  /** Sets the time (may go backwards; timers are not fired by a step back). */
  set(now: number): void {
    this.#now = now;
  }

  /** Durations of the sleeps still pending. */
  pending(): number[] {
    return [...this.#timers].map((t) => t.ms);
  }

  /** Resolves with the duration of the next sleep matching `match` (or one already pending). */
  nextSleep(match: (ms: number) => boolean = () => true): Promise<number> {
    const already = [...this.#timers].find((t) => match(t.ms));
    if (already) return Promise.resolve(already.ms);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}
