"""One dealership's cursors and windows (graph/pagination.py), case by case: the page-size
bounds, which cursors are refused and how, and the page info a page carries."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from adapters.base import Page, Window
from graph.errors import BadUserInput
from graph.pagination import (
    Edge,
    connection_from_edges,
    connection_from_page,
    decode_cursor,
    encode_cursor,
    lazy_connection,
    window_for,
)

DEFAULT, MAXIMUM = 5, 12


def _refusal(first: int | None, after: str | None) -> BadUserInput:
    with pytest.raises(BadUserInput) as raised:
        window_for(first, after, DEFAULT, MAXIMUM)
    assert raised.value.code == "BAD_USER_INPUT"
    return raised.value


def test_first_defaults_and_may_be_zero_or_the_maximum() -> None:
    assert window_for(None, None, DEFAULT, MAXIMUM) == Window(offset=0, limit=DEFAULT)
    assert window_for(0, None, DEFAULT, MAXIMUM) == Window(offset=0, limit=0)
    assert window_for(MAXIMUM, None, DEFAULT, MAXIMUM) == Window(offset=0, limit=MAXIMUM)


@pytest.mark.parametrize("first", [-1, MAXIMUM + 1])
def test_first_outside_the_bounds_is_refused_naming_them(first: int) -> None:
    refusal = _refusal(first, None)
    assert refusal.message == f"first must be between 0 and {MAXIMUM}"
    assert refusal.extensions == {"code": "BAD_USER_INPUT", "field": "first"}


def test_after_resumes_one_row_past_the_cursor() -> None:
    assert window_for(3, encode_cursor("0"), DEFAULT, MAXIMUM) == Window(offset=1, limit=3)
    assert window_for(None, encode_cursor("41"), DEFAULT, MAXIMUM) == Window(42, DEFAULT)


def test_cursor_text_is_unpadded_urlsafe_base64_of_a_tagged_payload() -> None:
    assert encode_cursor("7") == "Yzo3"
    assert encode_cursor("12") == "YzoxMg"  # "c:12" is 4 bytes: its two "=" are dropped
    assert decode_cursor("YzoxMg") == "12"
    assert decode_cursor(encode_cursor("m:a=1,b=-1")) == "m:a=1,b=-1"


@pytest.mark.parametrize(
    "after",
    [
        "%%%",  # not base64
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),  # not UTF-8
        base64.urlsafe_b64encode(b"x:12").decode(),  # not our tag
        "",
    ],
)
def test_a_cursor_this_api_did_not_issue_is_refused(after: str) -> None:
    refusal = _refusal(2, after)
    assert refusal.message == "after is not a cursor this API issued"
    assert refusal.extensions == {"code": "BAD_USER_INPUT", "field": "after"}


@pytest.mark.parametrize("payload", ["m:s1=3", "-1", "", "1.5"])
def test_a_cursor_of_another_list_is_refused(payload: str) -> None:
    refusal = _refusal(2, encode_cursor(payload))
    assert refusal.message == "after is not a cursor of this list"
    assert refusal.extensions == {"code": "BAD_USER_INPUT", "field": "after"}


def _connection(offset: int, rows: list[str], *, has_next: bool, total: int | None) -> Any:
    window = Window(offset, 10)
    return connection_from_page(Page(rows, total, has_next), window, str.upper)


def test_a_page_carries_its_nodes_total_and_the_cursors_of_its_ends() -> None:
    connection = _connection(4, ["a", "b", "c"], has_next=True, total=9)
    assert connection.nodes == ["A", "B", "C"]
    assert connection.total_count == 9
    info = connection.page_info
    assert (info.has_next_page, info.has_previous_page) == (True, True)
    assert (info.start_cursor, info.end_cursor) == (encode_cursor("4"), encode_cursor("6"))
    assert [(e.cursor, e.node) for e in connection.edges] == [
        (encode_cursor("4"), "A"),
        (encode_cursor("5"), "B"),
        (encode_cursor("6"), "C"),
    ]


def test_only_a_window_past_the_first_row_has_a_previous_page() -> None:
    assert _connection(0, ["a"], has_next=False, total=1).page_info.has_previous_page is False
    assert _connection(1, ["a"], has_next=False, total=2).page_info.has_previous_page is True
    assert _connection(0, ["a"], has_next=False, total=None).total_count is None


def test_an_empty_page_has_no_cursors() -> None:
    connection = _connection(3, [], has_next=False, total=3)
    info = connection.page_info
    assert (info.start_cursor, info.end_cursor, info.has_next_page) == (None, None, False)
    assert list(connection.edges) == []
    assert len(connection.edges) == 0


class _CountingCursors:
    def __init__(self, count: int) -> None:
        self.count = count
        self.built = 0

    def at(self, index: int) -> str:
        return f"c{index}"

    def all(self) -> list[str]:
        self.built += 1
        return [f"c{i}" for i in range(self.count)]


def test_edges_are_built_once_and_only_when_read() -> None:
    cursors = _CountingCursors(3)
    connection = lazy_connection(
        ["x", "y", "z"], cursors, has_next=False, has_previous=False, total=3
    )
    assert len(connection.edges) == 3
    assert (connection.page_info.start_cursor, connection.page_info.end_cursor) == ("c0", "c2")
    assert cursors.built == 0, "nodes and pageInfo need no list of cursors"
    assert connection.edges[1].cursor == "c1"
    assert [e.node for e in connection.edges[1:]] == ["y", "z"]
    assert [e.cursor for e in connection.edges] == ["c0", "c1", "c2"]
    assert cursors.built == 1


def test_an_empty_page_that_has_more_ends_where_it_was_asked_from() -> None:
    def empty(has_next: bool) -> Any:
        return lazy_connection(
            [], _CountingCursors(0), has_next=has_next, has_previous=True, total=None,
            resume="from-here",
        )  # fmt: skip

    assert empty(True).page_info.end_cursor == "from-here"
    assert empty(True).page_info.start_cursor is None
    assert empty(False).page_info.end_cursor is None


def test_a_connection_from_edges_takes_its_ends_from_them() -> None:
    edges = [Edge(cursor="first", node=1), Edge(cursor="mid", node=2), Edge(cursor="last", node=3)]
    connection = connection_from_edges(edges, has_next=True, has_previous=False, total=30)
    assert connection.nodes == [1, 2, 3]
    assert connection.edges == edges
    info = connection.page_info
    assert (info.start_cursor, info.end_cursor) == ("first", "last")
    assert (info.has_next_page, info.has_previous_page, connection.total_count) == (
        True,
        False,
        30,
    )
    empty = connection_from_edges([], has_next=False, has_previous=True, total=None)
    assert (empty.page_info.start_cursor, empty.page_info.end_cursor) == (None, None)
    assert (empty.page_info.has_previous_page, empty.total_count) == (True, None)
