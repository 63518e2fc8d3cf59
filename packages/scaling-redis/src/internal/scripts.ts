import { createHash } from 'node:crypto';

/** A Lua script with its SHA1, run with EVALSHA (falling back to EVAL after a Redis restart). */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/** A script and its SHA1. */
export function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

const now = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Drops entries older than the TTL, remembering the newest dropped offset in `trimmed`. */
const ttlTrim = `
local function ttltrim(stream, meta, ttl, nowms)
  if ttl <= 0 then return end
  local minid = tostring(nowms - ttl) .. '-0'
  local old = redis.call('XREVRANGE', stream, '(' .. minid, '-', 'COUNT', 1)
  if #old > 0 then
    redis.call('HSET', meta, 'trimmed', old[1][1])
    redis.call('XTRIM', stream, 'MINID', minid)
  end
end
`;

/**
 * Cluster-wide per-user admission. KEYS: conns, seq. ARGV: member, max, policy.
 * Returns {1, victim...} (admitted, evicting the victims) or {0, count} (refused).
 */
export const admitScript: Script = script(
  'admit',
  `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {1} end
local n = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[2])
local out = {1}
if n >= max then
  if ARGV[3] == 'reject' then return {0, n} end
  local victims = redis.call('ZRANGE', KEYS[1], 0, n - max)
  for _, v in ipairs(victims) do
    redis.call('ZREM', KEYS[1], v)
    out[#out + 1] = v
  end
end
local s = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], s, ARGV[1])
return out
`,
);

/** KEYS: conns, seq. ARGV: member. */
export const releaseScript: Script = script(
  'release',
  `
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1
`,
);

/**
 * Makes one instance's entries of a user exactly the given members (purge: none; reconcile:
 * the live ones, added in order when missing). KEYS: conns, seq. ARGV: 'instance|', member...
 * Returns how many entries were removed.
 */
export const reconcileScript: Script = script(
  'reconcile',
  `
local p = ARGV[1]
local keep = {}
for i = 2, #ARGV do keep[ARGV[i]] = true end
local present = {}
local removed = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, 1, #p) == p and not keep[m] then
    redis.call('ZREM', KEYS[1], m)
    removed = removed + 1
  else
    present[m] = true
  end
end
for i = 2, #ARGV do
  if not present[ARGV[i]] then
    redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), ARGV[i])
  end
end
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return removed
`,
);

/**
 * Appends a thread message to its stream and publishes it, atomically, so the offset (the
 * stream id) is in the published frame and stream order equals delivery order.
 * KEYS: stream, meta. ARGV: publish command, channel, envelope head (`threadEnvelopeHead`),
 * frame JSON, maxlen, ttl ms, stream expire ms, meta expire ms. The published envelope is
 * `<head><offset>",<frame JSON>]`. Returns {offset, receivers}.
 */
export const publishThreadScript: Script = script(
  'publishThread',
  `${now}${ttlTrim}
local maxlen = tonumber(ARGV[5])
local id = redis.call('XADD', KEYS[1], '*', 'f', ARGV[4])
if maxlen == 0 then
  redis.call('XTRIM', KEYS[1], 'MAXLEN', 0)
  redis.call('HSET', KEYS[2], 'trimmed', id)
else
  local len = redis.call('XLEN', KEYS[1])
  if len > maxlen then
    local drop = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', len - maxlen)
    redis.call('HSET', KEYS[2], 'trimmed', drop[#drop][1])
    redis.call('XTRIM', KEYS[1], 'MAXLEN', maxlen)
  end
  ttltrim(KEYS[1], KEYS[2], tonumber(ARGV[6]), now)
end
redis.call('HSET', KEYS[2], 'last', id)
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
local n = redis.call(ARGV[1], ARGV[2], ARGV[3] .. id .. '",' .. ARGV[4] .. ']')
return {id, n}
`,
);

/**
 * Reads a thread's kept frames after an offset. KEYS: stream, meta. ARGV: exclusive start
 * ('(' .. offset), ttl ms, count. Returns {last, trimmed, entries} ('' for what is unknown).
 */
export const historyScript: Script = script(
  'history',
  `${now}${ttlTrim}
local entries = {}
if redis.call('EXISTS', KEYS[1]) == 1 then
  ttltrim(KEYS[1], KEYS[2], tonumber(ARGV[2]), now)
  entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', tonumber(ARGV[3]))
end
local last = redis.call('HGET', KEYS[2], 'last') or ''
local trimmed = redis.call('HGET', KEYS[2], 'trimmed') or ''
return {last, trimmed, entries}
`,
);

/**
 * Writes a session unless it was taken or a newer generation holds it.
 * KEYS: session. ARGV: userId, record JSON, generation, ttl ms. Returns 1 when written.
 */
export const saveSessionScript: Script = script(
  'saveSession',
  `
local s = redis.call('HMGET', KEYS[1], 'taken', 'g')
if s[1] == '1' or (s[2] and tonumber(s[2]) > tonumber(ARGV[3])) then return 0 end
redis.call('HSET', KEYS[1], 'u', ARGV[1], 'r', ARGV[2], 'g', ARGV[3], 'taken', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`,
);

/**
 * Takes a session once, and only for its own user; the rest get nil and leave it intact. The
 * taken session stays as a tombstone until its TTL, so a stale connection cannot write it back.
 * KEYS: session. ARGV: userId.
 */
export const takeSessionScript: Script = script(
  'takeSession',
  `
local s = redis.call('HMGET', KEYS[1], 'taken', 'u', 'r')
if not s[3] or s[1] == '1' or s[2] ~= ARGV[1] then return false end
redis.call('HSET', KEYS[1], 'taken', '1')
return s[3]
`,
);

/**
 * Refreshes this instance's record and liveness (Redis time, so no clock skew between hosts), and
 * starts the data epoch if there is none. KEYS: instances, alive, epoch, this instance's purge
 * claim, its purge marker. ARGV: id, info JSON, ttl ms. Returns {wasAlive (0/1), epoch, claimed
 * (1: a peer is purging this instance now), purge marker ('' for none), dead instance ids...}.
 */
export const heartbeatScript: Script = script(
  'heartbeat',
  `${now}
local prev = redis.call('ZSCORE', KEYS[2], ARGV[1])
local was = 0
if prev and tonumber(prev) >= now then was = 1 end
local claimed = redis.call('EXISTS', KEYS[4])
local marker = redis.call('GET', KEYS[5]) or ''
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[3], tostring(now), 'NX')
local out = {was, redis.call('GET', KEYS[3]), claimed, marker}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. now)) do out[#out + 1] = id end
return out
`,
);

/**
 * Forgets an instance, but only if it is still dead (or `force` is '1', for the instance itself).
 * KEYS: instances, alive. ARGV: id, force. Returns 1 when forgotten.
 */
export const forgetScript: Script = script(
  'forget',
  `${now}
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if ARGV[2] ~= '1' and score and tonumber(score) >= now then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`,
);

/** Lists instances with their liveness. KEYS: instances, alive. Returns {now, hash, zset}. */
export const listScript: Script = script(
  'list',
  `${now}
return {tostring(now), redis.call('HGETALL', KEYS[1]), redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')}
`,
);
