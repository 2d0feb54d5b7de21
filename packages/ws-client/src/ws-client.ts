import type { AuthRequest } from '@kit/auth';
import { assertSecureTransport } from '@kit/auth';
import {
  classifyError,
  extractVendorError,
  isKitError,
  KitError,
  summariseCause,
  summariseSchemaIssues,
  type WsCloseAction,
} from '@kit/errors';
import { withoutUndefined } from '@kit/errors/internal';
import { noopLogger } from '@kit/logger';
import { createRateLimiter, type RateLimiter } from '@kit/retry';
import { safeParse } from 'valibot';
import { Connection } from './connection';
import { TypedEmitter } from './event-emitter';
import { decodeDefault, localCloseCode, redactedUrl } from './frame-helpers';
import { Heartbeat } from './heartbeat';
import type { CloseDecision, WsClientOptions } from './options';
import { OutboundQueue } from './outbound-queue';
import { ReconnectPolicy } from './reconnect-policy';
import { RequestManager } from './request-manager';
import { type ResolvedWsClientOptions, resolveWsClientOptions } from './resolve-options';
import { SequencedStream, type SequenceStats } from './sequenced-stream';
import { StateMachine } from './state-machine';
import { type RegistryEntry, SubscriptionRegistry } from './subscription-registry';
import { schedule } from './timers';
import { Watchdog } from './watchdog';
import type { WsClient, WsClientEvents, WsRequestOptions } from './ws-client-types';
import { Consumer, type WsStream, type WsSubscribeOptions } from './ws-stream';
import { createWsTelemetry } from './ws-telemetry';

interface StreamState {
  /** The stream's consumers, replaced (never mutated) on change so delivery walks a plain array. */
  consumers: readonly Consumer<unknown>[];
  schema: WsSubscribeOptions<unknown>['schema'];
  sequenced: SequencedStream<unknown>;
  idleTimeoutMs: number | undefined;
  /** Messages routed to the stream: a plain count the telemetry reads when metrics are collected. */
  received: number;
}

interface Session {
  readonly connection: Connection;
  readonly controller: AbortController;
  readonly cancels: Array<() => void>;
  opened: boolean;
  loginWaiter: { resolve: () => void; reject: (error: KitError) => void } | undefined;
  /** The login request the strategy signed on this connection, for `onUnauthorized(error, request)`. */
  signed: AuthRequest | undefined;
  lastError: unknown;
  waitingSends: number;
  sendChain: Promise<void>;
  /** Venues limit inbound messages per connection, so each connection gets a fresh limiter. */
  limiter: RateLimiter;
}

/** A subscribe or unsubscribe message sent with a request id, awaiting the reply that names it. */
type PendingReply =
  | { readonly kind: 'subscribe'; readonly entries: readonly RegistryEntry<StreamState>[] }
  | { readonly kind: 'unsubscribe'; readonly channels: readonly string[] };

const RESOLVED = Promise.resolve();

