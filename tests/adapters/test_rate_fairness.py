"""Fair shares of a vendor's request budget, deadlines and pauses, on a clock the test moves
(no real time passes: a minute's window rolls over in one call)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import pytest

from adapters.errors import UpstreamRateLimited
from adapters.ratelimit import RateBudget, RateGate, SlidingWindowLimiter
from adapters.upstream_scope import UpstreamScope

T = TypeVar("T")


async def settle() -> None:
    """Let every task that can run, run (granted waiters resume, timers re-arm)."""
    for _ in range(20):
        await asyncio.sleep(0)


async def promptly(aw: Awaitable[T]) -> T:
    """What must finish without the clock moving; a guard so a regression fails, not hangs."""
    return await asyncio.wait_for(aw, timeout=1.0)


class ManualClock:
    """Time that moves only when the test advances it; sleepers wake once theirs is up."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self._moved = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        while self.now < until:
            await self._moved.wait()

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()
        await settle()


def limiter_on(clock: ManualClock, budget: RateBudget) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(budget, clock=clock, sleep=clock.sleep)


async def take(limiter: SlidingWindowLimiter, client: str, count: int) -> None:
    """``client`` sends ``count`` requests that are answered at once."""
    for _ in range(count):
        await limiter.acquire(client)
        limiter.release(client)


def waiting_tasks(
    limiter: SlidingWindowLimiter, client: str, count: int, granted: list[str]
) -> list[asyncio.Task[None]]:
    async def one(name: str) -> None:
        await limiter.acquire(client)
        granted.append(name)

    return [asyncio.create_task(one(f"{client}{i}")) for i in range(count)]


def test_a_budget_keeps_a_tenth_from_any_one_client() -> None:
    assert RateBudget(100).share == 90
    assert RateBudget(10).share == 9
    assert RateBudget(5).share == 4  # at least one kept back
    assert RateBudget(1).share == 1  # nothing to keep back
    assert RateBudget(10, reserve=0).share == 10
    assert RateBudget(10, reserve=3).share == 7
    for reserve in (-1, 10):
        with pytest.raises(ValueError, match="reserve must be at least 0 and below"):
            RateBudget(10, reserve=reserve)
    RateBudget(10, reserve=9)  # the most that may be kept back


def test_a_budget_needs_a_request_in_a_positive_window() -> None:
    for requests, per_seconds in ((0, 60.0), (1, 0.0), (1, -1.0)):
        with pytest.raises(ValueError, match="at least one request in a positive window"):
            RateBudget(requests, per_seconds)
    assert RateBudget(1, 0.001).requests == 1


async def test_a_release_without_a_slot_of_that_client_is_refused() -> None:
    limiter = limiter_on(ManualClock(), RateBudget(10, 60.0))
    with pytest.raises(RuntimeError, match="release without a slot held by client 'a'"):
        limiter.release("a")
    await promptly(limiter.acquire("a"))
    with pytest.raises(RuntimeError, match="client 'b'"):
        limiter.release("b")  # a slot is in flight, but not b's
    limiter.release("a")
    assert (limiter.in_flight, limiter.held("a")) == (0, 1)  # answered, still in the window
    with pytest.raises(RuntimeError, match="client 'a'"):
        limiter.release("a")  # its one slot was already released


async def test_waiters_are_served_round_robin_across_clients() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(2, 60.0, reserve=0))
    await take(limiter, "a", 2)
    granted: list[str] = []
    tasks = waiting_tasks(limiter, "a", 4, granted)  # a queues first, and more
    await settle()
    tasks += waiting_tasks(limiter, "b", 2, granted)
    await settle()
    assert granted == [] and limiter.waiting("a") == 4 and limiter.waiting("b") == 2

    for _ in range(3):
        await clock.advance(60.0)  # the window rolls over: two slots free
        for name in granted[-2:]:
            limiter.release(name[0])  # the two just sent are answered

    # One FIFO would have been a0 a1 a2 a3 b0 b1: b waited behind all of a's queue.
    assert granted == ["a0", "b0", "a1", "b1", "a2", "a3"]
    assert all(t.done() for t in tasks)


