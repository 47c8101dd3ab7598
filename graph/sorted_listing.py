"""Lists sorted (vehicles also filtered by price, year and mileage ranges), across stores.

No vendor page offers a sort order or range filters, so such a list is read whole from
each store (the filters the vendor does take pushed down), narrowed and sorted here, and
windowed by position: the cursor is the row's place in the sorted list, and
``totalCount`` is the list's length, the same on every page. Rows whose sort value is
unknown come last in either direction; ties keep the dealerships' order, then each store's.

Cost: every page of each store's (pushed-down) list, up to ``max_sorted_rows`` rows per
store (more is refused for that store: narrow the filter). The response cache keeps those
pages, so the next pages of the same list within a minute cost no vendor request.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import strawberry

from adapters.base import Window
from adapters.errors import NotSupported
from adapters.models import InventoryVehicle as VehicleModel
from graph.context import Info
from graph.errors import BadUserInput, GraphError, dealership_error, upstream_error
from graph.kinds import VEHICLES, Kind
from graph.listing import FilterInput, fetch_page, selected_dealerships
from graph.pagination import Connection, decode_cursor, encode_cursor, lazy_connection
from graph.runtime import DealershipEntry
from graph.types.convert import to_node

SCAN_PAGE = 100
T = TypeVar("T")


@strawberry.enum(description="What a vehicle list is sorted by.")
class VehicleOrderField(Enum):
    PRICE = "price"
    """The asking price."""
    YEAR = "year"
    MILEAGE = "mileage"
    DAYS_IN_STOCK = "days_in_stock"
    UPDATED_AT = "updated_at"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="Rows with no value for the field come last either way.")
class VehicleOrder:
    field: VehicleOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="What a repair order list is sorted by.")
class RepairOrderOrderField(Enum):
    OPENED_AT = "opened_at"
    PROMISED_AT = "promised_at"
    GRAND_TOTAL = "totals.grand_total"
    UPDATED_AT = "updated_at"


@strawberry.input(description="Rows with no value for the field come last either way.")
class RepairOrderOrder:
    field: RepairOrderOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="What an appointment list is sorted by.")
class AppointmentOrderField(Enum):
    STARTS_AT = "starts_at"


@strawberry.input(description="Rows with no value for the field come last either way.")
class AppointmentOrder:
    field: AppointmentOrderField = AppointmentOrderField.STARTS_AT
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="What a deal list is sorted by.")
class DealOrderField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="Rows with no value for the field come last either way.")
class DealOrder:
    field: DealOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="What a payment list is sorted by.")
class PaymentOrderField(Enum):
    RECEIVED_AT = "received_at"
    AMOUNT = "amount"


@strawberry.input(description="Rows with no value for the field come last either way.")
class PaymentOrder:
    field: PaymentOrderField = PaymentOrderField.RECEIVED_AT
    direction: OrderDirection = OrderDirection.DESC


OrderInput = RepairOrderOrder | AppointmentOrder | DealOrder | PaymentOrder


def _attribute(path: str) -> Callable[[Any], Any]:
    """The value at a dotted model path, None where a step is missing."""
    steps = path.split(".")

    def read(model: Any) -> Any:
        value = model
        for step in steps:
            value = getattr(value, step, None)
            if value is None:
                return None
        return value

    return read


async def ordered_list(
    info: Info,
    kind: Kind[Any, Any],
    graph_type: type[T],
    dealership_ids: Sequence[str] | None,
    flt: FilterInput | None,
    order: OrderInput,
    first: int | None,
    after: str | None,
) -> Connection[T]:
    """A repair order, appointment or deal list in the order asked (``sorted_list``)."""
    return await sorted_list(
        info,
        kind,
        graph_type,
        dealership_ids,
        flt,
        first,
        after,
        key=_attribute(order.field.value),
        descending=order.direction is OrderDirection.DESC,
    )


def _key(field: VehicleOrderField, today: datetime.date) -> Callable[[VehicleModel], Any]:
    if field is VehicleOrderField.PRICE:
        return lambda v: v.asking_price
    if field is VehicleOrderField.YEAR:
        return lambda v: v.year
    if field is VehicleOrderField.MILEAGE:
        return lambda v: v.mileage
    if field is VehicleOrderField.UPDATED_AT:
        return lambda v: v.updated_at
    # Days in stock grow as the acquisition date recedes.
    return lambda v: (today - v.acquired_on).days if v.acquired_on else None


@dataclass(frozen=True, slots=True)
class VehicleRanges:
    """A vehicle filter's ranges (checked here: no DMS filters by them)."""

    min_price: Decimal | None = None
    max_price: Decimal | None = None
    min_year: int | None = None
    max_year: int | None = None
    min_mileage: int | None = None
    max_mileage: int | None = None

    def admits(self, v: VehicleModel) -> bool:
        bounds = (
            (v.asking_price, self.min_price, self.max_price),
            (v.year, self.min_year, self.max_year),
            (v.mileage, self.min_mileage, self.max_mileage),
        )
        for value, low, high in bounds:
            if (low is not None or high is not None) and value is None:
                return False  # a range cannot be met by an unknown value
            if low is not None and value < low:
                return False
            if high is not None and value > high:
                return False
        return True

    def given(self) -> bool:
        return any(
            x is not None
            for x in (
                self.min_price,
                self.max_price,
                self.min_year,
                self.max_year,
                self.min_mileage,
                self.max_mileage,
            )
        )


