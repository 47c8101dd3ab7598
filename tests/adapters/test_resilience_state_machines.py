"""The resilience state machines on clocks the test moves: the circuit breaker (with probes
cancelled mid-flight) and the Supergood session (one login for concurrent 401s, a still-valid
token served through a refresh outage, a TOTP code another client spent). No real time
passes: cool-downs, token lifetimes and TOTP steps are crossed by moving a clock."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.base import CustomerFilter, DmsAdapter, Window
from adapters.circuit import Admission, CircuitBreaker, CircuitState
from adapters.errors import UpstreamUnavailable
from adapters.health import ConnectionState
from adapters.http import HttpClient, HttpPolicy
from adapters.models import Dms
from adapters.response_cache import NO_CACHE
from sandbox.common.errors import ApiError
from tests.adapters.adapter_sandbox_kit import connect, logins
from tests.virtual_clock import InstantClock

COOLDOWN = 30.0


class Ticks:
    """A monotonic clock the test sets by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def opened(clock: Ticks, threshold: int = 3) -> CircuitBreaker:
    circuit = CircuitBreaker(threshold, COOLDOWN, clock=clock)
    for _ in range(threshold):
        circuit.failed(circuit.admit())
    assert circuit.state is CircuitState.OPEN
    return circuit


# --- the circuit breaker alone -----------------------------------------------------------


def test_circuit_opens_at_the_threshold_then_lets_one_probe_out_after_the_cooldown() -> None:
    clock = Ticks()
    circuit = CircuitBreaker(3, COOLDOWN, clock=clock)
    for _ in range(2):
        circuit.failed(circuit.admit())
    assert circuit.state is CircuitState.CLOSED and circuit.admit() is Admission.PASS
    assert circuit.retry_in() == 0.0

    circuit.failed(Admission.PASS)  # the third in a row
    assert circuit.state is CircuitState.OPEN and circuit.consecutive_failures == 3
    assert circuit.admit() is Admission.REJECT
    assert circuit.retry_in() == COOLDOWN

    clock.now += COOLDOWN - 0.001
    assert circuit.admit() is Admission.REJECT
    clock.now += 0.001
    assert circuit.state is CircuitState.HALF_OPEN and circuit.retry_in() == 0.0
    assert circuit.admit() is Admission.PROBE
    assert circuit.state is CircuitState.OPEN  # while the probe is out, nobody else goes
    assert [circuit.admit() for _ in range(3)] == [Admission.REJECT] * 3

    circuit.failed(Admission.PROBE)  # the probe failed: a full cool-down from now
    assert circuit.retry_in() == COOLDOWN and circuit.admit() is Admission.REJECT
    clock.now += COOLDOWN
    probe = circuit.admit()
    assert probe is Admission.PROBE
    circuit.succeeded(probe)
    assert circuit.state is CircuitState.CLOSED and circuit.consecutive_failures == 0
    assert circuit.admit() is Admission.PASS


def test_a_circuit_needs_a_threshold_of_one_and_a_cooldown_not_below_zero() -> None:
    for threshold, cooldown in ((0, 30.0), (1, -0.1), (0, -1.0)):
        with pytest.raises(ValueError, match="threshold of at least 1 and a cool-down >= 0"):
            CircuitBreaker(threshold, cooldown)
    circuit = CircuitBreaker(1, 0.0, clock=Ticks())
    circuit.failed(circuit.admit())
    assert circuit.state is CircuitState.HALF_OPEN  # no cool-down: the next call probes
    assert (circuit.threshold, circuit.cooldown) == (1, 0.0)


def test_a_success_resets_the_count_so_failures_must_be_consecutive() -> None:
    circuit = CircuitBreaker(3, COOLDOWN, clock=Ticks())
    for _ in range(5):
        circuit.failed(circuit.admit())
        circuit.failed(circuit.admit())
        circuit.succeeded(circuit.admit())
    assert circuit.state is CircuitState.CLOSED and circuit.consecutive_failures == 0


