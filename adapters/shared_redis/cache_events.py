"""Cached vendor answers stay in each process (``adapters.response_cache``); what is shared is
their invalidation. A write (or a change event) that drops a store's answers in one process
is published on one channel, and every other process, subscribed to it, drops the same
store's answers, within milliseconds instead of the kind's time to live. A read another
process had in flight while the write was sent may still be kept there; the kind's time to
live bounds that."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from adapters.response_cache import ResponseCache

if TYPE_CHECKING:
    from adapters.shared_redis.store import RedisConnection

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
"""How long one wait for a message lasts (then it waits again); a lost subscription is
taken up again after as long."""


class CacheInvalidations:
    def __init__(self, shared: RedisConnection) -> None:
        self._shared = shared
        self._channel = shared.key("cache-invalidations")
        self._caches: dict[str, ResponseCache] = {}
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    def watch(self, name: str, cache: ResponseCache) -> None:
        """Share ``cache``'s invalidations under ``name`` (its login at one vendor tenant)."""
        self._caches[name] = cache
        cache.announce = lambda store: self._publish(name, store)
        self._listen_soon()

    async def subscribed(self) -> None:
        """Returns once this process hears the others' invalidations."""
        self._listen_soon()
        await self._subscribed.wait()

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None

    def _listen_soon(self) -> None:
        if self._listener is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # built outside a loop: the first publish starts it
            self._listener = loop.create_task(self._listen())

    def _publish(self, name: str, store: str | None) -> None:
        self._listen_soon()
        message = json.dumps({"from": self._shared.replica, "cache": name, "store": store})
        redis, channel = self._shared.redis, self._channel
        self._shared.later(channel, lambda: redis.publish(channel, message))

    async def _listen(self) -> None:
        while True:
            try:
                await self._follow()
            except RedisError as exc:
                self._subscribed.clear()
                log.warning("cache invalidations from Redis lost (%s)", type(exc).__name__)
                await asyncio.sleep(POLL_SECONDS)

    async def _follow(self) -> None:
        pubsub = self._shared.redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
            self._subscribed.set()
            while True:
                message = await pubsub.get_message(timeout=POLL_SECONDS)
                if message is None:
                    continue
                sent = json.loads(message["data"])
                cache = self._caches.get(sent["cache"])
                if sent["from"] != self._shared.replica and cache is not None:
                    cache.forget(sent["store"])
        finally:
            await pubsub.aclose()
