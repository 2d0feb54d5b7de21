import type { Logger } from '@kit/logger';
import type { WsSession } from './session';
import type { Watchdog } from './watchdog';

/** What pausing reads acts on. @internal */
export interface ReadPauseSettings {
  current: () => WsSession | undefined;
  watchdog: Watchdog;
  isLive: () => boolean;
  log: Logger;
}

/**
 * Backpressure from `block` consumers: while any is full, the socket is not read (Node `ws` can
 * pause) and the heartbeat and watchdog stop counting silence, which is then ours, not the
 * server's. Where the socket cannot pause (browsers) the buffer grows instead, with one warning.
 * @internal
 */
export class ReadPause {
  readonly #s: ReadPauseSettings;
  #blockers = 0;
  #paused = false;
  #warned = false;

  constructor(settings: ReadPauseSettings) {
    this.#s = settings;
  }

  /** Whether reading is paused now. */
  get paused(): boolean {
    return this.#paused;
  }

  /** A consumer became full (`true`) or has room again (`false`). */
  pressure(blocked: boolean): void {
    this.#blockers += blocked ? 1 : -1;
    const shouldPause = this.#blockers > 0;
    if (shouldPause === this.#paused) return;
    this.#paused = shouldPause;
    this.apply(shouldPause);
  }

  /** Pauses or resumes the current connection, its heartbeat and the watchdog. */
  apply(pause: boolean): void {
    const session = this.#s.current();
    const connection = session?.connection;
    if (pause) {
      session?.heartbeat.suspend();
      this.#s.watchdog.suspend();
      if (connection?.canPause) connection.pause();
      else if (!this.#warned) {
        this.#warned = true;
        this.#s.log.warn(
          'A `block` consumer is full but this WebSocket cannot pause reading; its buffer grows instead',
        );
      }
    } else {
      connection?.resume();
      session?.heartbeat.resume();
      if (this.#s.isLive()) this.#s.watchdog.resume();
    }
  }
}
