"""The service side: customers' vehicles, repair orders, appointments, parts and staff."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

import strawberry

from adapters import models as m
from adapters.base import Capability
from graph.context import Info
from graph.kinds import (
    APPOINTMENTS,
    CUSTOMERS,
    EMPLOYEES,
    PARTS,
    REPAIR_ORDERS,
    SERVICE_VEHICLES,
)
from graph.types.convert import build, build_node
from graph.types.customer import Customer
from graph.types.embedded import partial
from graph.types.enums import AppointmentStatus, EmployeeRole, RepairOrderStatus
from graph.types.node import DealershipObject
from graph.types.registry import node_type
from graph.types.relations import related, related_many
from graph.types.values import LaborLine, PartLine, RepairOrderTotals


async def _customer(
    info: Info,
    dealership_id: str,
    customer_id: str | None,
    embedded: m.Customer | None = None,
) -> Customer | None:
    return await related(info, Customer, CUSTOMERS, dealership_id, customer_id, embedded)


def _named_employee(employee_id: str | None, name: str | None) -> m.Employee | None:
    """An employee as a record names them (the id, and the name where it gives one), or None
    where it names nobody. An id alone still answers ``vendorId`` when the vendor serves no
    staff list to look the rest up in."""
    return partial(m.Employee, id=employee_id, name=name)  # type: ignore[return-value]


@node_type(EMPLOYEES)
@strawberry.federation.type(keys=["id"], description="A member of the dealership's staff.")
class Employee(DealershipObject):
    name: str | None = strawberry.field(
        description="Null where a record names the employee by id only and the DMS serves "
        "no staff list to read the name from."
    )
    first_name: str | None
    last_name: str | None
    email: str | None
    role: EmployeeRole
    role_raw: str | None
    active: bool


@strawberry.type(description="A technician's share of a repair order's work.")
class TechnicianAssignment:
    name: str | None
    assigned_hours: Decimal | None
    employee_id: strawberry.Private[str]
    dealership_id: strawberry.Private[str]

    @strawberry.field
    async def technician(self, info: Info) -> Employee | None:
        embedded = _named_employee(self.employee_id, self.name)
        return await related(
            info, Employee, EMPLOYEES, self.dealership_id, self.employee_id, embedded
        )


@node_type(SERVICE_VEHICLES)
@strawberry.federation.type(
    keys=["id"],
    description="A customer's vehicle as the service department knows it. Inventory for sale "
    "is an InventoryVehicle, never this.",
)
class ServiceVehicle(DealershipObject):
    vin: str | None
    year: int | None
    make: str | None
    model: str | None
    trim: str | None
    license_plate: str | None
    mileage: int | None = strawberry.field(description="The last mileage the shop recorded.")
    created_at: datetime.datetime | None
    owner_id: strawberry.Private[str | None]

    @strawberry.field
    async def owner(self, info: Info) -> Customer | None:
        return await _customer(info, self.dealership_id, self.owner_id)


async def _service_vehicle(
    info: Info, dealership_id: str, vehicle_id: str | None, embedded: m.ServiceVehicle | None
) -> ServiceVehicle | None:
    """The full record where the DMS has a vehicle resource, else the embedded snapshot."""
    entry = info.context.runtime.dealerships[dealership_id]
    if vehicle_id and Capability.SERVICE_VEHICLES in entry.capabilities:
        return await related(
            info, ServiceVehicle, SERVICE_VEHICLES, dealership_id, vehicle_id, embedded
        )
    return None if embedded is None else build_node(ServiceVehicle, embedded, dealership_id)


@node_type(REPAIR_ORDERS)
@strawberry.federation.type(keys=["id"], description="A repair order (work order).")
class RepairOrder(DealershipObject):
    ro_number: str | None
    status: RepairOrderStatus
    status_raw: str | None
    opened_at: datetime.datetime | None
    promised_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    customer_name: str | None = strawberry.field(
        description="The customer's name as written on the RO."
    )
    mileage_in: int | None
    customer_approved: bool | None
    advisor_approved: bool | None = strawberry.field(
        description="The advisor signed off the work, where the DMS records it."
    )
    advisor_name: str | None = strawberry.field(description="The advisor as the RO names them.")
    notes: str | None
    updated_at: datetime.datetime | None
    customer_id: strawberry.Private[str | None]
    vehicle_id: strawberry.Private[str | None]
    embedded_vehicle: strawberry.Private[m.ServiceVehicle | None]
    advisor_id: strawberry.Private[str | None]
    technician_ids: strawberry.Private[list[str]]
    assignments: strawberry.Private[tuple[m.TechnicianAssignment, ...]]
    model_: strawberry.Private[m.RepairOrder]
    embedded_customer: strawberry.Private[m.Customer | None]
    renamed_from: ClassVar[dict[str, str]] = {
        "embedded_vehicle": "vehicle",
        "assignments": "technicians",
        "embedded_customer": "customer",
    }

    @classmethod
    def from_model(cls, model: m.RepairOrder, dealership_id: str) -> RepairOrder:
        return build_node(cls, model, dealership_id, model_=model)

    async def _full(self, info: Info) -> m.RepairOrder:
        # Some vendors list ROs without their lines; the detail call has them.
        if self.model_.lines_included:
            return self.model_
        loaded = await info.context.loaders[REPAIR_ORDERS].load(
            (self.dealership_id, self.vendor_id)
        )
        return loaded or self.model_

    @strawberry.field
    async def labor_lines(self, info: Info) -> list[LaborLine] | None:
        return [build(LaborLine, line) for line in (await self._full(info)).labor_lines]

    @strawberry.field
    async def part_lines(self, info: Info) -> list[PartLine] | None:
        return [build(PartLine, line) for line in (await self._full(info)).part_lines]

    @strawberry.field
    async def totals(self, info: Info) -> RepairOrderTotals | None:
        # List rows that lack lines usually still carry totals; only read the detail if not.
        totals = self.model_.totals
        if totals.grand_total is None:
            totals = (await self._full(info)).totals
        return build(RepairOrderTotals, totals)

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await _customer(info, self.dealership_id, self.customer_id, self.embedded_customer)

    @strawberry.field
    async def vehicle(self, info: Info) -> ServiceVehicle | None:
        return await _service_vehicle(
            info, self.dealership_id, self.vehicle_id, self.embedded_vehicle
        )

    @strawberry.field(description="The service advisor (service writer) who owns the RO.")
    async def advisor(self, info: Info) -> Employee | None:
        embedded = _named_employee(self.advisor_id, self.advisor_name)
        return await related(
            info, Employee, EMPLOYEES, self.dealership_id, self.advisor_id, embedded
        )

    @strawberry.field
    async def technicians(self, info: Info) -> list[Employee] | None:
        names = {a.employee_id: a.name for a in self.assignments}
        embedded = [_named_employee(i, names.get(i)) for i in self.technician_ids]
        return await related_many(
            info, Employee, EMPLOYEES, self.dealership_id, self.technician_ids, embedded
        )

    @strawberry.field(description="Hours assigned per technician, where the DMS records them.")
    def technician_assignments(self) -> list[TechnicianAssignment]:
        return [
            TechnicianAssignment(
                name=a.name,
                assigned_hours=a.assigned_hours,
                employee_id=a.employee_id,
                dealership_id=self.dealership_id,
            )
            for a in self.assignments
        ]


@node_type(APPOINTMENTS)
@strawberry.federation.type(keys=["id"])
class ServiceAppointment(DealershipObject):
    status: AppointmentStatus
    status_raw: str | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    vin: str | None
    op_codes: list[str]
    concern: str | None
    transportation: str | None
    notes: str | None
    created_at: datetime.datetime | None
    customer_id: strawberry.Private[str | None]
    vehicle_id: strawberry.Private[str | None]
    embedded_vehicle: strawberry.Private[m.ServiceVehicle | None]
    advisor_id: strawberry.Private[str | None]
    renamed_from: ClassVar[dict[str, str]] = {"embedded_vehicle": "vehicle"}

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await _customer(info, self.dealership_id, self.customer_id)

    @strawberry.field
    async def vehicle(self, info: Info) -> ServiceVehicle | None:
        return await _service_vehicle(
            info, self.dealership_id, self.vehicle_id, self.embedded_vehicle
        )

    @strawberry.field
    async def advisor(self, info: Info) -> Employee | None:
        return await related(info, Employee, EMPLOYEES, self.dealership_id, self.advisor_id)


@node_type(PARTS)
@strawberry.federation.type(keys=["id"], description="A part in the parts inventory.")
class Part(DealershipObject):
    part_number: str
    description: str | None
    quantity_on_hand: Decimal | None
    cost: Decimal | None
    price: Decimal | None
    bin: str | None
    vendor: str | None
    reorder_point: Decimal | None
    updated_at: datetime.datetime | None
