import { ERROR_CATALOGUE, type ErrorCode, isErrorCode } from './catalogue';
import { classifyHttpResponse } from './classify-http-response';
import { extractVendorError, type VendorErrorInfo } from './extract-vendor-error';
import type { HeadersLike } from './headers/header-value';
import { readRequestId } from './headers/request-id';
import { parseRetryAfter } from './headers/retry-after';
import { type ErrorOutcome, KitError } from './kit-error';
import { sanitizePath, sanitizeText, withRequest } from './safe-text';

/** Where a vendor error maps to: a catalogue code, optionally overriding retryability, outcome or hint. */
export type VendorErrorTarget =
  | ErrorCode
  | {
      /** The catalogue code. */
      code: ErrorCode;
      /** Overrides the catalogue's `retryable`. */
      retryable?: boolean;
      /** Whether the operation may have taken effect. @default 'unknown' for server/network/timeout codes, else 'rejected' */
      outcome?: ErrorOutcome;
      /** A venue-specific hint instead of the catalogue's. */
      hint?: string;
    };

/** A venue's error table, the way ccxt's `exceptions.exact` / `exceptions.broad` work. */
export interface VendorErrorMap {
  /** The venue's error codes (or whole messages), matched exactly. Own properties only. @default {} */
  exact?: Readonly<Record<string, VendorErrorTarget>>;
  /** Message fragments, matched case-insensitively; the longest matching fragment wins. @default {} */
  broad?: Readonly<Record<string, VendorErrorTarget>>;
}

/** Options for {@link createVendorErrorMapper}. */
export interface VendorErrorMapperOptions extends VendorErrorMap {
  /**
   * Finds the venue's code and message in a body; return `undefined` for "not an error".
   * @default extractVendorError
   */
  extract?: (body: unknown, context: VendorErrorContext) => VendorErrorInfo | undefined;
  /**
   * The code for a recognised error that no table entry matches.
   * @default undefined: the status-based code (via classifyHttpResponse) for 4xx/5xx, else 'client.error'
   */
  fallback?: VendorErrorTarget;
}

/** The defaults {@link createVendorErrorMapper} applies (no table entries; the shape-aware extractor). */
export const DEFAULT_VENDOR_ERROR_MAPPER_OPTIONS = {
  exact: {},
  broad: {},
  extract: (body: unknown, context: VendorErrorContext) => extractVendorError(body, context),
  fallback: undefined,
} as const satisfies Required<Omit<VendorErrorMapperOptions, 'fallback'>> & { fallback: undefined };

/** What the caller knows about the response the body came from. */
export interface VendorErrorContext {
  /** The HTTP status (errors can arrive with 200). */
  status?: number;
  /** The request method, for the message. */
  method?: string;
  /** The request path; the query string is dropped. */
  path?: string;
  /** The response headers, for the request id and Retry-After. */
  headers?: HeadersLike | null;
  /** The current time, for Retry-After dates. @default Date.now() */
  nowMs?: number;
}

/** Maps a response body to a KitError, or `undefined` when the body reports no error. */
export type VendorErrorMapper = (body: unknown, context?: VendorErrorContext) => KitError | undefined;

interface Target {
  code: ErrorCode;
  retryable?: boolean;
  outcome?: ErrorOutcome;
  hint?: string;
}

const UNKNOWN_OUTCOME_CATEGORIES = new Set(['server', 'network', 'timeout', 'protocol', 'internal']);

function normaliseTarget(where: string, key: string, target: VendorErrorTarget): Target {
  const resolved = typeof target === 'string' ? { code: target } : target;
  if (!isErrorCode(resolved?.code)) {
    throw new KitError('client.invalid_argument', {
      message: `Vendor error map: ${where}[${JSON.stringify(key)}] points at unknown code ${JSON.stringify(resolved?.code)}`,
    });
  }
  return resolved;
}

function normaliseTable(where: string, table: Readonly<Record<string, VendorErrorTarget>> | undefined) {
  const out = new Map<string, Target>();
  if (!table) return out;
  for (const key of Object.keys(table))
    out.set(key, normaliseTarget(where, key, table[key] as VendorErrorTarget));
  return out;
}

