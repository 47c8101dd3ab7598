"""The sales side: inventory for sale, customers, leads and deals."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

import strawberry

from adapters import models as m
from graph.context import Info
from graph.derived import days_in_stock
from graph.kinds import CUSTOMERS, DEALS, EMPLOYEES, LEADS, VEHICLES
from graph.types.convert import build_node
from graph.types.customer import Customer
from graph.types.embedded import partial
from graph.types.enums import DealStatus, LeadStatus, VehicleCondition, VehicleStatus
from graph.types.node import DealershipObject
from graph.types.registry import node_type
from graph.types.relations import related
from graph.types.service import Employee
from graph.types.values import (
    BookValue,
    Consent,
    DealFinancing,
    DealPricing,
    FinanceProduct,
    Photo,
    TradeIn,
    VehicleReference,
)


@node_type(VEHICLES)
@strawberry.federation.type(
    keys=["id"],
    description="A vehicle the dealership holds for sale. A customer's car in for service "
    "is a ServiceVehicle, never this.",
)
class InventoryVehicle(DealershipObject):
    vin: str | None
    stock_number: str | None
    status: VehicleStatus
    status_raw: str | None = strawberry.field(description="The status as the DMS spells it.")
    condition: VehicleCondition
    condition_raw: str | None
    year: int | None
    make: str | None
    model: str | None
    trim: str | None
    body_style: str | None
    mileage: int | None = strawberry.field(description="Odometer reading, in mileageUnit.")
    mileage_unit: str
    exterior_color: str | None
    interior_color: str | None
    drivetrain: str | None
    transmission: str | None
    engine: str | None
    fuel_type: str | None
    msrp: Decimal | None
    asking_price: Decimal | None
    internet_price: Decimal | None
    sale_price: Decimal | None
    cost: Decimal | None
    book_values: list[BookValue]
    location_id: str | None
    lot_id: str | None
    lot_name: str | None
    photos: list[Photo]
    options: list[str]
    acquired_on: datetime.date | None
    acquisition_source: str | None = strawberry.field(
        description="How the dealer came by the vehicle (trade-in, auction...), as the DMS says."
    )
    is_wholesale: bool | None = strawberry.field(
        description="Set aside for wholesale rather than retail; null when the DMS does not say."
    )
    days_in_stock: int | None = strawberry.field(
        description="Days since the dealer acquired it: the DMS's count, or from acquiredOn."
    )
    updated_at: datetime.datetime | None

    @classmethod
    def from_model(cls, model: m.InventoryVehicle, dealership_id: str) -> InventoryVehicle:
        return build_node(cls, model, dealership_id, days_in_stock=days_in_stock(model))


@node_type(LEADS)
@strawberry.federation.type(keys=["id"], description="A sales lead.")
class Lead(DealershipObject):
    status: LeadStatus
    status_raw: str | None
    source: str | None
    channel: str | None = strawberry.field(
        description="How the lead reached the store within its source (chat, digital retail...)."
    )
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    vehicle_of_interest: VehicleReference | None
    trade_in: TradeIn | None
    notes: str | None
    consent: Consent | None
    reference_id: str | None = strawberry.field(description="The writer's idempotency key.")
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    customer_id: strawberry.Private[str | None]
    assigned_user_id: strawberry.Private[str | None]

    @strawberry.field(description="The customer record the lead is attached to, if any.")
    async def customer(self, info: Info) -> Customer | None:
        return await related(info, Customer, CUSTOMERS, self.dealership_id, self.customer_id)

    @strawberry.field(description="The salesperson working the lead.")
    async def assigned_to(self, info: Info) -> Employee | None:
        return await _employee(info, self.dealership_id, self.assigned_user_id)


@node_type(DEALS)
@strawberry.federation.type(keys=["id"], description="A vehicle sale, from draft to delivery.")
class Deal(DealershipObject):
    deal_number: str | None
    status: DealStatus
    status_raw: str | None
    sale_type: str | None
    vehicle_reference: VehicleReference | None = strawberry.field(
        description="The vehicle as the deal names it, even when it is no longer in stock."
    )
    pricing: DealPricing
    trade_ins: list[TradeIn]
    financing: DealFinancing | None
    products: list[FinanceProduct]
    reference_id: str | None
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    buyer_id: strawberry.Private[str | None]
    co_buyer_id: strawberry.Private[str | None]
    salesperson_id: strawberry.Private[str | None]
    finance_manager_id: strawberry.Private[str | None]
    embedded_buyer: strawberry.Private[m.Customer | None]
    renamed_from: ClassVar[dict[str, str]] = {
        "vehicle_reference": "vehicle",
        "embedded_buyer": "buyer",
    }

    @strawberry.field
    async def vehicle(self, info: Info) -> InventoryVehicle | None:
        ref = self.vehicle_reference
        if ref is None:
            return None
        embedded = partial(
            m.InventoryVehicle, id=ref.vehicle_id, vin=ref.vin, stock_number=ref.stock_number
        )
        return await related(
            info, InventoryVehicle, VEHICLES, self.dealership_id, ref.vehicle_id, embedded
        )

    @strawberry.field
    async def buyer(self, info: Info) -> Customer | None:
        return await related(
            info, Customer, CUSTOMERS, self.dealership_id, self.buyer_id, self.embedded_buyer
        )

    @strawberry.field
    async def co_buyer(self, info: Info) -> Customer | None:
        return await related(info, Customer, CUSTOMERS, self.dealership_id, self.co_buyer_id)

    @strawberry.field
    async def salesperson(self, info: Info) -> Employee | None:
        return await _employee(info, self.dealership_id, self.salesperson_id)

    @strawberry.field(description="The F&I manager working the deal.")
    async def finance_manager(self, info: Info) -> Employee | None:
        return await _employee(info, self.dealership_id, self.finance_manager_id)


async def _employee(info: Info, dealership_id: str, employee_id: str | None) -> Employee | None:
    return await related(info, Employee, EMPLOYEES, dealership_id, employee_id)
