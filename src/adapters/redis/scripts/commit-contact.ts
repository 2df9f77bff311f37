/**
 * The Lua source of `commitContact`, kept in a .ts module rather than a .lua file because
 * `tsc` copies no assets into dist/ (the Docker image runs dist/). The number of keys
 * varies (one per touched index), so the caller passes it first (ioredis defineCommand
 * without numberOfKeys).
 */
export const COMMIT_CONTACT_LUA = `
--[[
  commitContact: compare-and-set one contact's record and apply its index writes, all or
  nothing. The caller read the record, computed the new one with the pure domain functions
  and the index writes from the difference; this only checks that nobody wrote in between.

  Input:
    KEYS[1]    contact record (string)
    KEYS[2..]  keys the ops and the guard refer to, by position
    ARGV[1]    the record as the caller read it ('' = it must not exist)
    ARGV[2]    the new record
    ARGV[3]    guard: position in KEYS of a set that must not hold ARGV[4] ('0' = none)
    ARGV[4]    guard member, added to that set when the commit succeeds
    ARGV[5..]  index writes, each a code, a key position and its arguments:
                 'Z+' k score member   ZADD
                 'Z-' k member         ZREM
                 'L'  k value cap      LPUSH then LTRIM to cap entries

  Output: 'ok'; 'duplicate' (the guard member was there: nothing written); or
  'conflict' (the record changed since it was read: nothing written; re-read and retry).

  Steps: 0. check the op list (so a bad one writes nothing)  1. guard check  2. compare
  3. write the record  4. guard member  5. index writes
]]
local width = { ['Z+'] = 4, ['Z-'] = 3, ['L'] = 4 }
local j = 5
while j <= #ARGV do
  local w = width[ARGV[j]]
  if not w then return redis.error_reply('commitContact: unknown op ' .. tostring(ARGV[j])) end
  j = j + w
end
if j ~= #ARGV + 1 then return redis.error_reply('commitContact: truncated op list') end
local guard = tonumber(ARGV[3])
if guard > 0 and redis.call('SISMEMBER', KEYS[guard], ARGV[4]) == 1 then
  return 'duplicate'
end
local current = redis.call('GET', KEYS[1])
if not current then current = '' end
if current ~= ARGV[1] then
  return 'conflict'
end
if ARGV[2] ~= current then
  redis.call('SET', KEYS[1], ARGV[2])
end
if guard > 0 then
  redis.call('SADD', KEYS[guard], ARGV[4])
end
local i = 5
while i <= #ARGV do
  local code = ARGV[i]
  local key = KEYS[tonumber(ARGV[i + 1])]
  if code == 'Z+' then
    redis.call('ZADD', key, ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif code == 'Z-' then
    redis.call('ZREM', key, ARGV[i + 2])
    i = i + 3
  else -- 'L'
    redis.call('LPUSH', key, ARGV[i + 2])
    redis.call('LTRIM', key, 0, tonumber(ARGV[i + 3]) - 1)
    i = i + 4
  end
end
return 'ok'
`;
