/**
 * The Lua source of `fenjiOutreachLedger` (adapters/redis/outreach-ledger.ts), kept in a
 * .ts module because `tsc` copies no assets into dist/.
 */
export const OUTREACH_LEDGER_LUA = `
--[[
  fenjiOutreachLedger: the three marks of outreach items (occasion, day, receive cap), all
  of an item's at once.

  Input:
    KEYS[1]    the day hash, KEYS[2] the cap period hash, then (ARGV[8] of them) the hashes
               of the cap periods before it, then the occasion hashes the items name
    ARGV[1]    mode: 'claim' | 'check' | 'hold' | 'sent' | 'release' | 'release-keep-day'
    ARGV[2]    now (seconds): a claim ending before it is free again
    ARGV[3]    until (seconds): when a claim made or held now ends
    ARGV[4]    the cap: places per customer in the period
    ARGV[5]    occasion hash TTL (s), ARGV[6] day hash TTL (s), ARGV[7] cap hash TTL (s; relative, as the caller's clock may not be Redis's)
    ARGV[8]    how many earlier cap periods to look at: a task still unconfirmed from one of
               them may be delivered in this one, so its place counts here too (WeCom
               counts when the rep confirms)
    ARGV[9]    the items, a JSON array of four values each: customer id, counts (1: takes a
               cap place), its occasion hash (an index into KEYS), owner token ('' for
               check: nobody's marks are its own). Per item, so that one call claims a
               whole planning page whose items go to many send jobs; the shared keys are
               named once, not per item; one JSON argument, as a thousand separate ones
               cost the client more than the script.

  A mark is '<owner>' (sent: permanent) or '<owner>~<end, base 36>' (claimed). The cap
  field holds the customer's marks in the period, space-separated.

  Output: per item 0 ok, 1 already_sent, 2 day_taken, 3 capped (claim and check; the
  other modes answer 0).
]]
local mode = ARGV[1]
local now, untilS, cap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local occTtl, dayTtl, capTtl, earlier = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local flat = cjson.decode(ARGV[9])
local items = #flat / 4
local dayKey, capKey = KEYS[1], KEYS[2]
local untilHex = string.lower(string.format('%x', untilS))
-- The current item's owner and its claim mark (set per item in the loop below).
local owner, claimed = '', ''
-- Hashes changed by this call, and their TTL: one EXPIRE each at the end, not one per item.
local touched = {}

local function parse(v)
  if not v then return nil, false end
  local o, e = string.match(v, '^([^~]*)~?(%x*)$')
  if e == nil or e == '' then return o, true end
  return o, tonumber(e, 16) > now
end

-- The new value of a mark for this call's owner: a string, nil to delete it, false to
-- leave it. A claim takes a free field or an expired claim of anyone; the other modes
-- touch the owner's marks only, and only 'sent' changes a sent one.
local function change(v)
  local o, live = parse(v)
  if mode == 'claim' and (not v or (o ~= owner and not live)) then return claimed end
  if not v or o ~= owner then return false end
  if mode == 'sent' then return owner end
  if v == owner then return false end
  if mode == 'hold' or mode == 'claim' then return claimed end
  return nil
end

local function apply(key, field, v, ttl)
  local new = change(v)
  if new == false then return end
  if new == nil then redis.call('HDEL', key, field) else redis.call('HSET', key, field, new) end
  touched[key] = ttl
end

local out = {}
for i = 1, items do
  local id, counts = flat[4 * i - 3], flat[4 * i - 2] == 1
  local occKey = KEYS[flat[4 * i - 1]]
  owner = flat[4 * i]
  claimed = owner .. '~' .. untilHex
  local occ = redis.call('HGET', occKey, id)
  local day = redis.call('HGET', dayKey, id)
  local capv = counts and redis.call('HGET', capKey, id) or false
  local entries, mine = {}, nil
  if capv then
    for e in string.gmatch(capv, '%S+') do
      local o, live = parse(e)
      if o == owner then mine = e elseif live then entries[#entries + 1] = e end
    end
  end
  local pending = 0
  if counts and (mode == 'claim' or mode == 'check') then
    for k = 1, earlier do
      local old = redis.call('HGET', KEYS[2 + k], id)
      if old then
        for e in string.gmatch(old, '%S+') do
          local o, live = parse(e)
          if o ~= owner and live and string.find(e, '~', 1, true) then pending = pending + 1 end
        end
      end
    end
  end
  local verdict = 0
  if mode == 'claim' or mode == 'check' then
    local oo, olive = parse(occ)
    local d, dlive = parse(day)
    if occ and olive and oo ~= owner then verdict = 1
    elseif day and dlive and d ~= owner then verdict = 2
    elseif counts and not mine and #entries + pending >= cap then verdict = 3 end
  end
  out[i] = verdict
  if verdict == 0 and mode ~= 'check' then
    apply(occKey, id, occ, occTtl)
    if mode ~= 'release-keep-day' then apply(dayKey, id, day, dayTtl) end
    if counts then
      local new
      if mine then new = change(mine) elseif mode == 'claim' then new = claimed else new = false end
      if new == false then new = mine end
      if new then entries[#entries + 1] = new end
      if #entries == 0 then redis.call('HDEL', capKey, id) else redis.call('HSET', capKey, id, table.concat(entries, ' ')) end
      touched[capKey] = capTtl
    end
  end
end
for key, ttl in pairs(touched) do redis.call('EXPIRE', key, ttl) end
return out
`;
