import type { Clock } from '@kit/retry';
import { schedule } from './timers';

/** Settings of one {@link Heartbeat}. @internal */
export interface HeartbeatSettings {
  clock: Clock;
  intervalMs: number;
  timeoutMs: number;
  /**
   * Sends a ping (protocol or application); false when the platform cannot ping at all. A socket
   * that is closing counts as pinged (true): its close must complete within `timeoutMs` too.
   */
  sendPing: () => boolean;
  /** No pong came within `timeoutMs` of a ping. */
  onTimeout: () => void;
  onError: (error: unknown) => void;
}

/**
 * The first heartbeat layer: a ping every `intervalMs`, and `onTimeout` when no pong follows within
 * `timeoutMs`. While suspended (the consumer paused reading, so pongs cannot be read) it neither
 * pings nor times out. @internal
 */
export class Heartbeat {
  readonly #s: HeartbeatSettings;
  #cancelInterval: (() => void) | undefined;
  #cancelTimeout: (() => void) | undefined;
  #suspended = false;
  #stopped = true;

  constructor(settings: HeartbeatSettings) {
    this.#s = settings;
  }

  /** Starts pinging (no-op when the interval is 0). */
  start(): void {
    if (this.#s.intervalMs <= 0) return;
    this.#stopped = false;
    this.#arm();
  }

  /** Stops all timers. */
  stop(): void {
    this.#stopped = true;
    this.#cancelInterval?.();
    this.#cancelTimeout?.();
    this.#cancelInterval = undefined;
    this.#cancelTimeout = undefined;
  }

  /** A pong (protocol or application) arrived. */
  pong(): void {
    this.#cancelTimeout?.();
    this.#cancelTimeout = undefined;
  }

  /** Reading is paused: pongs cannot arrive, so do not count missing ones. */
  suspend(): void {
    this.#suspended = true;
    this.#cancelTimeout?.();
    this.#cancelTimeout = undefined;
  }

  /** Reading resumed. */
  resume(): void {
    this.#suspended = false;
  }

  #arm(): void {
    this.#cancelInterval = schedule(this.#s.clock, this.#s.intervalMs, () => this.#tick(), this.#s.onError);
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#arm();
    if (this.#suspended || this.#cancelTimeout) return;
    if (!this.#s.sendPing()) return;
    this.#cancelTimeout = schedule(
      this.#s.clock,
      this.#s.timeoutMs,
      () => {
        this.#cancelTimeout = undefined;
        if (!this.#stopped && !this.#suspended) this.#s.onTimeout();
      },
      this.#s.onError,
    );
  }
}
