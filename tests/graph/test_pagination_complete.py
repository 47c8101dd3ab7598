"""Every list paged with a small ``first`` gives back exactly its one-shot answer.

Per store and across stores, over all five DMSs (six stores: Dealertrack serves two
rooftops): the pages concatenated equal the one-shot list in order, with no gap and no
duplicate, and ``totalCount`` is the number of rows. A store that fails mid-walk costs
the page it failed on its rows (and the page's total), and the walk still ends with
every row once after it recovers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.ratelimit import RateBudget
from graph.config import CacheConfig
from graph.ids import encode_global_id
from sandbox import SandboxOptions
from sandbox.server import VENDOR_FACTORIES
from tests.graph.conftest import Api, start_api

SMALL = 7  # pages of 7 rows: most lists take several pages, none is a multiple of it
ONE_SHOT = 100  # the server's largest page; every list here is shorter (asserted)
NO_CACHE = CacheConfig(**dict.fromkeys(CacheConfig.model_fields, 0))

DEALERSHIP_LISTS = (
    "vehicles",
    "customers",
    "serviceVehicles",
    "leads",
    "deals",
    "repairOrders",
    "appointments",
    "parts",
    "employees",
    "accounts",
    "payments",
)
STORE_PAGE = """query($d: ID!, $first: Int, $after: String) { dealership(id: $d) {
  %s(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } }
} } }"""
CROSS_PAGE = """query($ids: [ID!], $first: Int, $after: String) {
  %s(dealershipIds: $ids, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id }
} }"""


@pytest.fixture(scope="module")
async def stores() -> AsyncIterator[Api]:
    # A small world (about a twentieth of the default rows) and no response cache, so every
    # page is the DMS's answer and the lists fit in one page of the server's largest size.
    # AutoSync's 100 requests a minute would hold the walks up: raised on both sides.
    options = SandboxOptions(seed=3, scale=0.05, rate_limit_per_minute=100_000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("adapters.autosync.adapter.AUTOSYNC_BUDGET", RateBudget(100_000, 60.0))
        async for api in start_api(options, vendors=tuple(VENDOR_FACTORIES), cache=NO_CACHE):
            yield api


def _dealerships(api: Api) -> list[tuple[str, str, str | None]]:
    """(global id, DMS, store id) of every dealership, in the server's order."""
    return [
        (encode_global_id("Dealership", d.id, d.id), d.dms.value, d.store_id)
        for d in api.runtime.dealerships.values()
    ]


async def _store_page(
    api: Api, field: str, dealership: str, first: int, after: str | None
) -> dict[str, Any] | None:
    """One page of one dealership's list; None where its DMS lacks the list."""
    result = await api.query(STORE_PAGE % field, {"d": dealership, "first": first, "after": after})
    if result.get("errors"):
        codes = {e["extensions"]["code"] for e in result["errors"]}
        assert codes == {"NOT_SUPPORTED_BY_DMS"}, result["errors"]
        return None
    page: dict[str, Any] = result["data"]["dealership"][field]
    return page


async def _one_shot(api: Api, field: str, dealership: str) -> list[str] | None:
    page = await _store_page(api, field, dealership, ONE_SHOT, None)
    if page is None:
        return None
    assert not page["pageInfo"]["hasNextPage"], f"{field} is longer than one page"
    ids = [e["node"]["id"] for e in page["edges"]]
    assert page["totalCount"] == len(ids), field
    return ids


