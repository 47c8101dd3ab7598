"""One store's DMS failing: its fields carry errors, every other store's data comes back,
and its connection status says what is wrong."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from sandbox import SandboxOptions
from sandbox.server import VENDOR_FACTORIES
from tests.adapters.adapter_sandbox_kit import logins
from tests.graph.conftest import Api, start_api

QUERY = """{ dealerships { id dms connectionStatus { state lastErrorCode }
  customers(first: 5) { nodes { id } } } }"""


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=6, rate_limit_per_minute=100_000)
    async for value in start_api(
        options,
        vendors=tuple(VENDOR_FACTORIES),
        server={"upstream_read_timeout": 2.0, "upstream_connect_timeout": 1.0},
    ):
        yield value


async def test_a_store_failing_every_call_leaves_the_others_whole(api: Api) -> None:
    first = await api.data(QUERY)
    assert {d["connectionStatus"]["state"] for d in first["dealerships"]} == {"UNKNOWN"}
    healthy = await api.data(QUERY)
    assert all(d["connectionStatus"]["state"] == "OK" for d in healthy["dealerships"])

    api.runtime.clear_caches()  # the same query again must reach the vendors
    api.sandbox.vendors["autosoft"].faults.fail_all = True
    try:
        result = await api.query(QUERY)
    finally:
        api.sandbox.vendors["autosoft"].faults.fail_all = False
    failing = api.dealership_id("autosoft")
    stores = {d["id"]: d for d in result["data"]["dealerships"]}
    assert stores[failing]["customers"] is None
    assert all(len(d["customers"]["nodes"]) == 5 for i, d in stores.items() if i != failing)
    [error] = result["errors"]
    assert error["extensions"]["dealershipId"] == failing
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    # Read after the failure (within one query the status resolves before the lists do).
    after = await api.data(
        "query($d: ID!) { dealership(id: $d) { connectionStatus { state lastErrorCode } } }",
        {"d": failing},
    )
    status = after["dealership"]["connectionStatus"]
    assert status["state"] in ("DEGRADED", "CIRCUIT_OPEN")
    assert status["lastErrorCode"] == "UPSTREAM_UNAVAILABLE"


async def test_a_cold_start_under_100_queries_logs_in_once_per_login() -> None:
    session_vendors = ("autosoft", "automate", "dealertrack", "dealercenter")
    async for api in start_api(SandboxOptions(seed=7), vendors=session_vendors):
        answers = await asyncio.gather(
            *(
                api.query("{ dealerships { customers(first: 1) { nodes { id } } } }")
                for _ in range(100)
            )
        )
        assert all("errors" not in a for a in answers)
        assert all(len(a["data"]["dealerships"]) == 5 for a in answers)  # two rooftops
        for name in session_vendors:
            # Dealertrack's two rooftops share the one session.
            assert logins(api.sandbox.vendors[name]) == 1, name
