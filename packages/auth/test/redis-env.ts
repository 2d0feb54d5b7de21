// Redis-backed tests need a real redis-server: `.ci/run` starts one and exports REDIS_URL. Locally,
// without REDIS_URL they are skipped (the reason is in the test name); under CI a missing REDIS_URL
// is a failure, never a silent skip. (The same convention as @kit/retry's Redis tests.)
export const REDIS_URL = process.env.REDIS_URL;

if (!REDIS_URL && process.env.CI) {
  throw new Error(
    'REDIS_URL must be set when CI is set: the Redis token cache tests cannot be skipped in CI',
  );
}

/** Suffix for describe names explaining a skip. */
export const REDIS_SKIP_REASON = REDIS_URL
  ? ''
  : ' (skipped: REDIS_URL is unset; start redis-server and export REDIS_URL)';

/** A unique key per test so parallel runs and reruns never share a token. */
export function uniqueKey(label: string): string {
  return `test-${label}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}
