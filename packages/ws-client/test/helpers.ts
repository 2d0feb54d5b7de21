import type { AuthStrategy } from '@kit/auth';
import { KitError } from '@kit/errors';
import type { Clock } from '@kit/retry';
import type { WsClient, WsState, WsStateChange } from '../src/index';

/**
 * A clock driven by the test: `sleep` resolves only when `advance` moves time past it. Timers
 * fire in order, and each firing is followed by a macrotask turn so real loopback I/O triggered by
 * the timer (a ping, a reconnect) can happen before the next one.
 */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  readonly pending: number;
}

export function createManualClock(start = 1_000_000): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fire: () => void }>();
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    get pending() {
      return timers.size;
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(new KitError('cancelled.aborted'));
      return new Promise<void>((resolve, reject) => {
        const id = seq++;
        const onAbort = () => {
          timers.delete(id);
          reject(new KitError('cancelled.aborted'));
        };
        timers.set(id, {
          at: now + Math.max(0, ms),
          fire: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async advance(ms) {
      const target = now + ms;
      for (let guard = 0; guard < 100_000; guard++) {
        await turn();
        let nextId: number | undefined;
        let nextAt = Number.POSITIVE_INFINITY;
        for (const [id, timer] of timers) {
          if (timer.at < nextAt) {
            nextAt = timer.at;
            nextId = id;
          }
        }
        if (nextId === undefined || nextAt > target) break;
        now = Math.max(now, nextAt);
        const timer = timers.get(nextId);
        timers.delete(nextId);
        timer?.fire();
      }
      now = target;
      await turn();
    },
  };
}

/** Records every state the client passes through. */
export function recordStates(ws: WsClient): { states: WsState[]; changes: WsStateChange[] } {
  const changes: WsStateChange[] = [];
  const states: WsState[] = [];
  ws.on('state', (change) => {
    changes.push(change);
    states.push(change.to);
  });
  return { states, changes };
}

/** Resolves at the next transition into `state` (or at once if already there). */
export function waitForState(ws: WsClient, state: WsState): Promise<WsStateChange | undefined> {
  if (ws.state === state) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const off = ws.on('state', (change) => {
      if (change.to === state) {
        off();
        resolve(change);
      }
    });
  });
}

/** Resolves at the next transition into `state`, even when the client is in it now. */
export function nextState(ws: WsClient, state: WsState): Promise<WsStateChange> {
  return new Promise((resolve) => {
    const off = ws.on('state', (change) => {
      if (change.to === state) {
        off();
        resolve(change);
      }
    });
  });
}

/** A test strategy that puts a key and a fresh counter in the headers, counting its calls. */
export function countingAuth(): AuthStrategy & { calls: number; unauthorized: number } {
  const strategy = {
    name: 'test',
    calls: 0,
    unauthorized: 0,
    async authenticate(request: Parameters<AuthStrategy['authenticate']>[0]) {
      strategy.calls++;
      return {
        ...request,
        headers: { ...request.headers, 'x-api-key': 'test-key-123', 'x-n': String(strategy.calls) },
      };
    },
    async onUnauthorized() {
      strategy.unauthorized++;
      return true;
    },
  };
  return strategy;
}
