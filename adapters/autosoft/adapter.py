"""AutoSoft DMS over the Supergood API (docs/contracts/autosoft.md).

One integration is one dealership, so ``store_id`` is not used. There is no service-vehicle
resource: repair orders embed the vehicle (``RepairOrder.vehicle``, keyed by VIN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from adapters.autosoft import mapping as m
from adapters.autosoft.writes import AutoSoftWrites
from adapters.base import (
    Capability,
    LeadFilter,
    Page,
    RepairOrderFilter,
    VehicleFilter,
    Window,
)
from adapters.models import (
    Dms,
    InventoryVehicle,
    Lead,
    LeadStatus,
    RepairOrder,
    ServiceVehicle,
)
from adapters.query import Query
from adapters.supergood.adapter import Resource, SupergoodAdapter, newest_vehicles
from adapters.supergood.queries import repair_order_query, vehicle_query


class AutoSoftAdapter(AutoSoftWrites, SupergoodAdapter):
    dms: ClassVar[Dms] = Dms.AUTOSOFT
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.VEHICLES,
            Capability.CUSTOMERS,
            Capability.LEADS,
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
    resources: ClassVar[Mapping[Capability, Resource]] = {
        Capability.VEHICLES: Resource("/vehicles", m.map_vehicle),
        Capability.CUSTOMERS: Resource("/customers", m.map_customer),
        Capability.LEADS: Resource("/leads", m.map_lead),
        Capability.DEALS: Resource("/deals", m.map_deal, m.DEAL_STATUS),
        # List rows lack promisedAt and closedAt, so a lookup by id reads details.
        Capability.REPAIR_ORDERS: Resource(
            "/service/repair-orders", m.map_repair_order, listing=False
        ),
        Capability.APPOINTMENTS: Resource(
            "/service/appointments", m.map_appointment, m.APPOINTMENT_STATUS
        ),
        Capability.PARTS: Resource("/parts", m.map_part),
        Capability.ACCOUNTS: Resource("/accounting/ar-accounts", m.map_account, m.ACCOUNT_STATUS),
        # AutoSoft payments post to receivable accounts, never to ROs.
        Capability.PAYMENTS: Resource("/accounting/payments", m.map_payment),
    }

    # --- sales --------------------------------------------------------------------------

    async def list_vehicles(
        self, store_id: str | None, flt: VehicleFilter, window: Window
    ) -> Page[InventoryVehicle]:
        # /vehicles takes year, but neither vin nor stockNumber.
        q = vehicle_query(
            flt, m.VEHICLE_STATUS, m.VEHICLE_TYPE, condition_param="type", optional_params={"year"}
        )
        return await self._api.window("/vehicles", q, m.map_vehicle, window)

    async def list_leads(self, store_id: str | None, flt: LeadFilter, window: Window) -> Page[Lead]:
        q: Query[Lead] = Query()
        q.enum("status", flt.status, m.LEAD_STATUS, lambda r: r.status, LeadStatus.UNKNOWN)
        q.param("updatedFrom", flt.updated_since)
        return await self._api.window("/leads", q, m.map_lead, window)

    # --- service ------------------------------------------------------------------------

    async def list_repair_orders(
        self, store_id: str | None, flt: RepairOrderFilter, window: Window
    ) -> Page[RepairOrder]:
        # The vendor filters neither by technician, customer nor vehicle: checked on rows.
        q = repair_order_query(flt, m.REPAIR_ORDER_STATUS)
        return await self._api.window("/service/repair-orders", q, m.map_repair_order, window)

    async def get_service_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceVehicle | None]:
        # No vehicle resource: a customer's vehicle is known by VIN from its repair orders,
        # so one paged read of the RO list answers any number of VINs.
        orders = await self._api.all("/service/repair-orders", m.map_repair_order)
        return newest_vehicles(orders, ids)
