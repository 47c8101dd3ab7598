"""Client-side request budgets, so a connection stays under its vendor's limit instead of
collecting 429s (AutoSync counts 100 requests per rolling minute per API key).

The limiter delays, never fails: a request waits until the window has room again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RateBudget:
    """At most ``requests`` requests in any ``per_seconds`` interval."""

    requests: int
    per_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.requests < 1 or self.per_seconds <= 0:
            raise ValueError("a rate budget needs at least one request in a positive window")


class SlidingWindowLimiter:
    """A sliding log of requests: a slot is taken when a request is sent and counted until
    ``per_seconds`` after its answer arrived. Counting from the answer, not the send, keeps
    us under a server that counts arrivals however much the network delays each request:
    the next request leaves at least a full window after the earlier one can have landed.
    """

    def __init__(
        self, budget: RateBudget, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.budget = budget
        self._clock = clock
        self._sleep = sleep
        self._in_flight = 0
        self._finished: deque[float] = deque()
        # One waiter at a time claims the next slot, so requests go out in arrival order.
        self._turn = asyncio.Lock()
        self._freed = asyncio.Event()

    async def acquire(self) -> None:
        async with self._turn:
            while True:
                now = self._clock()
                window = self.budget.per_seconds
                while self._finished and self._finished[0] + window <= now:
                    self._finished.popleft()
                if self._in_flight + len(self._finished) < self.budget.requests:
                    self._in_flight += 1
                    return
                if self._finished:
                    await self._sleep(self._finished[0] + window - now)
                else:  # every slot is a request still in flight
                    self._freed.clear()
                    await self._freed.wait()

    def release(self) -> None:
        """The request taking a slot has ended (answered, failed or cancelled)."""
        self._in_flight -= 1
        self._finished.append(self._clock())
        self._freed.set()


class RateGate:
    """What every request on one vendor credential passes through: the client-side budget
    (when the vendor publishes one) and any pause the vendor asked for with a 429 or an
    exhausted window. Vendors count per credential, so connections that share a credential
    share its gate (``adapters.shared``)."""

    def __init__(self, limiter: SlidingWindowLimiter | None = None) -> None:
        self.limiter = limiter
        self._paused_until = 0.0  # monotonic

    async def enter(self) -> None:
        """Wait out any pause, then take a slot of the budget. Pair with ``leave()``."""
        delay = self._paused_until - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if self.limiter is not None:
            await self.limiter.acquire()

    def leave(self) -> None:
        if self.limiter is not None:
            self.limiter.release()

    def pause(self, seconds: float) -> None:
        """Hold every request on this credential for ``seconds`` from now (never shortens a
        longer pause already set)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
