import { KitError } from '@kit/errors';
import { redactSecretValues } from '@kit/logger';

/** What a call's errors must carry. */
export interface RequestContext {
  method: string;
  /** The path without query string. */
  path: string;
  /** Attempts sent (a 401 replay included). */
  attempts?: number;
}

/**
 * Returns `error` with the call's method and path (registered secret values masked) and its attempt
 * count. Errors made without that context (a deadline or attempt timeout from the retry policy, an
 * auth failure) or whose path holds a secret are rebuilt with the same code, fields and cause.
 */
export function withRequestContext(error: KitError, context: RequestContext): KitError {
  let result = error;
  const method = error.method ?? context.method;
  // A path parameter can hold a registered secret (an API key in the path); mask it in the field.
  const path = redactSecretValues(error.path ?? context.path);
  if (error.method === undefined || error.path !== path) {
    const prefix = `${method} ${path}`;
    result = new KitError(error.code, {
      message: error.message.startsWith(prefix) ? error.message : `${prefix}: ${error.message}`,
      cause: error.cause,
      retryable: error.retryable,
      status: error.status,
      requestId: error.requestId,
      retryAfterMs: error.retryAfterMs,
      attempts: error.attempts,
      totalDelayMs: error.totalDelayMs,
      method,
      path,
      outcome: error.outcome,
      vendorCode: error.vendorCode,
      details: error.details,
      hint: error.hint,
    });
  }
  if (context.attempts !== undefined) result.attempts = context.attempts;
  return result;
}
