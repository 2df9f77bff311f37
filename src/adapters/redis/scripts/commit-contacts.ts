/**
 * The Lua source of `commitContacts`, kept in a .ts module rather than a .lua file because
 * `tsc` copies no assets into dist/ (the Docker image runs dist/). The number of keys
 * varies, so the caller passes it first (ioredis defineCommand without numberOfKeys).
 */
export const COMMIT_CONTACTS_LUA = `
--[[
  commitContacts: compare-and-set contact records, each with its index writes, each all
  or nothing. The caller read each record, computed the new one with the pure domain
  functions and the index writes from the difference; this only checks that nobody wrote
  in between. One call carries one commit (a store write) or a batch of them (tier jobs:
  one call instead of one per contact); a conflict on one leaves the others alone.

  Input:
    KEYS       every key the commits refer to, by position (records, sets, indexes)
    ARGV[1]    how many commits; then each commit as:
      record     position in KEYS of the record (string: '<hot JSON>\\n<cold JSON>')
      mode       'all': expected and next are whole records;
                 'hot': they are hot halves, the cold half stays (the record must exist)
      expected   the record (or hot half) as the caller read it ('' = must not exist)
      next       the new record (or hot half)
      guard      position in KEYS of a set that must not hold the guard member ('0' = none)
      member     guard member, added to that set when the commit succeeds
      ops        how many index writes follow; each is a code, a key position, arguments:
                   'Z+' k score member   ZADD
                   'Z-' k member         ZREM
                   'L'  k value cap      LPUSH, then LTRIM to cap entries if longer
                   'H'  k field value    HSET (a kept fact, e.g. the order itself)
                   'ZC+' k score member c field d ttl
                                         ZADD, and only if it added the member:
                                         HINCRBY c field 1 and d field 1 (d expires
                                         after ttl s); so the count c is ZCARD k exactly
                   'ZC-' k member c field d ttl
                                         ZREM, and only if it removed: the same with -1
                                         (a count of 0 is deleted from c)
                   'I'  k field by ttl   HINCRBY; k expires after ttl s (0: never)

  Output: one status per commit: 'ok'; 'duplicate' (the guard member was there: nothing
  written); or 'conflict' (the record changed since it was read: nothing written).

  Steps: 0. check every op list (a malformed call writes nothing); then per commit:
  1. guard check  2. compare  3. write the record  4. guard member  5. index writes
]]
local width = { ['Z+'] = 4, ['Z-'] = 3, ['L'] = 4, ['H'] = 4, ['ZC+'] = 8, ['ZC-'] = 7, ['I'] = 5 }
local commits = tonumber(ARGV[1])
local p = 2
for _ = 1, commits do
  p = p + 6
  local ops = tonumber(ARGV[p])
  p = p + 1
  for _ = 1, ops do
    local w = width[ARGV[p]]
    if not w then return redis.error_reply('commitContacts: bad op ' .. tostring(ARGV[p])) end
    p = p + w
  end
end
if p ~= #ARGV + 1 then return redis.error_reply('commitContacts: argument count does not match') end

-- A count and its hourly delta move together, and only when the index really changed.
local function counted(by, c, field, d, ttl)
  if redis.call('HINCRBY', c, field, by) == 0 then redis.call('HDEL', c, field) end
  redis.call('HINCRBY', d, field, by)
  if tonumber(ttl) > 0 then redis.call('EXPIRE', d, ttl) end
end

local results = {}
p = 2
for c = 1, commits do
  local record = KEYS[tonumber(ARGV[p])]
  local mode, expected, nextRecord = ARGV[p + 1], ARGV[p + 2], ARGV[p + 3]
  local guard, member = tonumber(ARGV[p + 4]), ARGV[p + 5]
  local ops = tonumber(ARGV[p + 6])
  local first = p + 7
  p = first
  for _ = 1, ops do p = p + width[ARGV[p]] end

  local status = 'ok'
  if guard > 0 and redis.call('SISMEMBER', KEYS[guard], member) == 1 then
    status = 'duplicate'
  else
    local current = redis.call('GET', record) or ''
    if mode == 'hot' then
      local newline = string.find(current, '\\n', 1, true)
      if not newline or string.sub(current, 1, newline - 1) ~= expected then
        status = 'conflict'
      else
        nextRecord = nextRecord .. string.sub(current, newline)
      end
    elseif current ~= expected then
      status = 'conflict'
    end
  end
  if status == 'ok' then
    redis.call('SET', record, nextRecord)
    if guard > 0 then redis.call('SADD', KEYS[guard], member) end
    local i = first
    while i < p do
      local code, key = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
      if code == 'Z+' then
        redis.call('ZADD', key, ARGV[i + 2], ARGV[i + 3])
      elseif code == 'Z-' then
        redis.call('ZREM', key, ARGV[i + 2])
      elseif code == 'H' then
        redis.call('HSET', key, ARGV[i + 2], ARGV[i + 3])
      elseif code == 'ZC+' then
        if redis.call('ZADD', key, ARGV[i + 2], ARGV[i + 3]) == 1 then
          counted(1, KEYS[tonumber(ARGV[i + 4])], ARGV[i + 5], KEYS[tonumber(ARGV[i + 6])], ARGV[i + 7])
        end
      elseif code == 'ZC-' then
        if redis.call('ZREM', key, ARGV[i + 2]) == 1 then
          counted(-1, KEYS[tonumber(ARGV[i + 3])], ARGV[i + 4], KEYS[tonumber(ARGV[i + 5])], ARGV[i + 6])
        end
      elseif code == 'I' then
        redis.call('HINCRBY', key, ARGV[i + 2], ARGV[i + 3])
        if tonumber(ARGV[i + 4]) > 0 then redis.call('EXPIRE', key, ARGV[i + 4]) end
      elseif redis.call('LPUSH', key, ARGV[i + 2]) > tonumber(ARGV[i + 3]) then
        redis.call('LTRIM', key, 0, tonumber(ARGV[i + 3]) - 1)
      end
      i = i + width[code]
    end
  end
  results[c] = status
end
return results
`;
