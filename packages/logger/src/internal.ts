// @kit/logger/internal: helpers shared only between kit's own packages (the clients' OpenTelemetry
// bridge). Not a public API: anything here may change in any release.
export type {
  MeterProviderLike,
  OtelAttributes,
  OtelAttributeValue,
  OtelBatchResult,
  OtelContext,
  OtelCounter,
  OtelHistogram,
  OtelMeter,
  OtelMetricOptions,
  OtelObservable,
  OtelSpan,
  OtelSpanContext,
  OtelSpanOptions,
  OtelTracer,
  TracerProviderLike,
} from './otel';
export {
  activeContext,
  activeSpanIds,
  contextWithSpan,
  injectTraceContext,
  resolveMeter,
  resolveTracer,
  SPAN_KIND,
  SPAN_STATUS_ERROR,
  spanOf,
  withContext,
} from './otel';
export { isSensitiveQueryName } from './redact-string';
