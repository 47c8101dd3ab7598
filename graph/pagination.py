"""Relay cursor connections over the adapters' offset windows."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from adapters.base import Page, Window
from graph.errors import BadUserInput

N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type(description="A page of a list, with Relay cursors.")
class Connection(Generic[N]):
    edges: list[Edge[N]]
    nodes: list[N] = strawberry.field(description="The page's nodes, without cursors.")
    page_info: PageInfo
    total_count: int | None = strawberry.field(
        description="Rows matching the filter in all, where the DMS reports it."
    )


def encode_cursor(payload: str) -> str:
    return base64.urlsafe_b64encode(f"c:{payload}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise BadUserInput("after is not a cursor this API issued", field="after") from exc
    if not raw.startswith("c:"):
        raise BadUserInput("after is not a cursor this API issued", field="after")
    return raw[2:]


def window_for(first: int | None, after: str | None, default: int, maximum: int) -> Window:
    """The offset window a ``first``/``after`` pair asks for, within the page-size cap."""
    limit = default if first is None else first
    if limit < 0 or limit > maximum:
        raise BadUserInput(f"first must be between 0 and {maximum}", field="first")
    offset = 0
    if after is not None:
        payload = decode_cursor(after)
        if not payload.isdigit():
            raise BadUserInput("after is not a cursor of this list", field="after")
        offset = int(payload) + 1
    return Window(offset=offset, limit=limit)


def connection_from_page(
    page: Page[Any], window: Window, to_node: Callable[[Any], N]
) -> Connection[N]:
    nodes = [to_node(item) for item in page.items]
    edges = [
        Edge(cursor=encode_cursor(str(window.offset + i)), node=node)
        for i, node in enumerate(nodes)
    ]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=window.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )


def connection_from_edges(
    edges: Sequence[Edge[N]], *, has_next: bool, has_previous: bool, total: int | None
) -> Connection[N]:
    return Connection(
        edges=list(edges),
        nodes=[e.node for e in edges],
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
