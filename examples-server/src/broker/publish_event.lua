-- Numbers the next event (never below the caller's floor), appends it to
-- the replay stream and publishes `id|json`.
-- KEYS: the id counter, the stream. ARGV: floor, stream length, channel, json.
local id = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if id <= floor then id = floor + 1; redis.call('SET', KEYS[1], id) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], id .. '-0', 'e', ARGV[4])
redis.call('PUBLISH', ARGV[3], id .. '|' .. ARGV[4])
return id
