"""Dealertrack DMS over the Supergood API (docs/contracts/dealertrack.md).

One login (one session, one token) reaches several rooftops of a dealer group; each
dealership of the connection is one rooftop, and every call carries its ``rooftopId``.
There is no service-vehicle resource (repair orders and appointments embed the vehicle,
keyed by VIN), and no leads, receivable accounts or payments. The writes (deals, journal
entries) are in ``adapters.dealertrack.writes``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, TypeVar

import aiohttp

from adapters.base import (
    AppointmentFilter,
    Capability,
    CustomerFilter,
    DealFilter,
    EmployeeFilter,
    Page,
    PartFilter,
    RepairOrderFilter,
    VehicleFilter,
    Window,
)
from adapters.cache import ReferenceCache
from adapters.convert import Raw
from adapters.dealertrack import mapping as m
from adapters.dealertrack.writes import ROOFTOP, DealertrackWrites, rooftop_of
from adapters.errors import AdapterError, UpstreamRejected
from adapters.http import HttpPolicy
from adapters.models import (
    Customer,
    Deal,
    Dms,
    Employee,
    InventoryVehicle,
    Part,
    RepairOrder,
    ServiceAppointment,
    Store,
    VehicleCondition,
    VehicleStatus,
)
from adapters.paging import HasId, slice_window
from adapters.query import (
    Query,
    check_vehicle_fields,
    employee_predicate,
)
from adapters.rest import RestApi
from adapters.shared import SharedCredentials
from adapters.supergood import SupergoodSessionAuth, supergood_api
from adapters.supergood.mapping import map_customer, map_part, map_user
from adapters.supergood.queries import (
    appointment_query,
    customer_query,
    deal_query,
    part_query,
    repair_order_query,
)

T = TypeVar("T")
I = TypeVar("I", bound=HasId)  # noqa: E741


class DealertrackAdapter(DealertrackWrites):
    dms: ClassVar[Dms] = Dms.DEALERTRACK
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.VEHICLES,
            Capability.CUSTOMERS,
            Capability.DEALS,
            Capability.REPAIR_ORDERS,
            Capability.APPOINTMENTS,
            Capability.PARTS,
            Capability.EMPLOYEES,
        }
    )

    def __init__(self, api: RestApi, auth: SupergoodSessionAuth, *, reference_ttl: float) -> None:
        self._api = api
        self._auth = auth
        self._stores: ReferenceCache[None, Store] = ReferenceCache(ttl=reference_ttl)
        self._users: ReferenceCache[str, Employee] = ReferenceCache(ttl=reference_ttl)

    @classmethod
    def connect(
        cls,
        *,
        session: aiohttp.ClientSession,
        base_url: str,
        secrets: Mapping[str, str],
        policy: HttpPolicy,
        shared: SharedCredentials | None = None,
    ) -> DealertrackAdapter:
        api = supergood_api(
            vendor=cls.dms.value,
            session=session,
            base_url=base_url,
            secrets=secrets,
            policy=policy,
            shared=shared,
            scope_of=rooftop_of,
        )
        assert isinstance(api.http.auth, SupergoodSessionAuth)
        return cls(api, api.http.auth, reference_ttl=policy.reference_ttl)

    def __repr__(self) -> str:
        return f"DealertrackAdapter({self._api.http!r})"

    async def close(self) -> None:
        self._stores.clear()
        self._users.clear()
        await super().close()

    # --- rooftops -----------------------------------------------------------------------

    async def list_stores(self) -> list[Store]:
        return list(await self._stores.items(None, self._load_stores))

    async def _load_stores(self) -> list[Store]:
        """The session names the rooftops; the (extrapolated) rooftop list names them."""
        session = await self._auth.live_session(self._api.http)
        try:
            named = {s.store_id: s for s in await self._api.all("/rooftops", m.map_rooftop)}
        except UpstreamRejected as exc:
            if exc.status != 404:
                raise
            named = {}  # no rooftop listing on this tenant: ids only
        return [named.get(r) or Store(store_id=r) for r in session.rooftops]

    async def _scope(self, store_id: str | None) -> dict[str, str]:
        """The ``rooftopId`` parameter; without a store id, the login's only rooftop."""
        if store_id is None:
            rooftops = (await self._auth.live_session(self._api.http)).rooftops
            if len(rooftops) != 1:
                raise AdapterError(
                    f"dealertrack: this login reaches {len(rooftops)} rooftops; "
                    "a store id is required"
                )
            store_id = rooftops[0]
        return {ROOFTOP: store_id}

    async def _window(
        self,
        store_id: str | None,
        path: str,
        q: Query[T],
        mapper: Callable[[Raw], T],
        window: Window,
    ) -> Page[T]:
        q.params.update(await self._scope(store_id))
        return await self._api.window(path, q, mapper, window)

    async def _batch(
        self, store_id: str | None, path: str, ids: Sequence[str], mapper: Callable[[Raw], I]
    ) -> list[I | None]:
        # List items carry every field of the detail, so the listing can answer a batch.
        return await self._api.batch(ids, path, mapper, params=await self._scope(store_id))

    # --- sales --------------------------------------------------------------------------

    async def list_vehicles(
        self, store_id: str | None, flt: VehicleFilter, window: Window
    ) -> Page[InventoryVehicle]:
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
        return await self._window(store_id, "/inventory/vehicles", q, m.map_vehicle, window)

    async def get_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[InventoryVehicle | None]:
        return await self._batch(store_id, "/inventory/vehicles", ids, m.map_vehicle)

    async def list_customers(
        self, store_id: str | None, flt: CustomerFilter, window: Window
    ) -> Page[Customer]:
        q = customer_query(flt)
        return await self._window(store_id, "/customers", q, map_customer, window)

    async def get_customers(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Customer | None]:
        return await self._batch(store_id, "/customers", ids, map_customer)

    async def list_deals(self, store_id: str | None, flt: DealFilter, window: Window) -> Page[Deal]:
        q = deal_query(flt, m.DEAL_STATUS)
        return await self._window(store_id, "/sales/deals", q, m.map_deal, window)

    async def get_deals(self, store_id: str | None, ids: Sequence[str]) -> list[Deal | None]:
        return await self._batch(store_id, "/sales/deals", ids, m.map_deal)

    # --- service ------------------------------------------------------------------------

    async def list_repair_orders(
        self, store_id: str | None, flt: RepairOrderFilter, window: Window
    ) -> Page[RepairOrder]:
        q = repair_order_query(flt, m.REPAIR_ORDER_STATUS)
        return await self._window(store_id, "/service/repair-orders", q, m.map_repair_order, window)

    async def get_repair_orders(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[RepairOrder | None]:
        return await self._batch(store_id, "/service/repair-orders", ids, m.map_repair_order)

    async def list_appointments(
        self, store_id: str | None, flt: AppointmentFilter, window: Window
    ) -> Page[ServiceAppointment]:
        q = appointment_query(flt, m.APPOINTMENT_STATUS, ("scheduledFrom", "scheduledTo"))
        return await self._window(store_id, "/service/appointments", q, m.map_appointment, window)

    async def get_appointments(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceAppointment | None]:
        return await self._batch(store_id, "/service/appointments", ids, m.map_appointment)

    async def list_parts(self, store_id: str | None, flt: PartFilter, window: Window) -> Page[Part]:
        q = part_query(flt)
        return await self._window(store_id, "/parts", q, map_part, window)

    async def get_parts(self, store_id: str | None, ids: Sequence[str]) -> list[Part | None]:
        return await self._batch(store_id, "/parts", ids, map_part)

    async def list_employees(
        self, store_id: str | None, flt: EmployeeFilter, window: Window
    ) -> Page[Employee]:
        users = await self._rooftop_users(store_id)
        return slice_window([u for u in users if employee_predicate(flt)(u)], window)

    async def get_employees(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Employee | None]:
        scope = await self._scope(store_id)
        return await self._users.lookup(scope[ROOFTOP], lambda: self._load_users(scope), ids)

    async def _rooftop_users(self, store_id: str | None) -> list[Employee]:
        scope = await self._scope(store_id)
        return await self._users.items(scope[ROOFTOP], lambda: self._load_users(scope))

    async def _load_users(self, scope: Mapping[str, str]) -> list[Employee]:
        return await self._api.all("/users", map_user, scope)
