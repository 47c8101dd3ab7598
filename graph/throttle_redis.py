"""Per-client cost buckets on Redis, so replicas behind one load balancer give a client one
bucket, not one each (``[shared] redis_url``).

The same bucket as ``graph.throttle.CostBuckets``: ``capacity`` points refilling at
``restore_rate`` a second, a query taking its plan before it runs and getting back what it
did not spend. Each step is one Lua script over a hash ``{level, updated}`` per client, so
two replicas can never both spend the same points. Times come from the deployment's shared
wall clock (``RedisShared.wall``: tests give every replica one fake clock).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from adapters.shared_redis.store import redis_errors
from graph.throttle import Allowance, Taken, ThrottleStatus

if TYPE_CHECKING:
    from adapters.shared_redis import RedisShared

IDLE_SECONDS = 3600
"""A bucket untouched this long is full again anyway; Redis forgets it after twice that."""

# The bucket refilled to ARGV now; shared by the three scripts.
_REFILL = """
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'level', 'updated')
local level = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
level = math.min(capacity, level + math.max(0, now - updated) * rate)
"""
_SAVE = """
redis.call('HSET', KEYS[1], 'level', tostring(level), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], ARGV[5])
"""
# ARGV: now, capacity, restore rate, cost, key lifetime. Returns {granted, level}.
_TAKE = (
    _REFILL
    + """
local cost = tonumber(ARGV[4])
local granted = 0
if cost <= level then
  level = level - cost
  granted = 1
end
"""
    + _SAVE
    + "return {granted, tostring(level)}"
)
# ARGV: now, capacity, restore rate, points, key lifetime. Returns the level.
_GIVE_BACK = (
    _REFILL
    + "level = math.min(capacity, level + tonumber(ARGV[4]))\n"
    + _SAVE
    + "return tostring(level)"
)
# ARGV: now, capacity, restore rate. Returns the level (nothing written).
_STATUS = _REFILL + "return tostring(level)"


class RedisCostBuckets:
    def __init__(self, shared: RedisShared) -> None:
        self._shared = shared
        redis = shared.redis
        self._take = redis.register_script(_TAKE)
        self._give_back = redis.register_script(_GIVE_BACK)
        self._status = redis.register_script(_STATUS)

    def _key(self, client: str) -> list[str]:
        return [self._shared.key("cost", client)]

    def _args(self, allowance: Allowance, *more: float) -> list[float]:
        return [self._shared.wall(), allowance.capacity, allowance.restore_rate, *more]

    async def take(self, client: str, cost: int, allowance: Allowance) -> Taken:
        """Take ``cost`` points if the shared bucket holds them; nothing otherwise."""
        with redis_errors("taking a query's cost"):
            granted, level = await self._take(
                keys=self._key(client), args=self._args(allowance, cost, 2 * IDLE_SECONDS)
            )
        if int(granted):
            return Taken(granted=True, retry_after=0.0)
        wait = (cost - float(level)) / allowance.restore_rate
        return Taken(granted=False, retry_after=math.ceil(wait * 10 - 1e-9) / 10)

    async def give_back(self, client: str, points: float, allowance: Allowance) -> None:
        if points <= 0:
            return
        with redis_errors("giving back unspent cost"):
            await self._give_back(
                keys=self._key(client), args=self._args(allowance, points, 2 * IDLE_SECONDS)
            )

    async def status(self, client: str, allowance: Allowance) -> ThrottleStatus:
        with redis_errors("reading a cost bucket"):
            level = await self._status(keys=self._key(client), args=self._args(allowance))
        return ThrottleStatus(
            maximum_available=allowance.capacity,
            currently_available=float(level),
            restore_rate=allowance.restore_rate,
        )
