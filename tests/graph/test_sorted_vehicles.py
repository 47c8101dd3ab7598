"""Sorted and range-filtered vehicle lists: "used cars under $30,000 across all stores,
cheapest first" is one query, DealerCenter included, with a totalCount that stays the same
from page to page and pages that join into the whole answer, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api
from tests.guards import each

VENDORS = ("autosoft", "automate", "dealertrack", "dealercenter", "autosync")
CHEAP_USED = """query($after: String, $first: Int) { vehicles(first: $first, after: $after,
  filter: {condition: [USED], maxPrice: "30000"}, orderBy: {field: PRICE}) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id askingPrice condition dealership { dms } } } }"""
EVERYTHING = """query($after: String) { vehicles(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { id askingPrice condition } } }"""


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=4, scale=0.5, rate_limit_per_minute=100_000)
    async for value in start_api(options, vendors=VENDORS):
        yield value


async def walk(api: Api, query: str, first: int | None = None) -> list[dict[str, Any]]:
    pages, after = [], None
    while True:
        data = (await api.data(query, {"after": after, "first": first}))["vehicles"]
        pages.append(data)
        if not data["pageInfo"]["hasNextPage"]:
            return pages
        after = data["pageInfo"]["endCursor"]


async def test_used_cars_under_30k_cheapest_first_across_all_stores(api: Api) -> None:
    pages = await walk(api, CHEAP_USED, first=15)
    assert len(pages) > 2
    totals = {p["totalCount"] for p in pages}
    rows = [n for p in pages for n in p["nodes"]]
    assert totals == {len(rows)}  # the same on every page, and true
    assert len({r["id"] for r in rows}) == len(rows)
    prices = [Decimal(r["askingPrice"]) for r in each(rows, at_least=20)]
    assert prices == sorted(prices) and prices[-1] <= Decimal(30000)
    assert {r["condition"] for r in rows} == {"USED"}
    assert "DEALERCENTER" in {r["dealership"]["dms"] for r in rows}
    # The same rows as the unsorted lists hold, narrowed by hand.
    everything = [n for p in await walk(api, EVERYTHING) for n in p["nodes"]]
    expected = {
        n["id"]
        for n in everything
        if n["condition"] == "USED"
        and n["askingPrice"] is not None
        and Decimal(n["askingPrice"]) <= Decimal(30000)
    }
    assert {r["id"] for r in rows} == expected


async def test_a_store_sorted_by_year_newest_first_with_unknowns_last(api: Api) -> None:
    query = """query($d: ID!) { dealership(id: $d) {
      vehicles(first: 100, orderBy: {field: YEAR, direction: DESC}, filter: {minYear: 2018}) {
      totalCount nodes { year } } } }"""
    data = await api.data(query, {"d": api.dealership_id("autosoft")})
    listed = data["dealership"]["vehicles"]
    years = [n["year"] for n in each(listed["nodes"], at_least=5)]
    assert years == sorted(years, reverse=True) and min(years) >= 2018
    assert listed["totalCount"] >= len(years)


async def test_a_sorted_list_is_planned_as_read_whole_and_pages_come_from_the_cache(
    api: Api,
) -> None:
    api.runtime.clear_caches()
    first = await api.query(CHEAP_USED, {"first": 5})
    # Planned as 10 pages (max_sorted_rows 1,000) for every dealership the key sees.
    assert first["extensions"]["cost"]["requestedQueryCost"] == len(api.runtime.dealerships) * 10
    with_vehicles = [d for d in api.runtime.dealerships.values() if d.dms.value != "autosync"]
    assert first["extensions"]["cost"]["upstreamRequests"] >= len(with_vehicles)
    after = first["data"]["vehicles"]["pageInfo"]["endCursor"]
    second = await api.query(CHEAP_USED, {"first": 5, "after": after})
    assert second["extensions"]["cost"]["upstreamRequests"] == 0  # the pages are kept


@pytest.mark.parametrize(
    ("flt", "argument"),
    [
        ({"minPrice": "10", "maxPrice": "5"}, "filter.minPrice"),
        ({"maxMileage": -1}, "filter.minMileage"),
    ],
)
async def test_impossible_ranges_are_refused(api: Api, flt: dict[str, Any], argument: str) -> None:
    result = await api.query(
        "query($f: InventoryVehicleFilter) { vehicles(filter: $f) { totalCount } }", {"f": flt}
    )
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument


@pytest.mark.parametrize(
    ("field", "order", "value"),
    [
        ("repairOrders", "{field: OPENED_AT, direction: DESC}", "openedAt"),
        ("repairOrders", "{field: GRAND_TOTAL}", "totals { grandTotal }"),
        ("appointments", "{field: STARTS_AT}", "startsAt"),
        ("deals", "{field: CREATED_AT, direction: DESC}", "createdAt"),
    ],
)
async def test_other_lists_sort_across_stores(api: Api, field: str, order: str, value: str) -> None:
    query = f"""query($after: String) {{ {field}(first: 40, after: $after, orderBy: {order}) {{
      totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ id {value} }} }} }}"""
    rows, totals, after = [], set(), None
    while True:
        page = (await api.data(query, {"after": after}))[field]
        rows += page["nodes"]
        totals.add(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert totals == {len(rows)} and len({r["id"] for r in rows}) == len(rows)
    key = value.split()[-2] if "{" in value else value

    def read(row: dict[str, Any]) -> Any:
        got = row[value.split()[0]]
        return got[key] if isinstance(got, dict) else got

    known = [read(r) for r in each(rows, at_least=10) if read(r) is not None]
    ordered = [Decimal(v) for v in known] if "Total" in key else known
    descending = "DESC" in order
    assert ordered == sorted(ordered, reverse=descending)
    assert [read(r) for r in rows][len(known) :] == [None] * (len(rows) - len(known))
