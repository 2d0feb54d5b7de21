export type { CatalogueEntry, ErrorCategory, ErrorCode } from './catalogue';
export { docsSlugFor, ERROR_CATALOGUE, ERROR_CODES, isErrorCode } from './catalogue';
export type { ErrorOutcome, KitErrorOptions } from './kit-error';
export { isKitError, KitError, summariseCause } from './kit-error';
