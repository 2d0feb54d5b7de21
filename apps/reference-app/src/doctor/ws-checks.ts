import type { AuthStrategy } from '@kit/auth';
import { type ErrorCode, isKitError, KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import { createWsClient, type WebSocketConstructor, type WsStateChange } from '@kit/ws-client';
import { formatMs } from '../io/table';
import { problemFromError, problemOf } from './check-result';
import type { ResolvedAddress } from './net-probes';
import type { CheckOutcome } from './network-checks';
import { createPinnedWebSocket } from './pinned-transports';

/** Options for {@link runWsChecks}. */
export interface WsChecksOptions {
  readonly wsUrl: string;
  readonly address: ResolvedAddress;
  readonly ca: string[] | undefined;
  readonly auth: AuthStrategy;
  readonly timeoutMs: number;
  readonly symbol: string;
  readonly logger: Logger;
  /** Longest wait for the first heartbeat and the first data message. @default max(timeoutMs, 3_000) */
  readonly messageTimeoutMs?: number;
}

/** The four WebSocket checks; a phase after the first failure is absent (the runner shows it skipped). */
export interface WsCheckOutcomes {
  readonly handshake: CheckOutcome;
  readonly login?: CheckOutcome;
  readonly heartbeat?: CheckOutcome;
  readonly subscription?: CheckOutcome;
}

type Phase = 'handshake' | 'login';

const HINTS: Partial<Record<ErrorCode, string>> = {
  'timeout.handshake':
    'The server did not complete the WebSocket upgrade in time: check the stream URL (--ws-url) and that no proxy strips Upgrade headers.',
  'timeout.auth_ack':
    'The connection opened but the server sent nothing back (no answer to the login): a proxy may be buffering the stream, or the server is stuck. Check the stream URL and any proxy or load balancer in between.',
  'protocol.ws_auth_rejected':
    'The server rejected the WebSocket login although REST calls with the same credentials work: check that the key is enabled for streaming and that the login is signed like REST (GET /v1/stream).',
};

/**
 * One @kit/ws-client session, watched phase by phase: the upgrade (connecting -> authenticating),
 * the signed login (-> live), the server's first heartbeat, and the first data message of a
 * subscription. The client's first backoff or failure ends the session: the doctor reports what
 * the first attempt met instead of reconnecting.
 */
export async function runWsChecks(options: WsChecksOptions): Promise<WsCheckOutcomes> {
  const messageTimeoutMs = options.messageTimeoutMs ?? Math.max(options.timeoutMs, 3_000);
  const WebSocketImpl = createPinnedWebSocket(options.address, options.ca) as unknown as WebSocketConstructor;
  const ws = createWsClient({
    url: options.wsUrl,
    auth: options.auth,
    WebSocket: WebSocketImpl,
    logger: options.logger,
    handshakeTimeoutMs: options.timeoutMs,
    authTimeoutMs: options.timeoutMs,
    subscribeTimeoutMs: options.timeoutMs,
    idleTimeoutMs: 0,
  });
  const started = performance.now();
  let openedAt: number | undefined;
  let heartbeatAt: number | undefined;
  let onHeartbeat: (() => void) | undefined;
  let onDown: ((change: WsStateChange) => void) | undefined;
  let settleFirst:
    | ((value: { live: true } | { live: false; phase: Phase; change: WsStateChange }) => void)
    | undefined;
  const first = new Promise<{ live: true } | { live: false; phase: Phase; change: WsStateChange }>(
    (resolve) => {
      settleFirst = resolve;
    },
  );
  ws.on('state', (change) => {
    if (
      change.from === 'connecting' &&
      change.to !== 'backoff' &&
      change.to !== 'failed' &&
      change.to !== 'closed'
    ) {
      openedAt = performance.now();
    }
    if (change.to === 'live') settleFirst?.({ live: true });
    if (change.to === 'backoff' || change.to === 'failed') {
      settleFirst?.({ live: false, phase: change.from === 'connecting' ? 'handshake' : 'login', change });
      onDown?.(change);
    }
  });
  ws.on('message', (message) => {
    if ((message as { op?: unknown })?.op === 'heartbeat' && heartbeatAt === undefined) {
      heartbeatAt = performance.now();
      onHeartbeat?.();
    }
  });
  try {
    ws.connect();
    const outcome = await first;
    if (!outcome.live) {
      const error =
        outcome.change.error ?? new KitError('protocol.ws_closed', { message: outcome.change.reason });
      const problem = problemFromError(error, HINTS[error.code]);
      const failed: CheckOutcome = {
        status: 'fail',
        summary: `${outcome.change.reason} (${error.code})`,
        problem,
      };
      if (outcome.phase === 'handshake') return { handshake: failed };
      return { handshake: handshakePass(openedAt, started), login: failed };
    }
    const liveAt = performance.now();
    const handshake = handshakePass(openedAt, started);
    const loginMs = liveAt - (openedAt ?? started);
    const login: CheckOutcome = {
      status: 'pass',
      summary: `login acknowledged in ${formatMs(loginMs)}`,
      timings: { loginMs },
    };

    const heartbeatWait = await waitFor<number>(messageTimeoutMs, (resolve, fail) => {
      if (heartbeatAt !== undefined) resolve(heartbeatAt);
      onHeartbeat = () => resolve(heartbeatAt as number);
      onDown = (change) => fail(change);
    });
    onHeartbeat = undefined;
    if (heartbeatWait.kind !== 'ok') {
      return { handshake, login, heartbeat: silence('heartbeat', heartbeatWait, messageTimeoutMs) };
    }
    const heartbeatMs = Math.max(0, heartbeatWait.value - liveAt);
    const heartbeat: CheckOutcome = {
      status: 'pass',
      summary:
        heartbeatMs === 0 ? 'received before the login was acknowledged' : `after ${formatMs(heartbeatMs)}`,
      timings: { heartbeatMs },
    };

    const channel = `quotes:${options.symbol}`;
    const subscribedAt = performance.now();
    const dataWait = await waitFor<number>(messageTimeoutMs, (resolve, fail) => {
      ws.subscribe(channel, {
        onMessage: () => resolve(performance.now()),
        onError: (error) => fail(error),
      });
      onDown = (change) => fail(change);
    });
    if (dataWait.kind !== 'ok') {
      return { handshake, login, heartbeat, subscription: silence(channel, dataWait, messageTimeoutMs) };
    }
    const firstMessageMs = dataWait.value - subscribedAt;
    return {
      handshake,
      login,
      heartbeat,
      subscription: {
        status: 'pass',
        summary: `${channel} first message after ${formatMs(firstMessageMs)}`,
        timings: { firstMessageMs },
      },
    };
  } finally {
    onDown = undefined;
    await ws.close();
  }
}

function handshakePass(openedAt: number | undefined, started: number): CheckOutcome {
  const handshakeMs = (openedAt ?? performance.now()) - started;
  return { status: 'pass', summary: `upgraded in ${formatMs(handshakeMs)}`, timings: { handshakeMs } };
}

type Wait<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'timeout' }
  | { kind: 'error'; error: KitError }
  | { kind: 'down'; change: WsStateChange };

