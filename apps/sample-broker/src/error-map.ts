// The broker's error codes (API.md, "Error body") onto kit's catalogue, in one table. For another
// broker, replace the keys with its codes; keep the targets' meaning (outcome, retryable) honest.
import {
  createVendorErrorMapper,
  KitError,
  type VendorErrorMap,
  type VendorErrorMapper,
  type VendorErrorTarget,
} from '@kit/errors';

/**
 * `error.code` of the sandbox's `{ "error": { "code", "message" } }` bodies -> catalogue codes. The
 * body's shape is one @kit/errors' extractor already reads, so only the table is ours.
 */
export const SAMPLE_BROKER_ERROR_MAP = {
  exact: {
    INVALID_REQUEST: 'client.bad_request',
    INVALID_QUANTITY: {
      code: 'client.bad_request',
      hint: 'Send the quantity as a positive decimal string, e.g. "10" or "0.5".',
    },
    INVALID_PRICE: {
      code: 'client.bad_request',
      hint: 'Limit orders need `limitPrice` as a positive decimal string, e.g. "190.00"; market orders take none.',
    },
    MISSING_CREDENTIALS: 'auth.missing_credentials',
    // The stream's answer to an `orders` subscription without a login.
    LOGIN_REQUIRED: 'auth.missing_credentials',
    UNKNOWN_API_KEY: {
      code: 'auth.invalid_credentials',
      hint: 'The broker does not know this API key: check SAMPLE_BROKER_API_KEY (sandbox and production keys differ).',
    },
    INVALID_SIGNATURE: {
      code: 'auth.invalid_signature',
      hint: 'The signature did not verify: check SAMPLE_BROKER_API_SECRET belongs to SAMPLE_BROKER_API_KEY.',
    },
    TIMESTAMP_OUTSIDE_WINDOW: 'auth.clock_skew',
    INVALID_TOKEN: 'auth.invalid_credentials',
    TOKEN_EXPIRED: 'auth.expired_token',
    TOKEN_REVOKED: {
      code: 'auth.expired_token',
      hint: 'The access token was revoked; kit fetches a new one once. If it persists, check that the OAuth client is still enabled.',
    },
    INSUFFICIENT_SCOPE: {
      code: 'auth.insufficient_permissions',
      hint: 'These credentials lack the scope this call needs (a read-only key cannot place or cancel orders): use a key with the `trade` scope.',
    },
    UNKNOWN_SYMBOL: {
      code: 'client.not_found',
      hint: 'The broker does not list this symbol: check its spelling (e.g. "BTC-USD", not "BTCUSD").',
    },
    ORDER_NOT_FOUND: 'client.not_found',
    NOT_FOUND: 'client.not_found',
    METHOD_NOT_ALLOWED: 'client.method_not_allowed',
    ORDER_ALREADY_CANCELLED: 'client.order_already_cancelled',
    ORDER_ALREADY_FILLED: 'client.order_already_filled',
    DUPLICATE_CLIENT_ORDER_ID: 'client.duplicate_client_order_id',
    // The first request with this key is still running: it may yet create the order.
    IDEMPOTENCY_KEY_IN_USE: { code: 'client.idempotency_key_in_use', outcome: 'unknown' },
    IDEMPOTENCY_KEY_REUSED: 'client.idempotency_key_mismatch',
    INSUFFICIENT_BUYING_POWER: 'client.insufficient_funds',
    INSUFFICIENT_POSITION: {
      code: 'client.insufficient_funds',
      hint: 'The account does not hold enough of this symbol to sell that quantity: check getPositions().',
    },
    RATE_LIMITED: 'rate_limit.exceeded',
    KEY_BANNED: {
      code: 'rate_limit.ip_banned',
      hint: 'The broker banned this key for sending while rate limited: wait for Retry-After, then lower the request rate.',
    },
    INTERNAL: { code: 'server.internal', outcome: 'unknown' },
    UNAVAILABLE: 'server.unavailable',
    // "May or may not have been created" (Binance -1007): never retried, always reconciled.
    EXECUTION_UNKNOWN: { code: 'server.execution_unknown', outcome: 'unknown', retryable: false },
  },
} as const satisfies VendorErrorMap;

/** The mapper the REST client uses (`errorMapper`). */
export function createSampleBrokerErrorMapper(): VendorErrorMapper {
  return createVendorErrorMapper(SAMPLE_BROKER_ERROR_MAP);
}

/**
 * A stream error carrying the broker's own code (a rejected subscription: `UNKNOWN_SYMBOL`,
 * `LOGIN_REQUIRED`) mapped through the same table, so `book:NOPE` fails as `client.not_found` with
 * the table's hint rather than a generic rejection. Other errors pass through.
 */
export function mapStreamError(error: KitError): KitError {
  const target =
    error.vendorCode === undefined
      ? undefined
      : (SAMPLE_BROKER_ERROR_MAP.exact as Readonly<Record<string, VendorErrorTarget>>)[error.vendorCode];
  if (target === undefined || !Object.hasOwn(SAMPLE_BROKER_ERROR_MAP.exact, error.vendorCode as string))
    return error;
  const resolved = typeof target === 'string' ? { code: target } : target;
  return new KitError(resolved.code, {
    message: error.message,
    cause: error,
    vendorCode: error.vendorCode,
    outcome: 'rejected',
    details: error.details,
    ...(resolved.hint === undefined ? {} : { hint: resolved.hint }),
  });
}
