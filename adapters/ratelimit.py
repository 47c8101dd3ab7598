"""Client-side request budgets, so a connection stays under its vendor's limit instead of
collecting 429s (AutoSync counts 100 requests per rolling minute per API key), and shares
that budget fairly between the API clients whose work draws on it.

Fairness. Every request waits as one of its API client's (``UpstreamScope.client``; "" for
work outside a GraphQL request, such as a background session refresh). Each client has its
own FIFO queue, and when slots free up the queues are served round-robin, one request per
client in turn, so a client with 100 requests queued delays another client's one request
by at most one turn, not by 100.

Round-robin alone does not help a client that arrives after a heavy one has taken the
whole window: nothing frees up until the window rolls over. So each client may hold at
most ``RateBudget.share`` slots of the window (``requests - reserve``; by default reserve
is a tenth of the budget, at least one), which keeps ``reserve`` slots for the others: once
client A holds its share, A's further requests queue, and client B's request is sent at
once from the reserve. The cost: a lone client's peak rate drops to ``requests - reserve``
per window (90 a minute on AutoSync's 100), even when nobody else is waiting. A budget
of one request has nothing to reserve, and ``reserve=0`` turns the share off.

Deadlines. A request that waits carries how long it may wait (the time left before its
scope's deadline). When the earliest moment a slot can be its own is already past that
(what its client holds must first age out of the window; a request still in flight ages
out no sooner than a full window from now), it fails at once with ``UpstreamRateLimited``
whose ``retry_after`` is that estimate. Otherwise it waits, at most until its deadline,
then fails the same way. A waiter that fails or is cancelled leaves its queue at once, and
a slot granted to a request cancelled before it could use it goes back to the others.
A pause the vendor asked for (a 429) is waited out the same way, or failed fast when it
outlasts the deadline.

All waiting runs on an injected ``clock`` and ``sleep``: one timer task sleeps until the
next slot leaves the window (or the next waiter's deadline), and every other waiter waits
on its own future.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from adapters.errors import UpstreamRateLimited
from adapters.upstream_scope import UpstreamScope

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RateBudget:
    """At most ``requests`` requests in any ``per_seconds`` interval."""

    requests: int
    per_seconds: float = 60.0
    reserve: int | None = None
    """Slots of the window no single client may take, kept for the other clients. None:
    a tenth of ``requests``, at least one; 0: one client may take the whole window."""

    def __post_init__(self) -> None:
        if self.requests < 1 or self.per_seconds <= 0:
            raise ValueError("a rate budget needs at least one request in a positive window")
        if self.reserve is not None and not 0 <= self.reserve < self.requests:
            raise ValueError("a budget's reserve must be at least 0 and below its requests")

    @property
    def share(self) -> int:
        """The most slots of one window that one client may hold."""
        reserve = self.reserve if self.reserve is not None else max(1, self.requests // 10)
        return max(1, self.requests - reserve)


@dataclass(eq=False, slots=True)
class _Waiter:
    client: str
    granted: asyncio.Future[None]
    give_up_at: float | None
    """``clock()`` time after which the request fails instead of waiting on."""


class SlidingWindowLimiter:
    """A sliding log of requests: a slot is taken when a request is sent and counted until
    ``per_seconds`` after its answer arrived. Counting from the answer, not the send, keeps
    us under a server that counts arrivals however much the network delays each request:
    the next request leaves at least a full window after the earlier one can have landed.

    Waiters are queued per client and served round-robin, each client within its share
    (see the module docstring).
    """

    def __init__(
        self, budget: RateBudget, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.budget = budget
        self._clock = clock
        self._sleep = sleep
        self._in_flight = 0
        self._finished: deque[tuple[float, str]] = deque()  # (answered at, client), in order
        self._held: dict[str, int] = {}  # per client: in flight + finished within the window
        # Clients with waiters, in round-robin order: a client served moves to the end.
        self._queues: OrderedDict[str, deque[_Waiter]] = OrderedDict()
        self._timer: asyncio.Task[None] | None = None
        self._timer_at = 0.0

    # --- what callers use --------------------------------------------------------------

    async def acquire(self, client: str = "", *, max_wait: float | None = None) -> None:
        """Take a slot for ``client``, waiting for one for at most ``max_wait`` seconds
        (None: as long as it takes). Raises ``UpstreamRateLimited`` when no slot can be
        had in time; pair a successful call with ``release(client)``."""
        now = self._clock()
        self._expire(now)
        if max_wait is not None:
            position = len(self._queues.get(client, ())) + 1
            wait = self._expected_wait(client, position, now)
            if wait > max_wait:  # no point queueing: fail while the caller can still act
                raise self._too_late(wait)
        waiter = _Waiter(
            client,
            asyncio.get_running_loop().create_future(),
            None if max_wait is None else now + max_wait,
        )
        self._queues.setdefault(client, deque()).append(waiter)
        self._dispatch()
        try:
            await waiter.granted
        except BaseException:
            self._withdraw(waiter)
            raise

    def release(self, client: str = "") -> None:
        """The request holding a slot of ``client`` has ended (answered, failed or
        cancelled): its slot counts until a window from now."""
        if self._held.get(client, 0) < 1 or self._in_flight < 1:
            raise RuntimeError(f"release without a slot held by client {client!r}")
        self._in_flight -= 1
        self._finished.append((self._clock(), client))
        self._dispatch()

    def give_back(self, client: str = "") -> None:
        """A slot of ``client`` was granted but nothing was sent on it: it goes back to the
        others at once instead of counting for a window."""
        if self._held.get(client, 0) < 1 or self._in_flight < 1:
            raise RuntimeError(f"give_back without a slot held by client {client!r}")
        self._in_flight -= 1
        self._drop(client)
        self._dispatch()

    def held(self, client: str = "") -> int:
        """Slots ``client`` holds in the current window (in flight or recently answered)."""
        self._expire(self._clock())
        return self._held.get(client, 0)

    @property
    def in_flight(self) -> int:
        """Requests sent and not answered yet, all clients together."""
        return self._in_flight

    def waiting(self, client: str | None = None) -> int:
        """Requests queued for a slot: ``client``'s, or everyone's."""
        if client is not None:
            return len(self._queues.get(client, ()))
        return sum(len(q) for q in self._queues.values())

    # --- internals ---------------------------------------------------------------------

    def _expire(self, now: float) -> None:
        window = self.budget.per_seconds
        while self._finished and self._finished[0][0] + window <= now:
            _, client = self._finished.popleft()
            self._drop(client)

    def _drop(self, client: str) -> None:
        left = self._held[client] - 1
        if left:
            self._held[client] = left
        else:
            del self._held[client]

    def _used(self) -> int:
        return self._in_flight + len(self._finished)

    def _dispatch(self) -> None:
        """Grant every slot that can be granted, round-robin over the clients' queues; fail
        the waiters whose deadline has come; set the timer for the next change."""
        now = self._clock()
        self._expire(now)
        share = self.budget.share
        while self._used() < self.budget.requests:
            client = next((c for c in self._queues if self._held.get(c, 0) < share), None)
            if client is None:
                break
            queue = self._queues[client]
            waiter = queue.popleft()
            # A cancelled waiter whose task has not run yet to leave is passed over.
            if not waiter.granted.done():
                self._in_flight += 1
                self._held[client] = self._held.get(client, 0) + 1
                waiter.granted.set_result(None)
                if queue:
                    self._queues.move_to_end(client)
            if not queue:
                del self._queues[client]
        self._fail_late(now)
        self._rearm()

    def _fail_late(self, now: float) -> None:
        for client in list(self._queues):
            queue = self._queues[client]
            late = [w for w in queue if w.give_up_at is not None and w.give_up_at <= now]
            for waiter in late:
                queue.remove(waiter)
            if not queue:
                del self._queues[client]
            for waiter in late:
                if waiter.granted.done():
                    continue  # cancelled; its task has yet to run to leave
                # Estimated with the waiter out of its queue, as if it asked anew. Zero
                # means others' turns came first: then the next slot to leave the window.
                wait = self._expected_wait(client, len(queue) + 1, now) or self._next_free(now)
                waiter.granted.set_exception(self._too_late(wait))

    def _withdraw(self, waiter: _Waiter) -> None:
        """The waiter gave up (failed or cancelled): out of its queue, or, if a slot had
        just been granted to it, the slot back to the others (nothing was sent on it)."""
        queue = self._queues.get(waiter.client)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._queues[waiter.client]
        elif (
            waiter.granted.done()
            and not waiter.granted.cancelled()
            and waiter.granted.exception() is None
        ):
            self._in_flight -= 1
            self._drop(waiter.client)
        self._dispatch()

    def _expected_wait(self, client: str, needed: int, now: float) -> float:
        """Seconds before ``needed`` more slots can be ``client``'s, from what is held now:
        a lower bound, as other clients' turns can come first. Answered requests leave
        the window in order; one still in flight no sooner than a full window from now."""
        window = self.budget.per_seconds

        def until_freed(excess: int, answered: list[float]) -> float:
            if excess <= 0:
                return 0.0
            if excess <= len(answered):
                return max(0.0, answered[excess - 1] + window - now)
            return window

        own = [at for at, c in self._finished if c == client]
        waits = (
            until_freed(self._held.get(client, 0) + needed - self.budget.share, own),
            until_freed(
                self._used() + needed - self.budget.requests, [at for at, _ in self._finished]
            ),
        )
        return max(waits)

    def _next_free(self, now: float) -> float:
        window = self.budget.per_seconds
        return max(0.0, self._finished[0][0] + window - now) if self._finished else window

    def _too_late(self, wait: float) -> UpstreamRateLimited:
        budget = self.budget
        return UpstreamRateLimited(
            f"request budget of {budget.requests} per {budget.per_seconds:g} s in use; a slot"
            f" is expected in {wait:.1f} s, after this request's deadline",
            retry_after=wait,
        )

    def _rearm(self) -> None:
        """Sleep until the next moment a waiter's lot can change: the oldest answered
        request leaving the window, or a waiter's deadline. (Releases wake it by
        themselves.)"""
        wake: float | None = None
        if self._queues:
            if self._finished:
                wake = self._finished[0][0] + self.budget.per_seconds
            for queue in self._queues.values():
                for waiter in queue:
                    if waiter.give_up_at is not None and (wake is None or waiter.give_up_at < wake):
                        wake = waiter.give_up_at
        timer = self._timer
        if timer is not None and not timer.done():
            if wake is not None and self._timer_at <= wake:
                return  # it wakes in time; waking early only re-checks
            timer.cancel()
        self._timer = None
        if wake is not None:
            self._timer_at = wake
            self._timer = asyncio.get_running_loop().create_task(self._tick(wake))

    async def _tick(self, wake: float) -> None:
        # The delay is taken when the task starts, not when it was created: the clock may
        # have moved in between.
        await self._sleep(max(0.0, wake - self._clock()))
        self._timer = None  # so the dispatch below re-arms instead of cancelling this task
        self._dispatch()


class Timed:
    """Something whose waits run on an injected ``clock`` and ``sleep`` (tests pass fake
    ones); what it hands out is timed on the same."""

    _clock: Clock
    _sleep: Sleep

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def sleep(self) -> Sleep:
        return self._sleep


class SharedWindow(Protocol):
    """The part of a credential's budget and pauses that several server processes share
    (``adapters.shared_redis.window``): how many slots the window has used, and until when
    the vendor asked for a pause. Each process still queues its own requests fairly
    (``SlidingWindowLimiter``) before taking a shared slot."""

    async def take(self, max_wait: float | None) -> str:
        """A slot of the shared window once no pause holds and the window has room, waiting
        at most ``max_wait`` seconds (None: as long as it takes); its id for ``release``.
        Raises ``UpstreamRateLimited`` when it cannot be had in time."""
        ...

    def release(self, slot: str) -> None:
        """The request on ``slot`` has ended: it counts until a window from now."""
        ...

    def pause(self, seconds: float) -> None:
        """Hold every process's requests for ``seconds`` from now (never shortening)."""
        ...


