"""DealerCenter over the Supergood API (docs/contracts/dealercenter.md).

One integration is one dealership, so ``store_id`` is not used. DealerCenter serves
independent and buy-here-pay-here dealers: a sales and BHPH system with no service
department, so repair orders, appointments, parts and service vehicles are not supported
(the graph says so rather than listing nothing). Its receivables are BHPH loans. Writes:
leads, deals and BHPH payments (writes.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import ClassVar

from adapters.base import (
    Capability,
    Page,
    VehicleFilter,
    Window,
)
from adapters.cache import ReferenceCache
from adapters.dealercenter import mapping as m
from adapters.dealercenter.writes import DealerCenterWrites
from adapters.errors import AdapterError
from adapters.models import (
    Dms,
    InventoryVehicle,
    VehicleStatus,
)
from adapters.optional import optional
from adapters.query import Query, check_vehicle_fields
from adapters.rest import RestApi
from adapters.spec import Resource, VendorSpec
from adapters.supergood.adapter import SupergoodAdapter
from adapters.supergood.queries import (
    account_query,
    customer_query,
    deal_query,
    lead_query,
    receivable_payment_query,
)

log = logging.getLogger(__name__)

LOTS = "/inventory/lots"


def _vehicle_query(flt: VehicleFilter) -> Query[InventoryVehicle]:
    q: Query[InventoryVehicle] = Query()
    q.enum("status", flt.status, m.VEHICLE_STATUS, lambda v: v.status, VehicleStatus.UNKNOWN)
    q.param("updatedFrom", flt.updated_since)
    # DealerCenter does not say new or used: the condition is derived from the mileage
    # (adapters.dealercenter.mapping), so the filter is checked on the rows.
    if flt.condition is not None:
        wanted = flt.condition
        q.check(lambda v: v.condition in wanted)
    # /inventory/vehicles filters by none of these.
    check_vehicle_fields(q, flt, ("vin", "stock_number", "make", "model", "year"))
    return q


SPEC = VendorSpec(
    {
        Capability.VEHICLES: Resource(
            "/inventory/vehicles", m.map_vehicle, _vehicle_query, list_documented=True
        ),
        Capability.CUSTOMERS: Resource("/crm/customers", m.map_customer, customer_query),
        Capability.LEADS: Resource(
            "/crm/leads", m.map_lead, lambda f: lead_query(f, m.LEAD_STATUS)
        ),
        Capability.DEALS: Resource("/deals", m.map_deal, lambda f: deal_query(f, m.DEAL_STATUS)),
        Capability.EMPLOYEES: Resource("/users", m.map_user, optional_lookup=True),
        # Receivables are buy-here-pay-here loans; past due means at least a day late (a
        # charged-off loan keeps the days it had).
        Capability.ACCOUNTS: Resource(
            "/bhph/accounts",
            m.map_account,
            lambda f: account_query(f, m.ACCOUNT_STATUS, min_days_past_due="minDaysPastDue"),
        ),
        # The cross-account list filters by account too, and answers an unknown account with
        # no rows where /bhph/accounts/{id}/payments would answer 404.
        Capability.PAYMENTS: Resource(
            "/bhph/payments",
            m.map_payment,
            lambda f: receivable_payment_query(f, received_param="postedFrom"),
        ),
    }
)


class DealerCenterAdapter(DealerCenterWrites, SupergoodAdapter):
    dms: ClassVar[Dms] = Dms.DEALERCENTER
    spec: ClassVar[VendorSpec] = SPEC

    def __init__(self, api: RestApi, *, reference_ttl: float) -> None:
        super().__init__(api, reference_ttl=reference_ttl)
        # Vehicles name only their lotId; the lot list (a handful of rows) names the lots.
        self._lots: ReferenceCache[None, m.Lot] = ReferenceCache(ttl=reference_ttl)

    async def close(self) -> None:
        await super().close()
        self._lots.clear()

    # --- vehicles, with their lot's name ------------------------------------------------

    async def list_vehicles(
        self, store_id: str | None, flt: VehicleFilter, window: Window
    ) -> Page[InventoryVehicle]:
        page, names = await asyncio.gather(
            super().list_vehicles(store_id, flt, window), self._lot_names()
        )
        return Page(
            items=[self._with_lot_name(v, names) for v in page.items],
            total=page.total,
            has_next=page.has_next,
        )

    async def get_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[InventoryVehicle | None]:
        found, names = await asyncio.gather(super().get_vehicles(store_id, ids), self._lot_names())
        return [self._with_lot_name(v, names) if v else None for v in found]

    async def _lot_names(self) -> dict[str, str | None]:
        """Lot names enrich vehicles (the page gives only ``lotId``): never a reason for a
        vehicle read to fail. Without them, ``lot_name`` stays None."""
        try:
            lots = await self._lots.items(None, self._load_lots)
        except AdapterError as exc:
            # Not cached: a passing failure should not hide the names for a whole TTL.
            log.warning("dealercenter lot names unavailable (%s); vehicles go without", exc.code)
            return {}
        return {lot.id: lot.name for lot in lots}

    async def _load_lots(self) -> list[m.Lot]:
        # The lot list is extrapolated: a tenant without it has no names, cached as such.
        return await optional(self._api.all(LOTS, m.map_lot), what="dealercenter lots") or []

    @staticmethod
    def _with_lot_name(vehicle: InventoryVehicle, names: dict[str, str | None]) -> InventoryVehicle:
        name = names.get(vehicle.lot_id) if vehicle.lot_id else None
        return vehicle.model_copy(update={"lot_name": name}) if name else vehicle