/**
 * Builds a mapper from a venue's error bodies to catalogue codes. Lookup order (as in ccxt): the
 * code in `exact`, the whole message in `exact`, then the longest `broad` fragment found in the
 * message (case-insensitive, so the most specific wins whatever the listing order). Lookups use own
 * keys only: a body whose code is `constructor`, `__proto__` or `toString` never matches.
 * Errors in 200 bodies (Kraken `{"error":[…]}`, Binance `{code,msg}`) are found too.
 * Throws `client.invalid_argument` at creation if a table points at an unknown code.
 *
 * @example
 * ```ts
 * const mapError = createVendorErrorMapper({ exact: { '-1021': 'auth.clock_skew' }, broad: { 'insufficient balance': 'client.insufficient_funds' } });
 * const error = mapError(body, { status: res.status, method: 'POST', path: '/api/v3/order', headers: res.headers });
 * if (error) throw error;
 * ```
 */
export function createVendorErrorMapper(options: VendorErrorMapperOptions = {}): VendorErrorMapper {
  const settings = {
    exact: options.exact ?? DEFAULT_VENDOR_ERROR_MAPPER_OPTIONS.exact,
    broad: options.broad ?? DEFAULT_VENDOR_ERROR_MAPPER_OPTIONS.broad,
    extract: options.extract ?? DEFAULT_VENDOR_ERROR_MAPPER_OPTIONS.extract,
    fallback: options.fallback ?? DEFAULT_VENDOR_ERROR_MAPPER_OPTIONS.fallback,
  };
  const exact = normaliseTable('exact', settings.exact);
  // Longest first, so the most specific fragment wins regardless of listing order.
  const broad = [...normaliseTable('broad', settings.broad)]
    .filter(([fragment]) => fragment !== '')
    .map(([fragment, target]) => ({ fragment: fragment.toLowerCase(), target }))
    .sort((a, b) => b.fragment.length - a.fragment.length);
  const fallback =
    settings.fallback === undefined ? undefined : normaliseTarget('fallback', '', settings.fallback);
  const extract = settings.extract;

  return (body, context = {}) => {
    let vendor: VendorErrorInfo | undefined;
    try {
      vendor = extract(body, context);
    } catch (error) {
      return new KitError('internal.unexpected', {
        message: 'The vendor error extractor threw',
        cause: error,
      });
    }
    if (!vendor) return undefined;
    const code =
      typeof vendor.code === 'string' || typeof vendor.code === 'number' ? String(vendor.code) : undefined;
    const message = typeof vendor.message === 'string' ? vendor.message : undefined;
    const lowered = message?.toLowerCase();
    const target =
      (code !== undefined ? exact.get(code) : undefined) ??
      (message !== undefined ? exact.get(message) : undefined) ??
      (lowered !== undefined ? broad.find((entry) => lowered.includes(entry.fragment))?.target : undefined) ??
      fallback;
    return build(target, code, message, context);
  };
}

function build(
  target: Target | undefined,
  vendorCode: string | undefined,
  message: string | undefined,
  context: VendorErrorContext,
) {
  const path = context.path === undefined ? undefined : sanitizePath(context.path);
  const method = context.method?.toUpperCase();
  const details = message === undefined ? undefined : { serverMessage: sanitizeText(message) };
  const safeCode = vendorCode === undefined ? undefined : sanitizeText(vendorCode, 100);
  if (!target && context.status !== undefined && context.status >= 400) {
    const byStatus = classifyHttpResponse({
      status: context.status,
      headers: context.headers,
      method,
      path,
      nowMs: context.nowMs,
    });
    return new KitError(byStatus.code, { ...fieldsOf(byStatus), vendorCode: safeCode, details });
  }
  const resolved = target ?? { code: 'client.error' as const };
  const entry = ERROR_CATALOGUE[resolved.code];
  const outcome =
    resolved.outcome ?? (UNKNOWN_OUTCOME_CATEGORIES.has(entry.category) ? 'unknown' : 'rejected');
  return new KitError(resolved.code, {
    message: withRequest(
      method,
      path,
      `${entry.title}${safeCode === undefined ? '' : ` (venue code ${safeCode})`}`,
    ),
    method,
    path,
    status: context.status,
    outcome,
    retryable: resolved.retryable,
    hint: resolved.hint,
    vendorCode: safeCode,
    details,
    requestId: readRequestId(context.headers),
    retryAfterMs:
      entry.category === 'rate_limit' ? parseRetryAfter(context.headers, context.nowMs) : undefined,
  });
}

function fieldsOf(error: KitError) {
  return {
    message: error.message,
    method: error.method,
    path: error.path,
    status: error.status,
    outcome: error.outcome,
    requestId: error.requestId,
    retryAfterMs: error.retryAfterMs,
    retryable: error.retryable,
  };
}
