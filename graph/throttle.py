"""Per-client cost buckets: how much planned vendor work each API client may start.

A bucket holds up to ``capacity`` points and refills at ``restore_rate`` points a second. A
query takes its planned cost before it runs and gets back, once it has run, what it planned
but did not spend; a query that finds too little in the bucket is refused (THROTTLED) and
told when enough will have refilled. Buckets live in memory, one per client name, for the
life of the server process (restarting refills them).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Allowance:
    """A client's bucket size and refill rate (``ApiClient.cost_capacity``/``restore_rate``)."""

    capacity: int
    restore_rate: float


@dataclass(frozen=True, slots=True)
class ThrottleStatus:
    maximum_available: int
    currently_available: float
    restore_rate: float

    def as_extension(self) -> dict[str, float | int]:
        return {
            "maximumAvailable": self.maximum_available,
            # Floored, so a client never plans with points it does not have yet.
            "currentlyAvailable": math.floor(self.currently_available),
            "restoreRate": self.restore_rate,
        }


@dataclass(frozen=True, slots=True)
class Taken:
    """The outcome of taking a query's cost: granted, or when to try again."""

    granted: bool
    retry_after: float
    """Seconds until the bucket holds the cost (0 when granted), rounded up to 0.1 s."""


@dataclass(slots=True)
class _Bucket:
    level: float
    updated: float


class CostBuckets:
    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def _refilled(self, client: str, allowance: Allowance) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = self._buckets[client] = _Bucket(level=allowance.capacity, updated=now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.level = min(allowance.capacity, bucket.level + elapsed * allowance.restore_rate)
        bucket.updated = now
        return bucket

    def take(self, client: str, cost: int, allowance: Allowance) -> Taken:
        """Take ``cost`` points if the bucket holds them; nothing is taken otherwise.

        No await between the check and the debit, so concurrent requests cannot both spend
        the same points."""
        bucket = self._refilled(client, allowance)
        if cost <= bucket.level:
            bucket.level -= cost
            return Taken(granted=True, retry_after=0.0)
        wait = (cost - bucket.level) / allowance.restore_rate
        # Rounded up to a tenth, minus float noise, so a client that waits it is admitted.
        return Taken(granted=False, retry_after=math.ceil(wait * 10 - 1e-9) / 10)

    def give_back(self, client: str, points: float, allowance: Allowance) -> None:
        """Return points a query took but did not spend."""
        if points <= 0:
            return
        bucket = self._refilled(client, allowance)
        bucket.level = min(allowance.capacity, bucket.level + points)

    def status(self, client: str, allowance: Allowance) -> ThrottleStatus:
        bucket = self._refilled(client, allowance)
        return ThrottleStatus(
            maximum_available=allowance.capacity,
            currently_available=bucket.level,
            restore_rate=allowance.restore_rate,
        )


class AsyncBuckets(Protocol):
    """Buckets whose steps are awaited: the ones replicas share on Redis
    (``graph.throttle_redis``), or this process's behind ``AwaitedBuckets``."""

    async def take(self, client: str, cost: int, allowance: Allowance) -> Taken: ...

    async def give_back(self, client: str, points: float, allowance: Allowance) -> None: ...

    async def status(self, client: str, allowance: Allowance) -> ThrottleStatus: ...


class AwaitedBuckets:
    """This process's ``CostBuckets`` behind the awaited steps of ``AsyncBuckets``."""

    def __init__(self, buckets: CostBuckets) -> None:
        self.local = buckets

    async def take(self, client: str, cost: int, allowance: Allowance) -> Taken:
        return self.local.take(client, cost, allowance)

    async def give_back(self, client: str, points: float, allowance: Allowance) -> None:
        self.local.give_back(client, points, allowance)

    async def status(self, client: str, allowance: Allowance) -> ThrottleStatus:
        return self.local.status(client, allowance)
