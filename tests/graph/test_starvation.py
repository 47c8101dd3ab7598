"""One API client's heavy query must not starve another's light read on the same AutoSync
key, over real HTTP: the key's budget is shared fairly between the clients, and a wait
for it that would pass the request's deadline fails fast.

The budget is shrunk to 10 requests a minute, at the vendor (the sandbox's limit) and as
AutoSync's published budget, which the client keeps. Its minute runs on a clock the test
moves (the sandbox's window too), so no test waits for it in real time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from adapters.ratelimit import RateBudget, SlidingWindowLimiter
from adapters.shared import SharedCredentials, credential_digest
from graph.sandbox_mode import DEMO_CLIENT
from sandbox import SandboxOptions
from tests.adapters.test_rate_fairness import ManualClock
from tests.graph.conftest import AUTOSYNC_ONLY_KEY, Api, start_api

BUDGET = 10  # a client may hold 9 of them (one kept for the others)
HEAVY_FIELDS = 20  # one AutoSync request each: more than the budget
_HEAVY_FIELDS = " ".join(
    f"c{n}: customers(first: {n}) {{ nodes {{ id }} }}" for n in range(1, HEAVY_FIELDS + 1)
)
HEAVY = "query($d: ID!) { dealership(id: $d) { " + _HEAVY_FIELDS + " } }"
LIGHT = "query($d: ID!) { dealership(id: $d) { repairOrders(first: 1) { nodes { id } } } }"


@asynccontextmanager
async def autosync_api(
    monkeypatch: pytest.MonkeyPatch, deadline: float
) -> AsyncIterator[tuple[Api, ManualClock, SlidingWindowLimiter]]:
    """The API over an AutoSync sandbox with a budget of ``BUDGET`` a minute, its requests'
    deadline ``deadline`` seconds, and the key's limiter (for the test to watch)."""
    clock = ManualClock(now=time.time())  # the sandbox's reset headers are Unix times
    shared = SharedCredentials(clock=clock, sleep=clock.sleep)
    monkeypatch.setattr("adapters.autosync.adapter.AUTOSYNC_BUDGET", RateBudget(BUDGET, 60.0))
    monkeypatch.setattr("graph.runtime.SharedCredentials", lambda **_: shared)
    running = start_api(
        SandboxOptions(seed=11, rate_limit_per_minute=BUDGET),
        vendors=("autosync",),
        server={"request_deadline_seconds": deadline},
    )
    api = await anext(running)
    try:
        handle = api.sandbox.vendors["autosync"]
        handle.state.limiter.clock = clock
        gate = shared.gate("autosync", credential_digest(handle.credentials["api_key"]), None)
        assert gate.limiter is not None and gate.limiter.budget.requests == BUDGET
        yield api, clock, gate.limiter
    finally:
        await running.aclose()


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for real HTTP exchanges to get somewhere (a guard, not a clock)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


def settled(
    limiter: SlidingWindowLimiter, api: Api, *, held: int, waiting: int, sent: int
) -> Callable[[], bool]:
    """Client A holds ``held`` slots, all answered, with ``waiting`` requests queued."""
    return lambda: (
        limiter.held(DEMO_CLIENT) == held
        and limiter.waiting(DEMO_CLIENT) == waiting
        and limiter.in_flight == 0
        and api.upstream_requests("autosync") == sent
    )


async def test_a_light_read_is_not_starved_by_a_heavy_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with autosync_api(monkeypatch, deadline=300.0) as (api, clock, limiter):
        store = {"d": api.dealership_id("autosync")}
        heavy = asyncio.create_task(api.query(HEAVY, store))  # client A, the full-access key
        await until(settled(limiter, api, held=9, waiting=11, sent=9), "A holds its share")

        started = time.perf_counter()
        light = await asyncio.wait_for(api.query(LIGHT, store, key=AUTOSYNC_ONLY_KEY), 5.0)
        took = time.perf_counter() - started
        print(f"\nclient B's one-call read took {took * 1000:.1f} ms while A waited")

        assert not heavy.done()  # A is still waiting for the window to roll over
        assert "errors" not in light, light["errors"]
        assert len(light["data"]["dealership"]["repairOrders"]["nodes"]) == 1
        assert api.upstream_requests("autosync") == 9 + 1  # B's read made one request

        # A's queued requests go as the (test's) minute rolls over, within its share.
        await clock.advance(60.0)
        await until(settled(limiter, api, held=9, waiting=2, sent=19), "A's second minute")
        await clock.advance(60.0)
        answer: dict[str, Any] = await asyncio.wait_for(heavy, 5.0)
        assert "errors" not in answer, answer["errors"]
        fields = answer["data"]["dealership"]
        assert [len(fields[f"c{n}"]["nodes"]) for n in range(1, HEAVY_FIELDS + 1)] == list(
            range(1, HEAVY_FIELDS + 1)
        )
        assert api.upstream_requests("autosync") == 21
        assert 429 not in {e.status for e in api.sandbox.vendors["autosync"].requests.entries}


async def test_a_wait_past_the_deadline_fails_fast_with_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with autosync_api(monkeypatch, deadline=5.0) as (api, clock, limiter):
        store = {"d": api.dealership_id("autosync")}
        before = clock.now

        answer = await asyncio.wait_for(api.query(HEAVY, store), 5.0)

        fields = answer["data"]["dealership"]
        served = [name for name, value in fields.items() if value is not None]
        assert len(served) == 9  # A's share of the minute
        assert len(answer["errors"]) == HEAVY_FIELDS - 9
        for error in answer["errors"]:
            assert error["extensions"]["code"] == "UPSTREAM_RATE_LIMITED"
            assert error["extensions"]["dealershipId"] == store["d"]
            # A's slots leave the window a minute after their answers, and no sooner.
            assert error["extensions"]["retryAfter"] == 60
            assert fields[error["path"][-1]] is None
        assert clock.now == before  # nothing waited for the budget's minute
        assert api.upstream_requests("autosync") == 9
        assert limiter.waiting() == 0
        # Refused by our own budget, nothing sent: the vendor's health is not in question.
        status = await api.data(
            "query($d: ID!) { dealership(id: $d) { connectionStatus { state lastErrorCode } } }",
            store,
        )
        assert status["dealership"]["connectionStatus"] == {"state": "OK", "lastErrorCode": None}
