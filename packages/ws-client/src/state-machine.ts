import type { KitError } from '@kit/errors';

/** The connection states. `closed` and `failed` are terminal. */
export type WsState =
  | 'idle'
  | 'connecting'
  | 'authenticating'
  | 'subscribing'
  | 'live'
  | 'stale'
  | 'backoff'
  | 'closed'
  | 'failed';

/** One transition, emitted as the `state` event. */
export interface WsStateChange {
  /** The state left. */
  readonly from: WsState;
  /** The state entered. */
  readonly to: WsState;
  /** Why, in a few words (`open`, `login acknowledged`, `close 1006`, `idle timeout`, …). */
  readonly reason: string;
  /** The connection attempt number (1-based, counting every attempt since `connect()`). */
  readonly attempt: number;
  /** The close code that caused it, if any. */
  readonly closeCode?: number;
  /** The close reason that caused it, if any. */
  readonly closeReason?: string;
  /**
   * When entering `backoff`: the delay before the next attempt, in milliseconds. After an auth
   * rejection the attempt also waits for the strategy's `onUnauthorized` (up to `authTimeoutMs`),
   * so it can start later than this.
   */
  readonly nextDelayMs?: number;
  /** The classified error behind it, if any (always set on `failed`). */
  readonly error?: KitError;
}

/** Allowed transitions: anything else is a bug, reported and ignored. */
export const WS_TRANSITIONS: Readonly<Record<WsState, readonly WsState[]>> = {
  idle: ['connecting', 'closed'],
  connecting: ['authenticating', 'subscribing', 'live', 'backoff', 'closed', 'failed'],
  authenticating: ['subscribing', 'live', 'backoff', 'closed', 'failed'],
  subscribing: ['live', 'backoff', 'closed', 'failed'],
  live: ['stale', 'backoff', 'closed', 'failed'],
  stale: ['backoff', 'closed', 'failed'],
  backoff: ['connecting', 'closed', 'failed'],
  closed: [],
  failed: [],
};

/** The observable state of one client. @internal */
export class StateMachine {
  #state: WsState = 'idle';
  readonly #onChange: (change: WsStateChange) => void;

  constructor(onChange: (change: WsStateChange) => void) {
    this.#onChange = onChange;
  }

  /** The current state. */
  get state(): WsState {
    return this.#state;
  }

  /** Whether the state is `closed` or `failed`. */
  get terminal(): boolean {
    return this.#state === 'closed' || this.#state === 'failed';
  }

  /** Moves to `to` and emits the change; returns false (and changes nothing) when not allowed. */
  transition(to: WsState, details: Omit<WsStateChange, 'from' | 'to'>): boolean {
    const from = this.#state;
    if (!WS_TRANSITIONS[from].includes(to)) return false;
    this.#state = to;
    this.#onChange({ from, to, ...details });
    return true;
  }
}
