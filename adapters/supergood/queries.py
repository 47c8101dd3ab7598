"""Canonical filters as Supergood-family query parameters, where the vendors of the family
name them alike (``search``, ``partNumber``, ``customerId``, ``updatedFrom``...)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from adapters.base import (
    AccountFilter,
    AppointmentFilter,
    CustomerFilter,
    DealFilter,
    LeadFilter,
    PartFilter,
    PaymentFilter,
    RepairOrderFilter,
    VehicleFilter,
)
from adapters.models import (
    Account,
    AccountStatus,
    AppointmentStatus,
    Customer,
    Deal,
    DealStatus,
    InventoryVehicle,
    Lead,
    LeadStatus,
    Part,
    Payment,
    RepairOrder,
    RepairOrderStatus,
    ServiceAppointment,
    VehicleCondition,
    VehicleStatus,
)
from adapters.query import Query, check_repair_order_fields, check_vehicle_fields


def customer_query(flt: CustomerFilter, *, updated_param: str = "updatedFrom") -> Query[Customer]:
    """``updated_param``: for a vendor outside the family naming it otherwise (AutoSync)."""
    q: Query[Customer] = Query()
    q.param("search", flt.search)
    q.param(updated_param, flt.updated_since)
    return q


def part_query(flt: PartFilter, *, part_number_param: str = "partNumber") -> Query[Part]:
    q: Query[Part] = Query()
    q.param("search", flt.search)
    q.param(part_number_param, flt.part_number)
    return q


def lead_query(flt: LeadFilter, statuses: Mapping[str, LeadStatus]) -> Query[Lead]:
    q: Query[Lead] = Query()
    q.enum("status", flt.status, statuses, lambda r: r.status, LeadStatus.UNKNOWN)
    q.param("updatedFrom", flt.updated_since)
    return q


def deal_query(flt: DealFilter, statuses: Mapping[str, DealStatus]) -> Query[Deal]:
    q: Query[Deal] = Query()
    q.enum("status", flt.status, statuses, lambda d: d.status, DealStatus.UNKNOWN)
    q.param("customerId", flt.buyer_id)
    q.param("updatedFrom", flt.updated_since)
    return q


def account_query(
    flt: AccountFilter,
    statuses: Mapping[str, AccountStatus],
    *,
    min_days_past_due: str | None = None,
) -> Query[Account]:
    """``min_days_past_due``: the vendor's parameter for "at least N days late", if any."""
    q: Query[Account] = Query()
    q.enum("status", flt.status, statuses, lambda a: a.status, AccountStatus.UNKNOWN)
    q.param("customerId", flt.customer_id)
    if flt.past_due_only and min_days_past_due is not None:
        q.param(min_days_past_due, 1)  # past due: at least a day late
    elif flt.past_due_only:  # no such parameter: days past due decide
        q.check(lambda a: a.days_past_due > 0 or a.status is AccountStatus.PAST_DUE)
    return q


def receivable_payment_query(
    flt: PaymentFilter, *, received_param: str = "receivedFrom"
) -> Query[Payment]:
    """Payments that post to receivable accounts only, never to repair orders."""
    q: Query[Payment] = Query()
    q.param("accountId", flt.account_id)
    q.param(received_param, flt.received_since)
    if flt.repair_order_id is not None:
        q.never()
    return q


def appointment_query(
    flt: AppointmentFilter,
    statuses: Mapping[str, AppointmentStatus],
    time_range: tuple[str, str],
) -> Query[ServiceAppointment]:
    """``time_range`` names the vendor's (from, to) parameters on the appointment time."""
    q: Query[ServiceAppointment] = Query()
    q.enum("status", flt.status, statuses, lambda a: a.status, AppointmentStatus.UNKNOWN)
    q.param("customerId", flt.customer_id)
    q.param(time_range[0], flt.starts_after)
    q.param(time_range[1], flt.starts_before)
    return q


def repair_order_query(
    flt: RepairOrderFilter,
    statuses: Mapping[str, RepairOrderStatus],
    *,
    optional_params: Mapping[str, str] | None = None,
) -> Query[RepairOrder]:
    """``status``, ``advisorId`` and ``updatedFrom`` as parameters; technician, customer and
    vehicle checked on the rows (no page of the family documents them), except those a
    vendor takes: ``optional_params`` maps such filter fields to its parameter names."""
    q: Query[RepairOrder] = Query()
    q.enum("status", flt.status, statuses, lambda r: r.status, RepairOrderStatus.UNKNOWN)
    q.param("advisorId", flt.advisor_id)
    q.param("updatedFrom", flt.updated_since)
    pushed = optional_params or {}
    for field, param in pushed.items():
        q.param(param, getattr(flt, field))
    check_repair_order_fields(q, replace(flt, **dict.fromkeys(pushed)))
    return q


# (query parameter, filter field) a vehicle list may or may not take.
_OPTIONAL_VEHICLE_PARAMS = (("vin", "vin"), ("year", "year"), ("stockNumber", "stock_number"))


def vehicle_query(
    flt: VehicleFilter,
    statuses: Mapping[str, VehicleStatus],
    conditions: Mapping[str, VehicleCondition],
    *,
    condition_param: str,
    optional_params: Collection[str] = (),
) -> Query[InventoryVehicle]:
    """``status``, the condition (``condition_param``), ``make``, ``model`` and
    ``updatedFrom`` are pushed down; of ``vin``, ``year`` and ``stockNumber``, those in
    ``optional_params`` are too, the others are checked here."""
    q: Query[InventoryVehicle] = Query()
    q.enum("status", flt.status, statuses, lambda v: v.status, VehicleStatus.UNKNOWN)
    q.enum(
        condition_param, flt.condition, conditions, lambda v: v.condition, VehicleCondition.UNKNOWN
    )
    q.param("make", flt.make)
    q.param("model", flt.model)
    q.param("updatedFrom", flt.updated_since)
    unpushed = []
    for param, field in _OPTIONAL_VEHICLE_PARAMS:
        if param in optional_params:
            q.param(param, getattr(flt, field))
        else:
            unpushed.append(field)
    check_vehicle_fields(q, flt, unpushed)
    return q
