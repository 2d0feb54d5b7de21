import type { WsCloseAction } from '@kit/errors';
import type { ReconnectOptions } from './options';
import { reconnectDelayMs } from './reconnect-policy';
import type { WsState } from './state-machine';

/** A connection that ended, and the client's counters before it did. @internal */
export interface DisconnectFacts {
  /** What the close classification (or the client's own detector) says to do. */
  action: WsCloseAction;
  /** Why, in a few words (`close 1006`, `heartbeat timeout`, an error code). */
  reason: string;
  /** The server's Retry-After, when the upgrade answer had one: a floor on the delay. */
  retryAfterMs: number | undefined;
  /** The client's state when the connection ended. */
  state: WsState;
  /** How long the connection had been live, or `undefined` when it never went live. */
  liveForMs: number | undefined;
  /** Consecutive attempts that did not reach a stable session. */
  failures: number;
  /** Auth rejections since the last successful login or stable session. */
  authRejections: number;
}

/** What to do after a connection ended. @internal */
export type ReconnectDecision =
  /** The client is closed or failed already: nothing to do. */
  | { readonly kind: 'stop' }
  /** Give up: the client fails with the close's error; `reason` goes on the transition. */
  | { readonly kind: 'fail'; readonly reason: string }
  | {
      readonly kind: 'reconnect';
      readonly delayMs: number;
      /** Ask the auth strategy to refresh its credentials before the next attempt. */
      readonly reauthenticate: boolean;
      /** This failure is the `degradedAfterFailures`-th in a row: emit `degraded`. */
      readonly degraded: boolean;
      /** The counters to carry into the next decision. */
      readonly failures: number;
      readonly authRejections: number;
    };

/**
 * Decides what follows a lost connection, from facts alone (no sockets, no timers, no state of its
 * own): a terminal client stops; `fail` fails; an auth rejection re-authenticates once and fails the
 * second time in a row; anything else reconnects after {@link reconnectDelayMs} (never sooner than
 * Retry-After). A session live for `stableAfterMs` restarts both counters, so its loss gets the
 * fast retry. The only input it draws from is `random`, once, when it reconnects. @internal
 */
export function decideReconnect(
  facts: DisconnectFacts,
  options: Required<ReconnectOptions>,
  random: () => number,
): ReconnectDecision {
  const { state, liveForMs } = facts;
  if (state === 'closed' || state === 'failed') return { kind: 'stop' };
  const stable =
    (state === 'live' || state === 'stale') && liveForMs !== undefined && liveForMs >= options.stableAfterMs;
  if (facts.action === 'fail') return { kind: 'fail', reason: facts.reason };
  let authRejections = stable ? 0 : facts.authRejections;
  const reauthenticate = facts.action === 'reauthenticate_once';
  if (reauthenticate) {
    authRejections++;
    if (authRejections > 1)
      return { kind: 'fail', reason: `${facts.reason} (re-authentication rejected too)` };
  }
  const before = stable ? 0 : facts.failures;
  // A 429/503 upgrade answer's Retry-After is a floor: coming back sooner is refused again.
  const delayMs = Math.max(
    reconnectDelayMs(facts.action, before, stable, options, random),
    facts.retryAfterMs ?? 0,
  );
  const failures = before + 1;
  return {
    kind: 'reconnect',
    delayMs,
    reauthenticate,
    degraded: failures === options.degradedAfterFailures,
    failures,
    authRejections,
  };
}
