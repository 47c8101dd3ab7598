"""The page helpers at their edges, over an in-memory paged list with every page read
recorded: a local-filter scan stops as soon as it knows the window and whether more rows
follow (no vendor page read needlessly), reads pages in waves, ends at a short or the last
page; a whole-list read asks each page once; a window over rows in memory."""

from __future__ import annotations

import pytest

from adapters.base import Page, Window
from adapters.paging import VendorPage, read_all, read_window, slice_window

MAX = 10


class Pages:
    def __init__(self, count: int, *, total_known: bool) -> None:
        self.rows = list(range(count))
        self.total_known = total_known
        self.read: list[int] = []

    async def fetch(self, page: int, size: int) -> VendorPage[int]:
        assert 1 <= size <= MAX
        self.read.append(page)
        chunk = self.rows[(page - 1) * size : page * size]
        return VendorPage(chunk, len(self.rows) if self.total_known else None)


def every_tenth(row: int) -> bool:
    return row % 10 == 0


def even(row: int) -> bool:
    return row % 2 == 0


async def scan(pages: Pages, window: Window, keep: object = even, wave: int = 1) -> Page[int]:
    return await read_window(pages.fetch, window, max_size=MAX, predicate=keep, wave=wave)  # type: ignore[arg-type]


@pytest.mark.parametrize("total_known", [True, False])
async def test_a_scan_stops_once_it_holds_the_window_and_one_row_more(total_known: bool) -> None:
    pages = Pages(100, total_known=total_known)
    page = await scan(pages, Window(0, 4))  # 5 even rows a page: the window and one more
    assert page.items == [0, 2, 4, 6] and page.has_next is True and page.total is None
    assert pages.read == [1]

    pages = Pages(100, total_known=total_known)
    page = await scan(pages, Window(0, 5))  # needs a sixth match: page 2
    assert page.items == [0, 2, 4, 6, 8] and page.has_next is True
    assert pages.read == [1, 2]


async def test_a_scan_for_no_rows_still_reads_until_one_match_says_more_follow() -> None:
    pages = Pages(100, total_known=False)
    page = await scan(pages, Window(0, 0), keep=every_tenth)
    assert (page.items, page.has_next) == ([], True)
    assert pages.read == [1]


@pytest.mark.parametrize("total_known", [True, False])
async def test_a_scan_reads_in_waves(total_known: bool) -> None:
    pages = Pages(100, total_known=total_known)
    page = await scan(pages, Window(0, 4), keep=every_tenth, wave=3)  # one match a page
    assert page.items == [0, 10, 20, 30]
    assert pages.read == [1, 2, 3, 4, 5, 6, 7], "page 1, then 2-4, then 5-7"


async def test_a_scan_ends_at_the_last_page_the_total_names() -> None:
    pages = Pages(10, total_known=True)  # exactly one full page
    page = await scan(pages, Window(0, 50))
    assert (page.items, page.total, page.has_next) == ([0, 2, 4, 6, 8], 5, False)
    assert pages.read == [1]

    pages = Pages(15, total_known=True)
    page = await scan(pages, Window(0, 50), wave=4)
    assert (page.items, page.total) == ([0, 2, 4, 6, 8, 10, 12, 14], 8)
    assert pages.read == [1, 2], "not past the second and last page"


async def test_a_scan_without_a_total_ends_at_a_short_page() -> None:
    pages = Pages(7, total_known=False)
    page = await scan(pages, Window(0, 50), wave=4)
    assert (page.items, page.total, page.has_next) == ([0, 2, 4, 6], 4, False)
    assert pages.read == [1]

    pages = Pages(23, total_known=False)
    page = await scan(pages, Window(2, 50), wave=4)
    assert page.items == [4, 6, 8, 10, 12, 14, 16, 18, 20, 22]
    assert (page.total, page.has_next) == (12, False)
    assert pages.read == [1, 2, 3, 4, 5], "one wave past page 1, ending at page 3"


@pytest.mark.parametrize("total_known", [True, False])
async def test_the_whole_list_reads_each_page_once(total_known: bool) -> None:
    pages = Pages(25, total_known=total_known)
    assert await read_all(pages.fetch, max_size=MAX) == list(range(25))
    assert sorted(pages.read) == [1, 2, 3]


@pytest.mark.parametrize(
    ("window", "items", "has_next"),
    [
        (Window(3, 4), [3, 4, 5, 6], True),
        (Window(6, 4), [6, 7, 8, 9], False),
        (Window(0, 0), [], True),
        (Window(2, -1), [], True),
        (Window(10, 5), [], False),
    ],
)
def test_a_window_over_rows_in_memory(window: Window, items: list[int], has_next: bool) -> None:
    assert slice_window(list(range(10)), window) == Page(items=items, total=10, has_next=has_next)


@pytest.mark.parametrize(
    ("count", "total_known", "offset", "total", "has_next"),
    [
        (6, True, 5, 6, True),
        (5, True, 5, 5, False),
        (3, False, 0, None, True),
        (0, False, 0, None, False),
    ],
)
async def test_a_window_of_no_rows_reads_one_row_for_the_count(
    count: int, total_known: bool, offset: int, total: int | None, has_next: bool
) -> None:
    asked: list[tuple[int, int]] = []
    rows = list(range(count))

    async def fetch(page: int, size: int) -> VendorPage[int]:
        asked.append((page, size))
        return VendorPage(rows[(page - 1) * size : page * size], count if total_known else None)

    page = await read_window(fetch, Window(offset, 0), max_size=MAX)
    assert page == Page(items=[], total=total, has_next=has_next)
    assert asked == [(1, 1)]


async def test_a_window_ending_at_the_total_has_no_next() -> None:
    pages = Pages(10, total_known=True)
    assert (await read_window(pages.fetch, Window(5, 5), max_size=MAX)).has_next is False
    assert (await read_window(pages.fetch, Window(4, 5), max_size=MAX)).has_next is True


async def test_without_a_total_a_short_last_page_tells_it() -> None:
    pages = Pages(9, total_known=False)
    page = await read_window(pages.fetch, Window(8, 4), max_size=MAX)  # page 3 of 4: one row
    assert (page.items, page.total, page.has_next) == ([8], 9, False)
    empty = await read_window(Pages(0, total_known=False).fetch, Window(0, 5), max_size=MAX)
    assert (empty.items, empty.total, empty.has_next) == ([], 0, False)


async def test_a_scan_that_ends_with_exactly_the_window_has_no_next() -> None:
    page = await scan(Pages(10, total_known=True), Window(0, 5))
    assert (page.items, page.total, page.has_next) == ([0, 2, 4, 6, 8], 5, False)
