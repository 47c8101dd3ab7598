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
    AccountFilter,
    Capability,
    CustomerFilter,
    DealFilter,
    LeadFilter,
    Page,
    PaymentFilter,
    VehicleFilter,
    Window,
)
from adapters.cache import ReferenceCache
from adapters.dealercenter import mapping as m
from adapters.dealercenter.writes import DealerCenterWrites
from adapters.errors import AdapterError
from adapters.models import (
    Account,
    AccountStatus,
    Customer,
    Deal,
    DealStatus,
    Dms,
    InventoryVehicle,
    Lead,
    LeadStatus,
    Payment,
    VehicleCondition,
    VehicleStatus,
)
from adapters.optional import optional
from adapters.query import Query, check_vehicle_fields
from adapters.rest import RestApi
from adapters.supergood.adapter import SupergoodAdapter

log = logging.getLogger(__name__)

VEHICLES = "/inventory/vehicles"
LOTS = "/inventory/lots"
CUSTOMERS = "/crm/customers"
LEADS = "/crm/leads"
DEALS = "/deals"
ACCOUNTS = "/bhph/accounts"
PAYMENTS = "/bhph/payments"


def _vehicle_query(flt: VehicleFilter) -> Query[InventoryVehicle]:
    q: Query[InventoryVehicle] = Query()
    q.enum("status", flt.status, m.VEHICLE_STATUS, lambda v: v.status, VehicleStatus.UNKNOWN)
    q.param("updatedFrom", flt.updated_since)
    # DealerCenter does not say new or used: every vehicle's condition is unknown.
    if flt.condition is not None and VehicleCondition.UNKNOWN not in flt.condition:
        q.never()
    # /inventory/vehicles filters by none of these.
    check_vehicle_fields(q, flt, ("vin", "stock_number", "make", "model", "year"))
    return q


class DealerCenterAdapter(DealerCenterWrites, SupergoodAdapter):
    dms: ClassVar[Dms] = Dms.DEALERCENTER
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.VEHICLES,
            Capability.CUSTOMERS,
            Capability.LEADS,
            Capability.DEALS,
            Capability.EMPLOYEES,
            Capability.ACCOUNTS,
            Capability.PAYMENTS,
        }
    )

    map_user = staticmethod(m.map_user)

    def __init__(self, api: RestApi, *, reference_ttl: float) -> None:
        super().__init__(api, reference_ttl=reference_ttl)
        # Vehicles name only their lotId; the lot list (a handful of rows) names the lots.
        self._lots: ReferenceCache[None, m.Lot] = ReferenceCache(ttl=reference_ttl)

    async def close(self) -> None:
        await super().close()
        self._lots.clear()

    # --- sales --------------------------------------------------------------------------

    async def list_vehicles(
        self, store_id: str | None, flt: VehicleFilter, window: Window
    ) -> Page[InventoryVehicle]:
        page, names = await asyncio.gather(
            self._api.window(VEHICLES, _vehicle_query(flt), m.map_vehicle, window),
            self._lot_names(),
        )
        return Page(
            items=[self._with_lot_name(v, names) for v in page.items],
            total=page.total,
            has_next=page.has_next,
        )

    async def get_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[InventoryVehicle | None]:
        found, names = await asyncio.gather(
            self._api.batch(ids, VEHICLES, m.map_vehicle), self._lot_names()
        )
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

    async def list_customers(
        self, store_id: str | None, flt: CustomerFilter, window: Window
    ) -> Page[Customer]:
        q: Query[Customer] = Query()
        q.param("search", flt.search)
        q.param("updatedFrom", flt.updated_since)
        return await self._api.window(CUSTOMERS, q, m.map_customer, window)

    async def get_customers(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Customer | None]:
        return await self._api.batch(ids, CUSTOMERS, m.map_customer)

    async def list_leads(self, store_id: str | None, flt: LeadFilter, window: Window) -> Page[Lead]:
        q: Query[Lead] = Query()
        q.enum("status", flt.status, m.LEAD_STATUS, lambda x: x.status, LeadStatus.UNKNOWN)
        q.param("updatedFrom", flt.updated_since)
        return await self._api.window(LEADS, q, m.map_lead, window)

    async def get_leads(self, store_id: str | None, ids: Sequence[str]) -> list[Lead | None]:
        return await self._api.batch(ids, LEADS, m.map_lead)

    async def list_deals(self, store_id: str | None, flt: DealFilter, window: Window) -> Page[Deal]:
        q: Query[Deal] = Query()
        q.enum("status", flt.status, m.DEAL_STATUS, lambda d: d.status, DealStatus.UNKNOWN)
        q.param("customerId", flt.buyer_id)
        q.param("updatedFrom", flt.updated_since)
        return await self._api.window(DEALS, q, m.map_deal, window)

    async def get_deals(self, store_id: str | None, ids: Sequence[str]) -> list[Deal | None]:
        return await self._api.batch(ids, DEALS, m.map_deal)

    # --- receivables: buy-here-pay-here loans -------------------------------------------

    async def list_accounts(
        self, store_id: str | None, flt: AccountFilter, window: Window
    ) -> Page[Account]:
        q: Query[Account] = Query()
        q.enum("status", flt.status, m.ACCOUNT_STATUS, lambda a: a.status, AccountStatus.UNKNOWN)
        q.param("customerId", flt.customer_id)
        if flt.past_due_only:
            # Past due means at least a day late; a charged-off loan keeps the days it had.
            q.param("minDaysPastDue", 1)
        return await self._api.window(ACCOUNTS, q, m.map_account, window)

    async def get_accounts(self, store_id: str | None, ids: Sequence[str]) -> list[Account | None]:
        return await self._api.batch(ids, ACCOUNTS, m.map_account)

    async def list_payments(
        self, store_id: str | None, flt: PaymentFilter, window: Window
    ) -> Page[Payment]:
        # The cross-account list filters by account too, and answers an unknown account
        # with no rows where /bhph/accounts/{id}/payments would answer 404.
        q: Query[Payment] = Query()
        q.param("accountId", flt.account_id)
        q.param("postedFrom", flt.received_since)
        if flt.repair_order_id is not None:
            q.never()  # payments post to BHPH loans, never to repair orders
        return await self._api.window(PAYMENTS, q, m.map_payment, window)

    async def get_payments(self, store_id: str | None, ids: Sequence[str]) -> list[Payment | None]:
        return await self._api.batch(ids, PAYMENTS, m.map_payment)
