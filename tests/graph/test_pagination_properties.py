"""The window and cursor arithmetic, against a plain slice of the filtered list.

One dealership's list (graph/pagination.py) and a list across dealerships
(graph/listing.py) are walked page by page over lists in memory, with any sizes, filters,
page sizes and (across dealerships) stores failing on some pages: every page is the slice
of the filtered list it stands for, and the walk gives back every row once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.base import Page, Window
from graph import listing
from graph.errors import GraphError
from graph.pagination import Connection, connection_from_page, window_for

MAX_PAGE = 12
DEFAULT_PAGE = 5

rows_and_filter = st.lists(st.booleans(), max_size=40).map(
    lambda keep: [i for i, kept in enumerate(keep) if kept]
)


def _page(rows: list[Any], window: Window, total_known: bool = True) -> Page[Any]:
    """What an adapter answers for ``window`` of ``rows``: a plain slice."""
    end = window.offset + window.limit
    return Page(items=rows[window.offset : end], total=len(rows) if total_known else None,
                has_next=end < len(rows))  # fmt: skip


@settings(max_examples=150, deadline=None, database=None)
@given(filtered=rows_and_filter, first=st.integers(1, MAX_PAGE))
def test_one_store_pages_are_slices_and_walk_every_row_once(
    filtered: list[int], first: int
) -> None:
    walked: list[int] = []
    after: str | None = None
    for page_no in range(len(filtered) + 2):
        window = window_for(first, after, DEFAULT_PAGE, MAX_PAGE)
        assert window == Window(page_no * first, first)
        connection: Connection[int] = connection_from_page(
            _page(filtered, window), window, lambda row: row
        )
        assert connection.nodes == filtered[page_no * first : (page_no + 1) * first]
        assert connection.total_count == len(filtered)
        assert connection.page_info.has_previous_page is (page_no > 0)
        walked += connection.nodes
        if not connection.page_info.has_next_page:
            break
        after = connection.page_info.end_cursor
    assert walked == filtered


@settings(max_examples=150, deadline=None, database=None)
@given(filtered=rows_and_filter.filter(bool), data=st.data())
def test_any_edge_cursor_resumes_right_after_its_row(filtered: list[int], data: Any) -> None:
    first = data.draw(st.integers(1, MAX_PAGE))
    start = data.draw(st.integers(0, len(filtered) - 1))
    window = Window(start, first)
    connection: Connection[int] = connection_from_page(
        _page(filtered, window), window, lambda row: row
    )
    for index, edge in enumerate(connection.edges):
        resumed = window_for(first, edge.cursor, DEFAULT_PAGE, MAX_PAGE)
        assert resumed == Window(start + index + 1, first)
        assert _page(filtered, resumed).items == filtered[start + index + 1 :][:first]


@dataclass
class _Stores:
    """Stores in memory, each a filtered list; ``failing`` names (page, store) pairs that
    fail, and ``unknown_total`` the stores that do not report a total."""

    rows: dict[str, list[str]]
    failing: set[tuple[int, str]] = field(default_factory=set)
    unknown_total: set[str] = field(default_factory=set)
    page_no: int = 0
    errors: list[GraphError] = field(default_factory=list)

    async def fetch(self, ctx: Any, kind: Any, entry: Any, flt: Any, window: Window) -> Page[str]:
        if (self.page_no, entry.id) in self.failing:
            raise GraphError(f"{entry.id} is down", code="UPSTREAM_UNAVAILABLE")
        return _page(self.rows[entry.id], window, entry.id not in self.unknown_total)


def _cross_page(stores: _Stores, first: int, after: str | None) -> Connection[Any]:
    entries = [SimpleNamespace(id=store) for store in stores.rows]
    context = SimpleNamespace(
        runtime=SimpleNamespace(
            server=SimpleNamespace(default_page_size=DEFAULT_PAGE, max_page_size=MAX_PAGE)
        ),
        add_partial_error=lambda error, info: stores.errors.append(error),
    )
    info = SimpleNamespace(context=context)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listing, "fetch_page", stores.fetch)
        patch.setattr(listing, "selected_dealerships", lambda ctx, kind, ids: (entries, []))
        patch.setattr(listing, "selected_names", lambda info: frozenset({"total_count"}))
        patch.setattr(listing, "to_node", lambda graph_type, model, dealer: model)
        return asyncio.run(
            listing.cross_dealership_list(info, None, object, None, None, first, after)  # type: ignore[arg-type]
        )


store_lists = st.lists(st.integers(0, 15), min_size=1, max_size=5).map(
    lambda sizes: {f"s{n}": [f"s{n}-{i}" for i in range(size)] for n, size in enumerate(sizes)}
)


@settings(max_examples=150, deadline=None, database=None)
@given(rows=store_lists, first=st.integers(1, MAX_PAGE))
def test_cross_store_pages_are_slices_of_the_stores_lists_concatenated(
    rows: dict[str, list[str]], first: int
) -> None:
    stores = _Stores(rows)
    concatenated = [row for store_rows in rows.values() for row in store_rows]
    after: str | None = None
    walked: list[str] = []
    for page_no in range(len(concatenated) + 2):
        connection = _cross_page(stores, first, after)
        assert connection.nodes == concatenated[page_no * first : (page_no + 1) * first]
        assert connection.total_count == len(concatenated)
        walked += connection.nodes
        if not connection.page_info.has_next_page:
            break
        after = connection.page_info.end_cursor
    assert walked == concatenated
    assert not stores.errors


@settings(max_examples=150, deadline=None, database=None)
@given(rows=store_lists, first=st.integers(1, MAX_PAGE), data=st.data())
def test_stores_failing_on_some_pages_lose_no_row_and_repeat_none(
    rows: dict[str, list[str]], first: int, data: Any
) -> None:
    names = list(rows)
    failing = data.draw(st.sets(st.tuples(st.integers(0, 6), st.sampled_from(names)), max_size=6))
    unknown = data.draw(st.sets(st.sampled_from(names)))
    stores = _Stores(rows, failing=failing, unknown_total=unknown)
    concatenated = [row for store_rows in rows.values() for row in store_rows]
    after: str | None = None
    walked: list[str] = []
    for page_no in range(len(concatenated) + 10):
        stores.page_no = page_no
        before = len(stores.errors)
        connection = _cross_page(stores, first, after)
        failed = len(stores.errors) > before
        assert len(connection.nodes) <= first
        # A total over a store that failed, or that does not report one, is unknown.
        if failed or unknown:
            assert connection.total_count is None
        else:
            assert connection.total_count == len(concatenated)
        walked += connection.nodes
        if not connection.page_info.has_next_page:
            break
        # A page that failed whole has no edge: it ends where it was asked from, so a
        # client that just follows endCursor asks the same position again.
        if not connection.nodes:
            assert connection.page_info.end_cursor == after
        after = connection.page_info.end_cursor
    assert len(walked) == len(set(walked)), "a row came twice"
    assert sorted(walked) == sorted(concatenated), "a row was lost"
    # Each store's rows still come in the store's own order.
    for store_rows in rows.values():
        assert [row for row in walked if row in set(store_rows)] == store_rows
