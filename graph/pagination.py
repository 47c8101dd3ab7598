"""Relay cursor connections over the adapters' offset windows."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar, cast, overload

import strawberry

from adapters.base import Page, Window
from graph.errors import BadUserInput

N = TypeVar("N")


@strawberry.federation.type(shareable=True)
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


class Cursors(Protocol):
    """A page's cursors, computed on demand: most queries select ``nodes`` only."""

    def at(self, index: int) -> str: ...

    def all(self) -> list[str]: ...


class LazyEdges(Sequence[Edge[N]]):
    """A page's edges, built (cursors and all) when something first reads them; the
    executor reads them only when the query selects ``edges``."""

    __slots__ = ("_cursors", "_edges", "_nodes")

    def __init__(self, nodes: list[N], cursors: Cursors) -> None:
        self._nodes = nodes
        self._cursors = cursors
        self._edges: list[Edge[N]] | None = None

    def _built(self) -> list[Edge[N]]:
        if self._edges is None:
            cursors = self._cursors.all()
            self._edges = [
                Edge(cursor=c, node=n) for c, n in zip(cursors, self._nodes, strict=True)
            ]
        return self._edges

    @overload
    def __getitem__(self, index: int) -> Edge[N]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Edge[N]]: ...
    def __getitem__(self, index: int | slice) -> Edge[N] | Sequence[Edge[N]]:
        return self._built()[index]

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Edge[N]]:
        return iter(self._built())


def lazy_connection(
    nodes: list[N],
    cursors: Cursors,
    *,
    has_next: bool,
    has_previous: bool,
    total: int | None,
    resume: str | None = None,
) -> Connection[N]:
    """A connection whose edges are built only if read; the page's first and last cursors
    (``pageInfo``) are computed now, as two cursors cost next to nothing. An empty page
    that still has a next one (every store asked failed this time) ends at ``resume``, the
    ``after`` it was asked with, so a client that follows ``endCursor`` asks again from
    there instead of from the start."""
    return Connection(
        edges=cast(list[Edge[N]], LazyEdges(nodes, cursors)),
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors.at(0) if nodes else None,
            end_cursor=cursors.at(len(nodes) - 1) if nodes else (resume if has_next else None),
        ),
        total_count=total,
    )


class _OffsetCursors:
    """Cursors of one store's window: the row's offset in the list."""

    def __init__(self, offset: int, count: int) -> None:
        self.offset = offset
        self.count = count

    def at(self, index: int) -> str:
        return encode_cursor(str(self.offset + index))

    def all(self) -> list[str]:
        return [encode_cursor(str(self.offset + i)) for i in range(self.count)]


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
    return lazy_connection(
        nodes,
        _OffsetCursors(window.offset, len(nodes)),
        has_next=page.has_next,
        has_previous=window.offset > 0,
        total=page.total,
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
