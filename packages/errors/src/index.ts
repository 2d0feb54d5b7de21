// The public API of @kit/errors. Everything else under src/ is internal (safe-text helpers,
// the system-error code table) and may change without notice.
export { BINANCE_ERROR_MAP } from './binance-error-map';
export type { CatalogueEntry, ErrorCategory, ErrorCode } from './catalogue';
export { docsSlugFor, ERROR_CATALOGUE, ERROR_CODES, isErrorCode } from './catalogue';
export type { CatalogueRow } from './catalogue-entries';
export { catalogueEntries } from './catalogue-entries';
export type { ClassifyErrorContext } from './classify-error';
export { classifyError } from './classify-error';
export type { HttpResponseLike } from './classify-http-response';
export { classifyHttpResponse } from './classify-http-response';
export type { WsCloseAction, WsCloseRule } from './classify-ws-close';
export { classifyWsClose, findWsCloseRule, WS_CLOSE_CODE_DEFAULTS } from './classify-ws-close';
export { COINBASE_ERROR_MAP } from './coinbase-error-map';
export type { ExtractVendorErrorContext, VendorErrorInfo } from './extract-vendor-error';
export { extractVendorError } from './extract-vendor-error';
export type { HeadersLike } from './headers/header-value';
export { headerValue } from './headers/header-value';
export { parseRateLimitReset } from './headers/rate-limit-fields';
export { DEFAULT_REQUEST_ID_HEADERS, readRequestId } from './headers/request-id';
export { MAX_RETRY_HINT_MS, parseExplicitRetryAfter, parseRetryAfter } from './headers/retry-after';
export type { ErrorOutcome, KitErrorOptions } from './kit-error';
export { isKitError, KitError, summariseCause } from './kit-error';
export { KRAKEN_ERROR_MAP } from './kraken-error-map';
export type { SchemaIssueSummary } from './schema-issues';
export { isValiError, summariseSchemaIssues } from './schema-issues';
export type {
  VendorErrorContext,
  VendorErrorMap,
  VendorErrorMapper,
  VendorErrorMapperOptions,
  VendorErrorTarget,
} from './vendor-error-mapper';
export { createVendorErrorMapper, DEFAULT_VENDOR_ERROR_MAPPER_OPTIONS } from './vendor-error-mapper';
