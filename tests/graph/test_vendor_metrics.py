"""The vendor-side metrics match what happened at the sandboxes: response-cache hits are the
reads never sent, sign-ins by outcome are the logins the vendor saw, circuit transitions
follow the failures and the probe, budget waits are the time spent waiting for a slot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.auth import BearerKeyAuth
from adapters.circuit import Admission, CircuitState
from adapters.errors import UpstreamAuthFailed, UpstreamUnavailable
from adapters.http import HttpClient, HttpPolicy
from adapters.models import Dms
from adapters.observing import circuit_transition
from adapters.ratelimit import RateBudget, RateGate, SlidingWindowLimiter
from adapters.response_cache import NO_CACHE
from adapters.shared import SharedCredentials
from graph.metrics import Metrics
from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from tests.adapters.adapter_sandbox_kit import connect, logins
from tests.graph.conftest import Api, start_api
from tests.virtual_clock import InstantClock

WORK = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 3) {
  nodes { id customer { displayName } vehicle { vin } } } } }"""
UNCACHED = HttpPolicy(cache_ttls=NO_CACHE, rate_budget=None, max_retries=0)


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for value in start_api(SandboxOptions(seed=5, rate_limit_per_minute=100_000)):
        yield value


@pytest.fixture
async def autosync() -> AsyncIterator[RunningSandbox]:
    sandbox = await start_sandbox(SandboxOptions(seed=5), vendors=("autosync",))
    yield sandbox
    await sandbox.stop()


def total(metrics: Metrics, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    return sum(
        sample.value
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def client(
    session: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    metrics: Metrics,
    clock: InstantClock,
    **kwargs: object,
) -> HttpClient:
    handle = sandbox.vendors["autosync"]
    return HttpClient(
        session,
        handle.base_url,
        vendor="autosync",
        auth=BearerKeyAuth(SecretStr(handle.credentials["api_key"])),
        clock=clock,
        sleep=clock.sleep,
        observer=metrics,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_cache_hits_are_the_reads_not_sent_to_the_vendor(api: Api) -> None:
    metrics, lookups = api.runtime.metrics, "dealergraph_response_cache_lookups_total"
    dealer = {"d": api.dealership_id("autosync")}
    runs = []
    for _ in range(2):
        api.reset_upstream_counts()
        hits, misses = total(metrics, lookups, result="hit"), total(metrics, lookups, result="miss")
        await api.data(WORK, dealer)
        sent = api.upstream_requests("autosync")
        hit = total(metrics, lookups, result="hit") - hits
        missed = total(metrics, lookups, result="miss") - misses
        assert missed == sent  # every miss is one request the vendor logged
        runs.append((hit + missed, hit, sent))
    (reads, _, sent_first), (reads_again, hits_again, sent_again) = runs
    assert reads == reads_again > 0  # the same query reads the same answers
    assert sent_again < sent_first and hits_again == reads_again - sent_again


async def test_sign_ins_by_outcome_are_the_logins_the_vendor_saw() -> None:
    sandbox = await start_sandbox(SandboxOptions(seed=5), vendors=("autosoft",))
    handle = sandbox.vendors["autosoft"]
    metrics = Metrics()
    tries = [
        (handle.credentials["password"], False),
        ("not-the-password-1", False),
        (handle.credentials["password"], True),  # the vendor is down, logins too
    ]
    try:
        async with aiohttp.ClientSession() as session:
            for password, down in tries:
                handle.faults.fail_all = handle.faults.fail_logins = down
                shared = SharedCredentials()
                shared.observer = metrics
                adapter = connect(Dms.AUTOSOFT, session, handle, shared=shared, password=password)
                try:
                    await adapter.probe()
                except (UpstreamAuthFailed, UpstreamUnavailable):
                    pass
                finally:
                    await adapter.close()
    finally:
        await sandbox.stop()
    for outcome in ("ok", "refused", "failed"):
        sign_ins = total(metrics, "dealergraph_sign_ins_total", vendor="autosoft", outcome=outcome)
        assert sign_ins == 1, outcome
    assert logins(handle) == 3


async def test_circuit_transitions_follow_failures_and_the_probe(
    autosync: RunningSandbox,
) -> None:
    metrics, clock = Metrics(), InstantClock()
    faults = autosync.vendors["autosync"].faults
    policy = HttpPolicy(
        cache_ttls=NO_CACHE,
        rate_budget=None,
        max_retries=0,
        circuit_failure_threshold=2,
        circuit_cooldown=10.0,
    )

    def moved(to: str) -> float:
        return total(metrics, "dealergraph_circuit_transitions_total", store="-", to=to)

    async def attempt() -> None:
        try:
            await http.get("/shops")
        except UpstreamUnavailable:
            pass

    async with aiohttp.ClientSession() as session:
        http = client(session, autosync, metrics, clock, policy=policy)
        faults.fail_all = True
        await attempt()
        assert moved("open") == 0  # one failure: still closed
        await attempt()
        assert moved("open") == 1
        await attempt()  # rejected while open: no move
        clock.now += 11
        await attempt()  # the probe fails: open again
        assert (moved("half_open"), moved("open")) == (1, 2)
        faults.fail_all = False
        clock.now += 11
        await attempt()  # the probe is answered: closed
        await attempt()
    assert (moved("half_open"), moved("open"), moved("closed")) == (2, 2, 1)
    assert autosync.vendors["autosync"].requests.count() == 5  # the rejected one never left


async def test_budget_waits_are_the_seconds_spent_waiting_for_a_slot(
    autosync: RunningSandbox,
) -> None:
    metrics, clock = Metrics(), InstantClock()
    budget = RateBudget(2, per_seconds=60.0, reserve=0)
    limiter = SlidingWindowLimiter(budget, clock=clock, sleep=clock.sleep)
    gate = RateGate(limiter, clock=clock, sleep=clock.sleep)
    async with aiohttp.ClientSession() as session:
        http = client(session, autosync, metrics, clock, policy=UNCACHED, gate=gate)
        for _ in range(3):
            await http.get("/shops")
    name = "dealergraph_vendor_budget_wait_seconds"
    assert total(metrics, f"{name}_count", vendor="autosync") == 3
    waited = total(metrics, f"{name}_sum", vendor="autosync")
    assert waited == pytest.approx(sum(clock.slept)) and waited >= 59  # the third request's
    assert total(metrics, f"{name}_bucket", vendor="autosync", le="0.0") == 2


def test_an_abandoned_probe_moves_no_circuit() -> None:
    half, opened, closed = CircuitState.HALF_OPEN, CircuitState.OPEN, CircuitState.CLOSED
    assert circuit_transition(Admission.PROBE, opened, half) is None  # freed, unanswered
    assert circuit_transition(Admission.PROBE, opened, opened) == "open"
    assert circuit_transition(Admission.PASS, opened, opened) is None  # already open
    assert circuit_transition(Admission.PASS, closed, closed) is None
