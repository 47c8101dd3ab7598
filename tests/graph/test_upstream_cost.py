"""The same answers for fewer vendor requests: embedded relations, one query per status,
cross-dealership windows in proportion to ``first``, and the cross-request cache with its
invalidation by writes. Requests are counted from the sandboxes' request logs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph.config import CacheConfig
from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api

DASHBOARD = """{ dealerships { id dms
  vehicles(first: 25) { nodes { id vin status askingPrice } }
  deals(first: 25) { nodes { id dealNumber buyer { displayName } vehicle { vin } } }
  repairOrders(first: 25, filter: {status: [OPEN, IN_PROGRESS, WAITING_PARTS]}) { nodes {
    id roNumber customer { displayName phone } advisor { name } vehicle { vin }
    totals { grandTotal } } } } }"""


@pytest.fixture
async def fresh() -> AsyncIterator[Api]:
    """An API whose cache nobody else has warmed (the cache is on, with its defaults)."""
    async for value in start_api(
        SandboxOptions(seed=1, rate_limit_per_minute=100_000),
        vendors=("autosoft", "automate", "dealertrack", "dealercenter", "autosync"),
    ):
        yield value


def _requests(api: Api) -> dict[str, int]:
    return {name: h.requests.count() for name, h in api.sandbox.vendors.items()}


def _gets(api: Api, vendor: str, path_contains: str) -> list[Any]:
    return [
        e
        for e in api.sandbox.vendors[vendor].requests.entries
        if e.method == "GET" and path_contains in e.path
    ]


async def test_a_repeated_dashboard_costs_no_vendor_request(fresh: Api) -> None:
    first = await fresh.query(DASHBOARD)
    fresh.reset_upstream_counts()
    again = await fresh.query(DASHBOARD)
    assert again["data"] == first["data"]
    assert _requests(fresh) == dict.fromkeys(fresh.sandbox.vendors, 0)
    assert again["extensions"]["cost"]["upstreamRequests"] == 0
    stores = again["data"]["dealerships"]
    assert len(stores) == 6 and any(s["vehicles"] and s["vehicles"]["nodes"] for s in stores)


async def test_with_caching_off_a_dashboard_reads_each_vendor_answer_once(fresh: Api) -> None:
    """Nothing kept across requests, yet one request's lookups that read the same listing
    pages at once (Auto/Mate's deal buyers and repair-order customers) share each read: as
    many vendor requests as with the cache on, when nothing was kept yet."""
    await fresh.query(DASHBOARD)  # signed in everywhere: sign-ins are not what is compared
    fresh.runtime.clear_caches()
    fresh.reset_upstream_counts()
    await fresh.query(DASHBOARD)
    cached = _requests(fresh)
    off = CacheConfig(**dict.fromkeys(CacheConfig.model_fields, 0))
    async for uncached in start_api(
        SandboxOptions(seed=1, rate_limit_per_minute=100_000),
        vendors=tuple(fresh.sandbox.vendors),
        cache=off,
    ):
        await uncached.query(DASHBOARD)
        uncached.reset_upstream_counts()
        answer = await uncached.query(DASHBOARD)
        assert _requests(uncached) == cached
        assert answer["extensions"]["cost"]["upstreamRequests"] == sum(cached.values())
    assert cached["automate"] > 0


async def test_a_write_drops_that_store_s_cached_reads_only(fresh: Api) -> None:
    leads = """query($d: ID!) { dealership(id: $d) { leads(first: 5) { totalCount } } }"""
    autosoft = fresh.dealership_id("autosoft")
    before = (await fresh.data(leads, {"d": autosoft}))["dealership"]["leads"]["totalCount"]
    await fresh.query(DASHBOARD)
    created = await fresh.data(
        """mutation($d: ID!) { createLead(input: { dealershipId: $d,
             idempotencyKey: "cache-invalidation-1",
             contact: {firstName: "Cache", lastName: "Test", email: "c@example.com"},
             source: "website_digital_retail", consent: {email: true} }) {
             userErrors { code } lead { id } } }""",
        {"d": autosoft},
    )
    assert created["createLead"]["userErrors"] == []
    fresh.reset_upstream_counts()
    after = (await fresh.data(leads, {"d": autosoft}))["dealership"]["leads"]["totalCount"]
    assert after == before + 1  # read fresh, not from the cache
    await fresh.query(DASHBOARD)
    counts = _requests(fresh)
    assert counts["autosoft"] > 0  # its cached vehicles, deals and ROs were dropped too
    assert {v: n for v, n in counts.items() if v != "autosoft"} == {
        v: 0 for v in counts if v != "autosoft"
    }


async def test_relations_the_rows_embed_cost_no_lookup(fresh: Api) -> None:
    q = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 25) { nodes {
             customer { id displayName phone } advisor { id name }
             technicians { name } } } } }"""
    fresh.reset_upstream_counts()
    data = await fresh.data(q, {"d": fresh.dealership_id("dealertrack")})
    orders = data["dealership"]["repairOrders"]["nodes"]
    assert len(orders) == 25
    assert all(o["customer"]["displayName"] and o["customer"]["phone"] for o in orders)
    assert all(o["advisor"]["name"] for o in orders if o["advisor"])
    assert sum(1 for o in orders if o["advisor"]) >= 20
    assert _gets(fresh, "dealertrack", "/customers") == []
    assert _gets(fresh, "dealertrack", "/users") == []
    assert len(_gets(fresh, "dealertrack", "/service/repair-orders")) == 1


async def test_a_field_the_embed_lacks_loads_the_full_record(fresh: Api) -> None:
    q = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 10) { nodes {
             customer { displayName email } } } } }"""
    fresh.reset_upstream_counts()
    data = await fresh.data(q, {"d": fresh.dealership_id("dealertrack")})
    orders = data["dealership"]["repairOrders"]["nodes"]
    assert len(orders) == 10 and all(o["customer"]["email"] for o in orders)
    assert _gets(fresh, "dealertrack", "/customers")  # e-mail is not in the RO's embed


async def test_several_statuses_cost_one_request_per_status(fresh: Api) -> None:
    q = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 25,
             filter: {status: [OPEN, IN_PROGRESS, WAITING_PARTS]}) {
             totalCount nodes { status } } } }"""
    fresh.reset_upstream_counts()
    data = await fresh.data(q, {"d": fresh.dealership_id("automate")})
    ros = data["dealership"]["repairOrders"]
    assert ros["nodes"] and {n["status"] for n in ros["nodes"]} <= {
        "OPEN",
        "IN_PROGRESS",
        "WAITING_PARTS",
    }
    sent = _gets(fresh, "automate", "/service/repair-orders")
    assert sorted(e.query["status"] for e in sent) == ["in_progress", "open", "waiting_parts"]
    single = """query($d: ID!, $s: RepairOrderStatus!) { dealership(id: $d) {
                 repairOrders(first: 1, filter: {status: [$s]}) { totalCount } } }"""
    each = [
        (await fresh.data(single, {"d": fresh.dealership_id("automate"), "s": status}))[
            "dealership"
        ]["repairOrders"]["totalCount"]
        for status in ("OPEN", "IN_PROGRESS", "WAITING_PARTS")
    ]
    assert ros["totalCount"] == sum(each) > 0


