import { classifyError, isKitError, KitError, type WsCloseAction } from '@kit/errors';
import { askStrategy, awaitRefresh } from './auth-refresh';
import { classifySocketClose } from './close-classification';
import type { InboundRouter } from './inbound-router';
import { login } from './login';
import { notConnectedError, type Outbound } from './outbound';
import type { ReadPause } from './read-pause';
import type { ReadyWaiters } from './ready-waiters';
import { decideReconnect } from './reconnect-decision';
import type { RequestManager } from './request-manager';
import type { ResolvedWsClientOptions } from './resolve-options';
import { type SessionEvents, type SessionSettings, WsSession } from './session';
import type { StateMachine } from './state-machine';
import type { StreamState } from './stream-state';
import type { SubscriptionRegistry } from './subscription-registry';
import type { SubscriptionFlow } from './subscriptions';
import { schedule } from './timers';
import type { Watchdog } from './watchdog';
import type { WsDegradedEvent } from './ws-client-types';

/** The parts of the client the lifecycle drives. @internal */
export interface LifecycleSettings {
  options: ResolvedWsClientOptions;
  encode: (message: unknown) => string;
  machine: StateMachine;
  registry: SubscriptionRegistry<StreamState>;
  subscriptions: SubscriptionFlow;
  router: InboundRouter;
  requests: RequestManager;
  outbound: Outbound;
  watchdog: Watchdog;
  pause: ReadPause;
  ready: ReadyWaiters;
  degraded: (event: WsDegradedEvent) => void;
  emitError: (error: KitError) => void;
  reportInternal: (error: unknown) => void;
}

/**
 * One connection after another: an attempt opens a {@link WsSession}, which logs in, resubscribes
 * and goes live; when it is lost, {@link decideReconnect} says whether to back off and try again
 * (asking the auth strategy to refresh first, after an auth rejection) or to fail; `close()` ends
 * it for good. The session in hand is the only connection there is: the lifecycle replaces it,
 * never reads events from an older one. @internal
 */
export class ConnectionLifecycle {
  readonly #s: LifecycleSettings;
  readonly #sessionSettings: SessionSettings;
  readonly #events: SessionEvents;
  #session: WsSession | undefined;
  #attempt = 0;
  #liveAt: number | undefined;
  #failures = 0;
  #authRejections = 0;
  #backoffCancel: (() => void) | undefined;
  #terminalError: KitError | undefined;

