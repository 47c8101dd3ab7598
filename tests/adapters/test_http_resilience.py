"""The request budget, the circuit breaker and connection health, over real sockets against
small local servers and the vendor sandboxes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from adapters.auth import BearerKeyAuth
from adapters.autosync.adapter import AUTOSYNC_BUDGET
from adapters.base import CustomerFilter, DmsAdapter, Window
from adapters.errors import UpstreamRateLimited, UpstreamRejected, UpstreamUnavailable
from adapters.health import ConnectionState
from adapters.http import HttpClient, HttpPolicy
from adapters.models import Dms
from adapters.ratelimit import RateBudget, RateGate, SlidingWindowLimiter
from adapters.registry import build_adapter
from adapters.response_cache import NO_CACHE
from adapters.shared import SharedCredentials
from sandbox import RunningSandbox
from sandbox.common.ratelimit import FixedWindowLimiter
from tests.adapters.adapter_sandbox_kit import connect, logins
from tests.virtual_clock import InstantClock

ServeApp = Callable[[web.Application], Awaitable[str]]
StartSandbox = Callable[..., Awaitable[RunningSandbox]]
FAST = HttpPolicy(
    cache_ttls=NO_CACHE,
    backoff_base=0.01,
    backoff_max=0.02,
    read_timeout=0.5,
    max_rate_limit_wait=1.0,
)


def statuses_seen() -> tuple[aiohttp.TraceConfig, list[int]]:
    seen: list[int] = []
    trace = aiohttp.TraceConfig()

    async def on_end(_: Any, __: Any, params: aiohttp.TraceRequestEndParams) -> None:
        seen.append(params.response.status)

    trace.on_request_end.append(on_end)
    return trace, seen


# --- rate budget ---------------------------------------------------------------------------


async def test_autosync_budget_keeps_150_requests_under_100_a_minute(
    sandbox: StartSandbox,
) -> None:
    sb = await sandbox(vendors=("autosync",), rate_limit_per_minute=100)
    handle = sb.vendors["autosync"]
    clock = InstantClock()
    # The sandbox counts its per-key window on the same clock the client waits on.
    handle.state.limiter.clock = clock
    trace, seen = statuses_seen()
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        http = HttpClient(
            session,
            handle.base_url,
            vendor="autosync",
            policy=FAST,
            auth=BearerKeyAuth(SecretStr(handle.credentials["api_key"])),
            gate=RateGate(SlidingWindowLimiter(AUTOSYNC_BUDGET, clock=clock, sleep=clock.sleep)),
        )
        bodies = await asyncio.gather(*(http.get("/shops") for _ in range(150)))

    assert all(b is not None for b in bodies)
    assert len(seen) == 150 and set(seen) == {200}
    assert handle.requests.count(path_contains="/shops") == 150
    assert sum(clock.slept) >= 60.0  # the last 50 waited for the window to pass


async def test_policy_budget_delays_instead_of_meeting_429(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    server_limit = FixedWindowLimiter(10, 0.5)

    async def handler(request: web.Request) -> web.Response:
        decision = server_limit.hit("key")
        if not decision.allowed:
            return web.json_response(
                {"error": {"code": "rate_limited"}},
                status=429,
                headers={"Retry-After": str(decision.retry_after)},
            )
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/thing", handler)
    base = await serve(app)
    clock = InstantClock()
    server_limit.clock = clock  # the server's windows pass on the clock the client waits on
    trace, seen = statuses_seen()
    async with aiohttp.ClientSession(trace_configs=[trace]) as traced:
        policy = HttpPolicy(rate_budget=RateBudget(10, 0.5), read_timeout=2.0, cache_ttls=NO_CACHE)
        http = HttpClient(
            traced, base, vendor="acme", policy=policy, clock=clock, sleep=clock.sleep
        )
        results = await asyncio.gather(*(http.get("/thing") for _ in range(30)))

    assert results == [{"ok": True}] * 30
    assert seen == [200] * 30
    assert sum(clock.slept) >= 1.0  # three windows' worth of requests: two windows waited

    # Without a budget the same demand does meet the server's limit.
    server_limit.reset()
    trace, seen = statuses_seen()
    async with aiohttp.ClientSession(trace_configs=[trace]) as traced:
        unlimited = HttpClient(
            traced,
            base,
            vendor="acme",
            policy=HttpPolicy(rate_budget=None, max_rate_limit_wait=2, cache_ttls=NO_CACHE),
            clock=clock,
            sleep=clock.sleep,
        )
        answers = await asyncio.gather(*(unlimited.get("/thing") for _ in range(11)))
    assert answers == [{"ok": True}] * 11
    assert seen.count(429) == 1 and seen.count(200) == 11  # the one 429 was waited out
    assert unlimited.health().state is ConnectionState.DEGRADED


async def _two_autosync_connections_read(
    handle: Any, shared: SharedCredentials | None, reads: int
) -> tuple[list[Any], list[int]]:
    """``reads`` customer reads split over two connections on the sandbox's one key."""
    trace, seen = statuses_seen()
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        shop = handle.stores[0][0]
        conns = [
            build_adapter(
                Dms.AUTOSYNC,
                http=session,
                base_url=handle.base_url,
                secrets=handle.credentials,
                policy=FAST,
                shared=shared,
            )
            for _ in range(2)
        ]
        results = await asyncio.gather(
            *(
                conns[i % 2].list_customers(shop, CustomerFilter(), Window(i, 1))
                for i in range(reads)
            ),
            return_exceptions=True,
        )
    return results, seen


