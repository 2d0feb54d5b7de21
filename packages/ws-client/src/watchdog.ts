import type { Clock } from '@kit/retry';
import { schedule } from './timers';

/** Settings of one {@link Watchdog}. @internal */
export interface WatchdogSettings {
  clock: Clock;
  /** The connection-wide idle timeout, in milliseconds; 0 disables it (per-stream ones still apply). */
  timeoutMs: number;
  /** `key` (`''` for the connection, else a stream) saw no data for its timeout. */
  onIdle: (key: string, idleMs: number) => void;
  onError: (error: unknown) => void;
}

/**
 * The second heartbeat layer: no inbound data for a timeout (the connection's, or a stream's own
 * where the venue sends heartbeats on it) calls `onIdle`. `touch()` only stores a timestamp, so the
 * hot path never touches a timer; one timer wakes at the earliest deadline. @internal
 */
export class Watchdog {
  readonly #s: WatchdogSettings;
  readonly #last = new Map<string, number>();
  readonly #timeouts = new Map<string, number>();
  #cancel: (() => void) | undefined;
  #running = false;
  #suspended = false;
  #lastAny = 0;

  constructor(settings: WatchdogSettings) {
    this.#s = settings;
    if (settings.timeoutMs > 0) this.#timeouts.set('', settings.timeoutMs);
  }

  /** Gives `key` its own idle timeout (per stream); 0 removes it. */
  watch(key: string, timeoutMs: number): void {
    if (timeoutMs > 0) {
      this.#timeouts.set(key, timeoutMs);
      this.#last.set(key, this.#s.clock.now());
    } else this.#timeouts.delete(key);
    if (this.#running) this.#rearm();
  }

  /** Forgets `key`. */
  unwatch(key: string): void {
    this.#timeouts.delete(key);
    this.#last.delete(key);
  }

  /** Data arrived on `key` (and so on the connection). */
  touch(key: string, now: number): void {
    this.#lastAny = now;
    if (key !== '' && this.#timeouts.has(key)) this.#last.set(key, now);
  }

  /** Starts watching from now. */
  start(): void {
    const now = this.#s.clock.now();
    for (const key of this.#timeouts.keys()) this.#last.set(key, now);
    this.#lastAny = now;
    this.#running = true;
    this.#rearm();
  }

  /** Stops the timer. */
  stop(): void {
    this.#running = false;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  /** Reading is paused by a consumer: silence is ours, not the server's. */
  suspend(): void {
    this.#suspended = true;
  }

  /** Reading resumed: deadlines restart from now. */
  resume(): void {
    this.#suspended = false;
    if (this.#running) this.start();
  }

  #lastOf(key: string, now: number): number {
    return key === '' ? this.#lastAny : (this.#last.get(key) ?? now);
  }

  #rearm(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    if (!this.#running || this.#timeouts.size === 0) return;
    let wait = Number.POSITIVE_INFINITY;
    const now = this.#s.clock.now();
    for (const [key, timeout] of this.#timeouts) {
      wait = Math.min(wait, this.#lastOf(key, now) + timeout - now);
    }
    this.#cancel = schedule(this.#s.clock, Math.max(0, wait), () => this.#check(), this.#s.onError);
  }

  #check(): void {
    this.#cancel = undefined;
    // While suspended nothing is re-armed: resume() restarts the deadlines from then.
    if (!this.#running || this.#suspended) return;
    const now = this.#s.clock.now();
    for (const [key, timeout] of this.#timeouts) {
      const idle = now - this.#lastOf(key, now);
      if (idle >= timeout) {
        this.#s.onIdle(key, idle);
        return;
      }
    }
    this.#rearm();
  }
}
