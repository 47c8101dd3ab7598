"""A lock across processes: ``SET NX PX`` with a token of our own, released only by its
holder (compare-and-delete), and a lease so a process that died holding it stops holding
it when the lease runs out."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from adapters.shared_redis.store import redis_errors

if TYPE_CHECKING:
    from adapters.shared_redis.store import RedisConnection

POLL_SECONDS = 0.02
"""How often a waiter asks again. Real time, not the injected clock: what it waits for is
another process's work, and the lease runs out on Redis's clock."""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisLock:
    def __init__(self, shared: RedisConnection, key: str, *, lease: float) -> None:
        self._shared = shared
        self.key = key
        self.lease = lease
        self._release = shared.redis.register_script(_RELEASE)

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Held until the block ends (or the lease runs out, if it takes longer)."""
        token = secrets.token_hex(16)
        redis = self._shared.redis
        lease_ms = int(self.lease * 1000)
        with redis_errors("taking a lock"):
            # Polled: the holder is another process, no event of ours can tell when it ends.
            while not await redis.set(self.key, token, nx=True, px=lease_ms):  # noqa: ASYNC110
                await asyncio.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            with redis_errors("releasing a lock"):
                await self._release(keys=[self.key], args=[token])
