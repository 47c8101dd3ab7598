"""The root Query type."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from graph.context import Info
from graph.errors import BadUserInput
from graph.kinds import APPOINTMENTS, CUSTOMERS, DEALS, REPAIR_ORDERS, VEHICLES
from graph.listing import cross_dealership_list
from graph.nodes import resolve_node
from graph.pagination import Connection
from graph.sorted_listing import (
    AppointmentOrder,
    DealOrder,
    RepairOrderOrder,
    VehicleOrder,
    ordered_list,
    sorted_vehicles,
)
from graph.types import filters as f
from graph.types.customer import Customer
from graph.types.dealership import Dealership
from graph.types.events import (
    EventPage,
    EventType,
    WebhookDeadLetter,
    dead_letters,
    events_page,
)
from graph.types.node import Node
from graph.types.sales import Deal, InventoryVehicle
from graph.types.service import RepairOrder, ServiceAppointment

_ORDERED_NOTE = (
    " With orderBy the rows of every dealership are merged into one order (each store's"
    " matching rows read whole: no DMS sorts) and totalCount is the same on every page."
)
_SORTED_NOTE = (
    " With orderBy or a price, year or mileage range, the rows of every dealership are"
    " merged into one order (ties keep the dealerships' order) and totalCount is the same on"
    " every page; no DMS sorts or checks ranges, so each store's matching vehicles are read"
    " whole (at most max_sorted_rows per store) and the list costs more vendor requests."
)
_CROSS_NOTE = (
    " Rows come dealership by dealership, in the order of `dealerships`. Without "
    "dealershipIds every dealership whose DMS has this list is used; a dealership named in "
    "dealershipIds that has no such list, or whose DMS fails, adds an error naming it "
    "(extensions.dealershipId) while the other dealerships' rows still come back."
)


@strawberry.type
class Query:
    @strawberry.field(description="Every dealership this API key may see.")
    def dealerships(self, info: Info) -> list[Dealership]:
        return [Dealership.from_entry(e) for e in info.context.visible_dealerships()]

    @strawberry.field
    async def dealership(self, info: Info, id: strawberry.ID) -> Dealership | None:
        result: Dealership | None = await resolve_node(info, id, expected="Dealership")
        return result

    @strawberry.federation.field(
        shareable=True,
        description="The object with this global id, or null if none is visible.",
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        result: Node | None = await resolve_node(info, id)
        return result

    @strawberry.federation.field(
        shareable=True,
        description="The objects with these ids, in order; null where none is visible.",
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        cap = info.context.runtime.server.max_page_size
        if len(ids) > cap:
            raise BadUserInput(f"ids takes at most {cap} ids", field="ids")
        results: list[Any] = await asyncio.gather(*(resolve_node(info, i) for i in ids))
        return results

    @strawberry.field(
        description="Inventory vehicles across dealerships (sold and wholesale units"
        " included: filter by status for the saleable ones)." + _CROSS_NOTE + _SORTED_NOTE
    )
    async def vehicles(
        self,
        info: Info,
        dealership_ids: list[strawberry.ID] | None = None,
        filter: f.InventoryVehicleFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: VehicleOrder | None = None,
    ) -> Connection[InventoryVehicle]:
        ranges = filter.ranges() if filter is not None else None
        if order_by is not None or ranges is not None:
            return await sorted_vehicles(
                info, InventoryVehicle, dealership_ids, filter, ranges, order_by, first, after
            )
        return await cross_dealership_list(
            info, VEHICLES, InventoryVehicle, dealership_ids, filter, first, after
        )

    @strawberry.field(description="Repair orders across dealerships." + _CROSS_NOTE + _ORDERED_NOTE)
    async def repair_orders(
        self,
        info: Info,
        dealership_ids: list[strawberry.ID] | None = None,
        filter: f.RepairOrderFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: RepairOrderOrder | None = None,
    ) -> Connection[RepairOrder]:
        if order_by is not None:
            return await ordered_list(
                info, REPAIR_ORDERS, RepairOrder, dealership_ids, filter, order_by, first, after
            )
        return await cross_dealership_list(
            info, REPAIR_ORDERS, RepairOrder, dealership_ids, filter, first, after
        )

    @strawberry.field(
        description="Change events (from AutoSync's webhooks and the polled DMSs), oldest"
        " first, after the cursor given; for clients that cannot hold the"
        " dealershipEvents subscription open."
    )
    async def events(
        self,
        info: Info,
        after: str | None = None,
        first: int = 50,
        dealership_ids: list[strawberry.ID] | None = None,
        types: list[EventType] | None = None,  # type: ignore[valid-type]
    ) -> EventPage:
        return await events_page(info, after, first, dealership_ids, types)

    @strawberry.field(
        description="Events this API key's webhook (`webhook_url` in the configuration) could"
        " not deliver after five tries, newest first."
    )
    async def webhook_dead_letters(self, info: Info, first: int = 50) -> list[WebhookDeadLetter]:
        return await dead_letters(info, first)

    @strawberry.field(
        description="Customers across dealerships (search by part of a name, e-mail or phone)."
        + _CROSS_NOTE
    )
    async def customers(
        self,
        info: Info,
        dealership_ids: list[strawberry.ID] | None = None,
        filter: f.CustomerFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Customer]:
        return await cross_dealership_list(
            info, CUSTOMERS, Customer, dealership_ids, filter, first, after
        )

    @strawberry.field(description="Deals across dealerships." + _CROSS_NOTE + _ORDERED_NOTE)
    async def deals(
        self,
        info: Info,
        dealership_ids: list[strawberry.ID] | None = None,
        filter: f.DealFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: DealOrder | None = None,
    ) -> Connection[Deal]:
        if order_by is not None:
            return await ordered_list(
                info, DEALS, Deal, dealership_ids, filter, order_by, first, after
            )
        return await cross_dealership_list(info, DEALS, Deal, dealership_ids, filter, first, after)

    @strawberry.field(
        description="Service appointments across dealerships (startsAfter/startsBefore: give"
        " them in the store's timeZone for its day)." + _CROSS_NOTE
    )
    async def appointments(
        self,
        info: Info,
        dealership_ids: list[strawberry.ID] | None = None,
        filter: f.AppointmentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: AppointmentOrder | None = None,
    ) -> Connection[ServiceAppointment]:
        if order_by is not None:
            return await ordered_list(
                info,
                APPOINTMENTS,
                ServiceAppointment,
                dealership_ids,
                filter,
                order_by,
                first,
                after,
            )
        return await cross_dealership_list(
            info, APPOINTMENTS, ServiceAppointment, dealership_ids, filter, first, after
        )
