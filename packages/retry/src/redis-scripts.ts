// Lua scripts of the Redis store. Each runs atomically on the server, reads time with `TIME` (the
// Redis server's clock, the same for every process), and touches only keys sharing one hash tag,
// so they also work on Redis Cluster.

/**
 * Token bucket over several windows, serving a FIFO batch. KEYS: bucket hash, blocked marker.
 * ARGV: window count n, then (tokens, intervalMs) per window, then the weights in queue order.
 * Takes weights in order while each fits in every window. Returns { granted count, retryInMs of
 * the first refused weight, then each window's level after the take (as strings: Redis would
 * truncate a Lua number to an integer) }; while paused only { 0, the pause's remaining ms }.
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
  if level == nil or at == nil then
    -- A window not seen yet starts full, unless a pause emptied the key (one token at its end).
    local drained = tonumber(redis.call('HGET', KEYS[1], 'd'))
    if drained then level = math.min(1, cap); at = drained else level = cap; at = now end
  end
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
    -- The window's size too: the token a pause leaves is at most that.
    redis.call('HSET', KEYS[1], 'l' .. i, tostring(levels[i]), 't' .. i, now, 'c' .. i, caps[i])
  end
  redis.call('PEXPIRE', KEYS[1], math.ceil(ttl * 2))
end
local reply = {granted, wait}
for i = 1, n do reply[2 + i] = tostring(levels[i]) end
return reply
`;

/**
 * Extends the shared pause; when it ends every window holds one token (at most its size) and
 * refills from there (`d` marks the end for windows not stored yet). KEYS: blocked marker, bucket
 * hash. ARGV: durationMs. Never shortens a pause: inside a longer one it does nothing.
 */
export const BLOCK_SCRIPT = `
local duration = tonumber(ARGV[1])
if duration <= 0 or redis.call('PTTL', KEYS[1]) > duration then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', duration)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ends = now + duration
-- Windows are stored as l<i> (level), t<i> (refilled until) and c<i> (size), i = 1, 2, ...
local i = 1
while redis.call('HEXISTS', KEYS[2], 'l' .. i) == 1 do
  local cap = tonumber(redis.call('HGET', KEYS[2], 'c' .. i)) or 1
  redis.call('HSET', KEYS[2], 'l' .. i, tostring(math.min(1, cap)), 't' .. i, ends)
  i = i + 1
end
redis.call('HSET', KEYS[2], 'd', ends)
if redis.call('PTTL', KEYS[2]) < duration + 60000 then redis.call('PEXPIRE', KEYS[2], math.ceil(duration + 60000)) end
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
local stored = redis.call('HMGET', KEYS[1], 'l' .. i, 't' .. i, 'd')
local level = tonumber(stored[1])
local at = tonumber(stored[2])
if level == nil or at == nil then
  local drained = tonumber(stored[3])
  if drained then level = math.min(1, cap); at = drained else level = cap; at = now end
end
level = math.min(cap, level + math.max(0, now - at) * cap / interval)
if remaining < level then level = math.max(0, remaining) end
-- During a pause the refill time stays at its end.
redis.call('HSET', KEYS[1], 'l' .. i, tostring(level), 't' .. i, math.max(now, at))
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[5]) * 2))
return 1
`;
