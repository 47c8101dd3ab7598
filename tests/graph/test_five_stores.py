"""One query over a store on every DMS: normalized data from each, fetched concurrently."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from sandbox import SandboxOptions
from sandbox.server import VENDOR_FACTORIES
from tests.graph.conftest import Api, start_api
from tests.guards import each

ALL_VENDORS = tuple(VENDOR_FACTORIES)
LATENCY_MS = 150


@pytest.fixture(scope="module")
async def five() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=1, rate_limit_per_minute=100_000, latency_ms=LATENCY_MS)
    async for api in start_api(options, vendors=ALL_VENDORS):
        yield api


def _max_vendors_in_flight(api: Api) -> int:
    """The most vendors that had a request open at the same moment."""
    spans = [
        (record.started, record.finished, name)
        for name, handle in api.sandbox.vendors.items()
        for record in handle.requests.entries
    ]
    best = 0
    for start, _, _ in spans:
        open_vendors = {name for s, f, name in spans if s <= start < f}
        best = max(best, len(open_vendors))
    return best


async def test_every_dms_is_a_dealership(five: Api) -> None:
    data = await five.data("{ dealerships { dms storeId } }")
    counts = Counter(d["dms"] for d in data["dealerships"])
    assert set(counts) == {name.upper() for name in ALL_VENDORS}
    assert counts["DEALERTRACK"] == 2  # two rooftops behind one login


async def test_in_stock_vehicles_of_one_make_across_stores(five: Api) -> None:
    per_store = await five.query(
        """{ dealerships { dms
             vehicles(first: 100, filter: {status: [IN_STOCK]}) { nodes { make } } } }"""
    )
    # Repair-shop DMSs have no inventory: their field errors, the others answer.
    assert {e["extensions"]["code"] for e in per_store["errors"]} == {"NOT_SUPPORTED_BY_DMS"}
    per_store = per_store["data"]
    stores_by_make: dict[str, set[str]] = {}
    for store in per_store["dealerships"]:
        for node in (store["vehicles"] or {"nodes": []})["nodes"]:
            stores_by_make.setdefault(node["make"], set()).add(store["dms"])
    make = max(sorted(stores_by_make), key=lambda k: len(stores_by_make[k]))
    assert len(stores_by_make[make]) >= 2, stores_by_make
    nodes: list[dict[str, Any]] = []
    after = None
    for _ in range(20):
        data = await five.data(
            """query($make: String!, $after: String) { vehicles(first: 100, after: $after,
                 filter: {status: [IN_STOCK], make: $make}) {
                 pageInfo { hasNextPage endCursor }
                 nodes { make status vin askingPrice dealership { dms } } } }""",
            {"make": make, "after": after},
        )
        nodes += data["vehicles"]["nodes"]
        if not data["vehicles"]["pageInfo"]["hasNextPage"]:
            break
        after = data["vehicles"]["pageInfo"]["endCursor"]
    assert {n["dealership"]["dms"] for n in nodes} >= stores_by_make[make]
    assert all(n["make"].lower() == make.lower() for n in nodes)
    assert {n["status"] for n in nodes} == {"IN_STOCK"}
    assert all(len(n["vin"]) == 17 for n in nodes)


async def test_open_repair_orders_with_customer_and_advisor_fan_out_in_waves(
    five: Api,
) -> None:
    for handle in five.sandbox.vendors.values():
        handle.requests.reset()
    nodes: list[dict[str, Any]] = []
    after = None
    for _ in range(30):
        data = await five.data(
            """query($after: String) { repairOrders(first: 100, after: $after,
                 filter: {status: [OPEN, IN_PROGRESS]}) { pageInfo { hasNextPage endCursor }
                 nodes { roNumber status customer { displayName } advisor { name }
                         dealership { dms } } } }""",
            {"after": after},
        )
        nodes += data["repairOrders"]["nodes"]
        if not data["repairOrders"]["pageInfo"]["hasNextPage"]:
            break
        after = data["repairOrders"]["pageInfo"]["endCursor"]
    with_ros = {n["dealership"]["dms"] for n in nodes}
    repair_dms = {
        d.dms.value.upper()
        for d in five.runtime.dealerships.values()
        if "repair_orders" in {c.value for c in d.capabilities}
    }
    assert with_ros == repair_dms
    assert all(n["customer"]["displayName"] for n in nodes)
    # Stores the first one leaves rows for are asked in concurrent waves (1, 2, 4...): with
    # latency injected on every vendor, several had requests open at the same moment.
    assert _max_vendors_in_flight(five) >= 2


async def test_bhph_collections_screen(five: Api) -> None:
    data = await five.data(
        """query($d: ID!) { dealership(id: $d) {
             accounts(first: 25, filter: {pastDueOnly: true}) { nodes {
               kind accountNumber balance payoffAmount apr paymentAmount paymentFrequency
               nextDueDate nextDueAmount daysPastDue pastDueAmount lateFeesDue
               customer { displayName phone }
               schedule { dueDate amount principal interest paid }
               payments(first: 100) { nodes { amount receivedAt receiptNumber
                 allocation { principal interest lateFees other } } } } } } }""",
        {"d": five.dealership_id("dealercenter")},
    )
    accounts = data["dealership"]["accounts"]["nodes"]
    assert accounts
    for account in accounts:
        assert account["kind"] == "BHPH"
        assert account["daysPastDue"] > 0
        assert Decimal(account["payoffAmount"]) >= Decimal(account["balance"])
        assert account["schedule"] and account["customer"]["displayName"]
    # Past-due accounts have paid before: their payments' allocations add up.
    payments = [p for a in accounts for p in a["payments"]["nodes"]]
    for payment in each(payments, at_least=len(accounts)):
        allocation = payment["allocation"]
        parts = (allocation[k] for k in ("principal", "interest", "lateFees", "other"))
        assert sum(Decimal(p) for p in parts) == Decimal(payment["amount"])


async def test_dealertrack_rooftops_share_one_login(five: Api) -> None:
    handle = five.sandbox.vendors["dealertrack"]
    rooftops = [d for d in five.runtime.dealerships.values() if d.dms.value == "dealertrack"]
    assert len(rooftops) == 2
    from graph.ids import encode_global_id

    for rooftop in rooftops:
        data = await five.data(
            """query($d: ID!) { dealership(id: $d) { storeId repairOrders(first: 5) { nodes {
                 advisorName advisor { name }
                 technicianAssignments { assignedHours technician { name } } } } } }""",
            {"d": encode_global_id("Dealership", rooftop.id, rooftop.id)},
        )
        assert data["dealership"]["storeId"] == rooftop.store_id
        for ro in each(data["dealership"]["repairOrders"]["nodes"], exactly=5):
            assert ro["advisor"]["name"]
            assert ro["technicianAssignments"]
            assert all(a["technician"]["name"] for a in ro["technicianAssignments"])
    # One connection, one adapter, one upstream session for both rooftops (the adapter
    # tests count the single login at the sandbox).
    assert rooftops[0].adapter is rooftops[1].adapter
    assert handle.requests.count(method="POST", path_contains="/sessions") <= 1
