// The `@kit/retry/redis` entry point: node-only, and the only module that loads ioredis, so users
// who never import it never need ioredis installed.

export type { Clock } from './clock';
export type { RateLimitStore, RateLimitWindow, TakeResult } from './rate-limit-store';
export type { RedisStore, RedisStoreOptions } from './redis-store';
export { createRedisStore, DEFAULT_REDIS_STORE_OPTIONS } from './redis-store';
