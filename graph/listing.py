"""Resolving list fields: one dealership's window, or a window across several dealerships."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol

from adapters.base import Page, Window
from adapters.errors import AdapterError, NotSupported
from adapters.models import RepairOrder as RepairOrderModel
from graph.context import Context, Info
from graph.errors import BadUserInput, GraphError, upstream_error
from graph.pagination import (
    Connection,
    Edge,
    connection_from_edges,
    connection_from_page,
    decode_cursor,
    encode_cursor,
    window_for,
)
from graph.runtime import DealershipEntry
from graph.types.convert import to_node
from graph.types.kinds import KIND_BY_NAME, Kind


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


async def _fetch(
    ctx: Context, kind: Kind, entry: DealershipEntry, flt: FilterInput | None, window: Window
) -> Page[Any]:
    adapter_filter = flt.to_adapter(ctx, entry) if flt is not None else kind.empty_filter
    method = getattr(entry.adapter, f"list_{kind.name}")
    try:
        page: Page[Any] = await method(entry.store_id, adapter_filter, window)
    except AdapterError as exc:
        raise upstream_error(exc, entry.id) from exc
    loader = ctx.loaders[kind.name]
    for model in page.items:
        if _primable(model):
            loader.prime((entry.id, model.id), model)
    return page


async def dealership_list(
    info: Info,
    entry: DealershipEntry,
    kind_name: str,
    flt: FilterInput | None,
    first: int | None,
    after: str | None,
) -> Connection[Any]:
    ctx = info.context
    kind = KIND_BY_NAME[kind_name]
    server = ctx.runtime.server
    window = window_for(first, after, server.default_page_size, server.max_page_size)
    page = await _fetch(ctx, kind, entry, flt, window)
    return connection_from_page(page, window, lambda m: to_node(kind.graph_type, m, entry.id))


_EXHAUSTED = -1


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
    ctx: Context, kind: Kind, dealership_ids: Sequence[str] | None
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
    kind_name: str,
    dealership_ids: Sequence[str] | None,
    flt: FilterInput | None,
    first: int | None,
    after: str | None,
) -> Connection[Any]:
    """One window over several dealerships, concatenated in dealership order.

    The cursor carries one offset per dealership, so each is paged on its own and a store
    that failed is asked again on the next page. A failing store adds an error naming it
    and the others' rows still come back.
    """
    ctx = info.context
    kind = KIND_BY_NAME[kind_name]
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

    async def fetch(entry: DealershipEntry) -> Page[Any]:
        return await _fetch(ctx, kind, entry, flt, Window(offsets[entry.id], limit))

    outcomes = await asyncio.gather(*(fetch(e) for e in active), return_exceptions=True)
    pages: dict[str, Page[Any]] = {}
    for entry, outcome in zip(active, outcomes, strict=True):
        if isinstance(outcome, GraphError):
            ctx.add_partial_error(outcome, info)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            pages[entry.id] = outcome

    edges: list[Edge[Any]] = []
    state = dict(offsets)
    for entry in active:
        page = pages.get(entry.id)
        if page is None:
            continue
        for i, model in enumerate(page.items):
            if len(edges) >= limit:
                break
            consumed_all = i == len(page.items) - 1 and not page.has_next
            state[entry.id] = _EXHAUSTED if consumed_all else offsets[entry.id] + i + 1
            edges.append(
                Edge(
                    cursor=_encode_offsets(state),
                    node=to_node(kind.graph_type, model, entry.id),
                )
            )
        else:
            if not page.items and not page.has_next:
                state[entry.id] = _EXHAUSTED
    # A store that failed keeps its offset, so the next page asks it again.
    has_next = any(state[e.id] != _EXHAUSTED for e in active)
    totals = [pages[e.id].total for e in active if e.id in pages]
    total = sum(t for t in totals if t is not None) if all(t is not None for t in totals) else None
    return connection_from_edges(
        edges, has_next=has_next, has_previous=after is not None, total=total
    )