async def test_a_cross_dealership_window_reads_stores_only_while_rows_are_missing(
    fresh: Api,
) -> None:
    fresh.reset_upstream_counts()
    data = await fresh.data("{ vehicles(first: 10) { pageInfo { hasNextPage } nodes { vin } } }")
    assert len(data["vehicles"]["nodes"]) == 10 and data["vehicles"]["pageInfo"]["hasNextPage"]
    listed = {
        vendor: len(_gets(fresh, vendor, "vehicles"))
        for vendor in ("autosoft", "automate", "dealertrack", "dealercenter")
    }
    assert sum(listed.values()) == 1  # the first store filled the window
    fresh.reset_upstream_counts()
    # first: 9, so no page of the query above is reused from the cache
    counted = await fresh.data("{ vehicles(first: 9) { totalCount nodes { vin } } }")
    assert counted["vehicles"]["totalCount"] > 9
    stores_with_inventory = 5  # AutoSoft, Auto/Mate, two Dealertrack rooftops, DealerCenter
    asked = sum(
        len(_gets(fresh, v, "vehicles")) for v in ("autosoft", "automate", "dealertrack")
    ) + len(_gets(fresh, "dealercenter", "inventory/vehicles"))
    assert asked == stores_with_inventory  # a count needs every store, once each


async def test_a_total_count_asked_through_a_fragment_still_asks_every_store(
    fresh: Api,
) -> None:
    q = """{ vehicles(first: 8) { ...Counted nodes { vin } } }
           fragment Counted on InventoryVehicleConnection { totalCount }"""
    counted = await fresh.data(q)
    assert len(counted["vehicles"]["nodes"]) == 8
    assert counted["vehicles"]["totalCount"] is not None and counted["vehicles"]["totalCount"] > 8