async def test_a_client_that_filled_its_share_leaves_room_for_another() -> None:
    """Client a starts a query needing 101 requests on a 100-a-minute budget: 90 go, 11
    queue; client b's one request is granted at once, without the window rolling over."""
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(100, 60.0))
    granted: list[str] = []
    heavy = waiting_tasks(limiter, "a", 101, granted)
    await settle()
    assert limiter.held("a") == 90 and limiter.waiting("a") == 11

    await promptly(limiter.acquire("b"))  # no clock move needed
    assert clock.now == 1000.0 and limiter.held("b") == 1
    limiter.release("b")
    assert limiter.waiting("a") == 11  # a's share still binds while a's slots are held

    for _ in granted:
        limiter.release("a")
    await clock.advance(60.0)
    assert limiter.waiting("a") == 0 and all(t.done() for t in heavy)


async def test_a_wait_past_the_deadline_fails_fast_with_retry_after() -> None:
    clock = ManualClock()
    gate = RateGate(limiter_on(clock, RateBudget(10, 60.0)), clock=clock, sleep=clock.sleep)
    assert gate.limiter is not None
    await take(gate.limiter, "a", 9)  # a's share, answered at t0

    scope = UpstreamScope(client="a", deadline=clock() + 30.0, clock=clock)
    with pytest.raises(UpstreamRateLimited) as failed:
        await promptly(gate.enter(scope))  # a's next slot frees at t0 + 60: past the deadline
    assert failed.value.retry_after == pytest.approx(60.0)
    assert gate.limiter.waiting() == 0

    await clock.advance(20.0)
    with pytest.raises(UpstreamRateLimited) as failed:
        await promptly(gate.enter(UpstreamScope(client="a", deadline=clock() + 30.0, clock=clock)))
    assert failed.value.retry_after == pytest.approx(40.0)

    # A deadline the slot comes before: it waits, and gets it when the window rolls over.
    patient = UpstreamScope(client="a", deadline=clock() + 50.0, clock=clock)
    entered = asyncio.create_task(gate.enter(patient))
    await settle()
    assert not entered.done() and gate.limiter.waiting("a") == 1
    await clock.advance(40.0)
    assert entered.done() and entered.exception() is None
    gate.leave(patient)


async def test_a_wait_for_requests_in_flight_ends_at_the_deadline() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(10, 5.0))
    for _ in range(9):
        await limiter.acquire("a")  # sent, never answered
    # In flight, a slot frees no sooner than a window after its answer: unknown, >= 5 s.
    with pytest.raises(UpstreamRateLimited) as failed:
        await promptly(limiter.acquire("a", max_wait=4.0))
    assert failed.value.retry_after == pytest.approx(5.0)

    waiter = asyncio.create_task(limiter.acquire("a", max_wait=8.0))
    await settle()
    assert limiter.waiting("a") == 1
    await clock.advance(7.9)
    assert not waiter.done()
    await clock.advance(0.1)
    assert waiter.done()
    assert isinstance(waiter.exception(), UpstreamRateLimited)
    assert limiter.waiting() == 0
    await promptly(limiter.acquire("b", max_wait=0.0))  # reserve


async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(1, 60.0))
    await take(limiter, "a", 1)
    first = asyncio.create_task(limiter.acquire("a"))
    second = asyncio.create_task(limiter.acquire("a"))
    await settle()
    assert limiter.waiting("a") == 2

    first.cancel()
    await settle()
    assert first.cancelled() and limiter.waiting("a") == 1
    await clock.advance(60.0)
    assert second.done() and second.exception() is None
    assert limiter.held("a") == 1  # the cancelled one never took a slot


async def test_a_slot_granted_to_a_cancelled_waiter_goes_to_the_next() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(2, 60.0, reserve=0))
    await take(limiter, "x", 1)
    await limiter.acquire("x")  # still in flight
    a = asyncio.create_task(limiter.acquire("a"))
    b = asyncio.create_task(limiter.acquire("b"))
    await settle()

    clock.now += 60.0  # the first of x's slots has left the window...
    limiter.release("x")  # ...which this notices, granting a's waiter the slot
    a.cancel()  # before a's task could use it
    await settle()
    assert a.cancelled() and b.done() and b.exception() is None
    assert limiter.held("a") == 0 and limiter.held("b") == 1
    assert limiter.waiting() == 0