  constructor(settings: LifecycleSettings) {
    this.#s = settings;
    const { options: o, machine, router, pause } = settings;
    const { protocol } = o;
    this.#sessionSettings = {
      WebSocket: o.WebSocket,
      url: o.url,
      perMessageDeflate: o.perMessageDeflate,
      maxPayloadBytes: o.maxPayloadBytes,
      handshakeTimeoutMs: o.handshakeTimeoutMs,
      pingIntervalMs: o.pingIntervalMs,
      pongTimeoutMs: o.pongTimeoutMs,
      applicationPing: protocol.pingMessage && protocol.isPong ? () => protocol.pingMessage?.() : undefined,
      clock: o.clock,
      outbox: {
        encode: settings.encode,
        highWaterMarkBytes: o.sendHighWaterMarkBytes,
        drainPollMs: o.sendDrainPollMs,
        subscribeRateLimit: o.subscribeRateLimit,
        notConnected: () => notConnectedError(machine.state),
      },
      onError: settings.reportInternal,
    };
    this.#events = {
      open: (s) => {
        if (pause.paused) pause.apply(true);
        s.heartbeat.start();
        void this.#run(s);
      },
      inbound: router,
      close: (s, code, reason, lastError) => {
        const closed = classifySocketClose({ code, reason, opened: s.opened, lastError }, o);
        this.#disconnect(s, closed.error, closed.action, `close ${closed.code}`, closed.code, reason);
      },
      lost: (s, error, reason) => this.lose(s, error, reason),
    };
  }

  /** The connection now, if there is one. */
  get session(): WsSession | undefined {
    return this.#session;
  }

  /** The attempt number (1-based, counting every attempt since `connect()`). */
  get attempt(): number {
    return this.#attempt;
  }

  /** Why the client stopped for good, once it has. */
  get terminalError(): KitError | undefined {
    return this.#terminalError;
  }

  /** Starts the first attempt. */
  connect(): void {
    this.#startAttempt();
  }

  /** The resubscription of a new connection starts. */
  subscribing(reason: string): void {
    this.#s.machine.transition('subscribing', { reason, attempt: this.#attempt });
  }

  /** The watchdog saw no data on `key` (`''`: the connection) for `idleMs`: stale, then reconnect. */
  idle(key: string, idleMs: number): void {
    const scope = key === '' ? 'the connection' : `stream "${key}"`;
    const error = new KitError('timeout.idle', { message: `No data on ${scope} for ${idleMs} ms` });
    const s = this.#session;
    if (this.#s.machine.transition('stale', { reason: 'idle timeout', attempt: this.#attempt, error }) && s)
      this.lose(s, error, 'idle timeout');
  }

  /** Subscriptions on `s` settled: live, once every registered channel is acknowledged. */
  settled(s: WsSession, reason: string): void {
    const { machine, registry, options, watchdog, pause } = this.#s;
    if (!s.active || machine.state === 'live' || machine.terminal) return;
    const state = machine.state;
    if (state !== 'subscribing' && state !== 'authenticating' && state !== 'connecting') return;
    for (const entry of registry.entries()) if (!entry.acked) return;
    if (!machine.transition('live', { reason, attempt: this.#attempt })) return;
    this.#liveAt = options.clock.now();
    watchdog.start();
    if (pause.paused) watchdog.suspend();
    this.#s.outbound.flush();
    this.#s.ready.resolveAll();
  }

  /** The client's own detectors gave up on `s` (no data, no pong, no ack, no handshake): reconnect. */
  lose(s: WsSession, error: KitError, reason: string): void {
    s.connection.terminate();
    this.#disconnect(s, error, 'reconnect', reason);
  }

  /** Closes for good: the connection gracefully (bounded by `closeTimeoutMs`), every waiter ends. */
  async close(): Promise<void> {
    const { machine, options, reportInternal } = this.#s;
    if (machine.terminal) return;
    const s = this.#session;
    if (s) this.#teardown(s, s.opened);
    machine.transition('closed', { reason: 'closed by client', attempt: this.#attempt });
    this.#finish(undefined);
    if (s?.opened) {
      const cancel = schedule(
        options.clock,
        options.closeTimeoutMs,
        () => s.connection.terminate(),
        reportInternal,
      );
      await s.connection.closed;
      cancel();
    }
  }

  #startAttempt(): void {
    const { machine } = this.#s;
    this.#backoffCancel = undefined;
    if (machine.terminal) return;
    this.#attempt++;
    const attempt = this.#attempt;
    machine.transition('connecting', { reason: attempt === 1 ? 'connect' : 'reconnect', attempt });
    try {
      this.#session = new WsSession(this.#sessionSettings, this.#events);
    } catch (error) {
      this.#fail(
        isKitError(error)
          ? error
          : new KitError('config.invalid', { message: 'The WebSocket URL is invalid', cause: error }),
      );
    }
  }

  /** Open: log in, resubscribe, go live; a failure on the way ends the session like a close. */
  async #run(s: WsSession): Promise<void> {
    const { options: o, machine } = this.#s;
    try {
      if (o.auth && o.protocol.login) {
        machine.transition('authenticating', { reason: 'open', attempt: this.#attempt });
        await login(s, { auth: o.auth, build: o.protocol.login, url: o.url, authTimeoutMs: o.authTimeoutMs });
      }
      if (!s.active) return;
      this.#authRejections = 0;
      await this.#s.subscriptions.subscribe(s, this.#s.registry.entries(), true);
      if (!s.active) return;
      this.settled(s, 'subscriptions acknowledged');
    } catch (error) {
      if (!s.active) return;
      const kit = isKitError(error) ? error : classifyError(error);
      const action: WsCloseAction =
        kit.code === 'protocol.ws_auth_rejected'
          ? 'reauthenticate_once'
          : kit.retryable
            ? 'reconnect'
            : 'fail';
      s.connection.terminate();
      this.#disconnect(s, kit, action, kit.code);
    }
  }

  #teardown(s: WsSession, graceful: boolean): void {
    this.#s.watchdog.stop();
    s.end(graceful, this.#s.pause.paused);
    this.#s.registry.resetAcks();
    this.#session = undefined;
  }

  #disconnect(
    s: WsSession,
    error: KitError,
    action: WsCloseAction,
    reason: string,
    closeCode?: number,
    closeReason?: string,
  ): void {
    const { options: o, machine } = this.#s;
    if (!s.active) return;
    const liveAt = this.#liveAt;
    const decision = decideReconnect(
      {
        action,
        reason,
        retryAfterMs: error.retryAfterMs,
        state: machine.state,
        liveForMs: liveAt === undefined ? undefined : o.clock.now() - liveAt,
        failures: this.#failures,
        authRejections: this.#authRejections,
      },
      o.reconnect,
      o.random,
    );
    if (decision.kind === 'stop') return;
    this.#liveAt = undefined;
    this.#teardown(s, false);
    this.#s.requests.rejectAll(
      new KitError('network.connection_lost', {
        message: 'The connection was lost before the reply arrived; the request may have been executed',
        outcome: 'unknown',
        cause: error,
        closeCode,
      }),
    );
    if (decision.kind === 'fail') {
      this.#fail(error, decision.reason, closeCode, closeReason);
      return;
    }
    this.#failures = decision.failures;
    this.#authRejections = decision.authRejections;
    const refresh = decision.reauthenticate ? askStrategy(o.auth, error, s.signed) : undefined;
    if (decision.degraded) this.#s.degraded({ failures: decision.failures, error });
    const nextDelayMs = decision.delayMs;
    const attempt = this.#attempt;
    machine.transition('backoff', { attempt, error, closeCode, closeReason, reason, nextDelayMs });
    const start = () => this.#startAttempt();
    if (!refresh) {
      this.#backoffCancel = schedule(o.clock, nextDelayMs, start, this.#s.reportInternal);
      return;
    }
    this.#backoffCancel = awaitRefresh(refresh, {
      clock: o.clock,
      delayMs: nextDelayMs,
      authTimeoutMs: o.authTimeoutMs,
      start,
      refuse: () => {
        this.#backoffCancel = undefined;
        this.#fail(error, `${reason} (the auth strategy says retrying is pointless)`, closeCode, closeReason);
      },
      emitError: this.#s.emitError,
      reportInternal: this.#s.reportInternal,
    });
  }

  #fail(error: KitError, reason: string = error.code, closeCode?: number, closeReason?: string): void {
    const s = this.#session;
    if (s) this.#teardown(s, false);
    const change = { reason, attempt: this.#attempt, error, closeCode, closeReason };
    if (!this.#s.machine.transition('failed', change)) return;
    this.#finish(error);
  }

  /** The client stopped for good (`error`: failed; none: closed): everything waiting on it ends. */
  #finish(error: KitError | undefined): void {
    this.#backoffCancel?.();
    this.#backoffCancel = undefined;
    const terminal =
      error ?? new KitError('cancelled.aborted', { message: 'The WebSocket client was closed' });
    this.#terminalError = terminal;
    this.#s.requests.rejectAll(
      new KitError(error ? 'network.connection_lost' : 'cancelled.aborted', {
        message: 'The WebSocket client stopped before the reply arrived; the request may have been executed',
        outcome: 'unknown',
        cause: error,
      }),
    );
    this.#s.outbound.rejectQueued(
      new KitError('protocol.not_connected', {
        message: 'The WebSocket client stopped',
        outcome: 'not_sent',
        cause: error,
      }),
    );
    for (const entry of this.#s.registry.entries())
      this.#s.subscriptions.remove(entry.subscription.channel, error);
    this.#s.ready.rejectAll(terminal);
  }
}
