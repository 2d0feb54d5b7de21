import type { KitError } from '@kit/errors';

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Statuses that are never retried, whatever the error says (retrying cannot change the answer). */
const NEVER_RETRIED_STATUS = new Set([501, 505]);
/** The only 4xx statuses that may be retried. */
const RETRYABLE_4XX = new Set([408, 429]);

/** What {@link shouldRetry} needs to know about the request. */
export interface RetryRequestInfo {
  /** The HTTP method (case-insensitive). Omit for non-HTTP operations (e.g. WebSocket requests). */
  method?: string;
  /** Whether the request carries an idempotency key reused on every attempt. */
  hasIdempotencyKey?: boolean;
}

/**
 * Whether the method is idempotent by RFC 9110 (GET, HEAD, OPTIONS, PUT, DELETE, TRACE), so
 * repeating it cannot do harm.
 */
export function isIdempotentMethod(method: string | undefined): boolean {
  return method !== undefined && IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * The one retry rule shared by @kit/rest-client and @kit/ws-client: the error must be
 * retryable, and repeating must be safe: an idempotent method, an idempotency key, a request that
 * never left (`outcome: 'not_sent'`), or a 429 (the server refused it, so nothing happened).
 * Never 501/505 or another 4xx unless the server's own hint (`x-should-retry: true`) says to;
 * never `server.execution_unknown`; and an `outcome: 'unknown'`
 * (e.g. a POST that timed out) only under an idempotent method or idempotency key, so it is never
 * resent blindly.
 *
 * @example
 * ```ts
 * shouldRetry(error, { method: 'POST', hasIdempotencyKey: true });
 * ```
 */
export function shouldRetry(error: KitError, request: RetryRequestInfo = {}): boolean {
  if (!error.retryable) return false;
  // The venue said it cannot tell whether it executed the request: reconcile, never resend.
  if (error.code === 'server.execution_unknown') return false;
  const status = error.status;
  // An explicit "retry this" from the server (x-should-retry: true, as Stripe and OpenAI send on a
  // lock-timeout 409) overrides the status rules; the idempotency rules below still apply.
  if (status !== undefined && error.retryHint !== true) {
    if (NEVER_RETRIED_STATUS.has(status)) return false;
    if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) return false;
  }
  // Safe whatever happened: the request may have run, but repeating it cannot do harm.
  if (request.hasIdempotencyKey === true || isIdempotentMethod(request.method)) return true;
  // Otherwise only when nothing can have happened. An unknown outcome (a timeout or a connection
  // lost after sending) is never retried blindly: the caller must reconcile first.
  if (error.outcome === 'unknown') return false;
  return error.outcome === 'not_sent' || error.code === 'rate_limit.exceeded' || status === 429;
}
