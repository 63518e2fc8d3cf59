import type { Script } from './scripts.js';
import { script } from './scripts.js';

// Presence keys of one thread, all under the thread's hash tag (one slot): `pc` HASH user ->
// connections (every instance), `pu` ZSET of the present users (score 0), `pi:<instance>` HASH
// connection -> user (one instance's part). On a single Redis (not Cluster) the scripts also
// get the instance's thread set as KEYS[4] and add the thread to it in the same step.

/** A Lua array as JSON with every `|` escaped (`cjson` writes `{}` for an empty table). */
const jsonArray = `
local function arr(t)
  if #t == 0 then return '[]' end
  return (string.gsub(cjson.encode(t), '|', '\\\\u007c'))
end
`;

/**
 * Counts a connection in. KEYS: pc, pu, pi, [thread set]. ARGV: connection, user, publish
 * command, channel, join envelope, thread. Returns {inserted, joined}; a connection counted
 * already changes nothing. The join envelope is published when the user joined.
 */
export const presenceJoinScript: Script = script(
  'presenceJoin',
  `
if KEYS[4] then redis.call('SADD', KEYS[4], ARGV[6]) end
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2]) == 0 then return {0, 0} end
if redis.call('HINCRBY', KEYS[1], ARGV[2], 1) ~= 1 then return {1, 0} end
redis.call('ZADD', KEYS[2], 0, ARGV[2])
redis.call(ARGV[3], ARGV[4], ARGV[5])
return {1, 1}
`,
);

/**
 * Counts a connection out. KEYS: pc, pu, pi. ARGV: connection, publish command, channel, leave
 * envelope. Returns {removed, left}; a connection not counted (purged, never joined) changes
 * nothing. The leave envelope is published when it was the user's last connection.
 */
export const presenceLeaveScript: Script = script(
  'presenceLeave',
  `
local u = redis.call('HGET', KEYS[3], ARGV[1])
if not u then return {0, 0} end
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('HINCRBY', KEYS[1], u, -1) > 0 then return {1, 0} end
redis.call('HDEL', KEYS[1], u)
redis.call('ZREM', KEYS[2], u)
redis.call(ARGV[2], ARGV[3], ARGV[4])
return {1, 1}
`,
);

/**
 * One page of presence. KEYS: pu, pc. ARGV: start ('-' or '(' .. cursor), count.
 * Returns {count, users, connections}.
 */
export const presenceReadScript: Script = script(
  'presenceRead',
  `
local users = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))
local counts = {}
if #users > 0 then counts = redis.call('HMGET', KEYS[2], unpack(users)) end
return {redis.call('ZCARD', KEYS[1]), users, counts}
`,
);

/**
 * Removes a dead instance's part of one thread, once: subtracts its connections, removes the
 * users that reach 0 and publishes their leaves as one diff. A second run finds nothing.
 * KEYS: pc, pu, pi (the dead instance's). ARGV: publish command, channel, envelope head.
 * Returns the users who left (sorted).
 */
export const presencePurgeScript: Script = script(
  'presencePurge',
  `${jsonArray}
local all = redis.call('HGETALL', KEYS[3])
if #all == 0 then return {} end
redis.call('DEL', KEYS[3])
local dec = {}
for i = 2, #all, 2 do dec[all[i]] = (dec[all[i]] or 0) + 1 end
local leaves = {}
for u, k in pairs(dec) do
  if redis.call('HINCRBY', KEYS[1], u, -k) <= 0 then
    redis.call('HDEL', KEYS[1], u)
    redis.call('ZREM', KEYS[2], u)
    leaves[#leaves + 1] = u
  end
end
table.sort(leaves)
if #leaves > 0 then redis.call(ARGV[1], ARGV[2], ARGV[3] .. '[],' .. arr(leaves) .. ']') end
return leaves
`,
);

/**
 * Makes this instance's part of one thread exactly the given connections (set, not increment:
 * running it twice changes nothing, and no connection is counted twice); totals move by the
 * difference. Mode 'restore' adds what is missing; mode 'recover' (after a peer purged this
 * instance) does not, and returns the missing connections (to be closed).
 * KEYS: pc, pu, pi, [thread set]. ARGV: mode, announce ('1'/'0'), publish command, channel,
 * envelope head, thread, then connection, user pairs.
 * Returns {joins, leaves, missing, entries left}.
 */
export const presenceRestoreScript: Script = script(
  'presenceRestore',
  `${jsonArray}
if KEYS[4] and #ARGV > 6 then redis.call('SADD', KEYS[4], ARGV[6]) end
local want = {}
for i = 7, #ARGV, 2 do want[ARGV[i]] = ARGV[i + 1] end
local delta = {}
local have = redis.call('HGETALL', KEYS[3])
for i = 1, #have, 2 do
  local c, u = have[i], have[i + 1]
  if want[c] == u then
    want[c] = nil
  else
    redis.call('HDEL', KEYS[3], c)
    delta[u] = (delta[u] or 0) - 1
  end
end
local missing = {}
for c, u in pairs(want) do
  if ARGV[1] == 'recover' then
    missing[#missing + 1] = c
  else
    redis.call('HSET', KEYS[3], c, u)
    delta[u] = (delta[u] or 0) + 1
  end
end
local joins, leaves = {}, {}
for u, d in pairs(delta) do
  if d ~= 0 then
    local n = redis.call('HINCRBY', KEYS[1], u, d)
    if n <= 0 then
      redis.call('HDEL', KEYS[1], u)
      redis.call('ZREM', KEYS[2], u)
      if n - d > 0 then leaves[#leaves + 1] = u end
    else
      redis.call('ZADD', KEYS[2], 0, u)
      if n - d <= 0 then joins[#joins + 1] = u end
    end
  end
end
table.sort(joins)
table.sort(leaves)
if ARGV[2] == '1' and #joins + #leaves > 0 then
  redis.call(ARGV[3], ARGV[4], ARGV[5] .. arr(joins) .. ',' .. arr(leaves) .. ']')
end
return {joins, leaves, missing, redis.call('HLEN', KEYS[3])}
`,
);

/**
 * Claims a dead instance's purge: refused while the instance is alive again or another
 * survivor's claim lives. Marks the instance purged (the marker outlives the claim: an instance
 * that comes back recovers from it). KEYS: alive, claim, marker. ARGV: dead id, claimer id,
 * claim ttl ms, marker ttl ms. Returns 1 when claimed.
 */
export const purgeClaimScript: Script = script(
  'purgeClaim',
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) >= now then return 0 end
local c = redis.call('GET', KEYS[2])
if c and c ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SET', KEYS[3], ARGV[2] .. '|' .. tostring(now), 'PX', ARGV[4])
return 1
`,
);

/** Deletes a key when it still holds a value (a claim of this claimer, a marker recovered from). KEYS: key. ARGV: value. */
export const dropIfScript: Script = script(
  'dropIf',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0
`,
);
