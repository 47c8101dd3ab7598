"""What every Supergood-family adapter shares: one integration is one dealership (so
``store_id`` is unused), one authenticated ``RestApi``, users as cached reference data, and
the reads the family's vendors answer alike.

A vendor declares its ``resources`` (path and mapping per capability); lookups by id and
the lists whose filters the family names alike (customers, deals, parts, receivable
accounts and payments) are then served here. A capability with no resource raises
``NotSupported``, as ``DmsAdapter`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, ClassVar, Self

import aiohttp

from adapters.base import (
    AccountFilter,
    AppointmentFilter,
    Capability,
    CustomerFilter,
    DealFilter,
    DmsAdapter,
    EmployeeFilter,
    Page,
    PartFilter,
    PaymentFilter,
    Window,
)
from adapters.cache import ReferenceCache
from adapters.convert import Raw
from adapters.http import HttpPolicy
from adapters.models import (
    Account,
    Customer,
    Deal,
    Employee,
    InventoryVehicle,
    Lead,
    Part,
    Payment,
    RepairOrder,
    ServiceAppointment,
    ServiceVehicle,
)
from adapters.optional import optional
from adapters.paging import slice_window
from adapters.query import Query, employee_predicate
from adapters.rest import RestApi
from adapters.shared import SharedCredentials
from adapters.supergood.api import supergood_api
from adapters.supergood.queries import (
    account_query,
    appointment_query,
    customer_query,
    deal_query,
    part_query,
    receivable_payment_query,
)

_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def newest_vehicles(
    orders: Iterable[RepairOrder], vins: Sequence[str]
) -> list[ServiceVehicle | None]:
    """Vehicles by VIN as the repair orders embed them (vendors with no vehicle resource);
    where several ROs name one VIN, the most recently opened describes it."""
    wanted = {v.upper() for v in vins}
    found: dict[str, ServiceVehicle] = {}
    for ro in sorted(orders, key=lambda r: r.opened_at or _LONG_AGO):
        if ro.vehicle is not None and ro.vehicle.id.upper() in wanted:
            found[ro.vehicle.id.upper()] = ro.vehicle
    return [found.get(v.upper()) for v in vins]


@dataclass(frozen=True, slots=True)
class Resource:
    """A list endpoint (``path``) whose detail is ``path/{id}``, and its mapping."""

    path: str
    mapper: Callable[[Raw], Any]
    statuses: Mapping[str, Enum] | None = None
    """Vendor status values onto canonical ones, for the list's ``status`` parameter."""
    listing: bool = True
    """List rows are whole records, so lookups by id may read the listing."""


