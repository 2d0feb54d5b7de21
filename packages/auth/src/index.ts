export type { ApiKeyAuthOptions } from './api-key-auth';
export { apiKeyAuth, DEFAULT_API_KEY_AUTH_OPTIONS } from './api-key-auth';
export type { AuthClock } from './auth-clock';
export type { AuthRequest, AuthStrategy } from './auth-strategy';
export type { BearerAuthOptions, TokenProvider } from './bearer-auth';
export { bearerAuth } from './bearer-auth';
export type { BinanceAuthOptions } from './binance-auth';
export { binanceAuth, DEFAULT_BINANCE_AUTH_OPTIONS, signBinance } from './binance-auth';
export type { CoinbaseAuthOptions } from './coinbase-auth';
export { coinbaseAuth, signCoinbase } from './coinbase-auth';
export type { DataInput, DigestEncoding, HmacAlgorithm, KeyInput, SecretEncoding } from './hmac';
export { decodeSecret, hmac, sha256 } from './hmac';
export type { HmacAuthOptions, HmacPlacement, HmacPrehashParts } from './hmac-auth';
export { DEFAULT_HMAC_AUTH_OPTIONS, hmacAuth } from './hmac-auth';
export type { KrakenAuthOptions } from './kraken-auth';
export { krakenAuth, signKraken } from './kraken-auth';
export type { NonceSource, NonceSourceOptions } from './nonce-source';
export { createNonceSource, DEFAULT_NONCE_SOURCE_OPTIONS } from './nonce-source';
export type {
  OAuth2ClientCredentialsAuth,
  OAuth2ClientCredentialsOptions,
  OAuth2TokenRetryOptions,
} from './oauth2-client-credentials';
export {
  DEFAULT_OAUTH2_CLIENT_CREDENTIALS_OPTIONS,
  oauth2ClientCredentials,
} from './oauth2-client-credentials';
export type {
  OAuth2TokenCache,
  OAuth2TokenCacheRequest,
  ObtainedOAuth2Token,
  SharedOAuth2Token,
} from './oauth2-token-cache';
export type { FetchLike } from './oauth2-token-request';
export { encodeQueryComponent, formatQuery } from './query-string';
export { assertSecureTransport, isLoopbackHost } from './secure-transport';
export type { ServerClock, ServerClockOptions } from './server-clock';
export { createServerClock, DEFAULT_SERVER_CLOCK_OPTIONS } from './server-clock';
// Deliberately not exported: request-edit, credential, encoding, backoff, oauth2-token-error and
// the system clock are internals; their behaviour is reachable through the strategies above.
