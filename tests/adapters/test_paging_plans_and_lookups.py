"""Page plans, unions of lists and batch lookups at their edges, counting the vendor reads
each costs; and a failure among concurrent reads raised as itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from adapters.base import Page, Window
from adapters.paging import batch_get, gather_all, plan_pages, read_union
from tests.adapters.test_adapter_paging import PagedList


def test_a_window_that_fits_one_page_of_the_largest_sizes_is_one_read() -> None:
    assert plan_pages(1, 98, 100) == (99, 1, 1)
    assert plan_pages(0, 100, 100) == (100, 1, 1)


@pytest.mark.parametrize(("offset", "limit"), [(-1, 5), (0, 0), (3, -2)])
def test_a_window_without_rows_or_before_the_first_has_no_plan(offset: int, limit: int) -> None:
    with pytest.raises(ValueError) as refused:
        plan_pages(offset, limit, 100)
    assert str(refused.value) == "window needs offset >= 0 and limit >= 1"


class Lists:
    """Disjoint lists, each read by its own query; every window asked is recorded."""

    def __init__(self, *sizes: int, totals: bool = True) -> None:
        self.rows = [[f"{n}-{i}" for i in range(size)] for n, size in enumerate(sizes)]
        self.totals = totals
        self.asked: list[tuple[int, Window]] = []

    def reader(self, n: int) -> Callable[[Window], Awaitable[Page[str]]]:
        async def read(window: Window) -> Page[str]:
            self.asked.append((n, window))
            rows = self.rows[n]
            end = window.offset + window.limit
            total = len(rows) if self.totals else None
            return Page(rows[window.offset : end], total, end < len(rows))

        return read

    async def union(self, window: Window) -> Page[str]:
        return await read_union([self.reader(n) for n in range(len(self.rows))], window)


async def test_a_window_starting_where_a_list_ends_reads_nothing_more_of_it() -> None:
    lists = Lists(10, 10)
    page = await lists.union(Window(10, 5))
    assert page.items == ["1-0", "1-1", "1-2", "1-3", "1-4"]
    assert lists.asked == [(0, Window(0, 5)), (1, Window(0, 5))]


@pytest.mark.parametrize("totals", [True, False])
async def test_a_union_asked_for_no_rows_reads_one_row_of_each_list(totals: bool) -> None:
    lists = Lists(3, 4, totals=totals)
    page = await lists.union(Window(0, 0))
    assert page.items == []
    assert {window for _, window in lists.asked} == {Window(0, 1)}
    assert page.has_next is True


def _rows(count: int, known: bool) -> PagedList:
    return PagedList(count, max_size=10, report_total=known)


async def test_ids_that_are_empty_or_not_valid_are_never_looked_up() -> None:
    listing = _rows(5, True)
    found = await batch_get(
        ["", "r0001", "bad"],
        fetch_one=listing.one,
        fetch_page=listing.fetch,
        max_size=10,
        valid_id=lambda i: i != "bad",
    )
    assert [r.id if r else None for r in found] == [None, "r0001", None]
    assert listing.detail_calls == ["r0001"]


async def test_ids_a_detail_call_found_nothing_for_are_reported() -> None:
    listing = _rows(5, True)
    unanswered: list[str] = []
    await batch_get(
        ["r0001", "r0404"],
        fetch_one=listing.one,
        fetch_page=None,
        max_size=10,
        unanswered=unanswered,
    )
    assert unanswered == ["r0404"]


async def test_ids_missing_from_a_listing_without_a_total_are_read_one_by_one() -> None:
    listing = _rows(25, False)
    found = await batch_get(
        ["r0001", "r0002", "r0015", "r0024"],
        fetch_one=listing.one,
        fetch_page=listing.fetch,
        max_size=10,
    )
    assert [r.id if r else None for r in found] == ["r0001", "r0002", "r0015", "r0024"]
    assert listing.page_calls == [(1, 10)]
    assert listing.detail_calls == ["r0015", "r0024"]


async def test_the_rest_of_the_listing_is_read_when_it_costs_no_more_than_detail_calls() -> None:
    listing = _rows(30, True)  # pages 2 and 3 left: two reads, as many as the ids missing
    ids = ["r0001", "r0002", "r0003", "r0015", "r0025"]
    found = await batch_get(ids, fetch_one=listing.one, fetch_page=listing.fetch, max_size=10)
    assert [r.id if r else None for r in found] == ids
    assert sorted(listing.page_calls) == [(1, 10), (2, 10), (3, 10)]
    assert listing.detail_calls == []


async def test_a_failure_among_concurrent_reads_is_raised_as_itself() -> None:
    async def ok() -> int:
        await asyncio.sleep(0)
        return 1

    async def failing() -> int:
        raise LookupError("vendor said no")

    with pytest.raises(LookupError, match="vendor said no"):
        await gather_all([ok(), failing(), ok()])
    with pytest.raises(LookupError, match="vendor said no"):
        await gather_all([failing()])
    assert await gather_all([ok(), ok()]) == [1, 1]
    assert await gather_all(ok() for _ in range(1)) == [1]
    assert await gather_all([]) == []
