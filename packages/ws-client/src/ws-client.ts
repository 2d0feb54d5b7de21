import { assertSecureTransport } from '@kit/auth';
import { classifyError, type KitError } from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { noopLogger } from '@kit/logger';
import { ConnectionLifecycle } from './connection-lifecycle';
import { TypedEmitter } from './event-emitter';
import { decodeDefault, redactedUrl } from './frame-helpers';
import { InboundRouter } from './inbound-router';
import type { WsClientOptions } from './options';
import { notConnectedError, Outbound } from './outbound';
import { OutboundQueue } from './outbound-queue';
import { ReadPause } from './read-pause';
import { ReadyWaiters } from './ready-waiters';
import { RequestManager } from './request-manager';
import { resolveWsClientOptions } from './resolve-options';
import type { SequenceStats } from './sequenced-stream';
import { sessionLogger } from './session-logger';
import { StateMachine, type WsStateChange } from './state-machine';
import type { StreamState } from './stream-state';
import { SubscriptionRegistry } from './subscription-registry';
import { SubscriptionFlow } from './subscriptions';
import { Watchdog } from './watchdog';
import type { WsClient, WsClientEvents, WsRequestOptions } from './ws-client-types';
import { Consumer, type WsStream, type WsSubscribeOptions } from './ws-stream';
import { createWsTelemetry } from './ws-telemetry';

const RESOLVED = Promise.resolve();

/**
 * Creates a reliable WebSocket client: states, heartbeat and data watchdog, reconnect with full
 * jitter, login through an `AuthStrategy` and resubscription on every connect, sequencing with
 * resync, bounded consumer buffers and outbound backpressure.
 *
 * @example
 * ```ts
 * const ws = createWsClient({ url: 'wss://stream.example.com/v1', auth: bearerAuth({ token }) });
 * ws.connect();
 * for await (const quote of ws.subscribe('quotes:BTC-USD', { schema: Quote, signal })) render(quote);
 * ```
 */
