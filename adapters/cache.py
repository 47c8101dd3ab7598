"""Per-connection cache for reference data (employees, shops): small lists that change
rarely and are looked up by id on most queries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

from cachetools import TTLCache

from adapters.paging import HasId

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
I = TypeVar("I", bound=HasId)  # noqa: E741

Loader = Callable[[], Awaitable[list[T]]]


class ReferenceCache(Generic[K, T]):
    def __init__(self, ttl: float, maxsize: int = 64) -> None:
        self._entries: TTLCache[K, tuple[float, list[T]]] = TTLCache(maxsize=maxsize, ttl=ttl)
        # One load per key at a time: concurrent callers wait for it instead of stampeding.
        self._locks: dict[K, asyncio.Lock] = {}

    async def items(self, key: K, load: Loader[T]) -> list[T]:
        return (await self._get(key, load))[1]

    async def lookup(
        self: ReferenceCache[K, I], key: K, load: Loader[I], ids: Sequence[str]
    ) -> list[I | None]:
        """Ids from the cached list, in order. An id missing from a list loaded before this
        call began (an employee added since) reloads the list once rather than answering
        None from stale data."""
        started = time.monotonic()
        loaded_at, rows = await self._get(key, load)
        index = {row.id: row for row in rows}
        if loaded_at < started and any(i not in index for i in ids):
            self.invalidate(key)
            _, rows = await self._get(key, load)
            index = {row.id: row for row in rows}
        return [index.get(i) for i in ids]

    def invalidate(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    async def _get(self, key: K, load: Loader[T]) -> tuple[float, list[T]]:
        entry = self._entries.get(key)
        if entry is not None:
            return entry
        async with self._locks.setdefault(key, asyncio.Lock()):
            entry = self._entries.get(key)
            if entry is None:
                entry = (time.monotonic(), await load())
                self._entries[key] = entry
            return entry
