import type { AuthStrategy } from '@kit/auth';
import type { WsClient, WsState, WsStateChange } from '../src/index';

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
