"""Every kind of record the graph lists and looks up by id: the capability a DMS needs for
it, its "everything" filter, and the adapter calls that read it, typed (no adapter method
is named by a string anywhere). Graph types are bound to kinds in ``graph.types.registry``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from adapters import base
from adapters import models as m
from adapters.base import Capability, DmsAdapter, Page, Window

M = TypeVar("M")
F = TypeVar("F")

Lister = Callable[[DmsAdapter, str | None, F, Window], Awaitable[Page[M]]]
Getter = Callable[[DmsAdapter, str | None, Sequence[str]], Awaitable[Sequence[M | None]]]


@dataclass(frozen=True, slots=True, eq=False)
class Kind(Generic[M, F]):
    name: str
    """The kind's name in errors and logs (the capability's value)."""
    capability: Capability
    empty_filter: F
    """The adapter filter meaning "everything"."""
    list: Lister[F, M]
    get: Getter[M]


VEHICLES: Kind[m.InventoryVehicle, base.VehicleFilter] = Kind(
    "vehicles",
    Capability.VEHICLES,
    base.VehicleFilter(),
    lambda a, s, f, w: a.list_vehicles(s, f, w),
    lambda a, s, ids: a.get_vehicles(s, ids),
)
CUSTOMERS: Kind[m.Customer, base.CustomerFilter] = Kind(
    "customers",
    Capability.CUSTOMERS,
    base.CustomerFilter(),
    lambda a, s, f, w: a.list_customers(s, f, w),
    lambda a, s, ids: a.get_customers(s, ids),
)
SERVICE_VEHICLES: Kind[m.ServiceVehicle, base.ServiceVehicleFilter] = Kind(
    "service_vehicles",
    Capability.SERVICE_VEHICLES,
    base.ServiceVehicleFilter(),
    lambda a, s, f, w: a.list_service_vehicles(s, f, w),
    lambda a, s, ids: a.get_service_vehicles(s, ids),
)
LEADS: Kind[m.Lead, base.LeadFilter] = Kind(
    "leads",
    Capability.LEADS,
    base.LeadFilter(),
    lambda a, s, f, w: a.list_leads(s, f, w),
    lambda a, s, ids: a.get_leads(s, ids),
)
DEALS: Kind[m.Deal, base.DealFilter] = Kind(
    "deals",
    Capability.DEALS,
    base.DealFilter(),
    lambda a, s, f, w: a.list_deals(s, f, w),
    lambda a, s, ids: a.get_deals(s, ids),
)
REPAIR_ORDERS: Kind[m.RepairOrder, base.RepairOrderFilter] = Kind(
    "repair_orders",
    Capability.REPAIR_ORDERS,
    base.RepairOrderFilter(),
    lambda a, s, f, w: a.list_repair_orders(s, f, w),
    lambda a, s, ids: a.get_repair_orders(s, ids),
)
APPOINTMENTS: Kind[m.ServiceAppointment, base.AppointmentFilter] = Kind(
    "appointments",
    Capability.APPOINTMENTS,
    base.AppointmentFilter(),
    lambda a, s, f, w: a.list_appointments(s, f, w),
    lambda a, s, ids: a.get_appointments(s, ids),
)
PARTS: Kind[m.Part, base.PartFilter] = Kind(
    "parts",
    Capability.PARTS,
    base.PartFilter(),
    lambda a, s, f, w: a.list_parts(s, f, w),
    lambda a, s, ids: a.get_parts(s, ids),
)
EMPLOYEES: Kind[m.Employee, base.EmployeeFilter] = Kind(
    "employees",
    Capability.EMPLOYEES,
    base.EmployeeFilter(),
    lambda a, s, f, w: a.list_employees(s, f, w),
    lambda a, s, ids: a.get_employees(s, ids),
)
ACCOUNTS: Kind[m.Account, base.AccountFilter] = Kind(
    "accounts",
    Capability.ACCOUNTS,
    base.AccountFilter(),
    lambda a, s, f, w: a.list_accounts(s, f, w),
    lambda a, s, ids: a.get_accounts(s, ids),
)
PAYMENTS: Kind[m.Payment, base.PaymentFilter] = Kind(
    "payments",
    Capability.PAYMENTS,
    base.PaymentFilter(),
    lambda a, s, f, w: a.list_payments(s, f, w),
    lambda a, s, ids: a.get_payments(s, ids),
)

KINDS: tuple[Kind[Any, Any], ...] = (
    VEHICLES,
    CUSTOMERS,
    SERVICE_VEHICLES,
    LEADS,
    DEALS,
    REPAIR_ORDERS,
    APPOINTMENTS,
    PARTS,
    EMPLOYEES,
    ACCOUNTS,
    PAYMENTS,
)
KIND_BY_CAPABILITY: dict[Capability, Kind[Any, Any]] = {k.capability: k for k in KINDS}