async def _walk_store(api: Api, field: str, dealership: str, first: int) -> list[str]:
    ids: list[str] = []
    after: str | None = None
    while True:
        page = await _store_page(api, field, dealership, first, after)
        assert page is not None
        edges = page["edges"]
        info = page["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        assert len(edges) <= first
        if info["hasNextPage"]:
            assert len(edges) == first, "a page short of first before the end"
            assert info["endCursor"] == edges[-1]["cursor"]
        ids += [e["node"]["id"] for e in edges]
        if page["totalCount"] is not None:
            assert page["totalCount"] >= len(ids)
        if not info["hasNextPage"]:
            return ids
        after = info["endCursor"]
        assert len(ids) <= ONE_SHOT, "the walk does not end"


async def test_every_list_of_every_store_pages_to_its_one_shot_answer(stores: Api) -> None:
    walked: dict[str, list[str]] = {}
    for dealership, dms, _ in _dealerships(stores):
        for field in DEALERSHIP_LISTS:
            whole = await _one_shot(stores, field, dealership)
            if whole is None:
                continue
            assert len(whole) == len(set(whole)), (dms, field)
            pages = await _walk_store(stores, field, dealership, SMALL)
            assert pages == whole, (dms, field)  # same rows, same order: no gap, no duplicate
            walked.setdefault(field, []).append(dms)
            if len(whole) > SMALL:
                walked.setdefault("several pages", []).append(dms)
            if whole:
                walked.setdefault(f"{field} rows", []).append(dms)
    # Every list is walked over every store that has it (at least two, but for AutoSync's
    # service vehicles, which no other DMS serves), and no store's list is empty.
    for field in DEALERSHIP_LISTS:
        assert walked[f"{field} rows"] == walked[field], field  # no store with an empty list
        assert len(walked[field]) >= (1 if field == "serviceVehicles" else 2), field
    assert sum(len(walked[field]) for field in DEALERSHIP_LISTS) == 47
    assert len(walked["several pages"]) == 33  # most walks cross pages


async def test_one_row_pages_walk_a_list_row_by_row(stores: Api) -> None:
    for dealership, dms, _ in _dealerships(stores)[:2]:
        whole = await _one_shot(stores, "employees", dealership)
        assert whole, dms
        assert await _walk_store(stores, "employees", dealership, 1) == whole, dms


async def _cross_page(
    api: Api, field: str, ids: list[str], first: int, after: str | None
) -> dict[str, Any]:
    return await api.query(CROSS_PAGE % field, {"ids": ids, "first": first, "after": after})


async def _walk_across(
    api: Api, field: str, ids: list[str], first: int
) -> tuple[list[str], list[int | None]]:
    """(rows in page order, each page's totalCount) of a walk without failures."""
    rows: list[str] = []
    totals: list[int | None] = []
    after: str | None = None
    for _ in range(200):
        result = await _cross_page(api, field, ids, first, after)
        assert "errors" not in result, result["errors"]
        page = result["data"][field]
        assert len(page["nodes"]) <= first
        if page["pageInfo"]["hasNextPage"]:
            assert len(page["nodes"]) == first, "a page short of first before the end"
        rows += [n["id"] for n in page["nodes"]]
        totals.append(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            return rows, totals
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("the walk does not end")


@pytest.mark.parametrize("field", ["vehicles", "repairOrders"])
async def test_cross_dealership_walk_is_the_stores_lists_concatenated(
    stores: Api, field: str
) -> None:
    per_store: list[list[str]] = []
    chosen: list[str] = []
    for dealership, _, _ in _dealerships(stores):
        whole = await _one_shot(stores, field, dealership)
        if whole:
            chosen.append(dealership)
            per_store.append(whole)
    assert len(chosen) >= 3, field
    expected = [row for rows in per_store for row in rows]
    assert len(expected) == len(set(expected))
    rows, totals = await _walk_across(stores, field, chosen, SMALL)
    assert rows == expected, field  # same rows, same order: no gap, no duplicate
    assert set(totals) == {len(expected)}, (field, totals)
    # In the other dealership order, with pages that end inside a store, the rows follow
    # that order.
    rows, totals = await _walk_across(stores, field, chosen[::-1], 40)
    assert rows == [row for store_rows in per_store[::-1] for row in store_rows], field
    assert set(totals) == {len(expected)}, (field, totals)


async def test_a_store_failing_mid_walk_is_asked_again_and_no_row_is_lost(stores: Api) -> None:
    dealertrack = [(d, s) for d, dms, s in _dealerships(stores) if dms == "dealertrack"]
    (home, _), (failing, failing_store) = dealertrack
    others = [d for d, dms, _ in _dealerships(stores) if dms in ("autosoft", "dealercenter")]
    # The failing rooftop sits between stores that stay up.
    chosen = [others[0], home, failing, others[1]]
    per_store = [await _one_shot(stores, "vehicles", d) for d in chosen]
    assert all(per_store), "every store has vehicles"
    expected = [row for rows in per_store for row in rows or []]
    handle = stores.sandbox.vendors["dealertrack"]

    rows: list[str] = []
    after: str | None = None
    failed_pages = 0
    for _ in range(200):
        reached_failing = len(rows) >= len(per_store[0] or []) + len(per_store[1] or [])
        down = reached_failing and failed_pages == 0
        handle.faults.fail_all = down
        handle.faults.stores = frozenset({str(failing_store)})
        try:
            result = await _cross_page(stores, "vehicles", chosen, SMALL, after)
        finally:
            handle.faults.fail_all = False
            handle.faults.stores = None
        page = result["data"]["vehicles"]
        if down:
            failed_pages += 1
            [error] = result["errors"]
            assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
            assert error["extensions"]["dealershipId"] == failing
            # The other stores still fill the page; a total over a store that did not
            # answer is unknown, not the sum of the others.
            assert page["nodes"] and page["totalCount"] is None
            assert page["pageInfo"]["hasNextPage"]
        else:
            assert "errors" not in result, result["errors"]
            assert page["totalCount"] == len(expected)
        rows += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert failed_pages == 1
    assert len(rows) == len(set(rows)), "a row came twice"
    assert sorted(rows) == sorted(expected), "a row was lost"
    # The failed store's rows come once it answers again, after the page that missed them.
    assert rows != expected
