import { ERROR_CATALOGUE, type ErrorCode } from './catalogue';
import { extractVendorError } from './extract-vendor-error';
import type { HeadersLike } from './headers/header-value';
import { headerValue } from './headers/header-value';
import { readRequestId } from './headers/request-id';
import { parseExplicitRetryAfter, parseRetryAfter } from './headers/retry-after';
import { type ErrorOutcome, KitError } from './kit-error';
import { readProp, sanitizePath, sanitizeText, withRequest } from './safe-text';

/** A response from any HTTP client (fetch, undici, node:http, axios, a test double). */
export interface HttpResponseLike {
  /** The HTTP status code. */
  status: number;
  /** The response headers, any shape {@link HeadersLike} accepts. */
  headers?: HeadersLike | null;
  /** The parsed or raw body, if read. Only a short, sanitised server message is kept. */
  body?: unknown;
  /** The request method, for the message. */
  method?: string;
  /** The request path or URL; reduced to the path (no host, credentials or query string). */
  path?: string;
  /** Header names to read the request id from. @default DEFAULT_REQUEST_ID_HEADERS */
  requestIdHeaders?: readonly string[];
  /** The current time, for HTTP-date and epoch Retry-After values. @default Date.now() */
  nowMs?: number;
  /** The original error (an axios error, say), kept as `cause`. */
  cause?: unknown;
}

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'client.bad_request',
  401: 'auth.invalid_credentials',
  403: 'auth.insufficient_permissions',
  404: 'client.not_found',
  405: 'client.method_not_allowed',
  408: 'client.request_timeout',
  409: 'client.conflict',
  413: 'client.payload_too_large',
  418: 'rate_limit.ip_banned',
  422: 'client.unprocessable',
  429: 'rate_limit.exceeded',
  500: 'server.internal',
  501: 'server.not_implemented',
  502: 'server.bad_gateway',
  503: 'server.unavailable',
  504: 'server.gateway_timeout',
  505: 'server.http_version_not_supported',
};

/** Statuses where the server answered before doing anything: the request did not take effect. */
const NOT_EXECUTED_5XX = new Set([501, 505]);

function refine401(headers: HeadersLike | null | undefined, text: string): ErrorCode {
  const challenge = headerValue(headers, 'www-authenticate') ?? '';
  if (/timestamp|recv_?window|clock|time window/i.test(text)) return 'auth.clock_skew';
  if (/signature/i.test(text)) return 'auth.invalid_signature';
  // RFC 6750: invalid_token covers expired, revoked and malformed; refreshing once is the right move.
  if (/error\s*=\s*"?invalid_token/i.test(challenge) || /expired/i.test(text)) return 'auth.expired_token';
  return 'auth.invalid_credentials';
}

function bodyKind(body: unknown): 'html' | undefined {
  return typeof body === 'string' && /^\s*<(!doctype|html|\?xml|head|body)/i.test(body) ? 'html' : undefined;
}

/** Picks the catalogue code for a status, looking at headers and body where the status is ambiguous. */
function codeFor(status: number, headers: HeadersLike | null | undefined, text: string): ErrorCode {
  if (status === 401) return refine401(headers, text);
  if (status === 403 && /\bbann?ed\b|\bblocked ip\b|ip ban/i.test(text)) return 'rate_limit.ip_banned';
  const mapped = STATUS_CODES[status];
  if (mapped) return mapped;
  if (status >= 500 && status <= 599) return 'server.error';
  if (status >= 400 && status <= 499) return 'client.error';
  return 'client.error';
}

/**
 * Turns an HTTP error response into a KitError, for code that does not use axios (fetch, undici,
 * node:http). The status picks the code (401 looks at `WWW-Authenticate` and the body to tell an
 * expired token, a bad signature and clock skew apart; 403 bodies that say "banned" and 418 are
 * IP bans); 429s carry `retryAfterMs` from Retry-After or the rate-limit reset headers; 4xx are
 * `outcome: 'rejected'`. A short, sanitised server message goes into `details.serverMessage`,
 * never into `message`. An `x-should-retry: true|false` header overrides `retryable`.
 *
 * @example
 * ```ts
 * const res = await fetch(url);
 * if (!res.ok) throw classifyHttpResponse({ status: res.status, headers: res.headers, body: await res.text(), method: 'GET', path: '/v1/orders' });
 * ```
 */
export function classifyHttpResponse(response: HttpResponseLike): KitError {
  const { status, headers, body, method, nowMs = Date.now() } = response;
  const path = response.path === undefined ? undefined : sanitizePath(response.path);
  const validStatus = Number.isInteger(status) && status >= 100 && status <= 599;
  const vendor = extractVendorError(body, { status: validStatus ? Math.max(status, 400) : 400 });
  const text = [vendor?.message, vendor?.code === undefined ? undefined : String(vendor.code)]
    .filter((part) => part !== undefined)
    .join(' ');
  const code = validStatus ? codeFor(status, headers, text) : 'client.error';

  const details: Record<string, unknown> = {};
  if (vendor?.message !== undefined) details.serverMessage = sanitizeText(vendor.message);
  const kind = bodyKind(body);
  if (kind) details.bodyKind = kind;

  const retryAfterMs =
    code === 'rate_limit.exceeded' || code === 'rate_limit.ip_banned'
      ? parseRetryAfter(headers, nowMs)
      : parseExplicitRetryAfter(headers, nowMs);
  const shouldRetry = headerValue(headers, 'x-should-retry')?.trim().toLowerCase();
  const outcome: ErrorOutcome = status < 500 || NOT_EXECUTED_5XX.has(status) ? 'rejected' : 'unknown';
  const bodyRequestId = readProp(body, 'request_id') ?? readProp(body, 'requestId');

  return new KitError(code, {
    message: withRequest(
      method,
      path,
      validStatus ? `${titleFor(code)} (HTTP ${status})` : `Invalid HTTP status ${String(status)}`,
    ),
    status: validStatus ? status : undefined,
    method: method?.toUpperCase(),
    path,
    outcome,
    retryAfterMs,
    requestId:
      readRequestId(headers, response.requestIdHeaders) ??
      (typeof bodyRequestId === 'string' ? sanitizeText(bodyRequestId, 200) : undefined),
    vendorCode: vendor?.code === undefined ? undefined : sanitizeText(String(vendor.code), 100),
    details: Object.keys(details).length > 0 ? details : undefined,
    retryable: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined,
    retryHint: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined,
    cause: response.cause,
  });
}

function titleFor(code: ErrorCode): string {
  // Catalogue titles for status codes end in "(404)"; the message adds the status itself.
  return ERROR_CATALOGUE[code].title.replace(/\s*\(\d{3}\)$/, '');
}
