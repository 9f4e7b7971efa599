"""Server-side Lua for leases, so 'check the owner, then act' is one atomic step."""

# KEYS[1] lease key; ARGV[1] owner; ARGV[2] time to live in milliseconds.
# Taking a lease you already hold succeeds and extends it, so a repeated try is harmless.
ACQUIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return 1
end
return 0
"""

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS[1] lease key; ARGV[1] owner.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
