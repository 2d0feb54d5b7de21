import type { VendorErrorMap } from './vendor-error-mapper';

/**
 * An example vendor table: Binance spot error codes (from Binance's published error-code list)
 * onto catalogue codes. Pass it to `createVendorErrorMapper(BINANCE_ERROR_MAP)`.
 *
 * -2010 (NEW_ORDER_REJECTED) is deliberately absent from `exact`: its meaning is in the message, so
 * the `broad` fragments decide (exact matches are tried first, as in ccxt).
 */
export const BINANCE_ERROR_MAP: VendorErrorMap = {
  exact: {
    '-1000': { code: 'server.internal', outcome: 'unknown' },
    '-1001': 'server.unavailable',
    '-1002': 'auth.invalid_credentials',
    '-1003': 'rate_limit.exceeded',
    // "Execution status unknown": the order may exist. Never retried blindly; reconcile first.
    '-1006': { code: 'server.execution_unknown', outcome: 'unknown', retryable: false },
    '-1007': { code: 'server.execution_unknown', outcome: 'unknown', retryable: false },
    '-1008': 'server.unavailable',
    '-1013': 'client.bad_request',
    '-1015': 'rate_limit.exceeded',
    '-1021': 'auth.clock_skew',
    '-1022': 'auth.invalid_signature',
    '-1100': 'client.bad_request',
    '-1102': 'client.bad_request',
    '-1121': 'client.bad_request',
    '-2011': 'client.not_found',
    '-2013': 'client.not_found',
    '-2014': 'auth.invalid_credentials',
    '-2015': 'auth.invalid_credentials',
  },
  broad: {
    'insufficient balance': 'client.insufficient_funds',
    'duplicate order sent': 'client.conflict',
    'market is closed': 'client.bad_request',
    'order would immediately match and take': 'client.bad_request',
    'order would trigger immediately': 'client.bad_request',
    'unknown order sent': 'client.not_found',
    'has no operation privilege': 'auth.insufficient_permissions',
    'ip banned': 'rate_limit.ip_banned',
    'too many requests': 'rate_limit.exceeded',
  },
};
