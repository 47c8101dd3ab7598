"""Every kind of node: its graph type, the capability it needs and the adapter calls behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters import base
from adapters.base import Capability
from graph.types.receivables import Account, Payment
from graph.types.sales import Customer, Deal, InventoryVehicle, Lead
from graph.types.service import Employee, Part, RepairOrder, ServiceAppointment, ServiceVehicle


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    """The loader kind, which is also the adapter's ``list_<name>``/``get_<name>`` suffix."""
    graph_type: type[Any]
    capability: Capability
    empty_filter: Any
    """The adapter filter meaning "everything"."""


KINDS: tuple[Kind, ...] = (
    Kind("vehicles", InventoryVehicle, Capability.VEHICLES, base.VehicleFilter()),
    Kind("customers", Customer, Capability.CUSTOMERS, base.CustomerFilter()),
    Kind(
        "service_vehicles", ServiceVehicle, Capability.SERVICE_VEHICLES, base.ServiceVehicleFilter()
    ),
    Kind("leads", Lead, Capability.LEADS, base.LeadFilter()),
    Kind("deals", Deal, Capability.DEALS, base.DealFilter()),
    Kind("repair_orders", RepairOrder, Capability.REPAIR_ORDERS, base.RepairOrderFilter()),
    Kind("appointments", ServiceAppointment, Capability.APPOINTMENTS, base.AppointmentFilter()),
    Kind("parts", Part, Capability.PARTS, base.PartFilter()),
    Kind("employees", Employee, Capability.EMPLOYEES, base.EmployeeFilter()),
    Kind("accounts", Account, Capability.ACCOUNTS, base.AccountFilter()),
    Kind("payments", Payment, Capability.PAYMENTS, base.PaymentFilter()),
)
KIND_BY_TYPE_NAME: dict[str, Kind] = {k.graph_type.__name__: k for k in KINDS}
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
