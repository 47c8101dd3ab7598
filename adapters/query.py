"""Turning a canonical filter into vendor query parameters plus local checks.

Whatever the vendor can filter is pushed down as a parameter (fewer rows on the wire, the
vendor's total stays exact); whatever it cannot becomes a check on mapped rows, which makes
the listing a scan (``paging.read_window`` with a predicate).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Generic, TypeVar

from adapters.base import EmployeeFilter, RepairOrderFilter, VehicleFilter
from adapters.models import Employee, InventoryVehicle, RepairOrder

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


def format_param(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


class Query(Generic[T]):
    def __init__(self) -> None:
        self.params: dict[str, str] = {}
        self.impossible = False
        """The filter can match nothing this vendor holds: answer empty without a call."""
        self._checks: list[Callable[[T], bool]] = []
        self._split: tuple[str, list[str]] | None = None

    def param(self, name: str, value: object) -> None:
        if value is not None:
            self.params[name] = format_param(value)

    def check(self, check: Callable[[T], bool]) -> None:
        self._checks.append(check)

    def never(self) -> None:
        self.impossible = True

    def enum(
        self,
        name: str | None,
        wanted: frozenset[E] | None,
        vendor_values: Mapping[str, E],
        get: Callable[[T], E],
        fallback: E,
    ) -> None:
        """A set of normalized values; ``vendor_values`` maps raw vendor values onto them.

        Pushed down when exactly one raw value matches (vendors take one value per
        parameter); split into one vendor query per raw value when several do (the first
        such set of a query; a second one is checked locally); checked locally when the
        vendor has no such parameter
        (``name`` None), or when ``fallback`` is wanted (unrecognised raw values land
        there, and no parameter can ask for "anything we do not know").
        """
        if wanted is None:
            return
        if name is None or fallback in wanted:
            self.check(lambda row: get(row) in wanted)
            return
        raw = [value for value, normal in vendor_values.items() if normal in wanted]
        if not raw:
            self.never()
        elif len(raw) == 1:
            self.params[name] = raw[0]
        elif self._split is None:
            # One vendor query per raw value costs a request per value, whatever the
            # store's size; a local check would scan every page of the list.
            self._split = (name, raw)
        else:
            self.check(lambda row: get(row) in wanted)

    def alternatives(self) -> list[dict[str, str]]:
        """The vendor queries whose answers, concatenated, are this query's rows: one, or
        one per raw value of a set the vendor cannot ask for in one parameter."""
        if self._split is None:
            return [self.params]
        name, values = self._split
        return [{**self.params, name: value} for value in values]

    def predicate(self) -> Callable[[T], bool] | None:
        checks = tuple(self._checks)
        if not checks:
            return None
        return lambda row: all(check(row) for check in checks)


def employee_predicate(flt: EmployeeFilter) -> Callable[[Employee], bool]:
    """Employees are cached whole per connection, so their filter is always local."""
    return lambda e: (
        (flt.role is None or e.role in flt.role) and (flt.active is None or e.active == flt.active)
    )


# Identifying fields of a vehicle: VIN, make and model compare case-insensitively.
_FOLDED_VEHICLE_FIELDS = frozenset({"vin", "make", "model"})


def check_vehicle_fields(
    q: Query[InventoryVehicle], flt: VehicleFilter, fields: Iterable[str]
) -> None:
    """Check on the rows the identifying ``fields`` (``vin``, ``stock_number``, ``make``,
    ``model``, ``year``) a vendor's vehicle list cannot filter by."""
    for name in fields:
        wanted = getattr(flt, name)
        if wanted is None:
            continue
        if name in _FOLDED_VEHICLE_FIELDS:
            folded = str(wanted).casefold()
            q.check(lambda v, n=name, f=folded: (getattr(v, n) or "").casefold() == f)
        else:
            q.check(lambda v, n=name, w=wanted: getattr(v, n) == w)


def check_repair_order_fields(q: Query[RepairOrder], flt: RepairOrderFilter) -> None:
    """Check on the rows the technician, customer and vehicle (by VIN or id, any case) of a
    repair-order filter, for vendors whose list takes none of them."""
    if flt.technician_id is not None:
        tech = flt.technician_id
        q.check(lambda r: tech in r.technician_ids)
    if flt.customer_id is not None:
        customer = flt.customer_id
        q.check(lambda r: r.customer_id == customer)
    if flt.vehicle_id is not None:
        vehicle = flt.vehicle_id.casefold()
        q.check(lambda r: (r.vehicle_id or "").casefold() == vehicle)
