/**
 * The Lua source of `scanHotRecords` (1 key): one round trip per batch of a full tier
 * pass instead of ZRANGEBYLEX then MGET, and only the hot halves cross the wire.
 */
export const SCAN_HOT_RECORDS_LUA = `
--[[
  scanHotRecords: the next ids of an index sorted set and the hot half of each record.

  Input:
    KEYS[1]  index sorted set (all scores 0, ordered by id)
    ARGV[1]  ZRANGEBYLEX min: '-' from the start, '(<id>' after an id
    ARGV[2]  how many ids
    ARGV[3]  record key prefix: a record's key is ARGV[3] .. id. The record keys are built
             here, not passed in, so this needs a standalone Redis (as the multi-key
             commitContact already does).

  Output: a flat array: how many ids were read (fewer than ARGV[2]: the set ended), the
  last id read ('' if none), then id1, hot1, id2, hot2, ... (an id without a record is
  left out of the pairs but still counts as read).
  Step: ZRANGEBYLEX, then GET each record and cut it at the first newline.
]]
local ids = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))
local out = { #ids, ids[#ids] or '' }
for _, id in ipairs(ids) do
  local raw = redis.call('GET', ARGV[3] .. id)
  if raw then
    local newline = string.find(raw, '\\n', 1, true)
    out[#out + 1] = id
    out[#out + 1] = newline and string.sub(raw, 1, newline - 1) or raw
  end
end
return out
`;
