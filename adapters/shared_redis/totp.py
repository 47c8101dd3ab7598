"""TOTP steps claimed on Redis (``adapters.totp_steps.AsyncTotpSteps``): one atomic
``max(last + 1, earliest)`` per claim, so no two processes of any machine send a login's
code of the same step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.shared_redis.store import redis_errors

if TYPE_CHECKING:
    from adapters.shared_redis.store import RedisConnection

KEEP_SECONDS = 3600
"""A claim older than this concerns a step the vendor no longer accepts."""

_CLAIM = """
local last = tonumber(redis.call('GET', KEYS[1]))
local step = tonumber(ARGV[1])
if last ~= nil and last + 1 > step then step = last + 1 end
redis.call('SET', KEYS[1], step, 'EX', ARGV[2])
return step
"""


class RedisTotpSteps:
    def __init__(self, shared: RedisConnection) -> None:
        self._shared = shared
        self._claim = shared.redis.register_script(_CLAIM)

    async def claim(self, login: str, earliest: int) -> int:
        with redis_errors("claiming a TOTP step"):
            step = await self._claim(
                keys=[self._shared.key("totp", login)], args=[earliest, KEEP_SECONDS]
            )
        return int(step)
