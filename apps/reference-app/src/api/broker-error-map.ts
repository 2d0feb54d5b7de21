import { createVendorErrorMapper, type VendorErrorMap } from '@kit/errors';

/**
 * The broker API's error codes (apps/sandbox-broker/API.md, "Error body") mapped to catalogue
 * codes, so the doctor names `auth.invalid_signature` rather than a bare 401.
 */
const BROKER_ERROR_MAP: VendorErrorMap = {
  exact: {
    INVALID_REQUEST: 'client.bad_request',
    INVALID_QUANTITY: 'client.invalid_argument',
    INVALID_PRICE: 'client.invalid_argument',
    MISSING_CREDENTIALS: 'auth.missing_credentials',
    UNKNOWN_API_KEY: 'auth.invalid_credentials',
    INVALID_SIGNATURE: 'auth.invalid_signature',
    TIMESTAMP_OUTSIDE_WINDOW: 'auth.clock_skew',
    INVALID_TOKEN: 'auth.invalid_credentials',
    TOKEN_EXPIRED: 'auth.expired_token',
    TOKEN_REVOKED: 'auth.invalid_credentials',
    INSUFFICIENT_SCOPE: 'auth.insufficient_permissions',
    UNKNOWN_SYMBOL: 'client.not_found',
    ORDER_NOT_FOUND: 'client.not_found',
    NOT_FOUND: 'client.not_found',
    METHOD_NOT_ALLOWED: 'client.method_not_allowed',
    ORDER_ALREADY_CANCELLED: 'client.order_already_cancelled',
    ORDER_ALREADY_FILLED: 'client.order_already_filled',
    DUPLICATE_CLIENT_ORDER_ID: 'client.duplicate_client_order_id',
    IDEMPOTENCY_KEY_IN_USE: 'client.idempotency_key_in_use',
    IDEMPOTENCY_KEY_REUSED: 'client.idempotency_key_mismatch',
    INSUFFICIENT_BUYING_POWER: 'client.insufficient_funds',
    INSUFFICIENT_POSITION: 'client.insufficient_funds',
    RATE_LIMITED: 'rate_limit.exceeded',
    KEY_BANNED: 'rate_limit.ip_banned',
    INTERNAL: 'server.internal',
    UNAVAILABLE: 'server.unavailable',
    EXECUTION_UNKNOWN: 'server.execution_unknown',
    // OAuth2 token endpoint (RFC 6749 bodies).
    invalid_client: 'auth.invalid_credentials',
    unsupported_grant_type: 'client.bad_request',
    invalid_request: 'client.bad_request',
  },
};

/** The mapper for @kit/rest-client's `errorMapper` option. */
export const brokerErrorMapper = createVendorErrorMapper(BROKER_ERROR_MAP);
