"""Auto/Mate DMS over the Supergood API (docs/contracts/automate.md).

One integration is one dealership, so ``store_id`` is not used. Auto/Mate has no lead
resource (prospects are customers of type "lead") and no service-vehicle resource: repair
orders and appointments embed the vehicle, keyed by VIN, and by-VIN lookups read ROs.
Writes (customers, deals, appointments) are in ``adapters.automate.writes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from adapters.automate import mapping as m
from adapters.automate.writes import AutoMateWrites
from adapters.base import Capability, VehicleFilter
from adapters.models import Dms, InventoryVehicle, ServiceVehicle
from adapters.paging import DIRECT_LOOKUP_MAX, gather_all
from adapters.query import Query
from adapters.spec import Resource, VendorSpec
from adapters.supergood.adapter import SupergoodAdapter, newest_vehicles
from adapters.supergood.queries import (
    account_query,
    appointment_query,
    customer_query,
    deal_query,
    part_query,
    receivable_payment_query,
    repair_order_query,
    vehicle_query,
)

REPAIR_ORDERS = "/service/repair-orders"
# Repair-order filters the RO list takes beyond status, advisor and update time; service
# vehicles are keyed by VIN.
RO_PARAMS = {"technician_id": "technicianId", "customer_id": "customerId", "vehicle_id": "vin"}


def _vehicle_query(flt: VehicleFilter) -> Query[InventoryVehicle]:
    # /vehicles takes vin, but neither year nor stockNumber.
    return vehicle_query(
        flt,
        m.VEHICLE_STATUS,
        m.VEHICLE_CONDITION,
        condition_param="condition",
        optional_params={"vin"},
    )


SPEC = VendorSpec(
    {
        Capability.VEHICLES: Resource(
            "/vehicles", m.map_vehicle, _vehicle_query, list_documented=True
        ),
        Capability.CUSTOMERS: Resource("/customers", m.map_customer, customer_query),
        Capability.DEALS: Resource("/deals", m.map_deal, lambda f: deal_query(f, m.DEAL_STATUS)),
        # List rows are whole repair orders (lines included), so the listing can answer.
        Capability.REPAIR_ORDERS: Resource(
            REPAIR_ORDERS,
            m.map_repair_order,
            lambda f: repair_order_query(f, m.REPAIR_ORDER_STATUS, optional_params=RO_PARAMS),
        ),
        Capability.APPOINTMENTS: Resource(
            "/service/appointments",
            m.map_appointment,
            lambda f: appointment_query(
                f, m.APPOINTMENT_STATUS, ("appointmentFrom", "appointmentTo")
            ),
        ),
        Capability.PARTS: Resource("/parts", m.map_part, part_query),
        Capability.EMPLOYEES: Resource("/users", m.map_user, optional_lookup=True),
        Capability.ACCOUNTS: Resource(
            "/accounting/receivables",
            m.map_receivable,
            lambda f: account_query(f, m.RECEIVABLE_STATUS),
        ),
        # Receipts post to receivable accounts, never to repair orders.
        Capability.PAYMENTS: Resource(
            "/accounting/receipts", m.map_receipt, receivable_payment_query
        ),
    }
)


class AutoMateAdapter(AutoMateWrites, SupergoodAdapter):
    dms: ClassVar[Dms] = Dms.AUTOMATE
    spec: ClassVar[VendorSpec] = SPEC

    async def get_service_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceVehicle | None]:
        # No vehicle resource: a vehicle is known by VIN from its repair orders. A VIN or
        # two are asked for by the RO list's vin filter; more read the whole list once.
        wanted = list(dict.fromkeys(v.upper() for v in ids if v))
        if len(wanted) <= DIRECT_LOOKUP_MAX:
            found = await gather_all(
                self._api.all(REPAIR_ORDERS, m.map_repair_order, {"vin": v}) for v in wanted
            )
            orders = [ro for per_vin in found for ro in per_vin]
        else:
            orders = await self._api.all(REPAIR_ORDERS, m.map_repair_order)
        return newest_vehicles(orders, ids)
