"""AutoSoft DMS over the Supergood API (docs/contracts/autosoft.md).

One integration is one dealership, so ``store_id`` is not used. There is no service-vehicle
resource: repair orders embed the vehicle (``RepairOrder.vehicle``, keyed by VIN).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from adapters.autosoft import mapping as m
from adapters.autosoft.writes import AutoSoftWrites
from adapters.base import Capability, VehicleFilter
from adapters.models import Dms, InventoryVehicle, ServiceVehicle
from adapters.query import Query
from adapters.spec import Resource, VendorSpec
from adapters.supergood.adapter import SupergoodAdapter, newest_vehicles
from adapters.supergood.queries import (
    account_query,
    appointment_query,
    customer_query,
    deal_query,
    lead_query,
    part_query,
    receivable_payment_query,
    repair_order_query,
    vehicle_query,
)

REPAIR_ORDERS = "/service/repair-orders"


def _vehicle_query(flt: VehicleFilter) -> Query[InventoryVehicle]:
    # /vehicles takes year, but neither vin nor stockNumber.
    return vehicle_query(
        flt, m.VEHICLE_STATUS, m.VEHICLE_TYPE, condition_param="type", optional_params={"year"}
    )


SPEC = VendorSpec(
    {
        Capability.VEHICLES: Resource(
            "/vehicles", m.map_vehicle, _vehicle_query, list_documented=True
        ),
        Capability.CUSTOMERS: Resource("/customers", m.map_customer, customer_query),
        Capability.LEADS: Resource("/leads", m.map_lead, lambda f: lead_query(f, m.LEAD_STATUS)),
        Capability.DEALS: Resource("/deals", m.map_deal, lambda f: deal_query(f, m.DEAL_STATUS)),
        # List rows lack promisedAt and closedAt, so a lookup by id reads details. The
        # vendor filters neither by technician, customer nor vehicle: checked on rows.
        Capability.REPAIR_ORDERS: Resource(
            REPAIR_ORDERS,
            m.map_repair_order,
            lambda f: repair_order_query(f, m.REPAIR_ORDER_STATUS),
            listing=False,
            list_documented=True,
        ),
        Capability.APPOINTMENTS: Resource(
            "/service/appointments",
            m.map_appointment,
            lambda f: appointment_query(f, m.APPOINTMENT_STATUS, ("from", "to")),
        ),
        Capability.PARTS: Resource("/parts", m.map_part, part_query),
        Capability.EMPLOYEES: Resource("/users", m.map_user, optional_lookup=True),
        Capability.ACCOUNTS: Resource(
            "/accounting/ar-accounts",
            m.map_account,
            lambda f: account_query(f, m.ACCOUNT_STATUS),
        ),
        # AutoSoft payments post to receivable accounts, never to ROs.
        Capability.PAYMENTS: Resource(
            "/accounting/payments", m.map_payment, receivable_payment_query
        ),
    }
)


class AutoSoftAdapter(AutoSoftWrites, SupergoodAdapter):
    dms: ClassVar[Dms] = Dms.AUTOSOFT
    spec: ClassVar[VendorSpec] = SPEC

    async def get_service_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceVehicle | None]:
        # No vehicle resource: a customer's vehicle is known by VIN from its repair orders,
        # so one paged read of the RO list answers any number of VINs.
        orders = await self._api.all(REPAIR_ORDERS, m.map_repair_order)
        return newest_vehicles(orders, ids)
