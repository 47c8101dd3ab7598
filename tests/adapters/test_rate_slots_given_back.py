"""A slot of the local budget granted for a request that is then never sent (the shared
window refused it) goes back at once: it does not count for a window, and the next waiter
gets it without waiting."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import UpstreamRateLimited
from adapters.ratelimit import RateBudget, RateGate
from adapters.upstream_scope import UpstreamScope
from tests.adapters.test_rate_fairness import ManualClock, limiter_on, promptly, settle


class RefusingWindow:
    """A shared window whose budget another process has used up."""

    def __init__(self) -> None:
        self.asked = 0

    async def take(self, max_wait: float | None) -> str:
        self.asked += 1
        raise UpstreamRateLimited("the shared window is full", retry_after=3.0)

    def release(self, slot: str) -> None:
        raise AssertionError("nothing was taken")

    def pause(self, seconds: float) -> None:
        pass


async def test_a_slot_the_shared_window_refused_goes_back_to_the_local_budget() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(2, 60.0, reserve=0))
    window = RefusingWindow()
    gate = RateGate(limiter, clock=clock, sleep=clock.sleep, window=window)  # type: ignore[arg-type]
    for _ in range(3):
        with pytest.raises(UpstreamRateLimited):
            await promptly(gate.enter(UpstreamScope(client="a", clock=clock)))
    assert window.asked == 3, "each time the local slot was free again at once"
    assert (limiter.held("a"), limiter.in_flight, limiter.waiting()) == (0, 0, 0)


async def test_a_slot_given_back_goes_to_the_next_waiter_at_once() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(1, 60.0, reserve=0))
    await promptly(limiter.acquire("a"))
    waiter = asyncio.create_task(limiter.acquire("b"))
    await settle()
    assert not waiter.done() and limiter.waiting("b") == 1
    limiter.give_back("a")
    await settle()
    assert waiter.done() and waiter.exception() is None
    assert (limiter.held("a"), limiter.held("b"), limiter.in_flight) == (0, 1, 1)


@pytest.mark.parametrize("held", [False, True])
async def test_giving_back_a_slot_not_held_is_a_bug_named_as_such(held: bool) -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(5, 60.0))
    if held:  # held by another client, or answered already: not in flight
        await promptly(limiter.acquire("b"))
        limiter.release("b")
        with pytest.raises(RuntimeError) as bug:
            limiter.give_back("b")
        assert str(bug.value) == "give_back without a slot held by client 'b'"
    with pytest.raises(RuntimeError) as bug:
        limiter.give_back("a")
    assert str(bug.value) == "give_back without a slot held by client 'a'"
    assert limiter.in_flight == 0


class GrantingWindow:
    """A shared window with room: hands out numbered slots and records what comes back."""

    def __init__(self) -> None:
        self.waits: list[float | None] = []
        self.released: list[str] = []

    async def take(self, max_wait: float | None) -> str:
        self.waits.append(max_wait)
        return f"slot-{len(self.waits)}"

    def release(self, slot: str) -> None:
        self.released.append(slot)

    def pause(self, seconds: float) -> None:
        pass


async def test_the_shared_window_is_waited_on_until_the_deadline_and_each_slot_released() -> None:
    clock = ManualClock()
    window = GrantingWindow()
    gate = RateGate(clock=clock, sleep=clock.sleep, window=window)  # type: ignore[arg-type]
    scope = UpstreamScope(client="a", deadline=clock() + 7.0, clock=clock)
    await promptly(gate.enter(scope))
    await promptly(gate.enter(None))
    assert window.waits == [7.0, None]
    gate.leave(scope)
    gate.leave(None)
    gate.leave(None)  # nothing left to release
    assert window.released == ["slot-1", "slot-2"]
    without = RateGate(clock=clock, sleep=clock.sleep)
    await promptly(without.enter(scope))
    without.leave(scope)  # no shared window: nothing to release


async def test_giving_back_needs_a_slot_of_that_client_in_flight() -> None:
    clock = ManualClock()
    limiter = limiter_on(clock, RateBudget(5, 60.0))
    await promptly(limiter.acquire("b"))  # b's request is in flight; a holds nothing
    with pytest.raises(RuntimeError):
        limiter.give_back("a")
    assert (limiter.held("b"), limiter.in_flight) == (1, 1)
