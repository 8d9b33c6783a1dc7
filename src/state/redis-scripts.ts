/**
 * The Lua scripts behind Redis shared state. Each runs atomically in Redis, so a check
 * and the reservation it allows cannot interleave with another replica's. Time is
 * Redis's own clock (TIME), so replicas with skewed clocks agree on the windows.
 *
 * Keys (under the configured prefix P):
 *   P replica:<id>                  the replica's lease (PX lease_ms, renewed while it lives)
 *   P limit:<scope>:requests        ZSET ticket → admitted at (rpm window)
 *   P limit:<scope>:tokens          ZSET ticket → admitted at (tpm window)
 *   P limit:<scope>:token-counts    HASH ticket → tokens (estimate, corrected on settle)
 *   P limit:<scope>:token-sum       the window's tokens
 *   P limit:<scope>:slots           HASH ticket → "replica|0|0" (max_concurrent)
 *   P spend:<entry>                 HASH usd, tokens: settled spend of a budget scope and period
 *   P reserved:<entry>              HASH ticket → "replica|usd|tokens": reservations in flight
 * A slot or reservation whose replica's lease has expired is dropped when next counted:
 * a replica that dies holds nothing for longer than its lease.
 *
 * Keys are built inside the scripts (they are not declared in KEYS), so a Redis Cluster is
 * not supported: use one Redis (with a replica for failover if wanted).
 */

const COMMON = `
local a = cjson.decode(ARGV[1])
local p = a.p
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local alive = {}
local function live(replica)
  local v = alive[replica]
  if v == nil then
    v = redis.call('EXISTS', p .. 'replica:' .. replica) == 1
    alive[replica] = v
  end
  return v
end
-- Reservations or slots held by live replicas (usd, tokens, count); dead ones are dropped.
local function held(key)
  local all = redis.call('HGETALL', key)
  local usd, tokens, count = 0, 0, 0
  for i = 1, #all, 2 do
    local replica, u, k = string.match(all[i + 1], '^([^|]*)|([^|]*)|([^|]*)$')
    if replica and live(replica) then
      usd = usd + tonumber(u)
      tokens = tokens + tonumber(k)
      count = count + 1
    else
      redis.call('HDEL', key, all[i])
    end
  end
  return usd, tokens, count
end
`;

