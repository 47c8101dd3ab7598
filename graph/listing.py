"""Resolving list fields: one dealership's window, or a window across several dealerships."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from adapters.base import Page, Window
from adapters.errors import AdapterError, NotSupported
from adapters.models import RepairOrder as RepairOrderModel
from graph.context import Context, Info
from graph.errors import BadUserInput, GraphError, upstream_error
from graph.kinds import Kind
from graph.pagination import (
    Connection,
    connection_from_page,
    decode_cursor,
    encode_cursor,
    lazy_connection,
    window_for,
)
from graph.runtime import DealershipEntry
from graph.selection import selected_names
from graph.types.convert import to_node

T = TypeVar("T")


class FilterInput(Protocol):
    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> Any: ...


class FixedFilter:
    """A filter the graph sets itself (e.g. an account's payments), not a client input."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> Any:
        return self.value


def _primable(model: Any) -> bool:
    # A list item that lacks what the detail call has must not stand in for it.
    return not (isinstance(model, RepairOrderModel) and not model.lines_included)


async def fetch_page(
    ctx: Context,
    kind: Kind[Any, Any],
    entry: DealershipEntry,
    flt: FilterInput | None,
    window: Window,
) -> Page[Any]:
    adapter_filter = flt.to_adapter(ctx, entry) if flt is not None else kind.empty_filter
    try:
        page: Page[Any] = await kind.list(entry.adapter, entry.store_id, adapter_filter, window)
    except AdapterError as exc:
        raise upstream_error(exc, entry.id) from exc
    ctx.loaders[kind].prime_many(((entry.id, m.id), m) for m in page.items if _primable(m))
    return page


async def dealership_list(
    info: Info,
    entry: DealershipEntry,
    kind: Kind[Any, Any],
    graph_type: type[T],
    flt: FilterInput | None,
    first: int | None,
    after: str | None,
) -> Connection[T]:
    ctx = info.context
    server = ctx.runtime.server
    window = window_for(first, after, server.default_page_size, server.max_page_size)
    page = await fetch_page(ctx, kind, entry, flt, window)
    return connection_from_page(page, window, lambda m: to_node(graph_type, m, entry.id))


_EXHAUSTED = -1


async def _walk(
    ctx: Context,
    info: Info,
    stores: list[DealershipEntry],
    fetch: Callable[[DealershipEntry, int], Awaitable[Page[Any]]],
    limit: int,
    with_totals: bool,
) -> dict[str, Page[Any]]:
    """Each store's page for one window of the stores' lists concatenated in order.

    The window fills from the first store on, so later stores are read only while rows
    are still missing, in waves of 1, 2, 4... stores asked for the rows still missing:
    rows read follow ``first``, not stores x ``first``, and no store costs more than the
    one request it always cost. Where the total count is selected, every store is asked
    (for no rows, only its count, if the window is already full).
    """
    pages: dict[str, Page[Any]] = {}
    missing, at, wave = limit, 0, 1
    while at < len(stores) and (missing > 0 or with_totals):
        batch = stores[at : at + wave] if missing > 0 else stores[at:]
        outcomes = await asyncio.gather(*(fetch(e, missing) for e in batch), return_exceptions=True)
        for entry, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, GraphError):
                ctx.add_partial_error(outcome, info)
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                pages[entry.id] = outcome
        got = sum(len(pages[e.id].items) for e in batch if e.id in pages)
        missing = max(0, missing - got)
        at += len(batch)
        wave *= 2
    return pages


def _encode_offsets(offsets: dict[str, int]) -> str:
    return encode_cursor("m:" + ",".join(f"{d}={o}" for d, o in offsets.items()))


def _decode_offsets(after: str) -> dict[str, int]:
    payload = decode_cursor(after)
    if not payload.startswith("m:"):
        raise BadUserInput("after is not a cursor of this list", field="after")
    offsets: dict[str, int] = {}
    for part in filter(None, payload[2:].split(",")):
        dealer, _, offset = part.partition("=")
        try:
            offsets[dealer] = int(offset)
        except ValueError as exc:
            raise BadUserInput("after is not a cursor of this list", field="after") from exc
    return offsets