def test_an_abandoned_probe_frees_the_half_open_slot() -> None:
    clock = Ticks()
    circuit = opened(clock)
    clock.now += COOLDOWN
    probe = circuit.admit()
    assert probe is Admission.PROBE and circuit.admit() is Admission.REJECT

    circuit.abandoned(probe)  # cancelled: no outcome, so the circuit is half-open again
    assert circuit.state is CircuitState.HALF_OPEN
    assert circuit.admit() is Admission.PROBE
    assert circuit.consecutive_failures == 3  # abandoning counted no failure


def test_an_abandoned_call_on_a_closed_circuit_changes_nothing() -> None:
    circuit = CircuitBreaker(2, COOLDOWN, clock=Ticks())
    circuit.failed(circuit.admit())
    circuit.abandoned(circuit.admit())
    assert circuit.state is CircuitState.CLOSED and circuit.consecutive_failures == 1
    circuit.failed(circuit.admit())
    assert circuit.state is CircuitState.OPEN


# --- the circuit through the HTTP client, with a probe cancelled mid-flight ---------------


class HeldVendor:
    """A vendor that is down (503) or up; while ``hold`` is set it keeps each answer until
    the test releases it, so a request can be cancelled while the vendor has it."""

    def __init__(self) -> None:
        self.up = False
        self.hold = False
        self.calls = 0
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()

    def app(self) -> web.Application:
        async def handler(request: web.Request) -> web.Response:
            self.calls += 1
            self.arrived.set()
            if self.hold:
                await self.release.wait()
            if not self.up:
                return web.json_response({"error": {"code": "down"}}, status=503)
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_get("/thing", handler)
        return app


ONE_TRY = HttpPolicy(
    cache_ttls=NO_CACHE,
    max_retries=0,
    circuit_failure_threshold=2,
    circuit_cooldown=COOLDOWN,
)


async def test_a_cancelled_probe_lets_the_next_call_probe_and_close_the_circuit(
    session: aiohttp.ClientSession, serve: Any
) -> None:
    vendor = HeldVendor()
    clock = Ticks()
    http = HttpClient(
        session, await serve(vendor.app()), vendor="acme", policy=ONE_TRY, clock=clock
    )
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable, match="answered 503"):
            await http.get("/thing")
    with pytest.raises(UpstreamUnavailable, match="circuit open"):
        await http.get("/thing")
    assert vendor.calls == 2

    clock.now += COOLDOWN  # half-open
    vendor.up, vendor.hold = True, True
    vendor.arrived.clear()
    probe = asyncio.create_task(http.get("/thing"))
    await asyncio.wait_for(vendor.arrived.wait(), timeout=5)
    assert vendor.calls == 3
    with pytest.raises(UpstreamUnavailable, match="circuit open"):
        await http.get("/thing")  # the probe holds the one slot

    probe.cancel()  # the caller gave up: the probe ends without an outcome
    await asyncio.gather(probe, return_exceptions=True)
    assert probe.cancelled()
    assert http.health().state is ConnectionState.CIRCUIT_OPEN  # nothing was learned

    vendor.hold = False
    vendor.release.set()  # the vendor finishes answering the cancelled probe into the void
    assert await http.get("/thing") == {"ok": True}  # the next call went out as the probe
    assert vendor.calls == 4
    assert http.health().state is ConnectionState.OK
    assert await http.get("/thing") == {"ok": True}


async def test_a_call_cancelled_on_a_closed_circuit_counts_no_failure(
    session: aiohttp.ClientSession, serve: Any
) -> None:
    vendor = HeldVendor()
    http = HttpClient(
        session, await serve(vendor.app()), vendor="acme", policy=ONE_TRY, clock=Ticks()
    )
    with pytest.raises(UpstreamUnavailable, match="answered 503"):
        await http.get("/thing")  # one failure: one short of opening
    vendor.hold = True
    vendor.arrived.clear()
    call = asyncio.create_task(http.get("/thing"))
    await asyncio.wait_for(vendor.arrived.wait(), timeout=5)
    call.cancel()
    await asyncio.gather(call, return_exceptions=True)
    assert call.cancelled()
    vendor.hold = False
    vendor.release.set()

    health = http.health()
    assert health.state is ConnectionState.DEGRADED and health.consecutive_failures == 1
    vendor.up = True
    assert await http.get("/thing") == {"ok": True}  # still closed: it went out
    assert http.health().state is ConnectionState.OK


