import type { AuthStrategy } from '@kit/auth';
import type { KitError, WsCloseAction } from '@kit/errors';
import type { Logger } from '@kit/logger';
import type { MeterProviderLike, TracerProviderLike } from '@kit/logger/internal';
import type { Clock } from '@kit/retry';
import type { BufferPolicy } from './consumer-buffer';
import type { WebSocketConstructor } from './web-socket-like';
import type { WsProtocol } from './ws-protocol';
import type { WsTelemetryOptions } from './ws-telemetry';

/** What to do after a close, as decided by `classifyClose`. */
export interface CloseDecision {
  /** The action (see `WS_CLOSE_CODE_DEFAULTS` in @kit/errors for the default table). */
  action: WsCloseAction;
  /** The error reported with the transition (and thrown to consumers if the action is `fail`). */
  error: KitError;
}

/** Reconnect timing. Delays use full jitter: `random(0, min(maxDelayMs, initialDelayMs * 2^n))`. */
export interface ReconnectOptions {
  /** Base of the exponential backoff, in milliseconds. @default 500 */
  initialDelayMs?: number;
  /** Cap on one backoff delay, in milliseconds. @default 30_000 */
  maxDelayMs?: number;
  /** After a stable session, the first retry waits `random(0, fastRetryMaxMs)`. @default 250 */
  fastRetryMaxMs?: number;
  /** Time live after which a session counts as stable and the failure counter resets, in milliseconds. @default 5_000 */
  stableAfterMs?: number;
  /** Consecutive failed attempts after which `degraded` is emitted (retrying continues). @default 5 */
  degradedAfterFailures?: number;
  /** Shortest wait after a 1012 (service restart), in milliseconds. @default 1_000 */
  restartMinDelayMs?: number;
  /** Longest wait after a 1012 (service restart), in milliseconds. @default 5_000 */
  restartMaxDelayMs?: number;
  /** Floor of the backoff after a 1013 (try again later), in milliseconds. @default 10_000 */
  tryAgainLaterDelayMs?: number;
}

/** Defaults of {@link ReconnectOptions}. */
export const DEFAULT_RECONNECT_OPTIONS: Required<ReconnectOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  fastRetryMaxMs: 250,
  stableAfterMs: 5_000,
  degradedAfterFailures: 5,
  restartMinDelayMs: 1_000,
  restartMaxDelayMs: 5_000,
  tryAgainLaterDelayMs: 10_000,
};

/** The optional outbound queue for messages sent with `{ queue: true }` while not live. */
export interface OutboundQueueOptions {
  /** Most queued messages. @default 100 */
  maxMessages?: number;
  /** Most queued bytes (UTF-16 length of the encoded text). @default 1_048_576 */
  maxBytes?: number;
  /** A queued message older than this when the connection goes live is rejected, in milliseconds. @default 10_000 */
  maxAgeMs?: number;
}

/** Defaults of {@link OutboundQueueOptions}. */
export const DEFAULT_OUTBOUND_QUEUE_OPTIONS: Required<OutboundQueueOptions> = {
  maxMessages: 100,
  maxBytes: 1_048_576,
  maxAgeMs: 10_000,
};

/** A consumer's bounded buffer. */
export interface BufferOptions {
  /** Most buffered messages before the policy applies. @default 1024 */
  size?: number;
  /** `block` pauses reading from the socket, `latest` conflates, `drop-oldest` discards the oldest. @default 'block' */
  policy?: BufferPolicy;
}

/** Defaults of {@link BufferOptions}. */
export const DEFAULT_BUFFER_OPTIONS: Required<BufferOptions> = { size: 1024, policy: 'block' };

/** Rate limit on subscribe messages sent while resubscribing. */
export interface SubscribeRateLimit {
  /** Messages allowed per window. @default 5 */
  messages?: number;
  /** The window, in milliseconds. @default 1_000 */
  intervalMs?: number;
}