async def test_a_waiter_cancelled_just_before_its_turn_is_passed_over() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(2, 60.0, reserve=0))
    await take(limiter, "x", 1)
    await limiter.acquire("x")  # still in flight
    a = asyncio.create_task(limiter.acquire("a"))
    b = asyncio.create_task(limiter.acquire("b"))
    await settle()

    a.cancel()  # a's task has not run since: its waiter is still queued
    clock.now += 60.0
    limiter.release("x")  # grants the freed slot: to b, not to a's cancelled waiter
    await settle()
    assert a.cancelled() and b.done() and b.exception() is None
    assert limiter.held("a") == 0 and limiter.held("b") == 1 and limiter.waiting() == 0


async def test_pauses_are_never_shortened_and_fail_fast_past_the_deadline() -> None:
    clock = ManualClock()
    gate = RateGate(clock=clock, sleep=clock.sleep)
    gate.pause(10.0)
    gate.pause(2.0)  # a shorter pause asked for later does not cut the longer one

    with pytest.raises(UpstreamRateLimited) as failed:
        await promptly(gate.enter(UpstreamScope(client="a", deadline=clock() + 5.0, clock=clock)))
    assert failed.value.retry_after == pytest.approx(10.0)

    entered = asyncio.create_task(gate.enter(None))  # no deadline: it waits
    await settle()
    await clock.advance(2.0)
    assert not entered.done()
    await clock.advance(8.0)
    assert entered.done() and entered.exception() is None
    gate.leave(None)

    gate.pause(3.0)
    within = asyncio.create_task(
        gate.enter(UpstreamScope(client="a", deadline=clock() + 5.0, clock=clock))
    )
    await settle()
    await clock.advance(3.0)
    assert within.done() and within.exception() is None


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ({"requests": 0}, "a rate budget needs at least one request in a positive window"),
        ({"requests": 5, "per_seconds": 0.0}, "a rate budget needs at least one request in a"),
        ({"requests": 5, "reserve": 5}, "a budget's reserve must be at least 0 and below its"),
        ({"requests": 5, "reserve": -1}, "a budget's reserve must be at least 0 and below its"),
    ],
)
def test_a_budget_that_could_never_admit_a_request_is_refused_saying_why(
    budget: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        RateBudget(**budget)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)


async def test_refusals_past_the_deadline_say_what_holds_the_request_and_for_how_long() -> None:
    clock = ManualClock()
    gate = RateGate(limiter_on(clock, RateBudget(10, 60.0)), clock=clock, sleep=clock.sleep)
    assert gate.limiter is not None
    await take(gate.limiter, "a", 9)
    with pytest.raises(UpstreamRateLimited) as budget:
        await promptly(gate.enter(UpstreamScope(client="a", deadline=clock() + 30.0, clock=clock)))
    assert budget.value.message == (
        "request budget of 10 per 60 s in use; a slot is expected in 60.0 s,"
        " after this request's deadline"
    )
    paused = RateGate(clock=clock, sleep=clock.sleep)
    paused.pause(12.5)
    with pytest.raises(UpstreamRateLimited) as pause:
        await promptly(paused.enter(UpstreamScope(client="a", deadline=clock() + 5.0, clock=clock)))
    assert pause.value.message == (
        "the vendor asked for a pause of 12.5 s, past this request's deadline"
    )


async def test_a_pause_ending_exactly_at_the_deadline_is_waited_out() -> None:
    clock = ManualClock()
    gate = RateGate(clock=clock, sleep=clock.sleep)
    gate.pause(5.0)
    entered = asyncio.create_task(
        gate.enter(UpstreamScope(client="a", deadline=clock() + 5.0, clock=clock))
    )
    await settle()
    await clock.advance(5.0)
    assert entered.done() and entered.exception() is None
    gate.leave(None)