def _position(after: str | None) -> int:
    if after is None:
        return 0
    payload = decode_cursor(after)
    if not payload.startswith("s:") or not payload[2:].isdigit():
        raise BadUserInput("after is not a cursor of this list", field="after")
    return int(payload[2:]) + 1


class _PositionCursors:
    def __init__(self, start: int, count: int) -> None:
        self.start, self.count = start, count

    def at(self, index: int) -> str:
        return encode_cursor(f"s:{self.start + index}")

    def all(self) -> list[str]:
        return [self.at(i) for i in range(self.count)]


async def _everything(
    info: Info, kind: Kind[Any, Any], entry: DealershipEntry, flt: FilterInput | None, cap: int
) -> list[Any]:
    rows: list[Any] = []
    while True:
        page = await fetch_page(info.context, kind, entry, flt, Window(len(rows), SCAN_PAGE))
        rows += page.items
        if len(rows) > cap:
            raise dealership_error(
                f"more than {cap} {kind.name} match at {entry.name!r} to sort or range-check;"
                " narrow the filter",
                "TOO_MANY_ROWS",
                entry.id,
            )
        if not page.has_next or not page.items:
            return rows


async def sorted_vehicles(
    info: Info,
    graph_type: type[T],
    dealership_ids: Sequence[str] | None,
    flt: FilterInput | None,
    ranges: VehicleRanges | None,
    order: VehicleOrder | None,
    first: int | None,
    after: str | None,
) -> Connection[T]:
    key = _key(order.field, info.context.runtime.today()) if order is not None else None
    descending = order is not None and order.direction is OrderDirection.DESC
    return await sorted_list(
        info,
        VEHICLES,
        graph_type,
        dealership_ids,
        flt,
        first,
        after,
        admits=ranges.admits if ranges is not None else None,
        key=key,
        descending=descending,
    )


async def sorted_list(
    info: Info,
    kind: Kind[Any, Any],
    graph_type: type[T],
    dealership_ids: Sequence[str] | None,
    flt: FilterInput | None,
    first: int | None,
    after: str | None,
    *,
    admits: Callable[[Any], bool] | None = None,
    key: Callable[[Any], Any] | None = None,
    descending: bool = False,
) -> Connection[T]:
    """Any kind's list read whole from each store, narrowed by ``admits``, ordered by
    ``key`` (rows without a value last) and windowed by position."""
    ctx = info.context
    server = ctx.runtime.server
    limit = server.default_page_size if first is None else first
    if not 0 <= limit <= server.max_page_size:
        raise BadUserInput(f"first must be between 0 and {server.max_page_size}", field="first")
    start = _position(after)
    entries, lacking = selected_dealerships(ctx, kind, dealership_ids)
    for entry in lacking:
        unsupported = NotSupported(entry.dms, kind.capability)
        ctx.add_partial_error(upstream_error(unsupported, entry.id), info)
    found = await asyncio.gather(
        *(_everything(info, kind, e, flt, server.max_sorted_rows) for e in entries),
        return_exceptions=True,
    )
    rows: list[tuple[DealershipEntry, Any]] = []
    complete = True
    for entry, outcome in zip(entries, found, strict=True):
        if isinstance(outcome, GraphError):
            ctx.add_partial_error(outcome, info)
            complete = False
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            rows += [(entry, v) for v in outcome if admits is None or admits(v)]
    if key is not None:
        known = [r for r in rows if key(r[1]) is not None]
        unknown = [r for r in rows if key(r[1]) is None]
        # A stable sort: ties keep the dealerships' order, then each store's own.
        known.sort(key=lambda r: key(r[1]), reverse=descending)
        rows = known + unknown
    window = rows[start : start + limit]
    nodes = [to_node(graph_type, v, entry.id) for entry, v in window]
    return lazy_connection(
        nodes,
        _PositionCursors(start, len(nodes)),
        has_next=start + limit < len(rows) or not complete,
        has_previous=start > 0,
        total=len(rows) if complete else None,
        resume=after,
    )
