import type { VendorErrorMap } from './vendor-error-mapper';

/**
 * Kraken Spot REST errors onto catalogue codes. Pass it to `createVendorErrorMapper(KRAKEN_ERROR_MAP)`.
 *
 * Kraken answers most failures with HTTP 200 and `{"error":["EOrder:Insufficient funds"],"result":{}}`:
 * strings of the form `<severity E|W><category>:<message>[:<extra info>]`. `extractVendorError` takes
 * the first string as the code, so `exact` holds whole documented strings and `broad` the families
 * whose strings carry extra info (`EGeneral:Internal error:<code>`, `EGeneral:Invalid arguments:<why>`).
 *
 * Sources (checked with a documentation search; the strings verbatim):
 * - Kraken API docs, "Spot Error Messages" (docs.kraken.com/api/docs/guides/spot-errors): the
 *   `EGeneral:`, `EService:`, `EAPI:` and margin `EOrder:` strings of its table;
 * - Kraken exchange docs, "Error messages" (docs.kraken.com/exchange/guides/general/errors): the
 *   `EAuth:` strings and the order-size ones (`Order minimum not met`, `Cost minimum not met`,
 *   `Tick size check failed`);
 * - Kraken support, "API error messages" (support.kraken.com/hc/en-us/articles/360001491786): the
 *   rate-limit strings and `EGeneral:Temporary lockout` (about 15 minutes); `EService:Throttled:
 *   <timestamp>` is from memory of the same article (the search index does not hold that part);
 * - the error list of Kraken's earlier REST docs for AddOrder, as quoted by client libraries
 *   (`ETrade:Invalid request`, `EOrder:Orders limit exceeded`, `EOrder:Positions limit exceeded`,
 *   `EOrder:Scheduled orders limit exceeded`, `EOrder:Unknown position`), and `EOrder:Unknown order`,
 *   `EQuery:Unknown asset pair`, `EService:Busy`, `EAPI:Feature disabled` as the same libraries
 *   list them. Strings found in no such list are left out on purpose.
 *
 * Kraken has no distinct "already filled" or "duplicate client order id" string in those pages: a
 * cancel of a closed order answers `EOrder:Unknown order`, mapped to `client.not_found`.
 */
