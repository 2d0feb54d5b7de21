// Lua scripts of the Redis store. Each runs atomically on the server, reads time with `TIME` (the
// Redis server's clock, the same for every process), and touches only keys sharing one hash tag,
// so they also work on Redis Cluster.

/**
 * Token bucket over several windows, serving a FIFO batch. KEYS: bucket hash, blocked marker.
 * ARGV: window count n, then (tokens, intervalMs) per window, then the weights in queue order.
 * Takes weights in order while each fits in every window. Returns { granted count, retryInMs of
 * the first refused weight }.
 */
export const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked} end
local n = tonumber(ARGV[1])
local caps = {}
local intervals = {}
local levels = {}
local ttl = 0
for i = 1, n do
  local cap = tonumber(ARGV[2 * i])
  local interval = tonumber(ARGV[2 * i + 1])
  local stored = redis.call('HMGET', KEYS[1], 'l' .. i, 't' .. i)
  local level = tonumber(stored[1])
  local at = tonumber(stored[2])
  if level == nil or at == nil then level = cap; at = now end
  caps[i] = cap
  intervals[i] = interval
  levels[i] = math.min(cap, level + math.max(0, now - at) * cap / interval)
  if interval > ttl then ttl = interval end
end
local granted = 0
local wait = 0
for k = 2 * n + 2, #ARGV do
  local weight = tonumber(ARGV[k])
  for i = 1, n do
    if levels[i] < weight then
      wait = math.max(wait, math.ceil((weight - levels[i]) * intervals[i] / caps[i]))
    end
  end
  if wait > 0 then break end
  for i = 1, n do levels[i] = levels[i] - weight end
  granted = granted + 1
end
if granted > 0 then
  for i = 1, n do
    redis.call('HSET', KEYS[1], 'l' .. i, tostring(levels[i]), 't' .. i, now)
  end
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
end
return {granted, wait}
`;

/** Extends the shared pause. KEYS: blocked marker. ARGV: durationMs. Never shortens a pause. */
export const BLOCK_SCRIPT = `
local duration = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < duration then
  redis.call('SET', KEYS[1], '1', 'PX', duration)
end
return 1
`;

/**
 * Lowers one window to the server's remaining count. KEYS: bucket hash.
 * ARGV: window index (1-based), remaining, tokens, intervalMs, longest intervalMs.
 */
export const CLAMP_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local i = ARGV[1]
local remaining = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local interval = tonumber(ARGV[4])
local stored = redis.call('HMGET', KEYS[1], 'l' .. i, 't' .. i)
local level = tonumber(stored[1])
local at = tonumber(stored[2])
if level == nil or at == nil then level = cap; at = now end
level = math.min(cap, level + math.max(0, now - at) * cap / interval)
if remaining < level then level = math.max(0, remaining) end
redis.call('HSET', KEYS[1], 'l' .. i, tostring(level), 't' .. i, now)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]) * 2)
return 1
`;
