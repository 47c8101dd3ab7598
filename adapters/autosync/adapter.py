"""AutoSync Shop Manager (docs/contracts/autosync.md): a repair-shop system, so no sales
side. One API key may reach several shops; ``store_id`` is the shop id. Writes are in
``adapters.autosync.writes``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import aiohttp

from adapters.auth import BearerKeyAuth, require_secrets
from adapters.autosync import mapping as m
from adapters.autosync.writes import AutoSyncWrites, read_autosync_error
from adapters.base import (
    AppointmentFilter,
    Capability,
    CustomerFilter,
    DmsAdapter,
    EmployeeFilter,
    Page,
    PartFilter,
    PaymentFilter,
    RepairOrderFilter,
    ServiceVehicleFilter,
    Window,
)
from adapters.cache import ReferenceCache
from adapters.convert import Raw
from adapters.errors import AdapterError
from adapters.http import HttpClient, HttpPolicy, path_segment
from adapters.models import (
    AppointmentStatus,
    Customer,
    Dms,
    Employee,
    Part,
    Payment,
    RepairOrder,
    RepairOrderStatus,
    ServiceAppointment,
    ServiceVehicle,
    Store,
)
from adapters.paging import HasId, slice_window
from adapters.query import Query, employee_predicate
from adapters.ratelimit import RateBudget
from adapters.rest import ListStyle, RestApi
from adapters.shared import SharedCredentials, credential_digest

T = TypeVar("T")
I = TypeVar("I", bound=HasId)  # noqa: E741

SECRET_KEYS = ("api_key",)

AUTOSYNC_LISTS = ListStyle(
    page_param="page",
    size_param="per_page",
    max_page_size=100,
    items=lambda body: body["data"],
    total=lambda body: (body.get("pagination") or {}).get("total"),
    detail=lambda body: body["data"],
)


AUTOSYNC_BUDGET = RateBudget(requests=100, per_seconds=60.0)
_SHOP_PATH = re.compile(r"/shops/([^/?]+)/")


def shop_of(path: str, params: Mapping[str, str] | None, body: Any) -> str | None:
    """The shop a request concerns: the one its path is under (``/shops/{id}/...``)."""
    found = _SHOP_PATH.match(path)
    return found.group(1) if found else None


"""The documented limit: 100 requests per rolling minute per API key."""


def _is_int_id(value: str) -> bool:
    # AutoSync ids are integers: anything else cannot exist, so it costs no call.
    return value.isascii() and value.isdigit()


class AutoSyncAdapter(AutoSyncWrites, DmsAdapter):
    dms: ClassVar[Dms] = Dms.AUTOSYNC
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CUSTOMERS,
            Capability.SERVICE_VEHICLES,
            Capability.REPAIR_ORDERS,
            Capability.APPOINTMENTS,
            Capability.PARTS,
            Capability.EMPLOYEES,
            Capability.PAYMENTS,
        }
    )

    def __init__(self, api: RestApi, *, reference_ttl: float) -> None:
        self._api = api
        self._shops: ReferenceCache[None, Store] = ReferenceCache(ttl=reference_ttl)
        self._employees: ReferenceCache[str, Employee] = ReferenceCache(ttl=reference_ttl)

    @classmethod
    def connect(
        cls,
        *,
        session: aiohttp.ClientSession,
        base_url: str,
        secrets: Mapping[str, str],
        policy: HttpPolicy,
        shared: SharedCredentials | None = None,
    ) -> AutoSyncAdapter:
        """Connections on one API key share its budget through ``shared``: AutoSync counts
        100 requests a minute per key, not per shop."""
        key = require_secrets(secrets, SECRET_KEYS, dms=cls.dms.value)["api_key"]
        digest = credential_digest(key.get_secret_value())
        shared = shared or SharedCredentials()
        http = HttpClient(
            session,
            base_url,
            vendor=cls.dms.value,
            policy=policy,
            auth=BearerKeyAuth(key),
            error_reader=read_autosync_error,
            gate=shared.gate(cls.dms.value, digest, policy.budget_for(AUTOSYNC_BUDGET)),
            scope_of=shop_of,
            cache=shared.cache(cls.dms.value, base_url, digest, policy.cache_ttls),
        )
        return cls(RestApi(http, AUTOSYNC_LISTS), reference_ttl=policy.reference_ttl)

    def __repr__(self) -> str:
        return f"AutoSyncAdapter({self._api.http!r})"

    async def close(self) -> None:
        self._shops.clear()
        self._employees.clear()
        await super().close()

    async def list_stores(self) -> list[Store]:
        return list(await self._shops.items(None, lambda: self._api.all("/shops", m.map_shop)))

    async def _shop(self, store_id: str | None) -> str:
        """The path prefix of a shop; without a store id, the key's only shop."""
        if store_id is None:
            shops = await self.list_stores()
            if len(shops) != 1 or shops[0].store_id is None:
                raise AdapterError(
                    f"autosync: this API key reaches {len(shops)} shops; a store id is required"
                )
            store_id = shops[0].store_id
        elif not _is_int_id(store_id):
            # The vendor would answer 404, which detail reads would take for "no such record".
            raise AdapterError(f"autosync shop ids are integers; {store_id!r} is not one")
        return f"/shops/{path_segment(store_id)}"

    async def _window(
        self,
        store_id: str | None,
        resource: str,
        q: Query[T],
        mapper: Callable[[Raw], T],
        window: Window,
    ) -> Page[T]:
        return await self._api.window(f"{await self._shop(store_id)}/{resource}", q, mapper, window)

    async def _batch(
        self,
        store_id: str | None,
        resource: str,
        ids: Sequence[str],
        mapper: Callable[[Raw], I],
        *,
        listing: bool = True,
    ) -> list[I | None]:
        path = f"{await self._shop(store_id)}/{resource}"
        return await self._api.batch(ids, path, mapper, listing=listing, valid_id=_is_int_id)

    # --- service ------------------------------------------------------------------------

    async def list_customers(
        self, store_id: str | None, flt: CustomerFilter, window: Window
    ) -> Page[Customer]:
        q: Query[Customer] = Query()
        q.param("search", flt.search)
        q.param("updated_after", flt.updated_since)
        return await self._window(store_id, "customers", q, m.map_customer, window)

    async def get_customers(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Customer | None]:
        return await self._batch(store_id, "customers", ids, m.map_customer)

    async def list_service_vehicles(
        self, store_id: str | None, flt: ServiceVehicleFilter, window: Window
    ) -> Page[ServiceVehicle]:
        q: Query[ServiceVehicle] = Query()
        q.param("customer_id", flt.customer_id)
        q.param("vin", flt.vin)
        q.param("license_plate", flt.license_plate)
        return await self._window(store_id, "vehicles", q, m.map_vehicle, window)

    async def get_service_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceVehicle | None]:
        return await self._batch(store_id, "vehicles", ids, m.map_vehicle)

    async def list_repair_orders(
        self, store_id: str | None, flt: RepairOrderFilter, window: Window
    ) -> Page[RepairOrder]:
        q: Query[RepairOrder] = Query()
        q.enum(
            "status", flt.status, m.WORK_ORDER_STATUS, lambda r: r.status, RepairOrderStatus.UNKNOWN
        )
        q.param("service_writer_id", flt.advisor_id)
        q.param("technician_id", flt.technician_id)
        q.param("customer_id", flt.customer_id)
        q.param("vehicle_id", flt.vehicle_id)
        q.param("updated_after", flt.updated_since)
        return await self._window(store_id, "workorders", q, m.map_work_order, window)

    async def get_repair_orders(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[RepairOrder | None]:
        # Asked by id, the graph wants line items: only the detail has jobs.
        return await self._batch(store_id, "workorders", ids, m.map_work_order, listing=False)

    async def list_appointments(
        self, store_id: str | None, flt: AppointmentFilter, window: Window
    ) -> Page[ServiceAppointment]:
        q: Query[ServiceAppointment] = Query()
        # No status parameter on the appointments list: filtered here.
        q.enum(
            None, flt.status, m.APPOINTMENT_STATUS, lambda a: a.status, AppointmentStatus.UNKNOWN
        )
        q.param("customer_id", flt.customer_id)
        q.param("start_after", flt.starts_after)
        q.param("start_before", flt.starts_before)
        return await self._window(store_id, "appointments", q, m.map_appointment, window)

    async def get_appointments(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceAppointment | None]:
        return await self._batch(store_id, "appointments", ids, m.map_appointment)

    async def list_parts(self, store_id: str | None, flt: PartFilter, window: Window) -> Page[Part]:
        q: Query[Part] = Query()
        q.param("search", flt.search)
        q.param("part_number", flt.part_number)
        return await self._window(store_id, "inventory", q, m.map_part, window)

    async def get_parts(self, store_id: str | None, ids: Sequence[str]) -> list[Part | None]:
        return await self._batch(store_id, "inventory", ids, m.map_part)

    async def list_employees(
        self, store_id: str | None, flt: EmployeeFilter, window: Window
    ) -> Page[Employee]:
        shop = await self._shop(store_id)
        staff = await self._employees.items(shop, lambda: self._load_employees(shop))
        return slice_window([e for e in staff if employee_predicate(flt)(e)], window)

    async def get_employees(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Employee | None]:
        shop = await self._shop(store_id)
        return await self._employees.lookup(shop, lambda: self._load_employees(shop), ids)

    async def _load_employees(self, shop: str) -> list[Employee]:
        return await self._api.all(f"{shop}/employees", m.map_employee)

    # --- receivables --------------------------------------------------------------------

    async def list_payments(
        self, store_id: str | None, flt: PaymentFilter, window: Window
    ) -> Page[Payment]:
        q: Query[Payment] = Query()
        if flt.account_id is not None:
            q.never()  # payments belong to work orders; AutoSync has no accounts
        q.param("work_order_id", flt.repair_order_id)
        q.param("created_after", flt.received_since)
        return await self._window(store_id, "payments", q, m.map_payment, window)

    async def get_payments(self, store_id: str | None, ids: Sequence[str]) -> list[Payment | None]:
        return await self._batch(store_id, "payments", ids, m.map_payment)
