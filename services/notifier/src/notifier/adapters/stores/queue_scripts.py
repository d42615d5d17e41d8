"""Lua scripts of the delivery queue (atomic per call; keys follow ``queue.py``'s layout).

A delivery hash ``ntf:dlv:{id}`` holds ``webhook``, ``event``, ``org``, ``attempts``,
``first`` (unix s of the first attempt), ``status`` (scheduled | delivered | dead) and
``lease`` (the token of the holder, '' when free). ``ntf:due`` scores ids by due time (ms);
claiming pushes the score to the lease's end, so a holder that dies frees it by itself.
"""

from __future__ import annotations

# KEYS: due, event hash. ARGV: event id, org, name, body, ttl s, due ms, the event's partition
# and offset, (delivery id, webhook)*. A new delivery is also open in its partition (see
# fanout_marks.py) until it is finished.
SCHEDULE = """
redis.call('HSET', KEYS[2], 'org', ARGV[2], 'name', ARGV[3], 'body', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
local created = 0
for i = 9, #ARGV, 2 do
  local key = 'ntf:dlv:' .. ARGV[i]
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'webhook', ARGV[i + 1], 'event', ARGV[1], 'org', ARGV[2],
               'attempts', 0, 'first', '', 'status', 'scheduled', 'lease', '', 'part', ARGV[7])
    redis.call('ZADD', KEYS[1], ARGV[6], ARGV[i])
    redis.call('ZADD', 'ntf:open:' .. ARGV[7], ARGV[8], ARGV[i])
    created = created + 1
  end
end
return created
"""

# KEYS: due. ARGV: now ms, lease ms, limit, lease token prefix.
CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for i, id in ipairs(ids) do
  local key = 'ntf:dlv:' .. id
  local f = redis.call('HMGET', key, 'webhook', 'event', 'attempts', 'first', 'status')
  local ev = nil
  if f[2] then ev = redis.call('HMGET', 'ntf:evt:' .. f[2], 'body', 'name') end
  if not f[1] or f[5] ~= 'scheduled' or not ev or not ev[1] then
    redis.call('ZREM', KEYS[1], id)
  else
    local token = ARGV[4] .. ':' .. i
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
    redis.call('HSET', key, 'lease', token)
    table.insert(out, {id, f[1], f[2], f[3], f[4], token, ev[1], ev[2] or ''})
  end
end
return out
"""

# KEYS: due, delivery hash, attempt log, health hash.
# ARGV: delivery id, lease token, outcome (delivered|retry|dead|defer|drop), attempts, first,
#       next due ms, retention s, log max, log entry ('' for none), health (ok|fail|''), now ms.
# Returns {owned, failing-since ms or '', failure streak}.
FINISH = """
local function close_open(key, id)
  local part = redis.call('HGET', key, 'part')
  if part then redis.call('ZREM', 'ntf:open:' .. part, id) end
end
if ARGV[9] ~= '' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'e', ARGV[9])
end
local since, streak = '', 0
if ARGV[10] == 'ok' then
  redis.call('DEL', KEYS[4])
elseif ARGV[10] == 'fail' then
  redis.call('HSETNX', KEYS[4], 'since', ARGV[11])
  streak = redis.call('HINCRBY', KEYS[4], 'streak', 1)
  since = redis.call('HGET', KEYS[4], 'since')
end
if redis.call('HGET', KEYS[2], 'lease') ~= ARGV[2] then return {0, since, streak} end
local outcome = ARGV[3]
if outcome == 'retry' then
  redis.call('HSET', KEYS[2], 'attempts', ARGV[4], 'first', ARGV[5], 'lease', '')
  redis.call('ZADD', KEYS[1], ARGV[6], ARGV[1])
elseif outcome == 'defer' then
  redis.call('HSET', KEYS[2], 'lease', '')
  redis.call('ZADD', KEYS[1], ARGV[6], ARGV[1])
elseif outcome == 'drop' then
  close_open(KEYS[2], ARGV[1])
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  close_open(KEYS[2], ARGV[1])
  redis.call('HSET', KEYS[2], 'status', outcome, 'attempts', ARGV[4], 'first', ARGV[5],
             'lease', '')
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[7])
end
return {1, since, streak}
"""

# KEYS: due, delivery hash, event hash. ARGV: delivery id, webhook, event, org, due ms, ttl s.
# Returns 1, or 0 when the event is unknown or belongs to another organization.
RESEND = """
if redis.call('HGET', KEYS[3], 'org') ~= ARGV[4] then return 0 end
redis.call('EXPIRE', KEYS[3], ARGV[6])
redis.call('HSET', KEYS[2], 'webhook', ARGV[2], 'event', ARGV[3], 'org', ARGV[4],
           'attempts', 0, 'first', '', 'status', 'scheduled', 'lease', '')
redis.call('PERSIST', KEYS[2])
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
return 1
"""