/** Options for `createWsClient`. */
export interface WsClientOptions {
  /** The stream URL (`wss://…`; `ws://` only to loopback when `auth` is set). */
  url: string;
  /** Signs the login message on every connect. @default undefined (no login) */
  auth?: AuthStrategy;
  /** The venue protocol hooks. @default kitJsonProtocol */
  protocol?: WsProtocol;
  /** Where state changes and errors are logged (never message contents). @default noopLogger */
  logger?: Logger;
  /** Time source for every timer the client owns. @default systemClock from @kit/retry */
  clock?: Clock;
  /** Uniform random numbers in [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** The WebSocket implementation. @default isomorphic-ws (Node `ws`, or the browser's global) */
  WebSocket?: WebSocketConstructor;
  /** Protocol ping interval (Node) or application ping interval (`protocol.pingMessage`), in milliseconds; 0 disables. @default 10_000 */
  pingIntervalMs?: number;
  /** How long to wait for a pong before terminating, in milliseconds. @default 5_000 */
  pongTimeoutMs?: number;
  /** No inbound data message for this long marks the connection `stale`, in milliseconds; 0 disables. @default 15_000 */
  idleTimeoutMs?: number;
  /** Opening handshake timeout, in milliseconds. @default 10_000 */
  handshakeTimeoutMs?: number;
  /**
   * Login acknowledgement timeout, in milliseconds. It also bounds how long a reconnect after an
   * auth rejection waits for the strategy's `onUnauthorized` (a token refresh). @default 5_000
   */
  authTimeoutMs?: number;
  /** Subscribe acknowledgement timeout per batch, in milliseconds. @default 5_000 */
  subscribeTimeoutMs?: number;
  /** Time a graceful `close()` waits for the close handshake before terminating, in milliseconds. @default 1_000 */
  closeTimeoutMs?: number;
  /** Reconnect timing. @default DEFAULT_RECONNECT_OPTIONS */
  reconnect?: ReconnectOptions;
  /** Subscriptions per subscribe message when resubscribing. @default 50 */
  subscribeBatchSize?: number;
  /** Rate limit on subscribe messages. @default { messages: 5, intervalMs: 1_000 } */
  subscribeRateLimit?: SubscribeRateLimit;
  /** Sends wait while the socket's `bufferedAmount` is above this, in bytes. @default 1_048_576 */
  sendHighWaterMarkBytes?: number;
  /** How often a waiting send re-checks `bufferedAmount`, in milliseconds. @default 10 */
  sendDrainPollMs?: number;
  /** Queue for `send(msg, { queue: true })` while not live; `false` disables queueing. @default false */
  outboundQueue?: OutboundQueueOptions | false;
  /** Default timeout of `request()`, in milliseconds. @default 10_000 */
  requestTimeoutMs?: number;
  /** Default consumer buffer. @default DEFAULT_BUFFER_OPTIONS */
  buffer?: BufferOptions;
  /** Most messages buffered per stream while a resync is in flight (oldest dropped beyond). @default 10_000 */
  resyncBufferSize?: number;
  /** Wait before retrying a failed resync hook, in milliseconds. @default 1_000 */
  resyncRetryDelayMs?: number;
  /**
   * Longest one resync hook call may take, in milliseconds: then its `signal` aborts, an `error`
   * event reports it and the hook is called again (the stream keeps buffering, bounded). @default 10_000
   */
  resyncTimeoutMs?: number;
  /** Node only: largest inbound frame, in bytes (bigger closes with 1009). @default 16_777_216 */
  maxPayloadBytes?: number;
  /** Node only: permessage-deflate (it cut loopback throughput about 80x in our measurement). @default false */
  perMessageDeflate?: boolean;
  /**
   * Decides what a close code means; the default follows @kit/errors' `WS_CLOSE_CODE_DEFAULTS`.
   * @default defaultClassifyClose
   */
  classifyClose?: (code: number, reason: string) => CloseDecision;
  /**
   * Where connection-session spans go (one per connection, state changes, gaps and resyncs as
   * events). Found once, when the client is created. @default the globally registered provider; none when nothing is registered
   */
  tracerProvider?: TracerProviderLike;
  /** Where metrics go. Found once, when the client is created. @default the globally registered provider; none when nothing is registered */
  meterProvider?: MeterProviderLike;
  /** OpenTelemetry settings, or `false` for no telemetry even when providers are registered. @default {} */
  telemetry?: WsTelemetryOptions | false;
}

/** Defaults of the scalar {@link WsClientOptions}, applied once in `resolveOptions`. */
export const DEFAULT_WS_CLIENT_OPTIONS = {
  pingIntervalMs: 10_000,
  pongTimeoutMs: 5_000,
  idleTimeoutMs: 15_000,
  handshakeTimeoutMs: 10_000,
  authTimeoutMs: 5_000,
  subscribeTimeoutMs: 5_000,
  closeTimeoutMs: 1_000,
  subscribeBatchSize: 50,
  subscribeRateLimit: { messages: 5, intervalMs: 1_000 },
  sendHighWaterMarkBytes: 1_048_576,
  sendDrainPollMs: 10,
  requestTimeoutMs: 10_000,
  resyncBufferSize: 10_000,
  resyncRetryDelayMs: 1_000,
  resyncTimeoutMs: 10_000,
  maxPayloadBytes: 16 * 1024 * 1024,
  perMessageDeflate: false,
} as const;
