// The `@kit/auth/redis` entry point: node-only, and the only module that loads ioredis, so users
// who never import it never need ioredis installed (the main entry stays browser-safe).

export type { AuthClock } from './auth-clock';
export type {
  OAuth2TokenCache,
  OAuth2TokenCacheRequest,
  ObtainedOAuth2Token,
  SharedOAuth2Token,
} from './oauth2-token-cache';
export type { RedisTokenCache, RedisTokenCacheOptions } from './redis-token-cache';
export { createRedisTokenCache, DEFAULT_REDIS_TOKEN_CACHE_OPTIONS } from './redis-token-cache';