class SupergoodAdapter(DmsAdapter):
    users_path: ClassVar[str] = "/users"
    map_user: ClassVar[Callable[[Raw], Employee]]
    resources: ClassVar[Mapping[Capability, Resource]] = {}
    appointment_time_range: ClassVar[tuple[str, str]] = ("from", "to")
    """The (from, to) parameters of the appointment list, on the appointment time."""

    def __init__(self, api: RestApi, *, reference_ttl: float) -> None:
        self._api = api
        self._users: ReferenceCache[None, Employee] = ReferenceCache(ttl=reference_ttl)

    @classmethod
    def connect(
        cls,
        *,
        session: aiohttp.ClientSession,
        base_url: str,
        secrets: Mapping[str, str],
        policy: HttpPolicy,
        shared: SharedCredentials | None = None,
    ) -> Self:
        api = supergood_api(
            vendor=cls.dms.value,
            session=session,
            base_url=base_url,
            secrets=secrets,
            policy=policy,
            shared=shared,
        )
        return cls(api, reference_ttl=policy.reference_ttl)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._api.http!r})"

    async def close(self) -> None:
        self._users.clear()

    async def list_employees(
        self, store_id: str | None, flt: EmployeeFilter, window: Window
    ) -> Page[Employee]:
        users = await self._users.items(None, self._load_users)
        return slice_window([u for u in users if employee_predicate(flt)(u)], window)

    async def get_employees(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Employee | None]:
        # Lookups by id name the advisor, salesperson... other records point at. The user
        # list is extrapolated: a tenant without it leaves them unknown instead of failing
        # the records that point at them. (Listing employees still fails: that is the read.)
        lookup = self._users.lookup(None, self._load_users, ids)
        found = await optional(lookup, what=f"{self.dms.value} users")
        return [None] * len(ids) if found is None else found

    async def _load_users(self) -> list[Employee]:
        return await self._api.all(self.users_path, type(self).map_user)

    # --- reads the family answers alike -------------------------------------------------

    def _resource(self, capability: Capability) -> Resource:
        found = self.resources.get(capability)
        if found is None:
            raise self._unsupported(capability)
        return found

    async def _list(self, capability: Capability, query: Query[Any], window: Window) -> Page[Any]:
        r = self._resource(capability)
        return await self._api.window(r.path, query, r.mapper, window)

    async def _get(self, capability: Capability, ids: Sequence[str]) -> list[Any]:
        r = self._resource(capability)
        return await self._api.batch(ids, r.path, r.mapper, listing=r.listing)

    def _statuses(self, capability: Capability) -> Mapping[str, Any]:
        return self._resource(capability).statuses or {}

    async def get_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[InventoryVehicle | None]:
        return await self._get(Capability.VEHICLES, ids)

    async def list_customers(
        self, store_id: str | None, flt: CustomerFilter, window: Window
    ) -> Page[Customer]:
        return await self._list(Capability.CUSTOMERS, customer_query(flt), window)

    async def get_customers(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Customer | None]:
        return await self._get(Capability.CUSTOMERS, ids)

    async def get_leads(self, store_id: str | None, ids: Sequence[str]) -> list[Lead | None]:
        return await self._get(Capability.LEADS, ids)

    async def list_deals(self, store_id: str | None, flt: DealFilter, window: Window) -> Page[Deal]:
        query = deal_query(flt, self._statuses(Capability.DEALS))
        return await self._list(Capability.DEALS, query, window)

    async def get_deals(self, store_id: str | None, ids: Sequence[str]) -> list[Deal | None]:
        return await self._get(Capability.DEALS, ids)

    async def get_repair_orders(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[RepairOrder | None]:
        return await self._get(Capability.REPAIR_ORDERS, ids)

    async def list_appointments(
        self, store_id: str | None, flt: AppointmentFilter, window: Window
    ) -> Page[ServiceAppointment]:
        statuses = self._statuses(Capability.APPOINTMENTS)
        query = appointment_query(flt, statuses, self.appointment_time_range)
        return await self._list(Capability.APPOINTMENTS, query, window)

    async def get_appointments(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceAppointment | None]:
        return await self._get(Capability.APPOINTMENTS, ids)

    async def list_parts(self, store_id: str | None, flt: PartFilter, window: Window) -> Page[Part]:
        return await self._list(Capability.PARTS, part_query(flt), window)

    async def get_parts(self, store_id: str | None, ids: Sequence[str]) -> list[Part | None]:
        return await self._get(Capability.PARTS, ids)

    async def list_accounts(
        self, store_id: str | None, flt: AccountFilter, window: Window
    ) -> Page[Account]:
        query = account_query(flt, self._statuses(Capability.ACCOUNTS))
        return await self._list(Capability.ACCOUNTS, query, window)

    async def get_accounts(self, store_id: str | None, ids: Sequence[str]) -> list[Account | None]:
        return await self._get(Capability.ACCOUNTS, ids)

    async def list_payments(
        self, store_id: str | None, flt: PaymentFilter, window: Window
    ) -> Page[Payment]:
        return await self._list(Capability.PAYMENTS, receivable_payment_query(flt), window)

    async def get_payments(self, store_id: str | None, ids: Sequence[str]) -> list[Payment | None]:
        return await self._get(Capability.PAYMENTS, ids)
