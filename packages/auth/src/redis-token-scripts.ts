// Lua scripts of the Redis token cache. Each runs atomically on the server and touches only keys
// sharing one {hash tag}, so they also work on Redis Cluster. Lifetimes are the keys' own TTLs on
// the Redis clock (PTTL), never a timestamp from one machine's clock.
//
// KEYS[1] is always the token hash (fields `access_token`, `lifetime_ms`; `lifetime_ms` is 0 when
// the token endpoint sent no `expires_in`), KEYS[2] the lock (a string holding the holder's fence).

/** Reads the token and whether someone holds the lock. Returns { token, lifetime, pttl, locked }. */
export const READ_SCRIPT = `
local t = redis.call('HMGET', KEYS[1], 'access_token', 'lifetime_ms')
return {t[1], t[2], redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[2])}
`;

/**
 * Takes the lock if it is free (SET NX PX), and reads the token in the same step, so a token
 * written just before the lock was taken is seen. ARGV: fence, lock TTL in ms.
 * Returns { acquired (1/0), token, lifetime, pttl }.
 */
export const ACQUIRE_SCRIPT = `
local acquired = 0
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then acquired = 1 end
local t = redis.call('HMGET', KEYS[1], 'access_token', 'lifetime_ms')
return {acquired, t[1], t[2], redis.call('PTTL', KEYS[1])}
`;

/**
 * Stores a fetched token and releases the lock, fenced: only the lock's holder writes. A holder
 * whose lock expired while it fetched still writes when nobody holds the lock and the stored token
 * (if any) expires sooner than its own; a newer holder's lock or token always wins.
 * ARGV: fence, token, lifetime in ms (0: unknown), TTL in ms (0: no expiry). Returns 1 if stored.
 */
export const WRITE_SCRIPT = `
local holder = redis.call('GET', KEYS[2])
local ttl = tonumber(ARGV[4])
if holder ~= ARGV[1] then
  if holder then return 0 end
  local left = redis.call('PTTL', KEYS[1])
  if left == -1 then return 0 end
  if left > 0 and ttl > 0 and left >= ttl then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'access_token', ARGV[2], 'lifetime_ms', ARGV[3])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
if holder == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`;

/** Releases the lock if this fence still holds it. KEYS[1]: lock. ARGV: fence. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Extends the lock if this fence still holds it. KEYS[1]: lock. ARGV: fence, TTL in ms. Returns 1/0. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Deletes the token if it still is `ARGV[1]` (a 401 rejected it). KEYS[1]: token. Returns 1/0. */
export const INVALIDATE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'access_token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
