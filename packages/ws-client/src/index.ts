// The OpenTelemetry provider shapes `tracerProvider`/`meterProvider` accept (structural: no import of the api).
export type { MeterProviderLike, TracerProviderLike } from '@kit/logger/internal';
export type { BinanceDepthSequencerOptions } from './binance-depth-sequencer';
export { binanceDepthSequencer } from './binance-depth-sequencer';
export type { BufferPolicy, ConsumerStats } from './consumer-buffer';
export type { Unsubscribe } from './event-emitter';
export type {
  BufferOptions,
  CloseDecision,
  OutboundQueueOptions,
  ReconnectOptions,
  SubscribeRateLimit,
  WsClientOptions,
} from './options';
export {
  DEFAULT_BUFFER_OPTIONS,
  DEFAULT_OUTBOUND_QUEUE_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
  DEFAULT_WS_CLIENT_OPTIONS,
} from './options';
export { defaultClassifyClose } from './resolve-options';
export type {
  ResyncHook,
  ResyncResult,
  SequenceStats,
  WsGapEvent,
  WsResyncedEvent,
} from './sequenced-stream';
export type { MonotonicSequencerOptions, Sequencer, SequenceVerdict } from './sequencer';
export { monotonicSequencer } from './sequencer';
export type { WsState, WsStateChange } from './state-machine';
export { WS_TRANSITIONS } from './state-machine';
export type { WebSocketConstructor, WebSocketLike } from './web-socket-like';
export { createWsClient } from './ws-client';
export type {
  WsClient,
  WsClientEvents,
  WsDegradedEvent,
  WsRequestOptions,
  WsSendOptions,
} from './ws-client-types';
export type { WsProtocol, WsSubscription } from './ws-protocol';
export { kitJsonProtocol } from './ws-protocol';
export type { WsStream, WsSubscribeOptions } from './ws-stream';
export type { WsTelemetryOptions } from './ws-telemetry';
export { defaultStreamAttribute, WS_TELEMETRY_SCOPE } from './ws-telemetry';
// Deliberately not exported: connection, heartbeat, watchdog, reconnect-policy, subscription-registry,
// outbound-queue, request-manager, consumer-buffer and sequenced-stream are the client's internals.
