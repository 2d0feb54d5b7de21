// @kit/errors/internal: helpers shared only between kit's own packages (each has one home here,
// the lowest package every other one depends on). Not a public API: anything here may change in
// any release.
export { isRateLimitHeaderName, listHeaderNames, RATE_LIMIT_HEADER_PREFIXES } from './headers/header-names';
export type { ParseRateLimitHeadersOptions, RateLimitObservation } from './headers/rate-limit-fields';
export { exhaustedResetMs, parseRateLimitHeaders } from './headers/rate-limit-fields';
export { isLoopbackHost } from './loopback-host';
export { schemaIssuePath, schemaIssueSegments } from './schema-issues';
export { withoutUndefined } from './without-undefined';
