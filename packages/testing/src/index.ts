// The public surface of @kit/testing: every export named here, from the sub-indexes that own them.

// A manual clock for kit's timing code
export type { ManualClock, ManualClockOptions } from './clock/index';
export { createManualClock, DEFAULT_MANUAL_CLOCK_OPTIONS } from './clock/index';

// HTTP fault server
export type {
  Fault,
  FaultHandler,
  FaultRequest,
  FaultResponse,
  FaultRouteDefinition,
  FaultRule,
  FaultServer,
  FaultServerOptions,
  FaultType,
  RecordedRequest,
  RetryAfterSpec,
  RoutePattern,
  SchemaDrift,
} from './http/index';
export {
  applySchemaDrift,
  compileRoutePattern,
  createFaultServer,
  createSeededRandom,
  DEFAULT_FAULT_SERVER_OPTIONS,
  malformJson,
  proxyErrorPage,
} from './http/index';

// TCP fault proxy
export type {
  TcpFaultProxy,
  TcpFaultProxyOptions,
  TcpFaultProxyStats,
  Toxic,
  ToxicBase,
  ToxicStream,
  ToxicType,
} from './tcp/index';
export { createTcpFaultProxy, DEFAULT_TCP_FAULT_PROXY_OPTIONS } from './tcp/index';

// WebSocket fault server
export type {
  WsAuthRejection,
  WsConnectionContext,
  WsFaultServer,
  WsFaultServerOptions,
  WsFaultSocket,
  WsFaults,
  WsSequencedMessage,
} from './ws/index';
export {
  createWsFaultServer,
  DEFAULT_OVERSIZED_BYTES,
  DEFAULT_WS_FAULT_SERVER_OPTIONS,
  WsFaultConnection,
} from './ws/index';
