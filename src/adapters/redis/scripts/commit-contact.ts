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
    KEYS[1]    contact record (string: '<hot JSON>\\n<cold JSON>')
    KEYS[2..]  keys the ops and the guard refer to, by position
    ARGV[1]    'all': ARGV[2] and ARGV[3] are whole records;
               'hot': they are hot halves, the cold half stays (the record must exist)
    ARGV[2]    the record (or hot half) as the caller read it ('' = must not exist)
    ARGV[3]    the new record (or hot half)
    ARGV[4]    guard: position in KEYS of a set that must not hold ARGV[5] ('0' = none)
    ARGV[5]    guard member, added to that set when the commit succeeds
    ARGV[6..]  index writes, each a code, a key position and its arguments:
                 'Z+' k score member   ZADD
                 'Z-' k member         ZREM
                 'L'  k value cap      LPUSH then LTRIM to cap entries

  Output: 'ok'; 'duplicate' (the guard member was there: nothing written); or
  'conflict' (the record changed since it was read: nothing written; re-read and retry).

  Steps: 0. check the op list (so a bad one writes nothing)  1. guard check  2. compare
  3. write the record  4. guard member  5. index writes
]]
local width = { ['Z+'] = 4, ['Z-'] = 3, ['L'] = 4 }
local j = 6
while j <= #ARGV do
  local w = width[ARGV[j]]
  if not w then return redis.error_reply('commitContact: unknown op ' .. tostring(ARGV[j])) end
  j = j + w
end
if j ~= #ARGV + 1 then return redis.error_reply('commitContact: truncated op list') end
local guard = tonumber(ARGV[4])
if guard > 0 and redis.call('SISMEMBER', KEYS[guard], ARGV[5]) == 1 then
  return 'duplicate'
end
local current = redis.call('GET', KEYS[1])
if not current then current = '' end
local nextRecord = ARGV[3]
if ARGV[1] == 'hot' then
  local newline = string.find(current, '\\n', 1, true)
  if current == '' or not newline then return 'conflict' end
  if string.sub(current, 1, newline - 1) ~= ARGV[2] then return 'conflict' end
  nextRecord = ARGV[3] .. string.sub(current, newline)
elseif current ~= ARGV[2] then
  return 'conflict'
end
if nextRecord ~= current then
  redis.call('SET', KEYS[1], nextRecord)
end
if guard > 0 then
  redis.call('SADD', KEYS[guard], ARGV[5])
end
local i = 6
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
