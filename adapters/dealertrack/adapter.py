"""Dealertrack DMS over the Supergood API (docs/contracts/dealertrack.md).

One login (one session, one token) reaches several rooftops of a dealer group; each
dealership of the connection is one rooftop, and every call carries its ``rooftopId``.
There is no service-vehicle resource (repair orders and appointments embed the vehicle,
keyed by VIN), and no leads, receivable accounts or payments. The writes (deals, journal
entries) are in ``adapters.dealertrack.writes``.
"""

from __future__ import annotations

from typing import ClassVar

from adapters.base import Capability, VehicleFilter
from adapters.cache import ReferenceCache
from adapters.dealertrack import mapping as m
from adapters.dealertrack.writes import ROOFTOP, DealertrackWrites, rooftop_of
from adapters.models import Dms, InventoryVehicle, Store, VehicleCondition, VehicleStatus
from adapters.optional import optional
from adapters.query import Query, check_vehicle_fields
from adapters.rest import RestApi
from adapters.spec import Resource, ScopeKind, StoreScope, VendorSpec
from adapters.supergood import SupergoodSessionAuth
from adapters.supergood.adapter import SupergoodAdapter
from adapters.supergood.mapping import map_customer, map_part, map_user
from adapters.supergood.queries import (
    appointment_query,
    customer_query,
    deal_query,
    part_query,
    repair_order_query,
)


def _vehicle_query(flt: VehicleFilter) -> Query[InventoryVehicle]:
    q: Query[InventoryVehicle] = Query()
    q.enum("status", flt.status, m.VEHICLE_STATUS, lambda v: v.status, VehicleStatus.UNKNOWN)
    q.enum(
        "condition",
        flt.condition,
        m.VEHICLE_CONDITION,
        lambda v: v.condition,
        VehicleCondition.UNKNOWN,
    )
    q.param("updatedFrom", flt.updated_since)
    # The page documents no vin, stock number, make, model or year parameter.
    check_vehicle_fields(q, flt, ("vin", "stock_number", "make", "model", "year"))
    return q


# List items carry every field of the detail, so the listing can answer lookups by id.
SPEC = VendorSpec(
    {
        Capability.VEHICLES: Resource(
            "/inventory/vehicles", m.map_vehicle, _vehicle_query, list_documented=True
        ),
        Capability.CUSTOMERS: Resource("/customers", map_customer, customer_query),
        Capability.DEALS: Resource(
            "/sales/deals", m.map_deal, lambda f: deal_query(f, m.DEAL_STATUS)
        ),
        Capability.REPAIR_ORDERS: Resource(
            "/service/repair-orders",
            m.map_repair_order,
            lambda f: repair_order_query(f, m.REPAIR_ORDER_STATUS),
            list_documented=True,
        ),
        Capability.APPOINTMENTS: Resource(
            "/service/appointments",
            m.map_appointment,
            lambda f: appointment_query(f, m.APPOINTMENT_STATUS, ("scheduledFrom", "scheduledTo")),
        ),
        Capability.PARTS: Resource("/parts", map_part, part_query),
        Capability.EMPLOYEES: Resource("/users", map_user, optional_lookup=True),
    },
    scope=StoreScope(ScopeKind.QUERY, ROOFTOP, stores="rooftops"),
)


class DealertrackAdapter(DealertrackWrites, SupergoodAdapter):
    dms: ClassVar[Dms] = Dms.DEALERTRACK
    spec: ClassVar[VendorSpec] = SPEC
    scope_of = staticmethod(rooftop_of)

    def __init__(self, api: RestApi, *, reference_ttl: float) -> None:
        super().__init__(api, reference_ttl=reference_ttl)
        assert isinstance(api.http.auth, SupergoodSessionAuth)
        self._auth = api.http.auth  # the session names the login's rooftops
        self._stores: ReferenceCache[None, Store] = ReferenceCache(ttl=reference_ttl)

    async def close(self) -> None:
        self._stores.clear()
        await super().close()

    async def list_stores(self) -> list[Store]:
        return list(await self._stores.items(None, self._load_stores))

    async def _load_stores(self) -> list[Store]:
        """The session names the rooftops; the (extrapolated) rooftop list names them."""
        session = await self._auth.live_session(self._api.http)
        listed = await optional(
            self._api.all("/rooftops", m.map_rooftop), what="dealertrack rooftop names"
        )
        named = {s.store_id: s for s in listed or ()}  # without the listing: ids only
        return [named.get(r) or Store(store_id=r) for r in session.rooftops]

    async def _login_store_ids(self) -> list[str | None]:
        return list((await self._auth.live_session(self._api.http)).rooftops)

    async def _scope(self, store_id: str | None) -> dict[str, str]:
        """``{rooftopId: ...}`` for the writes; without a store id, the only rooftop."""
        return dict((await self._scoped(store_id)).params)
