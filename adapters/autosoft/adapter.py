"""AutoSoft DMS over the Supergood API (docs/contracts/autosoft.md).

One integration is one dealership, so ``store_id`` is not used. There is no service-vehicle
resource: repair orders embed the vehicle (``RepairOrder.vehicle``, keyed by VIN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import ClassVar

import aiohttp

from adapters.autosoft import mapping as m
from adapters.base import (
    AccountFilter,
    AppointmentFilter,
    Capability,
    CustomerFilter,
    DealFilter,
    DmsAdapter,
    EmployeeFilter,
    LeadFilter,
    Page,
    PartFilter,
    PaymentFilter,
    RepairOrderFilter,
    VehicleFilter,
    Window,
)
from adapters.cache import ReferenceCache
from adapters.http import HttpPolicy
from adapters.models import (
    Account,
    AccountStatus,
    AppointmentStatus,
    Customer,
    Deal,
    DealStatus,
    Dms,
    Employee,
    InventoryVehicle,
    Lead,
    LeadStatus,
    Part,
    Payment,
    RepairOrder,
    RepairOrderStatus,
    ServiceAppointment,
    ServiceVehicle,
    VehicleCondition,
    VehicleStatus,
)
from adapters.paging import slice_window
from adapters.query import Query, employee_predicate
from adapters.rest import RestApi
from adapters.supergood import supergood_api


class AutoSoftAdapter(DmsAdapter):
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
    ) -> AutoSoftAdapter:
        api = supergood_api(
            vendor=cls.dms.value, session=session, base_url=base_url, secrets=secrets, policy=policy
        )
        return cls(api, reference_ttl=policy.reference_ttl)

    def __repr__(self) -> str:
        return f"AutoSoftAdapter({self._api.http!r})"

    async def close(self) -> None:
        self._users.clear()

    # --- sales --------------------------------------------------------------------------

    async def list_vehicles(
        self, store_id: str | None, flt: VehicleFilter, window: Window
    ) -> Page[InventoryVehicle]:
        q: Query[InventoryVehicle] = Query()
        q.enum("status", flt.status, m.VEHICLE_STATUS, lambda v: v.status, VehicleStatus.UNKNOWN)
        q.enum(
            "type", flt.condition, m.VEHICLE_TYPE, lambda v: v.condition, VehicleCondition.UNKNOWN
        )
        q.param("make", flt.make)
        q.param("model", flt.model)
        q.param("year", flt.year)
        q.param("updatedFrom", flt.updated_since)
        # No vin or stockNumber parameter on /vehicles.
        if flt.vin is not None:
            vin = flt.vin.upper()
            q.check(lambda v: (v.vin or "").upper() == vin)
        if flt.stock_number is not None:
            stock = flt.stock_number
            q.check(lambda v: v.stock_number == stock)
        return await self._api.window("/vehicles", q, m.map_vehicle, window)

    async def get_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[InventoryVehicle | None]:
        return await self._api.batch(ids, "/vehicles", m.map_vehicle)

    async def list_customers(
        self, store_id: str | None, flt: CustomerFilter, window: Window
    ) -> Page[Customer]:
        q: Query[Customer] = Query()
        q.param("search", flt.search)
        q.param("updatedFrom", flt.updated_since)
        return await self._api.window("/customers", q, m.map_customer, window)

    async def get_customers(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Customer | None]:
        return await self._api.batch(ids, "/customers", m.map_customer)

    async def list_leads(self, store_id: str | None, flt: LeadFilter, window: Window) -> Page[Lead]:
        q: Query[Lead] = Query()
        q.enum("status", flt.status, m.LEAD_STATUS, lambda r: r.status, LeadStatus.UNKNOWN)
        q.param("updatedFrom", flt.updated_since)
        return await self._api.window("/leads", q, m.map_lead, window)

    async def get_leads(self, store_id: str | None, ids: Sequence[str]) -> list[Lead | None]:
        return await self._api.batch(ids, "/leads", m.map_lead)

    async def list_deals(self, store_id: str | None, flt: DealFilter, window: Window) -> Page[Deal]:
        q: Query[Deal] = Query()
        q.enum("status", flt.status, m.DEAL_STATUS, lambda d: d.status, DealStatus.UNKNOWN)
        q.param("customerId", flt.buyer_id)
        q.param("updatedFrom", flt.updated_since)
        return await self._api.window("/deals", q, m.map_deal, window)

    async def get_deals(self, store_id: str | None, ids: Sequence[str]) -> list[Deal | None]:
        return await self._api.batch(ids, "/deals", m.map_deal)

    # --- service ------------------------------------------------------------------------

    async def list_repair_orders(
        self, store_id: str | None, flt: RepairOrderFilter, window: Window
    ) -> Page[RepairOrder]:
        q: Query[RepairOrder] = Query()
        q.enum(
            "status",
            flt.status,
            m.REPAIR_ORDER_STATUS,
            lambda r: r.status,
            RepairOrderStatus.UNKNOWN,
        )
        q.param("advisorId", flt.advisor_id)
        q.param("updatedFrom", flt.updated_since)
        # The vendor filters neither by technician, customer nor vehicle.
        if flt.technician_id is not None:
            tech = flt.technician_id
            q.check(lambda r: tech in r.technician_ids)
        if flt.customer_id is not None:
            customer = flt.customer_id
            q.check(lambda r: r.customer_id == customer)
        if flt.vehicle_id is not None:
            vin = flt.vehicle_id.upper()
            q.check(lambda r: (r.vehicle_id or "").upper() == vin)
        return await self._api.window("/service/repair-orders", q, m.map_repair_order, window)

    async def get_repair_orders(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[RepairOrder | None]:
        # List rows lack promisedAt and closedAt, so a lookup by id reads details.
        return await self._api.batch(
            ids, "/service/repair-orders", m.map_repair_order, listing=False
        )

    async def get_service_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceVehicle | None]:
        # No vehicle resource: a customer's vehicle is known by VIN from its repair orders,
        # so one paged read of the RO list answers any number of VINs. The newest RO wins.
        wanted = {i.upper() for i in ids}
        found: dict[str, ServiceVehicle] = {}
        orders = await self._api.all("/service/repair-orders", m.map_repair_order)
        for ro in sorted(orders, key=lambda r: r.opened_at or datetime.min.replace(tzinfo=UTC)):
            if ro.vehicle is not None and ro.vehicle.id.upper() in wanted:
                found[ro.vehicle.id.upper()] = ro.vehicle
        return [found.get(i.upper()) for i in ids]

    async def list_appointments(
        self, store_id: str | None, flt: AppointmentFilter, window: Window
    ) -> Page[ServiceAppointment]:
        q: Query[ServiceAppointment] = Query()
        q.enum(
            "status",
            flt.status,
            m.APPOINTMENT_STATUS,
            lambda a: a.status,
            AppointmentStatus.UNKNOWN,
        )
        q.param("customerId", flt.customer_id)
        q.param("from", flt.starts_after)
        q.param("to", flt.starts_before)
        return await self._api.window("/service/appointments", q, m.map_appointment, window)

    async def get_appointments(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceAppointment | None]:
        return await self._api.batch(ids, "/service/appointments", m.map_appointment)

    async def list_parts(self, store_id: str | None, flt: PartFilter, window: Window) -> Page[Part]:
        q: Query[Part] = Query()
        q.param("search", flt.search)
        q.param("partNumber", flt.part_number)
        return await self._api.window("/parts", q, m.map_part, window)

    async def get_parts(self, store_id: str | None, ids: Sequence[str]) -> list[Part | None]:
        return await self._api.batch(ids, "/parts", m.map_part)

    async def list_employees(
        self, store_id: str | None, flt: EmployeeFilter, window: Window
    ) -> Page[Employee]:
        users = await self._users.items(None, self._load_users)
        return slice_window([u for u in users if employee_predicate(flt)(u)], window)

    async def get_employees(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Employee | None]:
        return await self._users.lookup(None, self._load_users, ids)

    async def _load_users(self) -> list[Employee]:
        return await self._api.all("/users", m.map_user)

    # --- receivables --------------------------------------------------------------------

    async def list_accounts(
        self, store_id: str | None, flt: AccountFilter, window: Window
    ) -> Page[Account]:
        q: Query[Account] = Query()
        q.enum("status", flt.status, m.ACCOUNT_STATUS, lambda a: a.status, AccountStatus.UNKNOWN)
        q.param("customerId", flt.customer_id)
        if flt.past_due_only:
            q.check(lambda a: a.days_past_due > 0 or a.status is AccountStatus.PAST_DUE)
        return await self._api.window("/accounting/ar-accounts", q, m.map_account, window)

    async def get_accounts(self, store_id: str | None, ids: Sequence[str]) -> list[Account | None]:
        return await self._api.batch(ids, "/accounting/ar-accounts", m.map_account)

    async def list_payments(
        self, store_id: str | None, flt: PaymentFilter, window: Window
    ) -> Page[Payment]:
        q: Query[Payment] = Query()
        q.param("accountId", flt.account_id)
        q.param("receivedFrom", flt.received_since)
        if flt.repair_order_id is not None:
            q.never()  # AutoSoft payments post to receivable accounts, never to ROs
        return await self._api.window("/accounting/payments", q, m.map_payment, window)

    async def get_payments(self, store_id: str | None, ids: Sequence[str]) -> list[Payment | None]:
        return await self._api.batch(ids, "/accounting/payments", m.map_payment)
