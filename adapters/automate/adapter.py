"""Auto/Mate DMS over the Supergood API (docs/contracts/automate.md).

One integration is one dealership, so ``store_id`` is not used. Auto/Mate has no lead
resource (prospects are customers of type "lead") and no service-vehicle resource: repair
orders and appointments embed the vehicle, keyed by VIN, and by-VIN lookups read ROs.
Writes (customers, deals, appointments) are in ``adapters.automate.writes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from adapters.automate import mapping as m
from adapters.automate.writes import AutoMateWrites
from adapters.base import (
    Capability,
    Page,
    RepairOrderFilter,
    VehicleFilter,
    Window,
)
from adapters.models import (
    Dms,
    InventoryVehicle,
    RepairOrder,
    ServiceVehicle,
)
from adapters.paging import DIRECT_LOOKUP_MAX, gather_all
from adapters.supergood.adapter import Resource, SupergoodAdapter, newest_vehicles
from adapters.supergood.queries import repair_order_query, vehicle_query

REPAIR_ORDERS = "/service/repair-orders"
# Repair-order filters the RO list takes beyond status, advisor and update time; service
# vehicles are keyed by VIN.
RO_PARAMS = {"technician_id": "technicianId", "customer_id": "customerId", "vehicle_id": "vin"}


class AutoMateAdapter(AutoMateWrites, SupergoodAdapter):
    dms: ClassVar[Dms] = Dms.AUTOMATE
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.VEHICLES,
            Capability.CUSTOMERS,
            Capability.DEALS,
            Capability.REPAIR_ORDERS,
            Capability.APPOINTMENTS,
            Capability.PARTS,
            Capability.EMPLOYEES,
            Capability.ACCOUNTS,
            Capability.PAYMENTS,
        }
    )

    map_user = staticmethod(m.map_user)
    appointment_time_range = ("appointmentFrom", "appointmentTo")
    resources: ClassVar[Mapping[Capability, Resource]] = {
        Capability.VEHICLES: Resource("/vehicles", m.map_vehicle),
        Capability.CUSTOMERS: Resource("/customers", m.map_customer),
        Capability.DEALS: Resource("/deals", m.map_deal, m.DEAL_STATUS),
        # List rows are whole repair orders (lines included), so the listing can answer.
        Capability.REPAIR_ORDERS: Resource(REPAIR_ORDERS, m.map_repair_order),
        Capability.APPOINTMENTS: Resource(
            "/service/appointments", m.map_appointment, m.APPOINTMENT_STATUS
        ),
        Capability.PARTS: Resource("/parts", m.map_part),
        Capability.ACCOUNTS: Resource(
            "/accounting/receivables", m.map_receivable, m.RECEIVABLE_STATUS
        ),
        # Receipts post to receivable accounts, never to repair orders.
        Capability.PAYMENTS: Resource("/accounting/receipts", m.map_receipt),
    }

    # --- sales --------------------------------------------------------------------------

    async def list_vehicles(
        self, store_id: str | None, flt: VehicleFilter, window: Window
    ) -> Page[InventoryVehicle]:
        # /vehicles takes vin, but neither year nor stockNumber.
        q = vehicle_query(
            flt,
            m.VEHICLE_STATUS,
            m.VEHICLE_CONDITION,
            condition_param="condition",
            optional_params={"vin"},
        )
        return await self._api.window("/vehicles", q, m.map_vehicle, window)

    # --- service ------------------------------------------------------------------------

    async def list_repair_orders(
        self, store_id: str | None, flt: RepairOrderFilter, window: Window
    ) -> Page[RepairOrder]:
        q = repair_order_query(flt, m.REPAIR_ORDER_STATUS, optional_params=RO_PARAMS)
        return await self._api.window(REPAIR_ORDERS, q, m.map_repair_order, window)

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
