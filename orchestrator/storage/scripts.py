"""Every Lua script Rota runs in Redis, each written once. A script makes a check and its
writes one atomic step; the store objects register them (storage/store.py,
storage/notifications.py, storage/mail_store.py). What Python also knows (the audit
stream's cap, a time to live) comes in as an argument, never written here a second time."""

# The lease is "instance:fence"; taking it bumps the fencing counter.
ACQUIRE = """
if redis.call('SET', KEYS[1], 'pending', 'NX', 'PX', ARGV[2]) then
  local fence = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
  return fence
end
return 0
"""
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# Release a lease or a lock only while it is still ours.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# A boundary runs once: only the lease holder with the current fence may claim it, and the
# claim, the state, the outbox entry and the audit entry (capped at ARGV[7] entries) are
# written together or not at all.
CLAIM = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[3], 'last', ARGV[2], 'data', ARGV[5])
  redis.call('XADD', KEYS[4], '*', 'type', ARGV[4], 'id', ARGV[2], 'data', ARGV[5])
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[7], '*', 'kind', 'transition',
           'id', ARGV[2], 'status', ARGV[6])
return 1
"""
# One organiser-token attempt from a client, counted and read in one step so a burst cannot
# slip past the limit: a wrong token (ARGV[1] = '1') counts in a window that starts at the
# client's first failure (ARGV[2] ms) and is listed for the board (KEYS[2]: client ->
# "count:until_ms"); a right one only reads. Both take the same path, so the answer's time
# tells nothing. Returns {count, ttl_ms}.
THROTTLE = """
local wrong = ARGV[1] == '1'
local count
if wrong then
  count = redis.call('INCR', KEYS[1])
  if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
else
  count = tonumber(redis.call('GET', KEYS[1]) or '0')
end
local ttl = redis.call('PTTL', KEYS[1])
if wrong then
  local now = redis.call('TIME')
  local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('HSET', KEYS[2], ARGV[3], count .. ':' .. (now_ms + ttl))
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return {count, ttl}
"""
CLOCK_CAS = """
local current = redis.call('GET', KEYS[1])
if current then
  local version = cjson.decode(current)['version']
  if tonumber(version) ~= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""
SAVE_PLAN = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], current + 1)
return current + 1
"""


# Webhooks are stored once each: a dedupe key and its stream entry are written together,
# for a whole batch in one call.
STORE_MANY = """
local stored = {}
local stream = KEYS[#KEYS]
for i = 1, #KEYS - 1 do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', stream, '*', 'event', ARGV[i + 1])
    stored[i] = '1'
  else
    stored[i] = '0'
  end
end
return table.concat(stored)
"""

# Done with a notification queue only if nothing was added meanwhile (fan-out adds and marks
# due at once).
QUEUE_IDLE = """
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) return 1 end
return 0
"""

# Claim a mail record for sending: not when it was sent (unless resending) and not while
# another sender's claim is fresh.
CLAIM_MAIL = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local record = cjson.decode(current)
  if record['status'] == 'sent' and ARGV[3] ~= '1' then return 0 end
  if record['status'] == 'sending' and tonumber(record['claimed']) > tonumber(ARGV[4]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

# A stream's entries from ARGV[2] on replaced by the ones given (id, field count, fields…),
# each with its own id, only if nothing was added since the caller read up to ARGV[1]
# (0: read on and call again). XDEL + XSETID instead of DEL keep the consumer groups, and
# with them what each group has read and acknowledged.
REWRITE_STREAM = """
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #top == 0 or top[1][1] ~= ARGV[1] then return 0 end
local old = redis.call('XRANGE', KEYS[1], ARGV[2], '+')
for i = 1, #old, 500 do
  local ids = {}
  for j = i, math.min(i + 499, #old) do ids[#ids + 1] = old[j][1] end
  redis.call('XDEL', KEYS[1], unpack(ids))
end
local rest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
redis.call('XSETID', KEYS[1], rest[1] and rest[1][1] or '0-0')
local i = 3
while i <= #ARGV do
  local n = tonumber(ARGV[i + 1])
  redis.call('XADD', KEYS[1], ARGV[i], unpack(ARGV, i + 2, i + 1 + n))
  i = i + 2 + n
end
return 1
"""

# A presence mark ("I'm here", a check-in) is recorded once per person, room, slot and source:
# its field and its audit entry (what the board's watch reads; capped at ARGV[5] entries)
# together, or nothing.
MARK = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'kind', 'presence',
           'mark', ARGV[1], 'participant', ARGV[3], 'source', ARGV[4])
return 1
"""

# A flagged check-in is kept once per slot, room and person; its audit entry (capped at
# ARGV[3] entries, fields from ARGV[4] on) with the first.
CHECKIN = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))
return 1
"""