export const KRAKEN_ERROR_MAP: VendorErrorMap = {
  exact: {
    // Authentication
    'EAPI:Invalid key': 'auth.invalid_credentials',
    'EAPI:Invalid signature': 'auth.invalid_signature',
    // The nonce was not above the last one this key used; a fresh nonce on the next attempt can pass.
    'EAPI:Invalid nonce': {
      code: 'auth.clock_skew',
      hint: 'The nonce must rise on every request of an API key: use one nonce source per key (createNonceSource from @kit/auth) and do not share a key between processes; kit signs each attempt with a fresh nonce.',
    },
    'EGeneral:Permission denied': 'auth.insufficient_permissions',
    'EAuth:Account temporary disabled': {
      code: 'auth.insufficient_permissions',
      hint: 'Kraken has temporarily disabled this account; check the account status with Kraken support before sending again.',
    },
    'EAuth:Account unconfirmed': {
      code: 'auth.insufficient_permissions',
      hint: 'The account is not verified for this action; complete verification in the Kraken account settings.',
    },
    // Too many failed calls (invalid key, nonce, signature): locked for about 15 minutes.
    'EGeneral:Temporary lockout': {
      code: 'rate_limit.ip_banned',
      hint: 'Kraken locked this key after too many failed calls (invalid key, nonce or signature): stop sending for about 15 minutes, then fix the cause before retrying.',
    },
    // Rate limits
    'EAPI:Rate limit exceeded': 'rate_limit.exceeded',
    'EOrder:Rate limit exceeded': {
      code: 'rate_limit.exceeded',
      hint: "Kraken's per-pair order counter is exhausted (cancels soon after placing cost the most); slow order placement and cancels on this pair, the counter decays over time.",
    },
    'EAuth:Rate limit exceeded': 'rate_limit.exceeded',
    'EAuth:Too many requests': 'rate_limit.exceeded',
    // Service state
    'EService:Unavailable': 'server.unavailable',
    'EService:Busy': 'server.unavailable',
    'EService:Market in cancel_only mode': {
      code: 'server.unavailable',
      outcome: 'rejected',
      retryable: false,
      hint: 'The market accepts only cancels right now; check Kraken SystemStatus and retry once the market is back in online mode.',
    },
    'EService:Market in post_only mode': {
      code: 'client.bad_request',
      hint: 'The market accepts only post-only limit orders right now (see Kraken SystemStatus): send a post-only limit order or wait.',
    },
    // `deadline` passed before the matching engine took the order: it was rejected, not executed.
    'EService:Deadline elapsed': { code: 'server.unavailable', outcome: 'rejected' },
    // Requests
    'EGeneral:Invalid arguments': 'client.bad_request',
    'EGeneral:Invalid arguments:Index unavailable': {
      code: 'client.bad_request',
      hint: 'Index pricing is unavailable for stop/take-profit orders on this pair: use the last price trigger.',
    },
    'EAPI:Feature disabled': 'client.bad_request',
    'ETrade:Invalid request': 'client.bad_request',
    'EQuery:Unknown asset pair': 'client.bad_request',
    'EQuery:Unknown asset': 'client.bad_request',
    // Orders
    'EOrder:Insufficient funds': 'client.insufficient_funds',
    'EOrder:Insufficient margin': {
      code: 'client.insufficient_funds',
      hint: 'Kraken does not have enough funds to lend for this margin trade right now (not your balance): reduce the size, trade without margin, or try later.',
    },
    'EOrder:Margin level too low': 'client.insufficient_funds',
    'EOrder:Margin allowance exceeded': 'client.insufficient_funds',
    'EOrder:Margin position size exceeded': 'client.bad_request',
    'EOrder:Cannot open position': {
      code: 'auth.insufficient_permissions',
      hint: 'The account or its tier is not eligible for margin trading on Kraken.',
    },
    'EOrder:Cannot open opposing position': {
      code: 'auth.insufficient_permissions',
      hint: 'The account or its tier is not eligible for margin trading on Kraken.',
    },
    'EOrder:Order minimum not met': {
      code: 'client.bad_request',
      hint: "The volume is below the pair's `ordermin` (see Kraken AssetPairs): raise the order size.",
    },
    'EOrder:Cost minimum not met': {
      code: 'client.bad_request',
      hint: "The order cost (price x volume) is below the pair's `costmin` (see Kraken AssetPairs): raise the order size.",
    },
    'EOrder:Tick size check failed': {
      code: 'client.bad_request',
      hint: "The price is not a multiple of the pair's `tick_size` (see Kraken AssetPairs): round it.",
    },
    'EOrder:Orders limit exceeded': {
      code: 'client.bad_request',
      hint: 'Too many open orders on this pair for the account tier: cancel some before placing more.',
    },
    'EOrder:Positions limit exceeded': {
      code: 'client.bad_request',
      hint: 'Too many open margin positions for the account tier: close some before opening more.',
    },
    'EOrder:Scheduled orders limit exceeded': 'client.bad_request',
    'EOrder:Unknown order': 'client.not_found',
    'EOrder:Unknown position': 'client.not_found',
  },
  broad: {
    // "EGeneral:Internal error[:<code>]": the request may or may not have been processed.
    'egeneral:internal error': { code: 'server.internal', outcome: 'unknown' },
    'egeneral:invalid arguments': 'client.bad_request',
    // "EService:Throttled: <unix timestamp>" (the support article's trading-engine throttle).
    'eservice:throttled': 'rate_limit.exceeded',
    'rate limit exceeded': 'rate_limit.exceeded',
  },
};
