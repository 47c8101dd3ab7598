"""One Dealertrack rooftop failing every call while its sibling, served by the same
connection, stays up: only the failing rooftop's fields carry errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.http import HttpPolicy
from graph.ids import encode_global_id
from sandbox import SandboxOptions
from sandbox.common.faults import Faults
from sandbox.dealertrack import create_dealertrack
from sandbox.server import VENDOR_FACTORIES
from tests.graph.conftest import Api, start_api

QUERY = """{ dealerships { id dms storeId
  vehicles(first: 5) { nodes { id } } customers(first: 5) { nodes { id } } } }"""
ONE = """query($d: ID!) { dealership(id: $d) { customers(first: 5) { nodes { id } } } }"""
STATE = """query($d: ID!) {
  dealership(id: $d) { connectionStatus { state } customers(first: 5) { nodes { id } } }
}"""
STATE_ONLY = """query($d: ID!) { dealership(id: $d) { connectionStatus { state } } }"""
SERVER = {"upstream_read_timeout": 2.0, "upstream_connect_timeout": 1.0}


def _rooftops(options: SandboxOptions) -> tuple[str, str]:
    """The two rooftops the sandbox's login holds (ids follow from the seed)."""
    home, other = (str(store_id) for store_id, _ in create_dealertrack(options).stores)
    return home, other


def _failing_first_rooftop(options: SandboxOptions) -> tuple[SandboxOptions, str, str]:
    home, other = _rooftops(options)
    faults = {"dealertrack": Faults(fail_all=True, stores={home})}
    return SandboxOptions(seed=options.seed, scale=options.scale, faults=faults), home, other


def _dealership(api: Api, store_id: str) -> str:
    entry = next(d for d in api.runtime.dealerships.values() if d.store_id == store_id)
    return encode_global_id("Dealership", entry.id, entry.id)


@pytest.fixture
async def all_stores() -> AsyncIterator[tuple[Api, str, str]]:
    options, home, other = _failing_first_rooftop(SandboxOptions(seed=6, scale=0.2))
    async for api in start_api(options, vendors=tuple(VENDOR_FACTORIES), server=SERVER):
        yield api, home, other


async def test_one_rooftop_failing_leaves_its_sibling_and_every_other_store_whole(
    all_stores: tuple[Api, str, str],
) -> None:
    api, home, other = all_stores
    result = await api.query(QUERY)
    stores: dict[str, dict[str, Any]] = {d["id"]: d for d in result["data"]["dealerships"]}
    failing, sibling = _dealership(api, home), _dealership(api, other)
    assert {stores[failing]["storeId"], stores[sibling]["storeId"]} == {home, other}
    assert len(stores) == 6  # one dealership per single-store DMS, two rooftops

    down = [e for e in result["errors"] if e["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"]
    assert {e["extensions"]["dealershipId"] for e in down} == {failing}
    assert sorted(e["path"][-1] for e in down) == ["customers", "vehicles"]
    assert stores[failing]["vehicles"] is None and stores[failing]["customers"] is None
    # Repair-shop DMSs have no inventory; that error is the only other kind.
    unsupported = [e for e in result["errors"] if e not in down]
    assert {e["extensions"]["code"] for e in unsupported} <= {"NOT_SUPPORTED_BY_DMS"}
    no_vehicles = {e["extensions"]["dealershipId"] for e in unsupported}
    assert sibling not in no_vehicles

    for dealership_id, store in stores.items():
        if dealership_id == failing:
            continue
        assert len(store["customers"]["nodes"]) == 5, store["dms"]
        if dealership_id not in no_vehicles:
            assert len(store["vehicles"]["nodes"]) == 5, store["dms"]

    # Each of the failing rooftop's lists was retried and failed: two failures towards the
    # connection's circuit (threshold 5), its sibling's successes resetting the count, so
    # the circuit the two rooftops share stayed closed.
    entries = api.sandbox.vendors["dealertrack"].requests.entries
    statuses = {
        rooftop: [e.status for e in entries if e.query.get("rooftopId") == rooftop]
        for rooftop in (home, other)
    }
    assert statuses[home] == [503] * 6  # two lists, each tried three times
    assert statuses[other] and 503 not in statuses[other]
    after = await api.data(ONE, {"d": sibling})
    assert len(after["dealership"]["customers"]["nodes"]) == 5


@pytest.fixture
async def dealertrack_only() -> AsyncIterator[tuple[Api, str, str]]:
    options, home, other = _failing_first_rooftop(SandboxOptions(seed=6, scale=0.2))
    # AutoSync too: the test harness's AutoSync-only client needs a dealership.
    async for api in start_api(options, vendors=("dealertrack", "autosync"), server=SERVER):
        yield api, home, other


async def test_a_rooftop_failing_alone_does_not_open_the_circuit_for_its_sibling(
    dealertrack_only: tuple[Api, str, str],
) -> None:
    api, home, other = dealertrack_only
    failing, sibling = _dealership(api, home), _dealership(api, other)
    assert (await api.data(ONE, {"d": sibling}))["dealership"]["customers"]["nodes"]
    for _ in range(HttpPolicy().circuit_failure_threshold):
        failed = await api.query(ONE, {"d": failing})
        assert failed["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    healthy = await api.query(ONE, {"d": sibling})
    assert "errors" not in healthy, healthy["errors"]

    # The failing rooftop's own circuit did open: it now fails fast, and says so.
    posts = api.sandbox.vendors["dealertrack"].requests.count()
    fast = await api.query(STATE, {"d": failing})
    assert "circuit open" in fast["errors"][0]["message"]
    assert api.sandbox.vendors["dealertrack"].requests.count() == posts
    states = {
        d: (await api.data(STATE_ONLY, {"d": d}))["dealership"]["connectionStatus"]["state"]
        for d in (failing, sibling)
    }
    assert states == {failing: "CIRCUIT_OPEN", sibling: "OK"}
