"""Vendor read answers shared within a request and, for a while, across requests.

Every vendor GET goes through ``HttpClient.get``, which asks a ``ResponseCache`` first. One
place serves all five vendors: list pages, detail reads and reference data alike.

- **Within a request** an identical GET is answered once, whatever the time to live: the
  request's ``UpstreamScope`` memo holds the answer until the request ends (two dataloader
  batches of one store landing in different ticks read a listing once), and identical
  GETs of the request in flight at once share one vendor request (``scope.flights``).
- **Across requests** answers are kept for the time to live of their resource kind (the
  path says which; ``DEFAULT_TTLS``, 0 disables). Concurrent identical GETs of a kept kind
  share one vendor request.
- **Writes invalidate**: any write this process sends to a store drops every cached answer
  of that store (a deal moves a vehicle's status, a payment an account's balance, so the
  whole store rather than one kind), in the cache and in the current request's memo. A
  read that was in flight when the write was sent is neither kept nor remembered by its
  request (generation check), so the mutation's own read-back and every later read see
  the write.

Answers are kept decoded (JSON values, shared read-only). Errors are never kept.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cachetools import TTLCache

from adapters.upstream_scope import current_scope

Clock = Callable[[], float]

DEFAULT_TTLS: Mapping[str, float] = MappingProxyType(
    {
        "vehicles": 60.0,
        "customers": 300.0,
        "leads": 30.0,
        "deals": 60.0,
        "repair_orders": 30.0,
        "appointments": 60.0,
        "parts": 300.0,
        # Reference data (staff, rooftops, shops) is kept by each adapter's ReferenceCache,
        # which reads it again when an id is missing: answering that read from here
        # would hide an employee added since.
        "employees": 0.0,
        "accounts": 60.0,
        "payments": 60.0,
        "stores": 0.0,
        "other": 0.0,
    }
)
"""Seconds an answer of each resource kind is reused across requests (0: never)."""
NO_CACHE: Mapping[str, float] = MappingProxyType(dict.fromkeys(DEFAULT_TTLS, 0.0))
"""Nothing kept across requests (a request still reads each answer once)."""

# Path words naming a resource kind, across the five vendors' paths; the first match wins.
_KIND_WORDS: Mapping[str, str] = {
    "vehicles": "vehicles",
    "lots": "vehicles",
    "customers": "customers",
    "leads": "leads",
    "deals": "deals",
    "repair-orders": "repair_orders",
    "workorders": "repair_orders",
    "appointments": "appointments",
    "parts": "parts",
    "users": "employees",
    "employees": "employees",
    "technicians": "employees",
    "ar-accounts": "accounts",
    "receivables": "accounts",
    "accounts": "accounts",
    "payments": "payments",
    "receipts": "payments",
    "rooftops": "stores",
    "shops": "stores",
}
_SEGMENTS = re.compile(r"[^/?]+")


def kind_of_path(path: str) -> str:
    """The resource kind a vendor path reads (``/shops/7/workorders/12`` -> repair_orders);
    a store-scoped path is named by what it reads under the store, not by the store."""
    segments = _SEGMENTS.findall(path)
    if len(segments) > 2 and segments[0] in ("shops", "rooftops"):
        segments = segments[2:]
    for segment in segments:
        kind = _KIND_WORDS.get(segment)
        if kind is not None:
            return kind
    return "other"


@dataclass(frozen=True, slots=True)
class _Entry:
    store: str | None
    value: Any


Key = tuple[Hashable, ...]
StoreOf = Callable[[str, Mapping[str, str] | None], str | None]


class ResponseCache:
    """One per vendor login and tenant: connections on one login see the same data.

    ``maxsize`` answers are kept per kind (least recently used go first): a list page is
    up to 100 rows, so a login's cache stays within tens of megabytes."""

    def __init__(
        self,
        ttls: Mapping[str, float] = DEFAULT_TTLS,
        *,
        maxsize: int = 256,
        clock: Clock = time.monotonic,
    ) -> None:
        self._ttls = dict(DEFAULT_TTLS) | dict(ttls)
        self._clock = clock
        # One TTLCache per kind, since cachetools' TTL is per cache.
        self._kinds: dict[str, TTLCache[Key, _Entry]] = {
            kind: TTLCache(maxsize=maxsize, ttl=ttl, timer=clock)
            for kind, ttl in self._ttls.items()
            if ttl > 0
        }
        self._flights: dict[Key, asyncio.Future[Any]] = {}
        self._generation: dict[str | None, int] = {}
        self._all_generation = 0
        self._forgets = 0
        self.announce: Callable[[str | None], None] | None = None
        """Told of every invalidation made here, so the deployment's other server processes
        drop their answers of the store too (``adapters.shared_redis.cache_events``)."""

    def ttl(self, kind: str) -> float:
        return self._ttls.get(kind, 0.0)

    async def get(
        self,
        key: Key,
        *,
        path: str,
        store: str | None,
        fetch: Callable[[], Awaitable[Any]],
    ) -> Any:
        """The answer for ``key``: from the request's memo, this cache, a GET already in
        flight, or ``fetch()``."""
        scope = current_scope()
        memo = scope.memo if scope is not None else None
        memo_key = (id(self), *key)
        if memo is not None and memo_key in memo:
            return memo[memo_key].value
        generation = self._generation_of(store)
        kind = kind_of_path(path)
        cache = self._kinds.get(kind)
        if scope is not None and scope.fresh:
            cache = None
        if cache is None:  # not kept across requests: shared by this request's reads only
            if scope is None:
                value = await fetch()
            else:
                value = await one_flight(scope.flights, memo_key, fetch)
            entry = _Entry(store, value)
        elif (found := cache.get(key)) is not None:
            entry = found
        else:
            entry = _Entry(store, await self._fetch_once(key, store, cache, fetch))
        # A write to the store since the read began may not be in this answer: the
        # request's next read of it must read again, not find it in the memo.
        if memo is not None and generation == self._generation_of(store):
            memo[memo_key] = entry
        return entry.value

    async def _fetch_once(
        self,
        key: Key,
        store: str | None,
        cache: TTLCache[Key, _Entry],
        fetch: Callable[[], Awaitable[Any]],
    ) -> Any:
        async def fetch_and_keep() -> Any:
            generation = self._generation_of(store)
            value = await fetch()
            # A write to the store since the fetch began may not be in this answer.
            if generation == self._generation_of(store):
                cache[key] = _Entry(store, value)
            return value

        return await one_flight(self._flights, key, fetch_and_keep)

    def _generation_of(self, store: str | None) -> tuple[int, int]:
        """Changes with every forget that drops ``store``'s answers: a store-less answer
        goes with any store's."""
        if store is None:
            return self._forgets, 0
        return self._all_generation, self._generation.get(store, 0)

    def invalidate(self, store: str | None) -> None:
        """Forget every answer of ``store`` (None: every store of this login), here, in the
        current request's memo and, through ``announce``, in the other server processes."""
        self.forget(store)
        scope = current_scope()
        if scope is not None:
            mine = id(self)
            for memo_key, entry in list(scope.memo.items()):
                if memo_key[0] == mine and (store is None or entry.store in (store, None)):
                    del scope.memo[memo_key]
            for memo_key in list(scope.flights):
                if memo_key[0] == mine:  # later readers must not join a stale read
                    del scope.flights[memo_key]
        if self.announce is not None:
            self.announce(store)

    def forget(self, store: str | None) -> None:
        """Forget every answer of ``store`` kept here (what another process's write to the
        store does here)."""
        self._forgets += 1
        if store is None:
            self._all_generation += 1
        else:
            self._generation[store] = self._generation.get(store, 0) + 1
        for cache in self._kinds.values():
            for key, entry in list(cache.items()):
                if store is None or entry.store in (store, None):
                    cache.pop(key, None)
        self._flights.clear()  # later readers must not join a stale read

    def clear(self) -> None:
        self.invalidate(None)


async def one_flight(
    flights: dict[Any, asyncio.Future[Any]], key: Any, fetch: Callable[[], Awaitable[Any]]
) -> Any:
    """``fetch()``, or the answer of the identical fetch already in flight in ``flights``
    (its error too); a reader whose leader was cancelled fetches for itself."""
    flight = flights.get(key)
    if flight is not None:
        try:
            return await asyncio.shield(flight)
        except asyncio.CancelledError:
            if not flight.cancelled():
                raise  # this reader was cancelled
            return await one_flight(flights, key, fetch)  # the leader gave up: fetch anew
    flight = asyncio.get_running_loop().create_future()
    flights[key] = flight
    try:
        value = await fetch()
    except Exception as exc:
        flight.set_exception(exc)
        flight.exception()  # retrieved here, so no "never retrieved" warning
        raise
    except BaseException:
        flight.cancel()
        raise
    finally:
        if flights.get(key) is flight:  # not a later flight started after a write
            del flights[key]
    flight.set_result(value)
    return value