async def test_connections_on_one_autosync_key_share_its_budget(sandbox: StartSandbox) -> None:
    sb = await sandbox(vendors=("autosync",), rate_limit_per_minute=100)
    handle = sb.vendors["autosync"]
    clock = InstantClock()
    handle.state.limiter.clock = clock
    shared = SharedCredentials(clock=clock, sleep=clock.sleep)

    results, seen = await _two_autosync_connections_read(handle, shared, 150)

    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    assert 429 not in seen and len(seen) >= 150
    assert sum(clock.slept) >= 60.0  # the key's one budget made the demand wait a window


async def test_connections_with_their_own_budgets_overrun_the_key(
    sandbox: StartSandbox,
) -> None:
    """The control for the test above: two private budgets of 100 let up to 200 requests a
    minute leave on one key, and the vendor refuses the excess."""
    sb = await sandbox(vendors=("autosync",), rate_limit_per_minute=100)
    handle = sb.vendors["autosync"]
    handle.state.limiter.clock = InstantClock()  # the vendor's window never passes

    results, seen = await _two_autosync_connections_read(handle, None, 150)

    assert 429 in seen
    assert any(isinstance(r, UpstreamRateLimited) for r in results)


async def test_connections_on_one_login_share_one_session(
    sandbox: StartSandbox, session: aiohttp.ClientSession
) -> None:
    sb = await sandbox(vendors=("automate",))
    handle = sb.vendors["automate"]
    shared = SharedCredentials()
    conns = [
        build_adapter(
            Dms.AUTOMATE,
            http=session,
            base_url=handle.base_url,
            secrets=handle.credentials,
            shared=shared,
        )
        for _ in range(2)
    ]
    pages = await asyncio.gather(
        *(c.list_customers(None, CustomerFilter(), Window(0, 5)) for c in conns * 10)
    )
    assert all(len(p.items) == 5 for p in pages)
    assert logins(handle) == 1


def test_vendor_budgets() -> None:
    assert AUTOSYNC_BUDGET == RateBudget(100, 60.0)
    with pytest.raises(ValueError):
        RateBudget(0)


# --- circuit breaker ------------------------------------------------------------------------