function quoteChannels(channels: readonly string[]): string {
  const shown = channels
    .slice(0, 3)
    .map((channel) => `"${channel}"`)
    .join(', ');
  return channels.length > 3 ? `${shown} and ${channels.length - 3} more` : shown;
}

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
  const o: ResolvedWsClientOptions = resolveWsClientOptions(options);
  const { clock, protocol, logger } = o;
  const log = (logger ?? noopLogger).child({ component: 'ws-client', url: redactedUrl(o.url) });
  const encode = protocol.encode ?? JSON.stringify;
  const decode = protocol.decode ?? decodeDefault;
  const reportInternal = (error: unknown) => emitError(classifyError(error));
  const emitter = new TypedEmitter<WsClientEvents>((error) =>
    log.error('A ws-client event listener threw', { error: classifyError(error).toJSON() }),
  );
  const machine = new StateMachine((change) => {
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
    emitter.emit('state', change);
  });
  const policy = new ReconnectPolicy(o.reconnect, o.random);
  const registry = new SubscriptionRegistry<StreamState>();
  const requests = new RequestManager(clock, reportInternal);
  const queue = o.outboundQueue ? new OutboundQueue(o.outboundQueue, () => clock.now()) : undefined;
  // OpenTelemetry, looked up once: undefined when nothing is registered (then it costs nothing).
  const telemetry = createWsTelemetry(options, {
    url: o.url,
    clock,
    currentStream: (channel) => registry.get(channel)?.state,
    queueSize: () => queue?.size,
  });
  if (telemetry !== undefined) {
    emitter.on('state', telemetry.onState);
    emitter.on('gap', telemetry.onGap);
    emitter.on('resynced', telemetry.onResynced);
  }

  const pendingAcks = new Set<RegistryEntry<StreamState>>();
  /** Messages sent with a request id, by id; only used when the protocol has `replyId`. */
  const pendingReplies = new Map<number, PendingReply>();
  let nextRequestId = 1;
  const watchdog = new Watchdog({
    clock,
    timeoutMs: o.idleTimeoutMs,
    onError: reportInternal,
    onIdle: (key, idleMs) => {
      const scope = key === '' ? 'the connection' : `stream "${key}"`;
      const error = new KitError('timeout.idle', { message: `No data on ${scope} for ${idleMs} ms` });
      if (machine.transition('stale', { reason: 'idle timeout', attempt, error })) {
        session?.connection.terminate();
        disconnect(error, 'reconnect', 'idle timeout');
      }
    },
  });
  const heartbeat = new Heartbeat({
    clock,
    intervalMs: o.pingIntervalMs,
    timeoutMs: o.pongTimeoutMs,
    onError: reportInternal,
    sendPing: () => {
      const connection = session?.connection;
      if (!connection) return false;
      if (connection.canPing) return connection.ping();
      if (!protocol.pingMessage || !protocol.isPong) return false;
      return sendControl(protocol.pingMessage());
    },
    onTimeout: () => {
      const error = new KitError('timeout.heartbeat', {
        message: `No pong within ${o.pongTimeoutMs} ms of a ping`,
      });
      session?.connection.terminate();
      disconnect(error, 'reconnect', 'heartbeat timeout');
    },
  });

  let session: Session | undefined;
  let attempt = 0;
  let liveAt: number | undefined;
  let authRejections = 0;
  let backoffCancel: (() => void) | undefined;
  let blockers = 0;
  let paused = false;
  let warnedNoPause = false;
  let terminalError: KitError | undefined;
  /** The last routed stream: consecutive messages of one channel skip the registry lookup. */
  let routed: RegistryEntry<StreamState> | undefined;
  let burstNow: number | undefined;
  const endBurst = () => {
    burstNow = undefined;
  };
  const readyWaiters = new Set<{ resolve: () => void; reject: (error: KitError) => void }>();

  function emitError(error: KitError): void {
    log.warn(error.message, { code: error.code });
    emitter.emit('error', error);
  }

  /** A timer that dies with the session and drops out of `cancels` once it has fired. */
  function sessionTimer(s: Session, ms: number, fn: () => void): void {
    const cancel = schedule(
      clock,
      ms,
      () => {
        const index = s.cancels.indexOf(cancel);
        if (index !== -1) s.cancels.splice(index, 1);
        fn();
      },
      reportInternal,
    );
    s.cancels.push(cancel);
  }

  function sendControl(message: unknown): boolean {
    const connection = session?.connection;
    if (!connection?.isOpen) return false;
    connection.send(encode(message));
    return true;
  }

  // --- connecting -------------------------------------------------------------------------

  function startAttempt(): void {
    backoffCancel = undefined;
    if (machine.terminal) return;
    attempt++;
    machine.transition('connecting', { reason: attempt === 1 ? 'connect' : 'reconnect', attempt });
    const controller = new AbortController();
    let connection: Connection;
    const current: Partial<Session> = {};
    try {
      connection = new Connection(
        o.WebSocket,
        o.url,
        { perMessageDeflate: o.perMessageDeflate, maxPayload: o.maxPayloadBytes },
        {
          onOpen: () => {
            if (session === current) onOpen(current as Session);
          },
          onFrame: (data) => {
            if (session === current) onFrame(data);
          },
          onClose: (code, reason) => {
            if (session === current) onClose(current as Session, code, reason);
          },
          onError: (error) => {
            if (session === current) (current as Session).lastError = error;
          },
          onPong: () => heartbeat.pong(),
        },
      );
    } catch (error) {
      fail(
        isKitError(error)
          ? error
          : new KitError('config.invalid', { message: 'The WebSocket URL is invalid', cause: error }),
      );
      return;
    }
    Object.assign(current, {
      connection,
      controller,
      cancels: [],
      opened: false,
      loginWaiter: undefined,
      signed: undefined,
      lastError: undefined,
      waitingSends: 0,
      sendChain: RESOLVED,
      limiter: createRateLimiter({
        clock,
        limits: [{ tokens: o.subscribeRateLimit.messages, intervalMs: o.subscribeRateLimit.intervalMs }],
        key: 'ws-subscribe',
      }),
    } satisfies Session);
    session = current as Session;
    session.cancels.push(
      schedule(
        clock,
        o.handshakeTimeoutMs,
        () => {
          if (session !== current || (current as Session).opened) return;
          const error = new KitError('timeout.handshake', {
            message: `The WebSocket handshake did not complete within ${o.handshakeTimeoutMs} ms`,
          });
          connection.terminate();
          disconnect(error, 'reconnect', 'handshake timeout');
        },
        reportInternal,
      ),
    );
  }

  function onOpen(s: Session): void {
    s.opened = true;
    if (paused) applyPause(true);
    heartbeat.start();
    void runSession(s);
  }

  async function runSession(s: Session): Promise<void> {
    try {
      if (o.auth && protocol.login) await login(s);
      if (session !== s) return;
      authRejections = 0;
      await subscribeEntries(s, registry.entries(), true);
      if (session !== s) return;
      maybeLive(s, 'subscriptions acknowledged');
    } catch (error) {
      if (session !== s) return;
      const kit = isKitError(error) ? error : classifyError(error);
      const action: WsCloseAction =
        kit.code === 'protocol.ws_auth_rejected'
          ? 'reauthenticate_once'
          : kit.retryable
            ? 'reconnect'
            : 'fail';
      s.connection.terminate();
      disconnect(kit, action, kit.code);
    }
  }

  async function login(s: Session): Promise<void> {
    const auth = o.auth;
    const build = protocol.login;
    if (!auth || !build) return;
    machine.transition('authenticating', { reason: 'open', attempt });
    const parsed = new URL(o.url);
    const signed = await auth.authenticate({
      method: 'GET',
      url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`,
      path: parsed.pathname,
      query: [...parsed.searchParams.entries()],
      headers: {},
      signal: s.controller.signal,
    });
    if (session !== s) return;
    s.signed = signed;
    const acknowledged = new Promise<void>((resolve, reject) => {
      s.loginWaiter = { resolve, reject };
    });
    s.cancels.push(
      schedule(
        clock,
        o.authTimeoutMs,
        () =>
          s.loginWaiter?.reject(
            new KitError('timeout.auth_ack', {
              message: `The login was not acknowledged within ${o.authTimeoutMs} ms`,
            }),
          ),
        reportInternal,
      ),
    );
    sendControl(build(signed));
    await acknowledged;
  }

  async function subscribeEntries(
    s: Session,
    entries: RegistryEntry<StreamState>[],
    initial: boolean,
  ): Promise<void> {
    const todo = entries.filter(
      (entry) => !entry.acked && !entry.pending && registry.get(entry.subscription.channel) === entry,
    );
    if (todo.length === 0) return;
    if (initial) machine.transition('subscribing', { reason: `${todo.length} subscriptions`, attempt });
    const size = Math.max(1, protocol.maxSubscriptionsPerMessage ?? o.subscribeBatchSize);
    for (let i = 0; i < todo.length; i += size) {
      const batch = todo
        .slice(i, i + size)
        .filter((entry) => registry.get(entry.subscription.channel) === entry);
      if (batch.length === 0) continue;
      await s.limiter.acquire(1, { signal: s.controller.signal });
      if (session !== s) return;
      for (const entry of batch) {
        entry.pending = true;
        pendingAcks.add(entry);
      }
      const requestId = nextRequestId++;
      if (protocol.replyId) pendingReplies.set(requestId, { kind: 'subscribe', entries: batch });
      sendControl(
        protocol.subscribeMessage(
          batch.map((entry) => entry.subscription),
          requestId,
        ),
      );
      sessionTimer(s, o.subscribeTimeoutMs, () => onSubscribeTimeout(s, batch, initial, requestId));
    }
  }

  function onSubscribeTimeout(
    s: Session,
    batch: RegistryEntry<StreamState>[],
    initial: boolean,
    requestId: number,
  ): void {
    if (session !== s) return;
    pendingReplies.delete(requestId);
    const late = batch.filter((entry) => entry.pending && registry.get(entry.subscription.channel) === entry);
    if (late.length === 0) return;
    const error = new KitError('timeout.subscribe_ack', {
      message: `No acknowledgement within ${o.subscribeTimeoutMs} ms for ${late.length} subscription(s)`,
      details: { channels: late.map((entry) => entry.subscription.channel).slice(0, 20) },
    });
    if (initial && machine.state === 'subscribing') {
      s.connection.terminate();
      disconnect(error, 'reconnect', 'subscribe-ack timeout');
      return;
    }
    // A late subscription on a live connection: report it; it is retried on the next connect.
    for (const entry of late) {
      entry.pending = false;
      pendingAcks.delete(entry);
    }
    emitError(error);
  }

  function maybeLive(s: Session, reason: string): void {
    if (session !== s || machine.state === 'live' || machine.terminal) return;
    if (
      machine.state !== 'subscribing' &&
      machine.state !== 'authenticating' &&
      machine.state !== 'connecting'
    )
      return;
    for (const entry of registry.entries()) if (!entry.acked) return;
    if (!machine.transition('live', { reason, attempt })) return;
    liveAt = clock.now();
    watchdog.start();
    if (paused) watchdog.suspend();
    queue?.flush(write);
    for (const waiter of readyWaiters) waiter.resolve();
    readyWaiters.clear();
  }

  // --- inbound ------------------------------------------------------------------------------

  function onFrame(data: string | ArrayBuffer): void {
    let message: unknown;
    try {
      message = decode(data);
    } catch (cause) {
      const length = typeof data === 'string' ? data.length : data.byteLength;
      emitError(
        new KitError('protocol.ws_unexpected_message', {
          message: `A malformed frame (${length} bytes) was skipped`,
          cause,
          details: { length },
        }),
      );
      return;
    }
    try {
      dispatch(message);
    } catch (cause) {
      // A venue hook (`route`, `isSubscribeAck`, …) or a custom sequencer threw: throwing on into
      // the socket's event handler would crash the process, so the message is reported and skipped.
      emitError(
        new KitError('protocol.ws_unexpected_message', {
          message: 'A protocol hook or sequencer threw on an inbound message; the message was skipped',
          cause,
        }),
      );
    }
  }

  /** The time of the frames being handled: read once per socket read (a burst), not per message. */
  function frameTime(): number {
    if (burstNow === undefined) {
      burstNow = clock.now();
      queueMicrotask(endBurst);
    }
    return burstNow;
  }

  function dispatch(message: unknown): void {
    const now = frameTime();
    if (protocol.isPong?.(message)) {
      heartbeat.pong();
      watchdog.touch('', now);
      return;
    }
    const s = session as Session;
    if (s.loginWaiter) {
      if (protocol.isLoginAck?.(message)) {
        const waiter = s.loginWaiter;
        s.loginWaiter = undefined;
        waiter.resolve();
        return;
      }
      if (protocol.isLoginRejection?.(message)) {
        const waiter = s.loginWaiter;
        s.loginWaiter = undefined;
        waiter.reject(
          new KitError('protocol.ws_auth_rejected', { message: 'The server rejected the login message' }),
        );
        return;
      }
    }
    if ((pendingAcks.size > 0 || pendingReplies.size > 0) && checkAcks(s, message)) return;
    if (requests.size > 0 && requests.offer(message)) return;
    const channel = protocol.route(message);
    let entry: RegistryEntry<StreamState> | undefined;
    if (channel === undefined) entry = undefined;
    else if (channel === routed?.subscription.channel) entry = routed;
    else {
      entry = registry.get(channel);
      routed = entry;
    }
    // Only streams with their own idle timeout need their own timestamp (saves a hash per message).
    watchdog.touch(entry?.state.idleTimeoutMs ? (channel as string) : '', now);
    if (!entry) {
      emitter.emit('message', message);
      return;
    }
    const stream = entry.state;
    stream.received++;
    let value = message;
    if (stream.schema) {
      const result = safeParse(stream.schema, message);
      if (!result.success) {
        emitError(
          new KitError('schema.message_mismatch', {
            message: `A message on "${entry.subscription.channel}" did not match its schema`,
            details: { channel: entry.subscription.channel, issues: summariseSchemaIssues(result.issues) },
          }),
        );
        return;
      }
      value = result.output;
    }
    stream.sequenced.push(value);
  }

  function checkAcks(s: Session, message: unknown): boolean {
    if (pendingReplies.size > 0 && protocol.replyId) {
      const raw = protocol.replyId(message);
      if (raw !== undefined) {
        const id = typeof raw === 'number' ? raw : Number(raw);
        const reply = pendingReplies.get(id);
        if (reply !== undefined) {
          pendingReplies.delete(id);
          settleReply(s, reply, protocol.isReplyRejection?.(message) === true, message);
          return true;
        }
      }
    }
    if (!protocol.isSubscribeAck && !protocol.isSubscribeRejection) return false;
    for (const entry of pendingAcks) {
      if (protocol.isSubscribeAck?.(message, entry.subscription)) {
        acknowledge(entry);
        if (machine.state === 'subscribing') maybeLive(s, 'subscriptions acknowledged');
        return true;
      }
      if (protocol.isSubscribeRejection?.(message, entry.subscription)) {
        rejectSubscription(entry, message);
        if (machine.state === 'subscribing') maybeLive(s, 'subscriptions settled');
        return true;
      }
    }
    return false;
  }

  function settleReply(s: Session, reply: PendingReply, rejected: boolean, message: unknown): void {
    if (reply.kind === 'unsubscribe') {
      if (!rejected) return;
      const { vendorCode, serverMessage } = serverReason(message);
      emitError(
        new KitError('protocol.unsubscribe_rejected', {
          message: `The server rejected the unsubscribe from ${quoteChannels(reply.channels)}`,
          vendorCode,
          details: { channels: reply.channels.slice(0, 20), serverMessage },
        }),
      );
      return;
    }
    for (const entry of reply.entries) {
      // Gone meanwhile (its last consumer left) or already settled some other way.
      if (!entry.pending || registry.get(entry.subscription.channel) !== entry) continue;
      if (rejected) rejectSubscription(entry, message);
      else acknowledge(entry);
    }
    if (machine.state === 'subscribing')
      maybeLive(s, rejected ? 'subscriptions settled' : 'subscriptions acknowledged');
  }

  function acknowledge(entry: RegistryEntry<StreamState>): void {
    entry.pending = false;
    entry.acked = true;
    pendingAcks.delete(entry);
  }

  function rejectSubscription(entry: RegistryEntry<StreamState>, message: unknown): void {
    pendingAcks.delete(entry);
    const channel = entry.subscription.channel;
    const { vendorCode, serverMessage } = serverReason(message);
    const error = new KitError('protocol.subscribe_rejected', {
      message: `The server rejected the subscription to "${channel}"`,
      vendorCode,
      details: { channel, serverMessage },
    });
    removeStream(channel, error);
    emitError(error);
  }

  /** The venue's own code and message in a rejection, sanitised, when it carries any. */
  function serverReason(message: unknown): { vendorCode?: string; serverMessage?: string } {
    const vendor = extractVendorError(message, { status: 400 });
    const out: { vendorCode?: string; serverMessage?: string } = {};
    if (vendor?.code !== undefined)
      out.vendorCode = summariseCause(String(vendor.code).slice(0, 100)) as string;
    if (vendor?.message !== undefined) out.serverMessage = summariseCause(vendor.message) as string;
    return out;
  }

  // --- disconnects --------------------------------------------------------------------------

  function onClose(s: Session, code: number, reason: string): void {
    // Node `ws` fails a bad inbound frame locally (1009 too big, 1007 bad UTF-8, 1002 protocol) and
    // then reports 1006: recover the code it closed with from its error.
    const local = localCloseCode(s.lastError);
    if (code === 1006 && local !== undefined) code = local;
    let decision = s.opened ? o.classifyClose(code, reason) : handshakeFailure(s.lastError, code, reason);
    if (code === 1009 && decision.error.code === 'protocol.ws_message_too_big') {
      decision = { action: decision.action, error: messageTooBig(decision.error, local === 1009) };
    }
    disconnect(decision.error, decision.action, `close ${code}`, code, reason);
  }

  /** A 1009 that names the limit involved, so the fix is one search away. */
  function messageTooBig(error: KitError, byClient: boolean): KitError {
    const limit = o.maxPayloadBytes;
    return new KitError('protocol.ws_message_too_big', {
      message: byClient
        ? `An inbound WebSocket message was larger than maxPayloadBytes (${limit} bytes, Node ws's maxPayload): the client closed with 1009`
        : 'The server closed with 1009: a message this client sent was larger than the server accepts',
      hint: byClient
        ? `Raise \`maxPayloadBytes\` (now ${limit}) above the venue's largest message (usually a snapshot), or subscribe to fewer channels per connection. kit does not reconnect: the same message would arrive again.`
        : "Send smaller messages: lower `subscribeBatchSize` (or the protocol's `maxSubscriptionsPerMessage`) and split large requests. kit does not reconnect: the same message would be refused again.",
      closeCode: 1009,
      closeReason: error.closeReason,
      retryable: false,
      details: { closedBy: byClient ? 'client' : 'server', maxPayloadBytes: limit },
    });
  }

  function handshakeFailure(cause: unknown, code: number, reason: string): CloseDecision {
    if (cause !== undefined) {
      const error = classifyError(cause, { method: 'GET', path: new URL(o.url).pathname });
      // A failed upgrade: an auth status re-authenticates once; a TLS failure or an HTTP answer
      // that will not change (404 wrong path, 400, 405, 410) fails; the rest (5xx, 429) is transient.
      if (error.category === 'auth' || error.category === 'permission')
        return { error, action: 'reauthenticate_once' };
      const final = error.code === 'network.tls_failure' || (error.status !== undefined && !error.retryable);
      return { error, action: final ? 'fail' : 'reconnect' };
    }
    return o.classifyClose(code, reason);
  }

  function teardown(s: Session, graceful: boolean): void {
    heartbeat.stop();
    watchdog.stop();
    for (const cancel of s.cancels.splice(0)) cancel();
    const lost = new KitError('network.connection_lost', {
      message: 'The WebSocket connection was lost',
      outcome: 'not_sent',
    });
    s.controller.abort(lost);
    s.loginWaiter = undefined;
    s.connection.dispose();
    // A full `block` consumer paused reading: the close handshake needs the peer's close frame read.
    if (graceful && paused) s.connection.resume();
    if (graceful) s.connection.close(1000, 'client closed');
    else s.connection.terminate();
    pendingAcks.clear();
    pendingReplies.clear();
    registry.resetAcks();
    session = undefined;
  }

  function disconnect(
    error: KitError,
    action: WsCloseAction,
    reason: string,
    closeCode?: number,
    closeReason?: string,
  ): void {
    const s = session;
    if (!s || machine.terminal) return;
    const wasLive = machine.state === 'live' || machine.state === 'stale';
    const stable = wasLive && liveAt !== undefined && clock.now() - liveAt >= o.reconnect.stableAfterMs;
    if (stable) authRejections = 0;
    liveAt = undefined;
    teardown(s, false);
    requests.rejectAll(
      new KitError('network.connection_lost', {
        message: 'The connection was lost before the reply arrived; the request may have been executed',
        outcome: 'unknown',
        cause: error,
        closeCode,
      }),
    );
    const details = { attempt, error, closeCode, closeReason };
    if (action === 'fail') {
      fail(error, reason, closeCode, closeReason);
      return;
    }
    let refresh: Promise<boolean> | undefined;
    if (action === 'reauthenticate_once') {
      authRejections++;
      if (authRejections > 1) {
        fail(error, `${reason} (re-authentication rejected too)`, closeCode, closeReason);
        return;
      }
      refresh = askStrategy(error, s.signed);
    }
    // A 429/503 upgrade answer's Retry-After is a floor: coming back sooner is refused again.
    const nextDelayMs = Math.max(policy.nextDelayMs(action, stable), error.retryAfterMs ?? 0);
    if (policy.failures === o.reconnect.degradedAfterFailures) {
      emitter.emit('degraded', { failures: policy.failures, error });
    }
    machine.transition('backoff', { ...details, reason, nextDelayMs });
    if (!refresh) {
      backoffCancel = schedule(clock, nextDelayMs, startAttempt, reportInternal);
      return;
    }
    awaitRefresh(refresh, nextDelayMs, error, reason, closeCode, closeReason);
  }

  /**
   * Tells the strategy its credentials were rejected. Through a promise: a strategy whose hook
   * throws synchronously or returns no promise must not break the reconnect from inside a socket
   * event handler. Resolves `true` when there is no hook (a static key may be fine next time; the
   * second rejection fails anyway).
   */
  function askStrategy(error: KitError, request: AuthRequest | undefined): Promise<boolean> | undefined {
    const auth = o.auth;
    if (!auth?.onUnauthorized) return undefined;
    return Promise.resolve()
      .then(() => auth.onUnauthorized?.(error, request))
      .then((answer) => answer !== false);
  }

  /**
   * The next attempt starts once the backoff has passed and the strategy has answered, so its
   * login carries the refreshed credentials. The wait for the answer is bounded by `authTimeoutMs`
   * (then the attempt goes ahead with whatever the strategy has); `false` fails at once.
   */
  function awaitRefresh(
    refresh: Promise<boolean>,
    delayMs: number,
    error: KitError,
    reason: string,
    closeCode: number | undefined,
    closeReason: string | undefined,
  ): void {
    let waited = false;
    let answered = false;
    let done = false;
    const go = () => {
      if (done || !waited || !answered) return;
      stop();
      startAttempt();
    };
    const cancelDelay = schedule(
      clock,
      delayMs,
      () => {
        waited = true;
        go();
      },
      reportInternal,
    );
    const cancelBound = schedule(
      clock,
      o.authTimeoutMs,
      () => {
        if (answered) return;
        answered = true;
        emitError(
          new KitError('timeout.auth_ack', {
            message: `The auth strategy's onUnauthorized did not settle within ${o.authTimeoutMs} ms; reconnecting with the credentials it has now`,
            details: { authTimeoutMs: o.authTimeoutMs },
          }),
        );
        go();
      },
      reportInternal,
    );
    const stop = () => {
      done = true;
      cancelDelay();
      cancelBound();
      backoffCancel = undefined;
    };
    backoffCancel = stop;
    refresh.then(
      (retry) => {
        if (done || answered) return;
        answered = true;
        if (!retry) {
          stop();
          fail(error, `${reason} (the auth strategy says retrying is pointless)`, closeCode, closeReason);
          return;
        }
        go();
      },
      (cause: unknown) => {
        if (done || answered) return;
        answered = true;
        // The refresh itself failed (a token endpoint down): report it; the next login's
        // `authenticate` runs again and either gets credentials or fails on its own terms.
        reportInternal(cause);
        go();
      },
    );
  }

  function finish(error: KitError | undefined): void {
    backoffCancel?.();
    backoffCancel = undefined;
    terminalError =
      error ?? new KitError('cancelled.aborted', { message: 'The WebSocket client was closed' });
    requests.rejectAll(
      new KitError(error ? 'network.connection_lost' : 'cancelled.aborted', {
        message: 'The WebSocket client stopped before the reply arrived; the request may have been executed',
        outcome: 'unknown',
        cause: error,
      }),
    );
    queue?.rejectAll(
      new KitError('protocol.not_connected', {
        message: 'The WebSocket client stopped',
        outcome: 'not_sent',
        cause: error,
      }),
    );
    for (const entry of registry.entries()) removeStream(entry.subscription.channel, error);
    for (const waiter of readyWaiters) waiter.reject(terminalError);
    readyWaiters.clear();
  }

  function fail(
    error: KitError,
    reason: string = error.code,
    closeCode?: number,
    closeReason?: string,
  ): void {
    const s = session;
    if (s) teardown(s, false);
    if (!machine.transition('failed', { reason, attempt, error, closeCode, closeReason })) return;
    finish(error);
  }

  // --- streams ------------------------------------------------------------------------------

  function removeStream(channel: string, error?: KitError): void {
    const entry = registry.remove(channel);
    if (!entry) return;
    if (routed === entry) routed = undefined;
    pendingAcks.delete(entry);
    watchdog.unwatch(channel);
    entry.state.sequenced.dispose();
    const consumers = entry.state.consumers;
    entry.state.consumers = [];
    for (const consumer of consumers) consumer.end(error);
  }

  function applyPause(pause: boolean): void {
    const connection = session?.connection;
    if (pause) {
      heartbeat.suspend();
      watchdog.suspend();
      if (connection?.canPause) connection.pause();
      else if (!warnedNoPause) {
        warnedNoPause = true;
        log.warn(
          'A `block` consumer is full but this WebSocket cannot pause reading; its buffer grows instead',
        );
      }
    } else {
      connection?.resume();
      heartbeat.resume();
      if (machine.state === 'live') watchdog.resume();
    }
  }

  function onPressure(blocked: boolean): void {
    blockers += blocked ? 1 : -1;
    const shouldPause = blockers > 0;
    if (shouldPause === paused) return;
    paused = shouldPause;
    applyPause(shouldPause);
  }

  function onConsumerDone(consumer: Consumer<never>): void {
    const entry = registry.get(consumer.channel);
    if (!entry?.state.consumers.includes(consumer as unknown as Consumer<unknown>)) return;
    entry.state.consumers = entry.state.consumers.filter((c) => c !== (consumer as unknown));
    if (entry.state.consumers.length > 0) return;
    // Acked or still awaiting its ack: either way the server holds (or will hold) the subscription.
    // `acked`/`pending` only ever describe the current connection (a disconnect resets them), so
    // this also covers a channel dropped while the resubscription is still in flight.
    const serverHasIt = entry.acked || entry.pending;
    removeStream(consumer.channel);
    if (serverHasIt && protocol.unsubscribeMessage) {
      // This runs inside `unsubscribe()`, `break` or an abort listener: a throwing venue hook must
      // not escape there (from an AbortSignal listener it would be an uncaught exception).
      try {
        const requestId = nextRequestId++;
        const s = session;
        if (
          sendControl(protocol.unsubscribeMessage([entry.subscription], requestId)) &&
          s &&
          protocol.replyId
        ) {
          const channels = [entry.subscription.channel];
          pendingReplies.set(requestId, { kind: 'unsubscribe', channels });
          // An unanswered unsubscribe only stops being awaited: the channel is gone locally anyway.
          sessionTimer(s, o.subscribeTimeoutMs, () => pendingReplies.delete(requestId));
        }
      } catch (error) {
        reportInternal(error);
      }
    }
    // The last unacknowledged channel may just have gone.
    if (session && machine.state === 'subscribing') maybeLive(session, 'subscriptions settled');
  }

  // --- outbound -----------------------------------------------------------------------------

  function notConnected(): KitError {
    return new KitError('protocol.not_connected', {
      message: `Cannot send while the connection is ${machine.state}`,
      outcome: 'not_sent',
    });
  }

  function write(text: string): Promise<void> {
    const s = session;
    if (!s?.connection.isOpen) return Promise.reject(notConnected());
    if (s.waitingSends === 0 && s.connection.bufferedAmount <= o.sendHighWaterMarkBytes) {
      s.connection.send(text);
      return RESOLVED;
    }
    s.waitingSends++;
    const sent = s.sendChain.then(async () => {
      try {
        while (s.connection.bufferedAmount > o.sendHighWaterMarkBytes) {
          await clock.sleep(o.sendDrainPollMs, s.controller.signal);
        }
        if (session !== s) throw notConnected();
        s.connection.send(text);
      } finally {
        s.waitingSends--;
      }
    });
    s.sendChain = sent.catch(() => {});
    return sent;
  }

  // --- public API ---------------------------------------------------------------------------

  return {
    get state() {
      return machine.state;
    },
    connect() {
      if (machine.state !== 'idle') return;
      if (o.auth) assertSecureTransport(o.url);
      startAttempt();
    },
    ready({ signal } = {}) {
      if (machine.state === 'live') return RESOLVED;
      if (terminalError) return Promise.reject(terminalError);
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          readyWaiters.delete(waiter);
          reject(
            new KitError('cancelled.aborted', {
              message: 'Stopped waiting for the connection',
              cause: signal?.reason,
            }),
          );
        };
        const waiter = {
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (error: KitError) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        readyWaiters.add(waiter);
      });
    },
    subscribe<T>(channel: string, subscribeOptions: WsSubscribeOptions<T> = {}): WsStream<T> {
      const consumer = new Consumer<T>(
        channel,
        subscribeOptions,
        { ...o.buffer, ...withoutUndefined(subscribeOptions.buffer) },
        {
          onPressure,
          onDone: onConsumerDone,
          onCallbackError: (error) => emitError(classifyError(error)),
        },
      );
      if (terminalError) {
        consumer.end(machine.state === 'failed' ? terminalError : undefined);
        return consumer;
      }
      if (consumer.done) return consumer;
      const { entry, created } = registry.add(
        subscribeOptions.params ? { channel, params: subscribeOptions.params } : { channel },
        () => {
          const state: StreamState = {
            consumers: [],
            received: 0,
            schema: subscribeOptions.schema as StreamState['schema'],
            idleTimeoutMs: subscribeOptions.idleTimeoutMs,
            sequenced: new SequencedStream<unknown>({
              stream: channel,
              sequencer: subscribeOptions.sequencer as WsSubscribeOptions<unknown>['sequencer'],
              resync: subscribeOptions.resync as WsSubscribeOptions<unknown>['resync'],
              bufferSize: o.resyncBufferSize,
              retryDelayMs: o.resyncRetryDelayMs,
              timeoutMs: o.resyncTimeoutMs,
              clock,
              deliver: (message) => {
                const consumers = state.consumers;
                for (let i = 0; i < consumers.length; i++)
                  (consumers[i] as Consumer<unknown>).deliver(message);
              },
              onGap: (event) => emitter.emit('gap', event),
              onResynced: (event) => emitter.emit('resynced', event),
              onError: emitError,
            }),
          };
          telemetry?.trackStream(channel, state);
          return state;
        },
      );
      entry.state.consumers = [...entry.state.consumers, consumer as Consumer<unknown>];
      telemetry?.trackConsumer(entry.state, consumer);
      consumer.attachSequence(entry.state.sequenced.stats);
      if (created) {
        if (entry.state.idleTimeoutMs !== undefined) watchdog.watch(channel, entry.state.idleTimeoutMs);
        const s = session;
        // While `subscribing`, the resubscription batch was already taken: send this one too, and
        // let its ack count towards `live` (a timeout then reconnects, as for the batch).
        const state = machine.state;
        if (s && (state === 'live' || state === 'subscribing')) {
          void subscribeEntries(s, [entry], state === 'subscribing').catch((error) => {
            if (session === s) emitError(classifyError(error));
          });
        }
      }
      return consumer;
    },
    sequenceStats(channel: string): SequenceStats | undefined {
      const stats = registry.get(channel)?.state.sequenced.stats;
      return stats ? { ...stats } : undefined;
    },
    send(message, { queue: queued = false } = {}) {
      let text: string;
      try {
        text = encode(message);
      } catch (cause) {
        return Promise.reject(
          new KitError('client.invalid_argument', { message: 'The message could not be encoded', cause }),
        );
      }
      if (machine.state === 'live') return write(text);
      if (queued && queue && !machine.terminal) {
        try {
          return queue.enqueue(text);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return Promise.reject(notConnected());
    },
    async request<R>(message: unknown, { match, timeoutMs = o.requestTimeoutMs, signal }: WsRequestOptions) {
      if (machine.state !== 'live') throw notConnected();
      const pending = requests.add(match, timeoutMs, signal);
      // The reply can be rejected (timeout, abort, disconnect) while the send still waits for the
      // socket buffer to drain; it is awaited only after the send, so mark it handled now.
      pending.reply.catch(() => {});
      try {
        await write(encode(message));
      } catch (error) {
        pending.cancel();
        throw error;
      }
      return (await pending.reply) as R;
    },
    on(event, listener) {
      return emitter.on(event, listener);
    },
    async close() {
      if (machine.terminal) return;
      const s = session;
      if (s) teardown(s, s.opened);
      machine.transition('closed', { reason: 'closed by client', attempt });
      finish(undefined);
      if (s?.opened) {
        const cancel = schedule(clock, o.closeTimeoutMs, () => s.connection.terminate(), reportInternal);
        await s.connection.closed;
        cancel();
      }
    },
  };
}
