"""Dealership: one store on one DMS, and the lists it holds."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry

from adapters.errors import AdapterError
from adapters.models import Address as AddressModel
from adapters.models import Store
from graph.context import Info
from graph.errors import upstream_error
from graph.ids import encode_global_id
from graph.kinds import (
    ACCOUNTS,
    APPOINTMENTS,
    CUSTOMERS,
    DEALS,
    EMPLOYEES,
    LEADS,
    PARTS,
    PAYMENTS,
    REPAIR_ORDERS,
    SERVICE_VEHICLES,
    VEHICLES,
)
from graph.listing import dealership_list
from graph.nodes import resolve_node
from graph.pagination import Connection
from graph.runtime import DealershipEntry
from graph.sorted_listing import (
    AppointmentOrder,
    DealOrder,
    PaymentOrder,
    RepairOrderOrder,
    VehicleOrder,
    ordered_list,
    sorted_vehicles,
)
from graph.types import filters as f
from graph.types.convert import build
from graph.types.customer import Customer
from graph.types.enums import Capability, ConnectionState, Dms, MfaMethod, WriteOperation
from graph.types.node import Node
from graph.types.receivables import Account, Payment
from graph.types.registry import node_type
from graph.types.sales import Deal, InventoryVehicle, Lead
from graph.types.service import Employee, Part, RepairOrder, ServiceAppointment, ServiceVehicle
from graph.types.values import Address


@strawberry.type(
    description="A verification code the DMS sent to a person (SMS, e-mail) to let the"
    " connection sign in."
)
class MfaChallenge:
    method: MfaMethod
    destination: str | None = strawberry.field(
        description="Where the code went, masked by the DMS."
    )
    requested_at: datetime.datetime
    expires_at: datetime.datetime | None = strawberry.field(
        description="When the DMS stops taking it; null once the DMS has ended it (ask for"
        " a new code with requestDmsMfaCode)."
    )


@strawberry.type(description="The connection to the dealership's DMS. Never shows a secret.")
class ConnectionStatus:
    state: ConnectionState
    last_error_code: str | None = strawberry.field(
        description="The code of the last failure (an extensions.code value), if any."
    )
    last_error_at: datetime.datetime | None
    last_success_at: datetime.datetime | None
    consecutive_failures: int
    mfa: MfaChallenge | None = strawberry.field(
        description="The sign-in code the DMS sent and waits for, while state is NEEDS_MFA."
        " Submit it with submitDmsMfaCode."
    )
    unserved_endpoints: list[str] = strawberry.field(
        description="Vendor endpoints (path templates such as /vehicles/{id}) this tenant"
        " was found not to serve; reads that would use them go another way for a while."
    )


@strawberry.type(
    description="What the DMS itself says about a store: AutoSync's shop, Dealertrack's"
    " rooftop. Fields the DMS does not give are null."
)
class DmsStore:
    store_id: str | None = strawberry.field(description="The DMS's own id for the store.")
    name: str | None = strawberry.field(description="The store's name in the DMS.")
    slug: str | None
    status: str | None = strawberry.field(description="As the DMS words it (`active`).")
    location_count: int | None = strawberry.field(
        description="How many locations the DMS lists under the store."
    )
    created_at: datetime.datetime | None

    @classmethod
    def from_model(cls, store: Store) -> DmsStore:
        return cls(
            store_id=store.store_id,
            name=store.name,
            slug=store.slug,
            status=store.status,
            location_count=store.location_count,
            created_at=store.created_at,
        )


_ORDER_NOTE = (
    " With orderBy the store's matching rows are read whole (no DMS sorts) and ordered here."
)
_LIST_NOTE = " A DMS without this list answers with an error whose code is NOT_SUPPORTED_BY_DMS."


@node_type(None)
@strawberry.federation.type(
    keys=["id"],
    description="One store (rooftop, shop) on one dealer-management system.",
)
class Dealership(Node):
    name: str
    dms: Dms
    store_id: str | None = strawberry.field(
        description="The DMS's own id for the store (AutoSync shop id, Dealertrack rooftop)."
    )
    capabilities: list[Capability] = strawberry.field(
        description="The lists this dealership's DMS provides; the others answer with errors."
    )
    supported_writes: list[WriteOperation] = strawberry.field(
        description="The writes this dealership's DMS accepts, so a frontend can hide the rest."
    )
    time_zone: str | None = strawberry.field(
        description="The store's IANA time zone (America/New_York), as configured: no DMS page"
        " gives one. Read appointment times and 'today' in it."
    )
    address: Address | None = strawberry.field(description="The store's address, as configured.")
    entry: strawberry.Private[DealershipEntry]

    @classmethod
    def from_entry(cls, entry: DealershipEntry) -> Dealership:
        return cls(
            id=strawberry.ID(encode_global_id("Dealership", entry.id, entry.id)),
            name=entry.name,
            dms=entry.dms,
            store_id=entry.store_id,
            capabilities=sorted(entry.capabilities, key=lambda c: c.value),
            supported_writes=sorted(entry.adapter.writes, key=lambda w: w.value),
            time_zone=entry.time_zone,
            address=build(Address, AddressModel(**entry.address.model_dump()))
            if entry.address is not None
            else None,
            entry=entry,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Any:
        return await resolve_node(info, id, expected="Dealership")

    @strawberry.field(description="How the connection to this dealership's DMS is doing.")
    def connection_status(self) -> ConnectionStatus:
        health = self.entry.adapter.health(self.entry.store_id)
        return ConnectionStatus(
            state=health.state,
            last_error_code=health.last_error_code,
            last_error_at=health.last_error_at,
            last_success_at=health.last_success_at,
            consecutive_failures=health.consecutive_failures,
            mfa=MfaChallenge(
                method=health.mfa.method,
                destination=health.mfa.destination,
                requested_at=health.mfa.requested_at,
                expires_at=health.mfa.expires_at,
            )
            if health.mfa is not None
            else None,
            unserved_endpoints=list(health.unserved_endpoints),
        )

    @strawberry.field(
        description="The store as the DMS describes it; null for a DMS with one store per"
        " login and no store list (the dealership's name then comes from configuration)."
    )
    async def dms_store(self, info: Info) -> DmsStore | None:
        try:
            stores = await self.entry.adapter.list_stores()
        except AdapterError as exc:
            raise upstream_error(exc, self.entry.id) from exc
        for store in stores:
            # A store the DMS only names by id says nothing configuration does not.
            if store.store_id == self.entry.store_id and store.model_fields_set - {"store_id"}:
                return DmsStore.from_model(store)
        return None

    @strawberry.field(
        description="Vehicles in the DMS's inventory, sold and wholesale units included:"
        " filter by status for the saleable ones (vendors take one status per request, so"
        " a status filter costs a request per status). With orderBy or a price, year or"
        " mileage range"
        " the store's matching vehicles are read whole and sorted or checked here (no DMS"
        " does either)." + _LIST_NOTE
    )
    async def vehicles(
        self,
        info: Info,
        filter: f.InventoryVehicleFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: VehicleOrder | None = None,
    ) -> Connection[InventoryVehicle] | None:
        ranges = filter.ranges() if filter is not None else None
        if order_by is not None or ranges is not None:
            return await sorted_vehicles(
                info, InventoryVehicle, [self.id], filter, ranges, order_by, first, after
            )
        return await dealership_list(
            info, self.entry, VEHICLES, InventoryVehicle, filter, first, after
        )

    @strawberry.field(description=_LIST_NOTE.strip())
    async def customers(
        self,
        info: Info,
        filter: f.CustomerFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Customer] | None:
        return await dealership_list(info, self.entry, CUSTOMERS, Customer, filter, first, after)

    @strawberry.field(description="Customers' vehicles known to service." + _LIST_NOTE)
    async def service_vehicles(
        self,
        info: Info,
        filter: f.ServiceVehicleFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ServiceVehicle] | None:
        return await dealership_list(
            info, self.entry, SERVICE_VEHICLES, ServiceVehicle, filter, first, after
        )

    @strawberry.field(description=_LIST_NOTE.strip())
    async def leads(
        self,
        info: Info,
        filter: f.LeadFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Lead] | None:
        return await dealership_list(info, self.entry, LEADS, Lead, filter, first, after)

    @strawberry.field(description=_LIST_NOTE.strip() + _ORDER_NOTE)
    async def deals(
        self,
        info: Info,
        filter: f.DealFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: DealOrder | None = None,
    ) -> Connection[Deal] | None:
        if order_by is not None:
            return await ordered_list(info, DEALS, Deal, [self.id], filter, order_by, first, after)
        return await dealership_list(info, self.entry, DEALS, Deal, filter, first, after)

    @strawberry.field(description=_LIST_NOTE.strip() + _ORDER_NOTE)
    async def repair_orders(
        self,
        info: Info,
        filter: f.RepairOrderFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: RepairOrderOrder | None = None,
    ) -> Connection[RepairOrder] | None:
        if order_by is not None:
            return await ordered_list(
                info, REPAIR_ORDERS, RepairOrder, [self.id], filter, order_by, first, after
            )
        return await dealership_list(
            info, self.entry, REPAIR_ORDERS, RepairOrder, filter, first, after
        )

    @strawberry.field(description=_LIST_NOTE.strip() + _ORDER_NOTE)
    async def appointments(
        self,
        info: Info,
        filter: f.AppointmentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: AppointmentOrder | None = None,
    ) -> Connection[ServiceAppointment] | None:
        if order_by is not None:
            return await ordered_list(
                info, APPOINTMENTS, ServiceAppointment, [self.id], filter, order_by, first, after
            )
        return await dealership_list(
            info, self.entry, APPOINTMENTS, ServiceAppointment, filter, first, after
        )

    @strawberry.field(description=_LIST_NOTE.strip())
    async def parts(
        self,
        info: Info,
        filter: f.PartFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Part] | None:
        return await dealership_list(info, self.entry, PARTS, Part, filter, first, after)

    @strawberry.field(description=_LIST_NOTE.strip())
    async def employees(
        self,
        info: Info,
        filter: f.EmployeeFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Employee] | None:
        return await dealership_list(info, self.entry, EMPLOYEES, Employee, filter, first, after)

    @strawberry.field(description="Customers' receivable and BHPH accounts." + _LIST_NOTE)
    async def accounts(
        self,
        info: Info,
        filter: f.AccountFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Account] | None:
        return await dealership_list(info, self.entry, ACCOUNTS, Account, filter, first, after)

    @strawberry.field(description=_LIST_NOTE.strip() + _ORDER_NOTE)
    async def payments(
        self,
        info: Info,
        filter: f.PaymentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: PaymentOrder | None = None,
    ) -> Connection[Payment] | None:
        if order_by is not None:
            return await ordered_list(
                info, PAYMENTS, Payment, [self.id], filter, order_by, first, after
            )
        return await dealership_list(info, self.entry, PAYMENTS, Payment, filter, first, after)