class RateGate(Timed):
    """What every request on one vendor credential passes through: the client-side budget
    (when the vendor publishes one) and any pause the vendor asked for with a 429 or an
    exhausted window. Vendors count per credential, so connections that share a credential
    share its gate (``adapters.shared``).

    ``scope`` names the API client a request is for and its deadline (see the module
    docstring); None is work outside any GraphQL request: client "", no deadline."""

    def __init__(
        self,
        limiter: SlidingWindowLimiter | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        window: SharedWindow | None = None,
    ) -> None:
        """``window``: the budget and pauses shared with other processes, if any; a request
        then takes a slot there too, after its turn here."""
        self.limiter = limiter
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._paused_until = 0.0  # on ``clock``
        # The shared slots this process's requests hold: any one is released when one of
        # them ends, as every slot counts the same.
        self._shared_slots: deque[str] = deque()

    async def enter(self, scope: UpstreamScope | None = None) -> None:
        """Wait out any pause, then take a slot of the budget. Pair with ``leave(scope)``.
        Raises ``UpstreamRateLimited`` when either wait would outlast the scope's deadline.
        """
        delay = self._paused_until - self._clock()
        if delay > 0:
            left = scope.remaining() if scope is not None else None
            if left is not None and delay > left:
                raise UpstreamRateLimited(
                    f"the vendor asked for a pause of {delay:.1f} s, past this request's deadline",
                    retry_after=delay,
                )
            await self._sleep(delay)
        client = scope.client if scope is not None else ""
        if self.limiter is not None:
            max_wait = scope.remaining() if scope is not None else None
            await self.limiter.acquire(client, max_wait=max_wait)
        if self.window is not None:
            try:
                slot = await self.window.take(scope.remaining() if scope is not None else None)
            except BaseException:
                if self.limiter is not None:
                    self.limiter.give_back(client)  # nothing was sent on it
                raise
            self._shared_slots.append(slot)

    def leave(self, scope: UpstreamScope | None = None) -> None:
        """The request that entered with ``scope`` has ended."""
        if self.limiter is not None:
            self.limiter.release(scope.client if scope is not None else "")
        if self.window is not None and self._shared_slots:
            self.window.release(self._shared_slots.popleft())

    def pause(self, seconds: float) -> None:
        """Hold every request on this credential for ``seconds`` from now (never shortens a
        longer pause already set)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        if self.window is not None:
            self.window.pause(seconds)
