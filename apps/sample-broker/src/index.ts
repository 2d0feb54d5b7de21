// The public API of @kit/sample-broker (pinned in ADAPTER_API.md). Deliberately not exported: the
// modules' internals (order placer, book state, mailbox, stream wiring); the endpoint table and the
// error map are exported because a team copying this adapter starts from them.

export type { SampleBrokerConfigDefinition, SampleBrokerConfigLoadOptions } from './config';
export {
  DEFAULT_SAMPLE_BROKER_CONFIG,
  SAMPLE_BROKER_ENV_PREFIX,
  sampleBrokerConfig,
  sampleBrokerConfigSchema,
} from './config';
export { createSampleBroker, DEFAULT_LIST_PAGE_SIZE } from './create-sample-broker';
export { endpoints } from './endpoints';
export { createSampleBrokerErrorMapper, SAMPLE_BROKER_ERROR_MAP } from './error-map';
export type { IntentOutcome, IntentSettlement, OrderIntent } from './intent-journal';
export {
  DEFAULT_BOOK_DEPTH,
  DEFAULT_SNAPSHOT_DEPTH,
  MAX_BOOK_VIEW_DEPTH,
  SNAPSHOT_DEPTH,
} from './order-book';
export type {
  Account,
  AdapterStats,
  BookLevel,
  CallSignalOptions,
  CancelOrderResult,
  CatchUpEvent,
  ChecksumMismatchEvent,
  GapEvent,
  ListOrdersParams,
  Order,
  OrderBookSnapshot,
  OrderBookSnapshotOptions,
  OrderBookStreamOptions,
  OrderBookView,
  OrderEvent,
  OrderEventType,
  OrderSide,
  OrderStatus,
  OrderType,
  OrderUpdatesOptions,
  PlaceOrderRequest,
  PlaceOrderResult,
  Position,
  Quote,
  ReconciledIntent,
  ReconcileReport,
  ReconnectEvent,
  ResyncEvent,
  SampleBroker,
  SampleBrokerConfig,
  SampleBrokerEventName,
  SampleBrokerEvents,
  SampleBrokerOptions,
  ServerTime,
  StaleEvent,
  StreamKind,
  StreamStateEvent,
} from './types';