# --- the Supergood session over the sandbox ------------------------------------------------


async def read(adapter: DmsAdapter) -> int:
    return len((await adapter.list_customers(None, CustomerFilter(), Window(0, 2))).items)


def statuses(handle: Any, path_end: str, method: str = "GET") -> list[int]:
    return [
        e.status
        for e in handle.requests.entries
        if e.method == method and e.path.endswith(path_end)
    ]


@pytest.fixture
def clock() -> InstantClock:
    """The sandbox's and the adapters' one clock (tokens, TOTP steps, session timing)."""
    return InstantClock()


async def test_concurrent_401s_after_the_vendor_drops_the_session_make_one_login(
    sandbox: Any, session: aiohttp.ClientSession, clock: InstantClock
) -> None:
    handle = (await sandbox(vendors=("autosoft",), clock=clock, scale=0.1)).vendors["autosoft"]
    adapter = connect(Dms.AUTOSOFT, session, handle, shared=clock.shared())
    assert await read(adapter) == 2
    assert logins(handle) == 1

    handle.state.auth.tokens.revoke_all()  # the vendor signs every device out
    pages = await asyncio.gather(*(read(adapter) for _ in range(10)))
    assert pages == [2] * 10
    assert statuses(handle, "/customers") == [200] + [401] * 10 + [200] * 10
    assert logins(handle) == 2  # one login renewed the session for all ten


async def test_a_refresh_outage_serves_the_still_valid_token(
    sandbox: Any, session: aiohttp.ClientSession, clock: InstantClock
) -> None:
    # Tokens live 120 s: refreshed from 60 s on, no longer used from 119 s.
    sb = await sandbox(vendors=("autosoft",), clock=clock, scale=0.1, token_ttl_seconds=120)
    handle = sb.vendors["autosoft"]
    adapter = connect(Dms.AUTOSOFT, session, handle, shared=clock.shared())
    assert await read(adapter) == 2

    def refresh_down(*args: Any, **kwargs: Any) -> Any:
        raise ApiError(503, "service_unavailable", "Service temporarily unavailable")

    handle.state.auth.refresh = refresh_down  # logins and reads still answer
    clock.now += 70  # refresh due, token valid for 49 s more
    assert await read(adapter) == 2
    clock.now += 30
    assert await read(adapter) == 2  # still within its life: tried again, served again
    assert statuses(handle, "/sessions/refresh", "POST") == [503, 503]
    assert statuses(handle, "/customers") == [200, 200, 200]
    assert logins(handle) == 1

    del handle.state.auth.refresh  # the refresh endpoint is back
    assert await read(adapter) == 2
    assert statuses(handle, "/sessions/refresh", "POST") == [503, 503, 200]
    assert logins(handle) == 1

    handle.state.auth.refresh = refresh_down
    clock.now += 200  # past the refreshed token's life: never sent expired, a new login
    assert await read(adapter) == 2
    assert statuses(handle, "/sessions/refresh", "POST") == [503, 503, 200]
    assert logins(handle) == 2
    assert statuses(handle, "/customers") == [200] * 5


async def test_a_code_another_client_spent_is_retried_with_the_next_step(
    sandbox: Any, session: aiohttp.ClientSession, clock: InstantClock
) -> None:
    handle = (await sandbox(vendors=("autosoft",), clock=clock, scale=0.1)).vendors["autosoft"]
    # Two processes on one login: neither knows which codes the other has sent.
    first = connect(Dms.AUTOSOFT, session, handle, shared=clock.shared())
    second = connect(Dms.AUTOSOFT, session, handle, shared=clock.shared())
    assert await read(first) == 2
    assert await read(second) == 2
    assert statuses(handle, "/sessions", "POST") == [200, 401, 200]
    refused = [e for e in handle.requests.entries if e.status == 401]
    assert len(refused) == 1 and refused[0].path.endswith("/sessions")
    assert clock.slept == []  # the next step's code is accepted at once: no wait
