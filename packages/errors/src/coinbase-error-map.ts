import type { VendorErrorMap } from './vendor-error-mapper';

/**
 * Coinbase Exchange REST errors (the API `coinbaseAuth` from @kit/auth signs: `CB-ACCESS-*`
 * headers) onto catalogue codes. Pass it to `createVendorErrorMapper(COINBASE_ERROR_MAP)`.
 *
 * Coinbase Exchange answers a failure with a 4xx/5xx status and a body `{"message": "..."}` and no
 * code of its own, so the table matches messages: `exact` the whole message, `broad` fragments of
 * messages that carry values (`size is too small. Minimum size is 0.001`). A message in neither
 * falls back to the status (401 `auth.invalid_credentials`, 404 `client.not_found`, 429
 * `rate_limit.exceeded`, ...), as Coinbase's status table says.
 *
 * Sources (checked with a documentation search, not from memory unless marked):
 * - Coinbase Exchange docs, "Exchange REST API Requests" (docs.cdp.coinbase.com/exchange/rest-api/requests):
 *   the `{"message"}` body, its example `Invalid Price`, and the status codes (400 invalid request
 *   format, 401 invalid API key, 403 no access, 404 not found, 500 server error);
 * - the messages Coinbase Exchange sends for key and order errors, which its docs show only by
 *   example, as collected in ccxt's `coinbaseexchange` exception table: `Insufficient funds`,
 *   `NotFound`, `Invalid API Key`, `invalid signature`, `Invalid Passphrase`, `Invalid order id`,
 *   `Private rate limit exceeded`, `Trading pair not available`, `Product not found`, and the
 *   fragments `Order already done`, `order not found`, `price too small`, `price too precise`,
 *   `size is too small`, `under maintenance`, `Cancel only mode`;
 * - from memory of the Coinbase Exchange "Rate limits" and "Authentication" pages (not found in the
 *   search index): `Public rate limit exceeded` (429), and `request timestamp expired` for a
 *   `CB-ACCESS-TIMESTAMP` outside the API's 30-second window.
 */
export const COINBASE_ERROR_MAP: VendorErrorMap = {
  exact: {
    'Invalid API Key': 'auth.invalid_credentials',
    'Invalid Passphrase': {
      code: 'auth.invalid_credentials',
      hint: 'The CB-ACCESS-PASSPHRASE does not belong to this key: use the passphrase chosen when the key was created (it cannot be recovered; create a new key if it is lost).',
    },
    'invalid signature': 'auth.invalid_signature',
    'Insufficient funds': 'client.insufficient_funds',
    NotFound: 'client.not_found',
    'Invalid order id': 'client.bad_request',
    'Product not found': 'client.bad_request',
    'Trading pair not available': {
      code: 'auth.insufficient_permissions',
      hint: 'This product is not available to the account (region or account type): check the product list for this account.',
    },
    'Private rate limit exceeded': 'rate_limit.exceeded',
    'Public rate limit exceeded': 'rate_limit.exceeded',
    'Invalid Price': 'client.bad_request',
  },
  broad: {
    // CB-ACCESS-TIMESTAMP outside the 30 s window.
    'request timestamp expired': 'auth.clock_skew',
    // Cancel of an order that has already finished (filled, or settled after partial fills).
    'order already done': {
      code: 'client.order_already_filled',
      hint: 'The order is already done on Coinbase (filled, or finished after partial fills), so it cannot be cancelled: fetch it (`done_reason`, `filled_size`) and your fills to update the position.',
    },
    'order not found': 'client.not_found',
    'size is too small': 'client.bad_request',
    'price too small': 'client.bad_request',
    'price too precise': 'client.bad_request',
    'under maintenance': 'server.unavailable',
    'cancel only mode': {
      code: 'server.unavailable',
      outcome: 'rejected',
      retryable: false,
      hint: 'The product accepts only cancels right now (see the Coinbase status page); retry once trading resumes.',
    },
    'rate limit exceeded': 'rate_limit.exceeded',
  },
};
