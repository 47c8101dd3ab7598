"""A credential's request budget and vendor pauses across processes (``SharedWindow``).

One sorted set per vendor credential: a member per slot, scored with the moment it leaves
the window. A slot taken is scored a window plus a lease ahead (a request in flight counts
until it is answered; the lease bounds what a process that died mid-request holds), and
re-scored a window after its answer when released, as ``SlidingWindowLimiter`` counts.
Taking a slot is one Lua script: drop what has left, refuse while a pause holds or the
window is full (answering how long until that changes), else add the member. So the
processes together never have more than the budget in any window. A pause is the latest
pause-until any process was asked for (merged with max, never shortened)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.errors import UpstreamRateLimited
from adapters.ratelimit import RateBudget
from adapters.shared_redis.store import redis_errors

if TYPE_CHECKING:
    from adapters.shared_redis.store import RedisConnection

IN_FLIGHT_LEASE = 120.0
"""Seconds past the window a slot whose release never came still counts (a process that
died mid-request): longer than any request's total timeout."""
_OK, _PAUSED, _FULL = 0, 1, 2

# KEYS: window, pause. ARGV: now, window seconds, budget (0: none), member, lease.
_TAKE = """
local now = tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {1, tostring(paused - now)} end
local limit = tonumber(ARGV[3])
if limit == 0 then return {0, '0'} end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < limit then
  local lease = tonumber(ARGV[5])
  redis.call('ZADD', KEYS[1], now + window + lease, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil((window + lease) * 1000))
  return {0, '0'}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {2, tostring(math.min(tonumber(first[2]), now + window) - now)}
"""
# KEYS: window. ARGV: leaves at, member, key lifetime ms.
_RELEASE = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
"""
# KEYS: pause. ARGV: until, key lifetime ms. Returns the pause in force.
_PAUSE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return tostring(current)
"""
_EPSILON = 0.001  # past a member's score, so the wake-up finds it gone


class RedisWindow:
    def __init__(self, shared: RedisConnection, key: str, budget: RateBudget | None) -> None:
        self._shared = shared
        self._window_key = key
        self._pause_key = key + ":pause"
        self.budget = budget
        redis = shared.redis
        self._take = redis.register_script(_TAKE)
        self._release = redis.register_script(_RELEASE)
        self._pause = redis.register_script(_PAUSE)

    async def take(self, max_wait: float | None) -> str:
        wall, budget = self._shared.wall, self.budget
        give_up = None if max_wait is None else wall() + max_wait
        member = self._shared.next_id()
        per_seconds = budget.per_seconds if budget is not None else 0.0
        while True:
            now = wall()
            with redis_errors("taking a request slot"):
                status, wait_text = await self._take(
                    keys=[self._window_key, self._pause_key],
                    args=[
                        repr(now),
                        repr(per_seconds),
                        budget.requests if budget is not None else 0,
                        member,
                        repr(IN_FLIGHT_LEASE),
                    ],
                )
            if int(status) == _OK:
                return member
            wait = float(wait_text) + _EPSILON
            if give_up is not None and now + wait > give_up:
                raise self._too_late(int(status), wait)
            await self._shared.sleep(wait)

    def release(self, slot: str) -> None:
        budget = self.budget
        if budget is None:
            return  # no budget: no slot was added
        leaves_at = self._shared.wall() + budget.per_seconds
        lifetime_ms = int((budget.per_seconds + IN_FLIGHT_LEASE) * 1000)
        self._shared.later(
            slot,  # releases need no order among themselves
            lambda: self._release(
                keys=[self._window_key], args=[repr(leaves_at), slot, lifetime_ms]
            ),
        )

    def pause(self, seconds: float) -> None:
        until = self._shared.wall() + seconds
        lifetime_ms = int(seconds * 1000) + 1000
        self._shared.later(
            self._pause_key,
            lambda: self._pause(keys=[self._pause_key], args=[repr(until), lifetime_ms]),
        )

    async def paused_until(self) -> float:
        """The pause in force for every process (Unix seconds; 0: none)."""
        with redis_errors("reading a pause"):
            value = await self._shared.redis.get(self._pause_key)
        return float(value) if value is not None else 0.0

    async def used(self) -> int:
        """Slots the window holds now, every process's together."""
        with redis_errors("reading a window"):
            await self._shared.redis.zremrangebyscore(self._window_key, "-inf", self._shared.wall())
            return int(await self._shared.redis.zcard(self._window_key))

    def _too_late(self, status: int, wait: float) -> UpstreamRateLimited:
        if status == _PAUSED:
            what = f"the vendor asked for a pause of {wait:.1f} s"
        else:
            budget = self.budget
            assert budget is not None
            what = (
                f"request budget of {budget.requests} per {budget.per_seconds:g} s in use by"
                f" every server process; a slot is expected in {wait:.1f} s"
            )
        return UpstreamRateLimited(f"{what}, past this request's deadline", retry_after=wait)