/** Admit a request: every limit of every scope, then every budget; all or nothing. */
export const ADMIT_SCRIPT = `${COMMON}
redis.call('SET', p .. 'replica:' .. a.r, '1', 'PX', a.l)
local WINDOW = 60000
local stats = {}
for i, s in ipairs(a.s) do
  local base = p .. 'limit:' .. s.id
  local st = { id = s.id }
  if s.rpm then
    redis.call('ZREMRANGEBYSCORE', base .. ':requests', '-inf', now - WINDOW)
    local count = redis.call('ZCARD', base .. ':requests')
    local oldest = redis.call('ZRANGE', base .. ':requests', 0, 0, 'WITHSCORES')
    st.requests = count
    if oldest[2] then st.oldestRequestAt = tonumber(oldest[2]) end
    if count >= s.rpm then return cjson.encode({ kind = 'limited', now = now, scope = s.id, limit = 'requests', stats = st }) end
  end
  if s.tpm then
    local expired = redis.call('ZRANGEBYSCORE', base .. ':tokens', '-inf', now - WINDOW, 'LIMIT', 0, 1000)
    if #expired > 0 then
      local values = redis.call('HMGET', base .. ':token-counts', unpack(expired))
      local sum = 0
      for _, v in ipairs(values) do if v then sum = sum + tonumber(v) end end
      redis.call('DECRBY', base .. ':token-sum', sum)
      redis.call('HDEL', base .. ':token-counts', unpack(expired))
      redis.call('ZREM', base .. ':tokens', unpack(expired))
    end
    local used = tonumber(redis.call('GET', base .. ':token-sum') or '0')
    local oldest = redis.call('ZRANGE', base .. ':tokens', 0, 0, 'WITHSCORES')
    st.tokens = used
    if oldest[2] then st.oldestTokensAt = tonumber(oldest[2]) end
    if used + a.n > s.tpm then return cjson.encode({ kind = 'limited', now = now, scope = s.id, limit = 'tokens', stats = st }) end
  end
  if s.maxConcurrent then
    local _, _, count = held(base .. ':slots')
    if count >= s.maxConcurrent then return cjson.encode({ kind = 'limited', now = now, scope = s.id, limit = 'concurrent', stats = st }) end
  end
  stats[#stats + 1] = st
end
local missing = {}
for _, b in ipairs(a.b) do
  if redis.call('EXISTS', p .. 'spend:' .. b.entry) == 0 then missing[#missing + 1] = b.entry end
end
if #missing > 0 then return cjson.encode({ kind = 'missing', entries = missing }) end
local reservedBy = {}
for i, b in ipairs(a.b) do
  local r = reservedBy[b.entry]
  if not r then
    local spent = redis.call('HMGET', p .. 'spend:' .. b.entry, 'usd', 'tokens')
    local ru, rt = held(p .. 'reserved:' .. b.entry)
    r = { usd = tonumber(spent[1] or '0') + ru, tokens = tonumber(spent[2] or '0') + rt }
    reservedBy[b.entry] = r
  end
  if b.hard then
    local overUsd = b.limitUsd and (r.usd + a.u > b.limitUsd + 1e-9)
    local overTokens = b.limitTokens and (r.tokens + a.n > b.limitTokens)
    if overUsd or overTokens then return cjson.encode({ kind = 'over_budget', now = now, index = i - 1, usd = r.usd, tokens = r.tokens }) end
  end
end
for _, s in ipairs(a.s) do
  local base = p .. 'limit:' .. s.id
  if s.rpm then
    redis.call('ZADD', base .. ':requests', now, a.t)
    redis.call('PEXPIRE', base .. ':requests', WINDOW + 1000)
  end
  if s.tpm then
    redis.call('ZADD', base .. ':tokens', now, a.t)
    redis.call('HSET', base .. ':token-counts', a.t, a.n)
    redis.call('INCRBY', base .. ':token-sum', a.n)
    for _, suffix in ipairs({ ':tokens', ':token-counts', ':token-sum' }) do redis.call('PEXPIRE', base .. suffix, WINDOW + 1000) end
  end
  if s.maxConcurrent then
    redis.call('HSET', base .. ':slots', a.t, a.r .. '|0|0')
    redis.call('PEXPIRE', base .. ':slots', 86400000)
  end
end
local holder = a.r .. '|' .. a.u .. '|' .. a.n
for entry, _ in pairs(reservedBy) do
  redis.call('HSET', p .. 'reserved:' .. entry, a.t, holder)
  redis.call('PEXPIRE', p .. 'reserved:' .. entry, 86400000)
end
return cjson.encode({ kind = 'admitted', now = now, stats = stats })
`;

/** Free a request's slots and reservations, correct its tokens, charge its cost to the entries that exist. */
export const SETTLE_SCRIPT = `${COMMON}
for _, entry in ipairs(a.reserved) do redis.call('HDEL', p .. 'reserved:' .. entry, a.t) end
for _, s in ipairs(a.s) do
  local base = p .. 'limit:' .. s.id
  if s.maxConcurrent then redis.call('HDEL', base .. ':slots', a.t) end
  if s.tpm then
    local old = redis.call('HGET', base .. ':token-counts', a.t)
    if old then
      redis.call('HSET', base .. ':token-counts', a.t, a.n)
      redis.call('INCRBY', base .. ':token-sum', a.n - tonumber(old))
    end
  end
end
local out = {}
for _, entry in ipairs(a.charge) do
  local key = p .. 'spend:' .. entry
  -- An entry that does not exist is seeded from the store later, which will hold this request.
  if redis.call('EXISTS', key) == 1 then
    local usd = redis.call('HINCRBYFLOAT', key, 'usd', a.u)
    local tokens = redis.call('HINCRBY', key, 'tokens', a.n)
    out[#out + 1] = { entry = entry, usd = tonumber(usd), tokens = tokens }
  end
end
return cjson.encode(out)
`;

/** Seed a spend entry unless it exists. */
export const SEED_SCRIPT = `
local a = cjson.decode(ARGV[1])
local key = a.p .. 'spend:' .. a.entry
if redis.call('EXISTS', key) == 1 then return 0 end
redis.call('HSET', key, 'usd', a.usd, 'tokens', a.tokens)
if a.expiresAt then redis.call('PEXPIREAT', key, a.expiresAt) end
return 1
`;
