"""Window planning, scans and batch lookups over an in-memory paged list (the page helpers
are pure over a page-reading coroutine; the vendor-facing path is covered by the sandbox
tests)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from adapters.base import Window
from adapters.paging import VendorPage, batch_get, plan_pages, read_all, read_window


@dataclass(frozen=True)
class Row:
    id: str
    n: int


class PagedList:
    def __init__(self, count: int, max_size: int = 100, report_total: bool = True) -> None:
        self.rows = [Row(id=f"r{i:04d}", n=i) for i in range(count)]
        self.max_size = max_size
        self.report_total = report_total
        self.page_calls: list[tuple[int, int]] = []
        self.detail_calls: list[str] = []

    async def fetch(self, page: int, size: int) -> VendorPage[Row]:
        assert page >= 1 and 1 <= size <= self.max_size
        self.page_calls.append((page, size))
        chunk = self.rows[(page - 1) * size : page * size]
        return VendorPage(chunk, len(self.rows) if self.report_total else None)

    async def one(self, key: str) -> Row | None:
        self.detail_calls.append(key)
        return next((r for r in self.rows if r.id == key), None)


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [
        (0, 25, (25, 1, 1)),
        (25, 25, (25, 2, 2)),
        (10, 25, (35, 1, 1)),  # one page of 35 holds rows 10..34
        (95, 10, (15, 7, 7)),  # rows 90..104
        (99, 100, (100, 1, 2)),  # no single page fits: two
        (0, 250, (100, 1, 3)),
    ],
)
def test_plan_pages(offset: int, limit: int, expected: tuple[int, int, int]) -> None:
    assert plan_pages(offset, limit, 100) == expected


def test_plan_pages_always_covers_the_window_in_at_most_two_pages() -> None:
    for offset, limit in itertools.product(range(0, 400, 7), range(1, 101, 3)):
        size, first, last = plan_pages(offset, limit, 100)
        assert size <= 100
        assert (first - 1) * size <= offset and last * size >= offset + limit
        assert last - first <= 1


@pytest.mark.parametrize("report_total", [True, False])
async def test_windows_match_slices(report_total: bool) -> None:
    data = PagedList(237, report_total=report_total)
    for offset, limit in [(0, 1), (0, 100), (99, 2), (150, 100), (230, 25), (237, 5), (500, 3)]:
        page = await read_window(data.fetch, Window(offset, limit), max_size=100)
        assert page.items == data.rows[offset : offset + limit]
        assert page.has_next == (offset + limit < 237)
        # Without a reported total, a window that reads the list's last rows has seen it
        # end, so its length is known; a window past the end or short of it cannot tell.
        if report_total or offset < 237 <= offset + limit:
            assert page.total == 237, (offset, limit)
        elif offset + limit < 237 or offset > 237:
            assert page.total is None, (offset, limit)
        else:
            assert page.total in (None, 237), (offset, limit)  # depends on the page plan


async def test_window_not_on_a_page_costs_one_or_two_calls() -> None:
    data = PagedList(500)
    await read_window(data.fetch, Window(95, 10), max_size=100)
    assert len(data.page_calls) == 1
    data.page_calls.clear()
    await read_window(data.fetch, Window(150, 100), max_size=100)
    assert len(data.page_calls) == 2


async def test_scan_filters_locally_and_stops_early() -> None:
    data = PagedList(1000)
    odd = lambda r: r.n % 2 == 1  # noqa: E731
    page = await read_window(data.fetch, Window(10, 5), max_size=100, predicate=odd, wave=2)
    assert [r.n for r in page.items] == [21, 23, 25, 27, 29]
    assert page.has_next and page.total is None  # stopped before the end
    assert len(data.page_calls) == 1

    data.page_calls.clear()
    rare = lambda r: r.n % 300 == 0  # noqa: E731
    page = await read_window(data.fetch, Window(0, 10), max_size=100, predicate=rare, wave=4)
    assert [r.n for r in page.items] == [0, 300, 600, 900]
    assert page.total == 4 and not page.has_next
    assert len(data.page_calls) == 10


async def test_read_all_returns_every_row_in_order_with_or_without_a_total() -> None:
    for report_total in (True, False):
        data = PagedList(250, report_total=report_total)
        assert await read_all(data.fetch, max_size=100) == data.rows


async def test_batch_of_many_ids_reads_the_listing() -> None:
    data = PagedList(300)
    ids = [f"r{i:04d}" for i in range(0, 300, 6)] + ["nope", "r0000"]
    got = await batch_get(ids, fetch_one=data.one, fetch_page=data.fetch, max_size=100)
    assert [r.id if r else None for r in got] == [*ids[:-2], None, "r0000"]
    assert len(data.page_calls) == 3 and data.detail_calls == []


async def test_batch_of_few_ids_uses_detail_calls() -> None:
    data = PagedList(5000)
    got = await batch_get(["r0001", "zz"], fetch_one=data.one, fetch_page=data.fetch, max_size=100)
    assert [r.id if r else None for r in got] == ["r0001", None]
    assert data.page_calls == [] and sorted(data.detail_calls) == ["r0001", "zz"]


async def test_batch_in_a_long_listing_falls_back_to_details() -> None:
    data = PagedList(5000)
    ids = [f"r{i:04d}" for i in (1, 2, 3, 4000, 4001, 4002)]
    got = await batch_get(ids, fetch_one=data.one, fetch_page=data.fetch, max_size=100)
    assert [r.id for r in got if r] == ids
    # Page 1 answered three ids; 49 more pages would cost more than 3 detail calls.
    assert len(data.page_calls) == 1 and sorted(data.detail_calls) == ids[3:]