export function createWsClient(options: WsClientOptions): WsClient {
  const o = resolveWsClientOptions(options);
  const { clock, protocol } = o;
  const registry = new SubscriptionRegistry<StreamState>();
  const queue = o.outboundQueue ? new OutboundQueue(o.outboundQueue, () => clock.now()) : undefined;
  // OpenTelemetry, looked up once: undefined when nothing is registered (then it costs nothing).
  const telemetry = createWsTelemetry(options, {
    url: o.url,
    clock,
    currentStream: (channel) => registry.get(channel)?.state,
    queueSize: () => queue?.size,
  });
  const log = sessionLogger(
    (o.logger ?? noopLogger).child({ component: 'ws-client', url: redactedUrl(o.url) }),
    telemetry?.inSession,
  );
  const encode = protocol.encode ?? JSON.stringify;
  const reportInternal = (error: unknown) => emitError(classifyError(error));
  const emitError = (error: KitError): void => {
    log.warn(error.message, { code: error.code });
    emitter.emit('error', error);
  };
  const onListenerError = (error: unknown) =>
    log.error('A ws-client event listener threw', { error: classifyError(error).toJSON() });
  const emitter = new TypedEmitter<WsClientEvents>(onListenerError);
  const machine = new StateMachine((change) => {
    // The telemetry first: a new session's span then exists for its `connecting` line.
    if (telemetry !== undefined) {
      try {
        telemetry.onState(change);
      } catch (error) {
        onListenerError(error);
      }
    }
    logStateChange(change);
    emitter.emit('state', change);
  });
  const requests = new RequestManager(clock, reportInternal);
  const ready = new ReadyWaiters();
  if (telemetry !== undefined) {
    emitter.on('gap', telemetry.onGap);
    emitter.on('resynced', telemetry.onResynced);
  }

  const watchdog = new Watchdog({
    clock,
    timeoutMs: o.idleTimeoutMs,
    onError: reportInternal,
    onIdle: (key, idleMs) => lifecycle.idle(key, idleMs),
  });
  const pause = new ReadPause({
    current: () => lifecycle.session,
    watchdog,
    isLive: () => machine.state === 'live',
    log,
  });
  const outbound = new Outbound({
    encode,
    queue,
    current: () => lifecycle.session?.outbox,
    state: () => machine.state,
    terminal: () => machine.terminal,
  });
  const subscriptions: SubscriptionFlow = new SubscriptionFlow({
    protocol,
    registry,
    watchdog,
    subscribeBatchSize: o.subscribeBatchSize,
    subscribeTimeoutMs: o.subscribeTimeoutMs,
    stream: {
      clock,
      resyncBufferSize: o.resyncBufferSize,
      resyncRetryDelayMs: o.resyncRetryDelayMs,
      resyncTimeoutMs: o.resyncTimeoutMs,
      onGap: (event) => {
        log.warn('WebSocket sequence gap', {
          stream: event.stream,
          expected: event.expected,
          received: event.received,
        });
        emitter.emit('gap', event);
      },
      onResynced: (event) => {
        log.info('WebSocket stream resynced', { ...event });
        emitter.emit('resynced', event);
      },
      onError: emitError,
    },
    telemetry,
    emitError,
    reportInternal,
    lifecycle: {
      state: () => machine.state,
      current: () => lifecycle.session,
      subscribing: (reason) => lifecycle.subscribing(reason),
      settled: (s, reason) => lifecycle.settled(s, reason),
      lost: (s, error, reason) => lifecycle.lose(s, error, reason),
      removed: (entry) => router.forget(entry),
    },
  });
  const router = new InboundRouter({
    protocol,
    decode: protocol.decode ?? decodeDefault,
    clock,
    watchdog,
    registry,
    requests,
    subscriptions,
    unclaimed: (message) => emitter.emit('message', message),
    emitError,
  });
  const lifecycle: ConnectionLifecycle = new ConnectionLifecycle({
    options: o,
    encode,
    machine,
    registry,
    subscriptions,
    router,
    requests,
    outbound,
    watchdog,
    pause,
    ready,
    degraded: (event) => emitter.emit('degraded', event),
    emitError,
    reportInternal,
  });

  function logStateChange(change: WsStateChange): void {
    const fields: Record<string, unknown> = {
      from: change.from,
      to: change.to,
      reason: change.reason,
      attempt: change.attempt,
    };
    if (change.closeCode !== undefined) fields.closeCode = change.closeCode;
    if (change.nextDelayMs !== undefined) fields.nextDelayMs = change.nextDelayMs;
    if (change.error) fields.code = change.error.code;
    if (change.to === 'failed') log.error('WebSocket failed', fields);
    else if (change.to === 'backoff' || change.to === 'stale') log.warn(`WebSocket ${change.to}`, fields);
    else log.info(`WebSocket ${change.to}`, fields);
  }

  // --- public API -----------------------------------------------------------------------------

  const consumerHooks = {
    onPressure: (blocked: boolean) => pause.pressure(blocked),
    onDone: (consumer: Consumer<never>) => subscriptions.consumerDone(consumer),
    onCallbackError: (error: unknown) => emitError(classifyError(error)),
  };

  return {
    get state() {
      return machine.state;
    },
    connect() {
      if (machine.state !== 'idle') return;
      if (o.auth) assertSecureTransport(o.url);
      lifecycle.connect();
    },
    ready({ signal } = {}) {
      if (machine.state === 'live') return RESOLVED;
      const terminalError = lifecycle.terminalError;
      if (terminalError) return Promise.reject(terminalError);
      return ready.wait(signal);
    },
    subscribe<T>(channel: string, subscribeOptions: WsSubscribeOptions<T> = {}): WsStream<T> {
      const buffer = { ...o.buffer, ...withoutUndefined(subscribeOptions.buffer) };
      const consumer = new Consumer<T>(channel, subscribeOptions, buffer, consumerHooks);
      const terminalError = lifecycle.terminalError;
      if (terminalError) {
        consumer.end(machine.state === 'failed' ? terminalError : undefined);
        return consumer;
      }
      if (consumer.done) return consumer;
      subscriptions.add(
        channel,
        subscribeOptions as WsSubscribeOptions<unknown>,
        consumer as Consumer<unknown>,
      );
      return consumer;
    },
    sequenceStats(channel: string): SequenceStats | undefined {
      const stats = registry.get(channel)?.state.sequenced.stats;
      return stats ? { ...stats } : undefined;
    },
    send(message, { queue: queued = false } = {}) {
      return outbound.send(message, queued);
    },
    async request<R>(message: unknown, { match, timeoutMs = o.requestTimeoutMs, signal }: WsRequestOptions) {
      if (machine.state !== 'live') throw notConnectedError(machine.state);
      const pending = requests.add(match, timeoutMs, signal);
      // The reply can be rejected (timeout, abort, disconnect) while the send still waits for the
      // socket buffer to drain; it is awaited only after the send, so mark it handled now.
      pending.reply.catch(() => {});
      try {
        await outbound.write(encode(message));
      } catch (error) {
        pending.cancel();
        throw error;
      }
      return (await pending.reply) as R;
    },
    on(event, listener) {
      return emitter.on(event, listener);
    },
    close() {
      return lifecycle.close();
    },
  };
}
