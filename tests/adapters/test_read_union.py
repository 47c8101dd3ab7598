"""A window over several vendor queries concatenated (one per status value) equals the
same slice of the lists laid end to end, and reads each list's first window once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from adapters.base import Page, Window
from adapters.paging import read_union

Reader = Callable[[Window], Awaitable[Page[int]]]


def lists_reader(rows: list[int], calls: list[Window], *, with_total: bool = True) -> Reader:
    async def read(window: Window) -> Page[int]:
        calls.append(window)
        end = window.offset + max(window.limit, 0)
        return Page(
            items=rows[window.offset : end],
            total=len(rows) if with_total else None,
            has_next=len(rows) > end,
        )

    return read


LISTS = [list(range(0, 7)), [], list(range(100, 103)), list(range(200, 211))]
EVERYTHING = [row for rows in LISTS for row in rows]


@pytest.mark.parametrize("with_total", [True, False])
async def test_every_window_equals_the_slice_of_the_concatenation(with_total: bool) -> None:
    checked = 0
    for offset in range(len(EVERYTHING) + 2):
        for limit in range(0, 8):
            calls: list[Window] = []
            readers = [lists_reader(rows, calls, with_total=with_total) for rows in LISTS]
            page = await read_union(readers, Window(offset, limit))
            end = offset + limit
            assert page.items == EVERYTHING[offset:end], (offset, limit)
            assert page.has_next == (len(EVERYTHING) > end), (offset, limit)
            assert page.total == (len(EVERYTHING) if with_total else None)
            checked += 1
    assert checked == (len(EVERYTHING) + 2) * 8


async def test_the_first_window_costs_one_read_per_list() -> None:
    calls: list[Window] = []
    page = await read_union([lists_reader(rows, calls) for rows in LISTS], Window(0, 5))
    assert page.items == [0, 1, 2, 3, 4]
    assert calls == [Window(0, 5)] * len(LISTS)


async def test_a_later_window_reads_only_the_lists_it_covers_again() -> None:
    calls: list[Window] = []
    page = await read_union([lists_reader(rows, calls) for rows in LISTS], Window(8, 4))
    assert page.items == [101, 102, 200, 201]
    assert calls[len(LISTS) :] == []  # the first windows held every row of this one
    calls.clear()
    page = await read_union([lists_reader(rows, calls) for rows in LISTS], Window(12, 3))
    assert page.items == [202, 203, 204]
    assert calls[len(LISTS) :] == [Window(2, 3)]  # past the last list's first window


async def test_no_lists_is_an_empty_page() -> None:
    page: Page[int] = await read_union([], Window(0, 10))
    assert page == Page(items=[], total=0, has_next=False)
