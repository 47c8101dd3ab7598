"""One process's Redis connection for shared state: key names, sealing, ordered background
writes."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, Self

from cryptography.fernet import Fernet
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from adapters.errors import SharedStateUnavailable
from adapters.ratelimit import Clock

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 64
"""Connections to Redis per process; a call waits for a free one as long as it takes."""
SOCKET_TIMEOUT_SECONDS = 5.0
"""A Redis that stops answering fails the call after this long (connecting: half that)."""


@contextmanager
def redis_errors(what: str) -> Iterator[None]:
    """A Redis failure as an adapter error naming what could not be done (never the URL)."""
    try:
        yield
    except RedisError as exc:
        raise SharedStateUnavailable(
            f"shared state on Redis unreachable ({what}: {type(exc).__name__})"
        ) from None


async def connect_redis(url: str) -> Redis:
    """A client on ``url`` that answered a ping, or ``SharedStateUnavailable``."""
    # A bounded pool that queues for a connection rather than failing: a burst of
    # requests waits its turn for Redis as it does for the vendor.
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=None,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS / 2,
    )
    redis = Redis.from_pool(pool)  # closes the pool with the client
    with redis_errors("connecting"):
        try:
            await redis.ping()
        except RedisError:
            await redis.aclose()
            raise
    return redis


class RedisConnection:
    """``redis`` with every key under ``prefix``; ``sealer`` encrypts what must stay secret;
    ``wall`` (Unix seconds, the same for every process) times windows, pauses, sessions and
    circuits (tests pass one fake clock to every replica)."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        sealer: Fernet,
        wall: Clock = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.sealer = sealer
        self.wall = wall
        self.sleep = sleep
        self.replica = secrets.token_hex(8)
        """This process's name in the slots it holds."""
        self._serial = 0
        self._chains: dict[str, asyncio.Task[None]] = {}

    @classmethod
    async def connect(cls, url: str, **options: Any) -> Self:
        """Connected and answering (``options`` as ``__init__`` takes them), or
        ``SharedStateUnavailable``."""
        return cls(await connect_redis(url), **options)

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def next_id(self) -> str:
        self._serial += 1
        return f"{self.replica}:{self._serial}"

    def later(self, chain: str, write: Callable[[], Awaitable[object]]) -> None:
        """Run ``write`` in the background after the earlier writes of ``chain`` (a release,
        a pause or a circuit's outcome is recorded from code that cannot wait for it). A
        failure is logged and dropped: a lost release counts its slot until its lease ends,
        and a lost pause or circuit outcome leaves the other processes to meet the vendor's
        answer themselves, as they would without Redis."""
        before = self._chains.get(chain)

        async def run() -> None:
            if before is not None:
                await asyncio.wait([before])
            try:
                await write()
            except RedisError as exc:
                log.warning("shared state on Redis not written (%s)", type(exc).__name__)

        task = asyncio.get_running_loop().create_task(run())
        self._chains[chain] = task
        task.add_done_callback(
            lambda t: self._chains.pop(chain, None) if self._chains.get(chain) is t else None
        )

    async def settled(self) -> None:
        """Every background write made so far has reached Redis (or failed)."""
        while self._chains:
            await asyncio.wait(list(self._chains.values()))

    async def close(self) -> None:
        await self.settled()
        await self.redis.aclose()
