"""List filters as GraphQL inputs, and their translation into the adapters' filters.

Ids in filters are global ids; they must belong to the dealership being listed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

import strawberry

from adapters import base
from graph.context import Context
from graph.errors import BadUserInput
from graph.runtime import DealershipEntry
from graph.sorted_listing import VehicleRanges
from graph.types.enums import (
    AccountStatus,
    AppointmentStatus,
    DealStatus,
    EmployeeRole,
    LeadStatus,
    RepairOrderStatus,
    VehicleCondition,
    VehicleStatus,
)

E = TypeVar("E")


def _set(values: list[E] | None) -> frozenset[E] | None:
    return frozenset(values) if values else None


# Bounds checked before a filter reaches any vendor: a value outside them can match nothing
# real and only costs a request (or a vendor's 500).
MIN_YEAR = 1900
MAX_TEXT = 100


def _refuse(arg: str, problem: str) -> BadUserInput:
    return BadUserInput(f"filter.{arg} {problem}", argument=f"filter.{arg}")


def _year(value: int | None) -> int | None:
    latest = datetime.date.today().year + 2
    if value is not None and not MIN_YEAR <= value <= latest:
        raise _refuse("year", f"must be between {MIN_YEAR} and {latest}")
    return value


def _text(value: str | None, arg: str) -> str | None:
    if value is not None and len(value) > MAX_TEXT:
        raise _refuse(arg, f"must be at most {MAX_TEXT} characters")
    return value


def _vin(value: str | None) -> str | None:
    checked = _text(value, "vin")
    return checked.strip().upper() if checked else None


def _window(
    after: datetime.datetime | None, before: datetime.datetime | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    if after is None or before is None:
        return after, before
    if (after.tzinfo is None) != (before.tzinfo is None):
        raise _refuse("startsBefore", "and startsAfter must both have a time zone or neither")
    if before < after:
        raise _refuse("startsBefore", "must not be earlier than startsAfter")
    return after, before


@strawberry.input(description="Every field narrows the list; omitted fields do not.")
class InventoryVehicleFilter:
    status: list[VehicleStatus] | None = None
    condition: list[VehicleCondition] | None = None
    vin: str | None = None
    stock_number: str | None = None
    make: str | None = strawberry.field(default=None, description="Exact, case-insensitive.")
    model: str | None = strawberry.field(default=None, description="Exact, case-insensitive.")
    year: int | None = None
    updated_since: datetime.datetime | None = None
    min_price: Decimal | None = strawberry.field(
        default=None, description="Asking price at least this (checked by dealergraph)."
    )
    max_price: Decimal | None = strawberry.field(
        default=None, description="Asking price at most this (checked by dealergraph)."
    )
    min_year: int | None = None
    max_year: int | None = None
    min_mileage: int | None = None
    max_mileage: int | None = None

    def ranges(self) -> VehicleRanges | None:
        """The ranges asked for, checked; None without any. No DMS filters by them, so a
        list with ranges is read whole (``graph.sorted_listing``)."""
        ranges = VehicleRanges(
            min_price=self.min_price,
            max_price=self.max_price,
            min_year=self.min_year,
            max_year=self.max_year,
            min_mileage=self.min_mileage,
            max_mileage=self.max_mileage,
        )
        pairs = (
            ("Price", ranges.min_price, ranges.max_price),
            ("Year", ranges.min_year, ranges.max_year),
            ("Mileage", ranges.min_mileage, ranges.max_mileage),
        )
        for name, low, high in pairs:
            if low is not None and high is not None and low > high:
                raise _refuse(f"min{name}", f"must not exceed max{name}")
            for bound in (low, high):
                if bound is not None and bound < 0:
                    raise _refuse(f"min{name}", "ranges cannot be negative")
        return ranges if ranges.given() else None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.VehicleFilter:
        return base.VehicleFilter(
            status=_set(self.status),
            condition=_set(self.condition),
            vin=_vin(self.vin),
            stock_number=_text(self.stock_number, "stockNumber"),
            make=_text(self.make, "make"),
            model=_text(self.model, "model"),
            year=_year(self.year),
            updated_since=self.updated_since,
        )


@strawberry.input
class CustomerFilter:
    search: str | None = strawberry.field(
        default=None, description="Part of a name, e-mail address or phone number."
    )
    updated_since: datetime.datetime | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.CustomerFilter:
        search = _text(self.search, "search")
        return base.CustomerFilter(search=search, updated_since=self.updated_since)


@strawberry.input
class ServiceVehicleFilter:
    owner_id: strawberry.ID | None = None
    vin: str | None = None
    license_plate: str | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.ServiceVehicleFilter:
        owner = ctx.native_id_in(
            self.owner_id, type_names={"Customer"}, dealership=entry, arg="ownerId"
        )
        return base.ServiceVehicleFilter(
            customer_id=owner,
            vin=_vin(self.vin),
            license_plate=_text(self.license_plate, "licensePlate"),
        )


@strawberry.input
class LeadFilter:
    status: list[LeadStatus] | None = None
    updated_since: datetime.datetime | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.LeadFilter:
        return base.LeadFilter(status=_set(self.status), updated_since=self.updated_since)


@strawberry.input
class DealFilter:
    status: list[DealStatus] | None = None
    buyer_id: strawberry.ID | None = None
    updated_since: datetime.datetime | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.DealFilter:
        buyer = ctx.native_id_in(
            self.buyer_id, type_names={"Customer"}, dealership=entry, arg="buyerId"
        )
        return base.DealFilter(
            status=_set(self.status), buyer_id=buyer, updated_since=self.updated_since
        )


@strawberry.input
class RepairOrderFilter:
    status: list[RepairOrderStatus] | None = None
    advisor_id: strawberry.ID | None = None
    technician_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    vehicle_id: strawberry.ID | None = None
    updated_since: datetime.datetime | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.RepairOrderFilter:
        def native(value: str | None, type_name: str, arg: str) -> str | None:
            return ctx.native_id_in(value, type_names={type_name}, dealership=entry, arg=arg)

        return base.RepairOrderFilter(
            status=_set(self.status),
            advisor_id=native(self.advisor_id, "Employee", "advisorId"),
            technician_id=native(self.technician_id, "Employee", "technicianId"),
            customer_id=native(self.customer_id, "Customer", "customerId"),
            vehicle_id=native(self.vehicle_id, "ServiceVehicle", "vehicleId"),
            updated_since=self.updated_since,
        )


@strawberry.input
class AppointmentFilter:
    status: list[AppointmentStatus] | None = None
    customer_id: strawberry.ID | None = None
    starts_after: datetime.datetime | None = None
    starts_before: datetime.datetime | None = None
    on: datetime.date | None = strawberry.field(
        default=None,
        description="Appointments starting on this day in the store's timeZone (UTC where"
        " none is configured): 'today at this store'. Not with startsAfter/startsBefore.",
    )

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.AppointmentFilter:
        customer = ctx.native_id_in(
            self.customer_id, type_names={"Customer"}, dealership=entry, arg="customerId"
        )
        if self.on is not None:
            if self.starts_after is not None or self.starts_before is not None:
                raise _refuse("on", "cannot be combined with startsAfter or startsBefore")
            zone = ZoneInfo(entry.time_zone) if entry.time_zone else datetime.UTC
            start = datetime.datetime.combine(self.on, datetime.time.min, tzinfo=zone)
            # The day's last instant, as the window's bounds are both inclusive.
            end = start + datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)
            return base.AppointmentFilter(
                status=_set(self.status),
                customer_id=customer,
                starts_after=start,
                starts_before=end,
            )
        after, before = _window(self.starts_after, self.starts_before)
        return base.AppointmentFilter(
            status=_set(self.status), customer_id=customer, starts_after=after, starts_before=before
        )


@strawberry.input
class PartFilter:
    search: str | None = strawberry.field(
        default=None, description="Part of a part number or description."
    )
    part_number: str | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.PartFilter:
        return base.PartFilter(
            search=_text(self.search, "search"),
            part_number=_text(self.part_number, "partNumber"),
        )


@strawberry.input
class EmployeeFilter:
    role: list[EmployeeRole] | None = None
    active: bool | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.EmployeeFilter:
        return base.EmployeeFilter(role=_set(self.role), active=self.active)


@strawberry.input
class AccountFilter:
    status: list[AccountStatus] | None = None
    customer_id: strawberry.ID | None = None
    past_due_only: bool = False

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.AccountFilter:
        customer = ctx.native_id_in(
            self.customer_id, type_names={"Customer"}, dealership=entry, arg="customerId"
        )
        return base.AccountFilter(
            status=_set(self.status), customer_id=customer, past_due_only=self.past_due_only
        )


@strawberry.input
class PaymentFilter:
    account_id: strawberry.ID | None = None
    repair_order_id: strawberry.ID | None = None
    received_since: datetime.datetime | None = None

    def to_adapter(self, ctx: Context, entry: DealershipEntry) -> base.PaymentFilter:
        return base.PaymentFilter(
            account_id=ctx.native_id_in(
                self.account_id, type_names={"Account"}, dealership=entry, arg="accountId"
            ),
            repair_order_id=ctx.native_id_in(
                self.repair_order_id,
                type_names={"RepairOrder"},
                dealership=entry,
                arg="repairOrderId",
            ),
            received_since=self.received_since,
        )