class Switchable:
    """A vendor that is down (503) or up, counting the requests that reach it."""

    def __init__(self) -> None:
        self.up = False
        self.calls = 0
        self.delay = 0.0

    def app(self) -> web.Application:
        async def handler(request: web.Request) -> web.Response:
            self.calls += 1
            await asyncio.sleep(self.delay)
            if request.path == "/missing":
                return web.json_response({"error": {"code": "not_found"}}, status=404)
            if not self.up:
                return web.json_response({"error": {"code": "down"}}, status=503)
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_get("/{tail:.*}", handler)
        return app


CIRCUIT = HttpPolicy(
    cache_ttls=NO_CACHE,
    backoff_base=0.01,
    backoff_max=0.02,
    max_retries=1,
    circuit_failure_threshold=3,
    circuit_cooldown=30.0,
)
"""Circuit tests run their clients on a ``Ticks`` clock: the cool-down passes when the test
moves it, and backoff between retries (real, 10-20 ms) does not move it."""


class Ticks:
    """A monotonic clock the test sets by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_circuit_opens_fails_fast_probes_and_closes(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    vendor = Switchable()
    clock = Ticks()
    http = HttpClient(
        session, await serve(vendor.app()), vendor="acme", policy=CIRCUIT, clock=clock
    )

    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await http.get("/thing")
    assert vendor.calls == 6  # each failure is counted once, after its retry

    for _ in range(5):
        with pytest.raises(UpstreamUnavailable, match="circuit open"):
            await http.get("/thing")
    assert vendor.calls == 6  # open: nothing reached the server

    clock.now += CIRCUIT.circuit_cooldown - 0.01
    with pytest.raises(
        UpstreamUnavailable, match="circuit open after repeated failures; next probe in 0 s"
    ):
        await http.get("/thing")  # not quite cooled down
    clock.now += 0.01
    with pytest.raises(UpstreamUnavailable, match="answered 503"):
        await http.get("/thing")  # the probe goes out, fails, and re-opens the circuit
    assert vendor.calls == 8
    with pytest.raises(UpstreamUnavailable, match="circuit open"):
        await http.get("/thing")
    assert vendor.calls == 8

    vendor.up = True
    vendor.delay = 0.1
    clock.now += CIRCUIT.circuit_cooldown
    # Half-open: one probe is let through, the others still fail fast.
    results = await asyncio.gather(*(http.get("/thing") for _ in range(3)), return_exceptions=True)
    assert sum(r == {"ok": True} for r in results) == 1
    assert sum(isinstance(r, UpstreamUnavailable) for r in results) == 2
    assert vendor.calls == 9

    assert await http.get("/thing") == {"ok": True}  # closed again
    assert http.health().state is ConnectionState.OK


async def test_each_store_of_a_login_has_its_own_circuit(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    vendor = Switchable()
    vendor.up = True

    def store_of(path: str, params: Any, body: Any) -> str | None:
        return (params or {}).get("store")

    http = HttpClient(
        session, await serve(vendor.app()), vendor="acme", policy=CIRCUIT, scope_of=store_of
    )
    await http.get("/thing", {"store": "a"})
    await http.get("/thing", {"store": "b"})
    vendor.up = False
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await http.get("/thing", {"store": "a"})
    with pytest.raises(UpstreamUnavailable, match="circuit open"):
        await http.get("/thing", {"store": "a"})
    vendor.up = True
    assert await http.get("/thing", {"store": "b"}) == {"ok": True}  # b's circuit is closed

    assert http.health("a").state is ConnectionState.CIRCUIT_OPEN
    assert http.health("b").state is ConnectionState.OK
    assert http.health("c").state is ConnectionState.UNKNOWN
    whole = http.health()  # the connection as a whole: its worst store, its latest error
    assert whole.state is ConnectionState.CIRCUIT_OPEN
    assert whole.last_error_code == "UPSTREAM_UNAVAILABLE"
    assert whole.last_success_at == http.health("b").last_success_at


async def test_4xx_answers_never_open_the_circuit(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    vendor = Switchable()
    http = HttpClient(session, await serve(vendor.app()), vendor="acme", policy=CIRCUIT)
    for _ in range(6):
        with pytest.raises(UpstreamRejected):
            await http.get("/missing")
    assert vendor.calls == 6
    assert http.health().state is ConnectionState.OK


async def test_health_moves_through_its_states(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    vendor = Switchable()
    vendor.up = True
    key = "sk_live_supersecretkey123"
    clock = Ticks()
    http = HttpClient(
        session,
        await serve(vendor.app()),
        vendor="acme",
        policy=CIRCUIT,
        auth=BearerKeyAuth(SecretStr(key)),
        clock=clock,
    )
    assert http.health().state is ConnectionState.UNKNOWN

    await http.get("/thing")
    ok = http.health()
    assert ok.state is ConnectionState.OK
    assert ok.last_success_at is not None and ok.last_error_at is None

    vendor.up = False
    with pytest.raises(UpstreamUnavailable):
        await http.get("/thing")
    degraded = http.health()
    assert degraded.state is ConnectionState.DEGRADED
    assert degraded.last_error_code == "UPSTREAM_UNAVAILABLE"
    assert degraded.consecutive_failures == 1

    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await http.get("/thing")
    opened = http.health()
    assert opened.state is ConnectionState.CIRCUIT_OPEN
    assert opened.consecutive_failures == 3

    vendor.up = True
    clock.now += CIRCUIT.circuit_cooldown
    await http.get("/thing")
    closed = http.health()
    assert closed.state is ConnectionState.OK
    assert closed.consecutive_failures == 0
    assert closed.last_error_code == "UPSTREAM_UNAVAILABLE"
    assert closed.last_success_at and closed.last_error_at
    assert closed.last_success_at > closed.last_error_at
    for health in (ok, degraded, opened, closed):
        assert key not in repr(health)


# --- every adapter reports its connection's health -------------------------------------------


async def list_some(adapter: DmsAdapter, store_id: str | None) -> None:
    await adapter.list_customers(store_id, CustomerFilter(), Window(0, 1))


@pytest.mark.parametrize("dms", list(Dms))
async def test_every_adapter_reports_health(
    dms: Dms, session: aiohttp.ClientSession, sandbox: StartSandbox
) -> None:
    clock = InstantClock()  # the sandbox's tokens, the adapter's session and circuits
    sb = await sandbox(vendors=(dms.value,), clock=clock)
    handle = sb.vendors[dms.value]
    policy = HttpPolicy(
        cache_ttls=NO_CACHE,
        backoff_base=0.01,
        backoff_max=0.02,
        max_retries=0,
        circuit_failure_threshold=2,
        circuit_cooldown=30.0,
    )
    adapter = connect(dms, session, handle, policy, shared=clock.shared())
    store_id = handle.stores[0][0]
    assert adapter.health().state is ConnectionState.UNKNOWN

    await list_some(adapter, store_id)
    assert adapter.health().state is ConnectionState.OK

    handle.faults.fail_all = True
    with pytest.raises(UpstreamUnavailable):
        await list_some(adapter, store_id)
    assert adapter.health().state is ConnectionState.DEGRADED
    with pytest.raises(UpstreamUnavailable):
        await list_some(adapter, store_id)
    assert adapter.health().state is ConnectionState.CIRCUIT_OPEN
    seen = len(handle.requests.entries)
    with pytest.raises(UpstreamUnavailable, match="circuit open"):
        await list_some(adapter, store_id)
    assert len(handle.requests.entries) == seen

    handle.faults.fail_all = False
    clock.now += policy.circuit_cooldown
    await list_some(adapter, store_id)
    health = adapter.health()
    assert health.state is ConnectionState.OK
    assert health.last_error_code == "UPSTREAM_UNAVAILABLE"
    text = repr(health)
    assert not [v for v in handle.credentials.values() if len(v) >= 4 and v in text]