def selected_dealerships(
    ctx: Context, kind: Kind[Any, Any], dealership_ids: Sequence[str] | None
) -> tuple[list[DealershipEntry], list[DealershipEntry]]:
    """(dealerships to list, named ones whose DMS lacks the list).

    Without ``dealershipIds``, every visible dealership whose DMS has the list is used.
    """
    if dealership_ids is None:
        return [d for d in ctx.visible_dealerships() if kind.capability in d.capabilities], []
    chosen: list[DealershipEntry] = []
    for index, value in enumerate(dealership_ids):
        resolved = ctx.resolve_id(value)
        if resolved is None or resolved[0].type_name != "Dealership":
            raise BadUserInput(
                f"dealershipIds[{index}] is not a dealership you can see", field="dealershipIds"
            )
        if resolved[1] not in chosen:
            chosen.append(resolved[1])
    lacking = [d for d in chosen if kind.capability not in d.capabilities]
    return [d for d in chosen if d not in lacking], lacking


async def cross_dealership_list(
    info: Info,
    kind: Kind[Any, Any],
    graph_type: type[T],
    dealership_ids: Sequence[str] | None,
    flt: FilterInput | None,
    first: int | None,
    after: str | None,
) -> Connection[T]:
    """One window over several dealerships, concatenated in dealership order.

    The cursor carries one offset per dealership, so each is paged on its own and a store
    that failed is asked again on the next page. A failing store adds an error naming it
    and the others' rows still come back.
    """
    ctx = info.context
    server = ctx.runtime.server
    limit = window_for(first, None, server.default_page_size, server.max_page_size).limit
    entries, lacking = selected_dealerships(ctx, kind, dealership_ids)
    for entry in lacking:
        unsupported = NotSupported(entry.dms, kind.capability)
        ctx.add_partial_error(upstream_error(unsupported, entry.id), info)
    offsets = {e.id: 0 for e in entries}
    if after is not None:
        offsets.update({d: o for d, o in _decode_offsets(after).items() if d in offsets})
    active = [e for e in entries if offsets[e.id] != _EXHAUSTED]

    async def fetch(entry: DealershipEntry, rows: int) -> Page[Any]:
        return await fetch_page(ctx, kind, entry, flt, Window(offsets[entry.id], rows))

    async def count(entry: DealershipEntry, rows: int) -> Page[Any]:
        return await fetch_page(ctx, kind, entry, flt, Window(0, 0))

    with_totals = "total_count" in selected_names(info)
    # A store already read to its end still counts towards the total: it is asked its count.
    ended = [e for e in entries if offsets[e.id] == _EXHAUSTED] if with_totals else []
    pages, counts = await asyncio.gather(
        _walk(ctx, info, active, fetch, limit, with_totals),
        _walk(ctx, info, ended, count, 0, True),
    )
    nodes: list[Any] = []
    cursors = _MergedCursors(offsets)
    state = dict(offsets)
    for entry in active:
        page = pages.get(entry.id)
        if page is None:
            continue
        for i, model in enumerate(page.items):
            if len(nodes) >= limit:
                break
            consumed_all = i == len(page.items) - 1 and not page.has_next
            state[entry.id] = _EXHAUSTED if consumed_all else offsets[entry.id] + i + 1
            cursors.moved(entry.id, state[entry.id])
            cursors.row()
            nodes.append(to_node(graph_type, model, entry.id))
        else:
            if not page.items and not page.has_next:
                state[entry.id] = _EXHAUSTED
                cursors.moved(entry.id, _EXHAUSTED)
    # A store that failed or was not reached keeps its offset, so the next page asks it.
    has_next = any(state[e.id] != _EXHAUSTED for e in active)
    answered = pages | counts
    totals = [answered[e.id].total if e.id in answered else None for e in entries]
    total = sum(t for t in totals if t is not None) if all(t is not None for t in totals) else None
    return lazy_connection(
        nodes,
        cursors,
        has_next=has_next,
        has_previous=after is not None,
        total=total,
        resume=after,
    )


class _MergedCursors:
    """Each row's cursor is every store's offset just after that row. The walk records
    the offsets' moves and where each row falls among them; a cursor is encoded only
    when asked for (``edges`` or ``pageInfo``)."""

    def __init__(self, start: dict[str, int]) -> None:
        self.start = start
        self.moves: list[tuple[str, int]] = []
        self.rows: list[int] = []
        """Per row, how many moves its cursor includes."""

    def moved(self, dealer: str, offset: int) -> None:
        self.moves.append((dealer, offset))

    def row(self) -> None:
        self.rows.append(len(self.moves))

    def at(self, index: int) -> str:
        state = dict(self.start)
        state.update(self.moves[: self.rows[index]])
        return _encode_offsets(state)

    def all(self) -> list[str]:
        state, applied, cursors = dict(self.start), 0, []
        for upto in self.rows:
            state.update(self.moves[applied:upto])
            applied = upto
            cursors.append(_encode_offsets(state))
        return cursors
