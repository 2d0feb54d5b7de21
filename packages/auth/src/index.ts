export type { ApiKeyAuthOptions } from './api-key-auth';
export { apiKeyAuth, DEFAULT_API_KEY_AUTH_OPTIONS } from './api-key-auth';
export type { AuthClock } from './auth-clock';
export type { AuthRequest, AuthStrategy } from './auth-strategy';
export type { BearerAuthOptions, TokenProvider } from './bearer-auth';
export { bearerAuth } from './bearer-auth';
export type { BinanceAuthOptions } from './binance-auth';
export { binanceAuth, DEFAULT_BINANCE_AUTH_OPTIONS, signBinance } from './binance-auth';
export type { DataInput, DigestEncoding, HmacAlgorithm, KeyInput, SecretEncoding } from './hmac';
export { decodeSecret, hmac, sha256 } from './hmac';
export type {
  OAuth2ClientCredentialsAuth,
  OAuth2ClientCredentialsOptions,
  OAuth2TokenRetryOptions,
} from './oauth2-client-credentials';
export {
  DEFAULT_OAUTH2_CLIENT_CREDENTIALS_OPTIONS,
  oauth2ClientCredentials,
} from './oauth2-client-credentials';
export type { FetchLike } from './oauth2-token-request';
export { encodeQueryComponent, formatQuery } from './query-string';
export { assertSecureTransport, isLoopbackHost } from './secure-transport';
