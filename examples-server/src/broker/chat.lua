-- Numbers a chat frame within its room and publishes
-- `seq kind roomlen room frame`. `say` also appends to the room's history;
-- `join`/`leave` update the member set and build the notice with the
-- current member list (join order), which only Redis knows.
-- KEYS: the room's seq counter, history list, member set.
-- ARGV: floor, history kept, channel, room, op (say/join/leave),
--       member (instance/conn/name), name as JSON, ts, frame, instance key prefix.
local seq = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if seq <= floor then seq = floor + 1; redis.call('SET', KEYS[1], seq) end
local op = ARGV[5]
local frame
if op == 'say' then
  frame = ARGV[9]
  local keep = tonumber(ARGV[2])
  if keep > 0 then
    redis.call('RPUSH', KEYS[2], seq .. '|' .. frame)
    redis.call('LTRIM', KEYS[2], -keep, -1)
  end
else
  if op == 'join' then
    redis.call('ZADD', KEYS[3], seq, ARGV[6])
  else
    redis.call('ZREM', KEYS[3], ARGV[6])
  end
  -- Members of an instance that stopped refreshing its heartbeat (it
  -- crashed without saying goodbye) are dropped here.
  local names = {}
  local alive = {}
  for _, m in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    local a = string.find(m, '/', 1, true)
    local b = string.find(m, '/', a + 1, true)
    local instance = string.sub(m, 1, a - 1)
    if alive[instance] == nil then
      alive[instance] = redis.call('EXISTS', ARGV[10] .. instance) == 1
    end
    if alive[instance] then
      names[#names + 1] = cjson.encode(string.sub(m, b + 1))
    else
      redis.call('ZREM', KEYS[3], m)
    end
  end
  frame = '{"type":"' .. op .. '","name":' .. ARGV[7] .. ',"members":[' ..
    table.concat(names, ',') .. '],"ts":' .. ARGV[8] .. '}'
end
local kind = 'n'
if op == 'say' then kind = 'm' end
redis.call('PUBLISH', ARGV[3], seq .. ' ' .. kind .. ' ' .. string.len(ARGV[4]) .. ' ' .. ARGV[4] .. frame)
return seq
