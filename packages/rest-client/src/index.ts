// The public API of @kit/rest-client. The pipeline steps are exported so a custom pipeline can be
// assembled from the same pieces; the undici adapter (`src/undici/`) ships on
// `@kit/rest-client/undici`.

// The OpenTelemetry provider shapes `tracerProvider`/`meterProvider` accept (structural: no import of the api).
export type { MeterProviderLike, TracerProviderLike } from '@kit/logger/internal';
export type { AuthStepOptions } from './auth-step';
export { AUTH_STEP, createAuthStep } from './auth-step';
export type { AxiosTransportOptions } from './axios-transport';
export { classifyTransportError, createAxiosTransport } from './axios-transport';
export type { CallOptions, EndpointCallArgs, EndpointCallOptions, RestClient } from './create-rest-client';
export { createRestClient } from './create-rest-client';
export type { Endpoint, EndpointDefinition, EndpointInput, EndpointOutput } from './define-endpoint';
export { defineEndpoint, isEndpoint } from './define-endpoint';
export type { IdempotencyStepOptions } from './idempotency-step';
export { createIdempotencyStep, IDEMPOTENCY_STEP } from './idempotency-step';
export type { LoggingStepOptions } from './logging-step';
export { createLoggingStep, LOGGING_STEP } from './logging-step';
export type { CursorPagination, NextLink, PaginateOptions } from './paginate';
export { DEFAULT_PAGINATE_OPTIONS, findNextLink } from './paginate';
export type { PathParamNames, PathParams, PathParamValue } from './path-template';
export { expandPath } from './path-template';
export type { PipelineRequest, PipelineResponse, PipelineStep, SendRequest, SentRequest } from './pipeline';
export { composePipeline } from './pipeline';
export type { QueryInput, QueryValue } from './query-string';
export { toQueryPairs } from './query-string';
export type { RateLimitInfo } from './rate-limit-info';
export { readRateLimitInfo } from './rate-limit-info';
export type { RateLimitStepOptions } from './rate-limit-step';
export { createRateLimitStep, RATE_LIMIT_STEP } from './rate-limit-step';
export type { RequestBody, SerializedBody } from './request-body';
export { serializeBody } from './request-body';
export type { RequestIdStepOptions } from './request-id-step';
export { createRequestIdStep, REQUEST_ID_STEP } from './request-id-step';
export type { ResponseParsingStepOptions } from './response-parsing-step';
export { createResponseParsingStep, RESPONSE_PARSING_STEP } from './response-parsing-step';
export type {
  ErrorEvent,
  IdempotencyOptions,
  RateLimitEvent,
  RateLimiterLike,
  RequestEvent,
  ResponseEvent,
  RestClientHooks,
  RestClientOptions,
  RestClientTimeouts,
  RestTelemetryOptions,
  RetryHookEvent,
  SchemaMode,
} from './rest-client-options';
export {
  DEFAULT_IDEMPOTENCY_OPTIONS,
  DEFAULT_REST_CLIENT_OPTIONS,
  DEFAULT_TIMEOUTS,
} from './rest-client-options';
export type { HttpMethod, RestRequestOptions, RestResponse, SchemaOutput } from './rest-request';
export type { RetryStepOptions } from './retry-step';
export { createRetryStep, RETRY_STEP } from './retry-step';
export type { SchemaDriftEntry } from './schema-drift';
export type { SchemaStepOptions } from './schema-step';
export { createSchemaStep, SCHEMA_STEP } from './schema-step';
export { DEFAULT_REST_TELEMETRY_OPTIONS, REST_TELEMETRY_SCOPE } from './telemetry';
export type { UnauthorizedStepOptions } from './unauthorized-step';
export { createUnauthorizedStep, UNAUTHORIZED_STEP } from './unauthorized-step';