function waitFor<T>(
  timeoutMs: number,
  start: (resolve: (value: T) => void, fail: (reason: KitError | WsStateChange) => void) => void,
): Promise<Wait<T>> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (wait: Wait<T>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(wait);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    start(
      (value) => finish({ kind: 'ok', value }),
      (reason) =>
        finish(
          isKitError(reason)
            ? { kind: 'error', error: reason }
            : { kind: 'down', change: reason as WsStateChange },
        ),
    );
  });
}

function silence(what: string, wait: Wait<number>, timeoutMs: number): CheckOutcome {
  if (wait.kind === 'error') {
    const hint =
      wait.error.code === 'protocol.subscribe_rejected'
        ? `The server refused the subscription to ${what}: check the symbol (--config "symbol", KIT_SYMBOL) and the channel name.`
        : undefined;
    return {
      status: 'fail',
      summary: `${what}: ${wait.error.code}`,
      problem: problemFromError(wait.error, hint),
    };
  }
  if (wait.kind === 'down') {
    const error = wait.change.error ?? new KitError('protocol.ws_closed', { message: wait.change.reason });
    return {
      status: 'fail',
      summary: `connection lost waiting for ${what}`,
      problem: problemFromError(error),
    };
  }
  const code: ErrorCode = what === 'heartbeat' ? 'timeout.heartbeat' : 'timeout.idle';
  return {
    status: 'fail',
    summary: `no ${what === 'heartbeat' ? 'heartbeat' : `message on ${what}`} within ${formatMs(timeoutMs)}`,
    problem: problemOf(
      code,
      `Nothing arrived within ${timeoutMs} ms`,
      what === 'heartbeat'
        ? 'The connection is open but silent: the server (or a proxy) is not forwarding frames. Check proxies with buffering or short idle timeouts between you and the server.'
        : 'The subscription was acknowledged but no data followed: the market may be closed for this symbol, or a proxy is buffering frames.',
    ),
  };
}
