"""Lists across dealerships (graph/listing.py), case by case over stores in memory: which
store is asked for how many rows (the vendor requests a page costs), what the cursor
records, which cursors are refused, which dealerships are listed, and how one store's page
is read and its rows handed to the detail loader."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.base import Capability, Page, Window
from adapters.errors import UpstreamUnavailable
from adapters.models import Dms, RepairOrder
from graph import listing
from graph.errors import BadUserInput, GraphError
from graph.ids import encode_global_id
from graph.pagination import Connection, decode_cursor, encode_cursor

MAX_PAGE, DEFAULT_PAGE = 12, 5
Call = tuple[str, int, int]


@dataclass
class Stores:
    """Each store a list in memory; ``calls`` records every (store, offset, limit) asked."""

    sizes: dict[str, int]
    calls: list[Call] = field(default_factory=list)
    errors: list[GraphError] = field(default_factory=list)
    failing: dict[str, BaseException] = field(default_factory=dict)

    async def fetch(self, ctx: Any, kind: Any, entry: Any, flt: Any, window: Window) -> Page[str]:
        self.calls.append((entry.id, window.offset, window.limit))
        if entry.id in self.failing:
            raise self.failing[entry.id]
        rows = [f"{entry.id}-{i}" for i in range(self.sizes[entry.id])]
        end = window.offset + window.limit
        return Page(rows[window.offset : end], len(rows), end < len(rows))


def cross_page(
    stores: Stores, first: int | None, after: str | None = None, *, totals: bool = False
) -> Connection[Any]:
    entries = [SimpleNamespace(id=store) for store in stores.sizes]
    context = SimpleNamespace(
        runtime=SimpleNamespace(
            server=SimpleNamespace(default_page_size=DEFAULT_PAGE, max_page_size=MAX_PAGE)
        ),
        add_partial_error=lambda error, info: stores.errors.append(error),
    )
    selected = frozenset({"nodes", "total_count"} if totals else {"nodes"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listing, "fetch_page", stores.fetch)
        patch.setattr(listing, "selected_dealerships", lambda ctx, kind, ids: (entries, []))
        patch.setattr(listing, "selected_names", lambda info: selected)
        patch.setattr(listing, "to_node", lambda graph_type, model, dealer: model)
        return asyncio.run(
            listing.cross_dealership_list(
                SimpleNamespace(context=context),  # type: ignore[arg-type]
                None,  # type: ignore[arg-type]
                object,
                None,
                None,
                first,
                after,
            )
        )


def offsets(cursor: str | None) -> str:
    assert cursor is not None
    return decode_cursor(cursor)


SIZES = {"s0": 1, "s1": 0, "s2": 1, "s3": 5, "s4": 5, "s5": 0, "s6": 0, "s7": 3}


def test_stores_are_asked_in_waves_of_one_two_four_for_the_rows_still_missing() -> None:
    stores = Stores(dict(SIZES))
    page = cross_page(stores, 4)
    assert stores.calls == [
        ("s0", 0, 4),
        ("s1", 0, 3),
        ("s2", 0, 3),
        ("s3", 0, 2),
        ("s4", 0, 2),
        ("s5", 0, 2),
        ("s6", 0, 2),
    ], "s7 is not asked: the window is full"
    assert page.nodes == ["s0-0", "s2-0", "s3-0", "s3-1"]
    assert page.page_info.has_next_page is True
    assert page.page_info.has_previous_page is False
    assert page.total_count is None, "s7 was not asked its count"
    # The cursor is the offsets just after the last row: s4 (read, nothing taken), s5 and s6
    # (found empty after it) and s7 (not asked) stay at 0.
    assert offsets(page.page_info.end_cursor) == "m:s0=-1,s1=-1,s2=-1,s3=2,s4=0,s5=0,s6=0,s7=0"
    assert [offsets(e.cursor) for e in page.edges] == [
        "m:s0=-1,s1=0,s2=0,s3=0,s4=0,s5=0,s6=0,s7=0",
        "m:s0=-1,s1=-1,s2=-1,s3=0,s4=0,s5=0,s6=0,s7=0",
        "m:s0=-1,s1=-1,s2=-1,s3=1,s4=0,s5=0,s6=0,s7=0",
        "m:s0=-1,s1=-1,s2=-1,s3=2,s4=0,s5=0,s6=0,s7=0",
    ]
    assert offsets(page.page_info.start_cursor) == offsets(page.edges[0].cursor)


def test_the_next_page_asks_only_the_stores_not_read_to_their_end_from_their_offsets() -> None:
    stores = Stores(dict(SIZES))
    after = cross_page(stores, 4).page_info.end_cursor
    stores.calls.clear()
    page = cross_page(stores, 4, after)
    assert stores.calls == [("s3", 2, 4), ("s4", 0, 1), ("s5", 0, 1)]
    assert page.nodes == ["s3-2", "s3-3", "s3-4", "s4-0"]
    assert page.page_info.has_previous_page is True
    assert offsets(page.page_info.end_cursor) == "m:s0=-1,s1=-1,s2=-1,s3=-1,s4=1,s5=0,s6=0,s7=0"


def test_with_the_total_selected_every_store_is_asked_and_ended_ones_only_their_count() -> None:
    stores = Stores(dict(SIZES))
    first = cross_page(stores, 4, totals=True)
    assert first.total_count == 15
    assert stores.calls[-1] == ("s7", 0, 0), "the window was full: s7 is asked its count only"
    stores.calls.clear()
    second = cross_page(stores, 4, first.page_info.end_cursor, totals=True)
    assert second.total_count == 15
    asked = sorted(stores.calls)
    assert asked == sorted(
        [("s3", 2, 4), ("s4", 0, 1), ("s5", 0, 1)]
        + [(s, 0, 0) for s in ("s6", "s7", "s0", "s1", "s2")]
    )


def test_the_last_page_has_no_next_and_every_store_ended() -> None:
    stores = Stores({"a": 2, "b": 1})
    page = cross_page(stores, 5, totals=True)
    assert page.nodes == ["a-0", "a-1", "b-0"]
    assert page.page_info.has_next_page is False
    assert page.total_count == 3
    assert offsets(page.page_info.end_cursor) == "m:a=-1,b=-1"
    assert stores.calls == [("a", 0, 5), ("b", 0, 3)]


def test_a_full_window_ending_exactly_at_a_stores_last_row_marks_it_ended() -> None:
    stores = Stores({"a": 2, "b": 2})
    page = cross_page(stores, 2)
    assert page.nodes == ["a-0", "a-1"]
    assert offsets(page.page_info.end_cursor) == "m:a=-1,b=0"
    assert page.page_info.has_next_page is True


def test_first_defaults_to_the_servers_page_size() -> None:
    stores = Stores({"a": 9})
    assert len(cross_page(stores, None).nodes) == DEFAULT_PAGE
    assert stores.calls == [("a", 0, DEFAULT_PAGE)]


def test_a_store_that_fails_adds_an_error_and_keeps_its_offset() -> None:
    down = GraphError("b is down", code="UPSTREAM_UNAVAILABLE")
    stores = Stores({"a": 1, "b": 3, "c": 1}, failing={"b": down})
    page = cross_page(stores, 5, totals=True)
    assert page.nodes == ["a-0", "c-0"]
    assert stores.errors == [down]
    assert page.total_count is None
    assert page.page_info.has_next_page is True
    assert offsets(page.page_info.end_cursor) == "m:a=-1,b=0,c=-1"


def test_a_fault_that_is_not_a_graph_error_is_raised() -> None:
    stores = Stores({"a": 1, "b": 1}, failing={"b": RuntimeError("a bug")})
    with pytest.raises(RuntimeError, match="a bug"):
        cross_page(stores, 5)


@pytest.mark.parametrize(
    "payload", ["5", "s:a=1", "m:a=1,b=x", "m:a"], ids=["single", "tag", "offset", "no-offset"]
)
def test_a_cursor_of_another_list_is_refused(payload: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        cross_page(Stores({"a": 3}), 2, encode_cursor(payload))
    assert refused.value.message == "after is not a cursor of this list"
    assert refused.value.extensions == {"code": "BAD_USER_INPUT", "field": "after"}


def test_a_cursor_naming_other_or_no_stores_starts_those_stores_from_the_top() -> None:
    stores = Stores({"a": 3, "b": 1})
    page = cross_page(stores, 2, encode_cursor("m:,gone=7,a=1,"))
    assert page.nodes == ["a-1", "a-2"]
    assert stores.calls == [("a", 1, 2)]
    assert offsets(page.page_info.end_cursor) == "m:a=-1,b=0"


# --- which dealerships ---------------------------------------------------------------


def _entry(id: str, *capabilities: Capability) -> Any:
    return SimpleNamespace(id=id, dms=Dms.AUTOSYNC, capabilities=capabilities)


class Visible:
    def __init__(self, *entries: Any) -> None:
        self.entries = {e.id: e for e in entries}

    def visible_dealerships(self) -> list[Any]:
        return list(self.entries.values())

    def resolve_id(self, value: str) -> Any:
        type_name, _, dealer = value.partition(":")
        entry = self.entries.get(dealer)
        return None if entry is None else (SimpleNamespace(type_name=type_name), entry)


KIND = SimpleNamespace(capability=Capability.REPAIR_ORDERS)


def test_without_ids_every_visible_dealership_with_the_list_is_used() -> None:
    a, b, c = (
        _entry("a", Capability.REPAIR_ORDERS),
        _entry("b"),
        _entry("c", Capability.REPAIR_ORDERS),
    )
    assert listing.selected_dealerships(Visible(a, b, c), KIND, None) == ([a, c], [])  # type: ignore[arg-type]


def test_named_dealerships_keep_their_order_once_each_and_those_lacking_the_list_are_named() -> (
    None
):
    a, b, c = (
        _entry("a", Capability.REPAIR_ORDERS),
        _entry("b"),
        _entry("c", Capability.REPAIR_ORDERS),
    )
    ids = ["Dealership:c", "Dealership:b", "Dealership:c", "Dealership:a"]
    chosen, lacking = listing.selected_dealerships(Visible(a, b, c), KIND, ids)  # type: ignore[arg-type]
    assert (chosen, lacking) == ([c, a], [b])


@pytest.mark.parametrize("bad", ["Dealership:nobody", "Vehicle:a"])
def test_an_id_that_is_not_a_visible_dealership_is_refused_by_position(bad: str) -> None:
    visible = Visible(_entry("a", Capability.REPAIR_ORDERS))
    with pytest.raises(BadUserInput) as refused:
        listing.selected_dealerships(visible, KIND, ["Dealership:a", bad])  # type: ignore[arg-type]
    assert refused.value.message == "dealershipIds[1] is not a dealership you can see"
    assert refused.value.extensions == {"code": "BAD_USER_INPUT", "field": "dealershipIds"}


def test_a_named_dealership_lacking_the_list_adds_an_error_naming_it() -> None:
    stores = Stores({"a": 1})
    lacking = SimpleNamespace(id="b", dms=Dms.AUTOSYNC)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            listing,
            "selected_dealerships",
            lambda ctx, kind, ids: ([SimpleNamespace(id="a")], [lacking]),
        )
        patch.setattr(listing, "fetch_page", stores.fetch)
        patch.setattr(listing, "selected_names", lambda info: frozenset({"nodes"}))
        patch.setattr(listing, "to_node", lambda graph_type, model, dealer: model)
        context = SimpleNamespace(
            runtime=SimpleNamespace(server=SimpleNamespace(default_page_size=5, max_page_size=9)),
            add_partial_error=lambda error, info: stores.errors.append(error),
        )
        page = asyncio.run(
            listing.cross_dealership_list(
                SimpleNamespace(context=context),  # type: ignore[arg-type]
                KIND,  # type: ignore[arg-type]
                object,
                ["x"],
                None,
                None,
                None,
            )
        )
    assert page.nodes == ["a-0"]
    (error,) = stores.errors
    assert error.extensions == {
        "code": "NOT_SUPPORTED_BY_DMS",
        "dealershipId": encode_global_id("Dealership", "b", "b"),
    }
    assert error.message == "autosync has no repairOrders list; see its capabilities"


# --- one store's page ----------------------------------------------------------------


class Loader:
    def __init__(self) -> None:
        self.primed: dict[Any, Any] = {}

    def prime_many(self, items: Any) -> None:
        self.primed.update(items)


class Adapter:
    def __init__(self, page: Page[Any] | None = None, error: Exception | None = None) -> None:
        self.page, self.error = page, error
        self.asked: list[tuple[Any, Any, Window]] = []


def _kind(adapter_filter: Any = "everything") -> Any:
    async def list_(adapter: Adapter, store: Any, flt: Any, window: Window) -> Page[Any]:
        adapter.asked.append((store, flt, window))
        if adapter.error is not None:
            raise adapter.error
        assert adapter.page is not None
        return adapter.page

    class FakeKind:  # hashable, as the loaders are keyed by kind
        empty_filter = adapter_filter
        list = staticmethod(list_)

    return FakeKind()


def test_a_page_primes_the_detail_loader_with_its_rows_but_not_repair_orders_without_lines() -> (
    None
):
    kind = _kind()
    whole = RepairOrder.model_construct(id="ro-1", lines_included=True)
    partial = RepairOrder.model_construct(id="ro-2", lines_included=False)
    other = SimpleNamespace(id="v-1")
    adapter = Adapter(Page([whole, partial, other], 3, False))
    loader = Loader()
    ctx = SimpleNamespace(loaders={kind: loader})
    entry = SimpleNamespace(id="d1", adapter=adapter, store_id="st-9")
    page = asyncio.run(listing.fetch_page(ctx, kind, entry, None, Window(4, 3)))  # type: ignore[arg-type]
    assert page.items == [whole, partial, other]
    assert adapter.asked == [("st-9", "everything", Window(4, 3))]
    assert loader.primed == {("d1", "ro-1"): whole, ("d1", "v-1"): other}


class StoreFilter:
    """A client's filter, which each store's adapter reads in its own terms."""

    def to_adapter(self, ctx: Any, entry: Any) -> Any:
        return (ctx.name, entry.id)


def test_a_page_is_read_with_the_filter_given_in_the_stores_terms() -> None:
    kind = _kind()
    adapter = Adapter(Page([], 0, False))
    ctx = SimpleNamespace(name="ctx", loaders={kind: Loader()})
    entry = SimpleNamespace(id="d1", adapter=adapter, store_id=None)
    asyncio.run(listing.fetch_page(ctx, kind, entry, StoreFilter(), Window(0, 2)))  # type: ignore[arg-type]
    fixed = listing.FixedFilter({"account": "a-1"})
    asyncio.run(listing.fetch_page(ctx, kind, entry, fixed, Window(0, 2)))  # type: ignore[arg-type]
    assert adapter.asked == [
        (None, ("ctx", "d1"), Window(0, 2)),
        (None, {"account": "a-1"}, Window(0, 2)),
    ]


def test_an_adapter_failure_becomes_an_error_naming_the_dealership() -> None:
    kind = _kind()
    adapter = Adapter(error=UpstreamUnavailable("connection refused"))
    ctx = SimpleNamespace(loaders={kind: Loader()})
    entry = SimpleNamespace(id="d1", adapter=adapter, store_id=None)
    with pytest.raises(GraphError) as failed:
        asyncio.run(listing.fetch_page(ctx, kind, entry, None, Window(0, 2)))  # type: ignore[arg-type]
    assert failed.value.message == "connection refused"
    assert failed.value.extensions == {
        "code": "UPSTREAM_UNAVAILABLE",
        "dealershipId": encode_global_id("Dealership", "d1", "d1"),
    }
    assert isinstance(failed.value.__cause__, UpstreamUnavailable)


def test_one_dealerships_list_reads_the_window_first_and_after_ask() -> None:
    kind = _kind()
    rows = [SimpleNamespace(id="r3"), SimpleNamespace(id="r4")]
    adapter = Adapter(Page(rows, 10, True))
    ctx = SimpleNamespace(
        name="ctx",
        loaders={kind: Loader()},
        runtime=SimpleNamespace(server=SimpleNamespace(default_page_size=5, max_page_size=9)),
    )
    entry = SimpleNamespace(id="d1", adapter=adapter, store_id="st")
    info = SimpleNamespace(context=ctx)
    flt = StoreFilter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listing, "to_node", lambda graph_type, model, dealer: (dealer, model))
        page = asyncio.run(
            listing.dealership_list(info, entry, kind, object, flt, 2, encode_cursor("2"))  # type: ignore[arg-type]
        )
        asyncio.run(listing.dealership_list(info, entry, kind, object, None, None, None))  # type: ignore[arg-type]
    assert adapter.asked == [
        ("st", ("ctx", "d1"), Window(3, 2)),
        ("st", "everything", Window(0, 5)),
    ]
    assert page.nodes == [("d1", rows[0]), ("d1", rows[1])]
    assert (page.total_count, page.page_info.has_next_page) == (10, True)
    assert page.page_info.end_cursor == encode_cursor("4")
    with pytest.raises(BadUserInput):
        asyncio.run(listing.dealership_list(info, entry, kind, object, None, 10, None))  # type: ignore[arg-type]


def test_every_store_read_gets_the_requests_context_kind_and_filter() -> None:
    """What reaches the store reads, the dealership choice and the error list is the
    request's own: its context, the list's kind, the client's filter and ``info``."""
    seen: list[tuple[str, Any]] = []
    kind, flt, ids = object(), StoreFilter(), ["d:a", "d:b"]
    down = GraphError("b is down", code="UPSTREAM_UNAVAILABLE")

    async def fetch(ctx: Any, kind_: Any, entry: Any, flt_: Any, window: Window) -> Page[str]:
        seen.append(("fetch", (ctx, kind_, flt_, window.limit)))
        if entry.id == "b":
            raise down
        return Page([f"{entry.id}-0"], 1, False)

    def choose(ctx: Any, kind_: Any, given: Any) -> Any:
        seen.append(("choose", (ctx, kind_, given)))
        return [SimpleNamespace(id="a"), SimpleNamespace(id="b")], []

    context = SimpleNamespace(
        runtime=SimpleNamespace(server=SimpleNamespace(default_page_size=5, max_page_size=9)),
        add_partial_error=lambda error, where: seen.append(("error", (error, where))),
    )
    info = SimpleNamespace(context=context)

    def names(where: Any) -> frozenset[str]:
        seen.append(("names", where))
        return frozenset({"nodes", "total_count"})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listing, "fetch_page", fetch)
        patch.setattr(listing, "selected_dealerships", choose)
        patch.setattr(listing, "selected_names", names)
        patch.setattr(listing, "to_node", lambda graph_type, model, dealer: model)
        first = asyncio.run(listing.cross_dealership_list(info, kind, object, ids, flt, 5, None))  # type: ignore[arg-type]
        cursor = encode_cursor("m:a=-1,b=0")
        asyncio.run(listing.cross_dealership_list(info, kind, object, ids, flt, 5, cursor))  # type: ignore[arg-type]
    assert first.nodes == ["a-0"]
    assert seen[:2] == [("choose", (context, kind, ids)), ("names", info)]
    assert ("fetch", (context, kind, flt, 5)) in seen
    assert ("fetch", (context, kind, flt, 0)) in seen, "the ended store asked its count"
    assert ("error", (down, info)) in seen


def test_the_count_only_reads_after_a_full_window_go_out_together() -> None:
    in_flight, most = 0, 0

    async def fetch(ctx: Any, kind: Any, entry: Any, flt: Any, window: Window) -> Page[str]:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0)
        in_flight -= 1
        return Page([f"{entry.id}-0"][: window.limit], 1, window.limit < 1)

    stores = Stores({f"s{i}": 1 for i in range(6)})
    stores.fetch = fetch  # type: ignore[method-assign]
    page = cross_page(stores, 1, None, totals=True)
    assert page.nodes == ["s0-0"] and page.total_count == 6
    assert most == 5, "s1..s5 asked their counts in one wave"
