"""Service writes: appointments, customers' vehicles, repair orders and parts stock."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from adapters.commands import (
    AppointmentDraft,
    PartStockChange,
    RepairOrderDraft,
    RepairOrderJob,
    RepairOrderLine,
    ServiceVehicleDraft,
    WriteOperation,
)
from graph.context import Info
from graph.kinds import APPOINTMENTS, PARTS, REPAIR_ORDERS, SERVICE_VEHICLES
from graph.mutations.checks import Checks, UserErrorCode, as_decimal, as_int
from graph.mutations.execute import execute_write, load_written
from graph.mutations.sales import DEALERSHIP, WritePayload
from graph.types.service import Part, RepairOrder, ServiceAppointment, ServiceVehicle

TRANSPORTATION = ("waiter", "drop_off", "loaner", "shuttle", "rideshare")


@strawberry.input
class ScheduleServiceAppointmentInput:
    dealership_id: strawberry.ID
    idempotency_key: str
    customer_id: strawberry.ID
    starts_at: datetime.datetime
    vehicle_id: strawberry.ID | None = strawberry.field(
        default=None, description="A ServiceVehicle id; or give vin."
    )
    vin: str | None = None
    ends_at: datetime.datetime | None = None
    advisor_id: strawberry.ID | None = None
    op_codes: list[str] | None = None
    concern: str | None = None
    transportation: str | None = strawberry.field(
        default=None, description="waiter, drop_off, loaner, shuttle or rideshare."
    )
    notes: str | None = None

    def command(self, c: Checks) -> AppointmentDraft | None:
        customer = c.native_id(("customerId",), self.customer_id, {"Customer"})
        vehicle = c.native_id(("vehicleId",), self.vehicle_id, {"ServiceVehicle"})
        vin = c.vin(("vin",), self.vin)
        if self.starts_at.tzinfo is None:
            c.fail(("startsAt",), UserErrorCode.INVALID_VALUE, "give a time zone offset")
        elif self.starts_at <= datetime.datetime.now(datetime.UTC):
            c.fail(("startsAt",), UserErrorCode.INVALID_VALUE, "must be in the future")
        if self.ends_at is not None and self.ends_at.tzinfo is None:
            c.fail(("endsAt",), UserErrorCode.INVALID_VALUE, "give a time zone offset")
        elif (
            self.ends_at is not None
            and self.starts_at.tzinfo is not None
            and self.ends_at <= self.starts_at
        ):
            c.fail(("endsAt",), UserErrorCode.INVALID_VALUE, "must be after startsAt")
        if self.transportation is not None and self.transportation not in TRANSPORTATION:
            c.fail(
                ("transportation",),
                UserErrorCode.INVALID_VALUE,
                f"one of {', '.join(TRANSPORTATION)}",
            )
        op_codes = tuple(code.strip().upper() for code in self.op_codes or () if code.strip())
        if not c.ok or customer is None:
            return None
        return AppointmentDraft(
            customer_id=customer,
            vehicle_id=vehicle,
            vin=vin,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            advisor_id=c.native_id(("advisorId",), self.advisor_id, {"Employee"}),
            op_codes=op_codes,
            concern=c.text(("concern",), self.concern, max_length=2000),
            transportation=self.transportation,
            notes=c.text(("notes",), self.notes, max_length=4000),
        )


@strawberry.type
class ScheduleServiceAppointmentPayload(WritePayload):
    appointment: ServiceAppointment | None


@strawberry.input
class CreateServiceVehicleInput:
    dealership_id: strawberry.ID
    idempotency_key: str
    owner_id: strawberry.ID
    year: int
    make: str
    model: str
    vin: str | None = None
    license_plate: str | None = None
    mileage: int | None = None

    def command(self, c: Checks) -> ServiceVehicleDraft | None:
        owner = c.native_id(("ownerId",), self.owner_id, {"Customer"})
        year = c.number(("year",), self.year, 1900, datetime.date.today().year + 2)
        mileage = c.number(("mileage",), self.mileage, 0, 2_000_000)
        make = c.text(("make",), self.make, max_length=60)
        model = c.text(("model",), self.model, max_length=60)
        c.required(("make",), make)
        c.required(("model",), model)
        vin = c.vin(("vin",), self.vin)
        if not c.ok or owner is None or year is None or make is None or model is None:
            return None
        return ServiceVehicleDraft(
            owner_id=owner,
            year=int(year),
            make=make,
            model=model,
            vin=vin,
            license_plate=c.text(("licensePlate",), self.license_plate, max_length=12),
            mileage=as_int(mileage),
        )


@strawberry.type
class CreateServiceVehiclePayload(WritePayload):
    vehicle: ServiceVehicle | None


@strawberry.input
class RepairOrderLineInput:
    kind: str = strawberry.field(description="labor, part or fee.")
    description: str
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    hours: Decimal | None = None
    rate: Decimal | None = None
    part_id: strawberry.ID | None = None


@strawberry.input
class RepairOrderJobInput:
    name: str
    lines: list[RepairOrderLineInput] | None = None


@strawberry.input
class CreateRepairOrderInput:
    dealership_id: strawberry.ID
    idempotency_key: str
    customer_id: strawberry.ID
    vehicle_id: strawberry.ID
    technician_id: strawberry.ID | None = None
    notes: str | None = None
    jobs: list[RepairOrderJobInput] | None = None

    def command(self, c: Checks) -> RepairOrderDraft | None:
        customer = c.native_id(("customerId",), self.customer_id, {"Customer"})
        vehicle = c.native_id(("vehicleId",), self.vehicle_id, {"ServiceVehicle"})
        technician = c.native_id(("technicianId",), self.technician_id, {"Employee"})
        jobs = []
        for j, job in enumerate(self.jobs or ()):
            lines = []
            for i, line in enumerate(job.lines or ()):
                path = ("jobs", str(j), "lines", str(i))
                if line.kind not in ("labor", "part", "fee"):
                    c.fail((*path, "kind"), UserErrorCode.INVALID_VALUE, "labor, part or fee")
                if line.quantity <= 0:
                    c.fail((*path, "quantity"), UserErrorCode.INVALID_VALUE, "must be positive")
                lines.append(
                    RepairOrderLine(
                        kind=line.kind,
                        description=line.description,
                        quantity=line.quantity,
                        unit_price=c.money((*path, "unitPrice"), line.unit_price),
                        hours=as_decimal(c.number((*path, "hours"), line.hours, 0, 200)),
                        rate=c.money((*path, "rate"), line.rate),
                        part_id=c.native_id((*path, "partId"), line.part_id, {"Part"}),
                    )
                )
            name = c.text(("jobs", str(j), "name"), job.name, max_length=120)
            c.required(("jobs", str(j), "name"), name)
            jobs.append(RepairOrderJob(name=name or "", lines=tuple(lines)))
        if not c.ok or customer is None or vehicle is None:
            return None
        return RepairOrderDraft(
            customer_id=customer,
            vehicle_id=vehicle,
            technician_id=technician,
            notes=c.text(("notes",), self.notes, max_length=4000),
            jobs=tuple(jobs),
        )


@strawberry.type
class CreateRepairOrderPayload(WritePayload):
    repair_order: RepairOrder | None


@strawberry.input
class SetPartStockInput:
    part_id: strawberry.ID
    idempotency_key: str
    quantity: int | None = None
    cost: Decimal | None = None
    price: Decimal | None = None

    def command(self, c: Checks) -> PartStockChange | None:
        part = c.native_id(("partId",), self.part_id, {"Part"})
        quantity = c.number(("quantity",), self.quantity, 0, 1_000_000)
        change_fields = {
            "cost": c.money(("cost",), self.cost),
            "price": c.money(("price",), self.price),
        }
        if self.quantity is None and self.cost is None and self.price is None:
            c.fail((), UserErrorCode.REQUIRED, "give quantity, cost or price")
        if not c.ok or part is None:
            return None
        return PartStockChange(part_id=part, quantity=as_int(quantity), **change_fields)


@strawberry.type
class SetPartStockPayload(WritePayload):
    part: Part | None


@strawberry.type
class ServiceMutations:
    @strawberry.mutation(description="Book a service appointment in the DMS.")
    async def schedule_service_appointment(
        self, info: Info, input: ScheduleServiceAppointmentInput
    ) -> ScheduleServiceAppointmentPayload:
        result = await execute_write(
            info,
            operation=WriteOperation.SCHEDULE_APPOINTMENT,
            target_id=input.dealership_id,
            target_types=DEALERSHIP,
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.schedule_appointment(s, cmd, ref),
        )
        appointment = await load_written(info, APPOINTMENTS, result)
        return ScheduleServiceAppointmentPayload(
            **WritePayload.fields(result),  # type: ignore[arg-type]
            appointment=appointment,
        )

    @strawberry.mutation(description="Record a customer's vehicle (repair-shop DMSs).")
    async def create_service_vehicle(
        self, info: Info, input: CreateServiceVehicleInput
    ) -> CreateServiceVehiclePayload:
        result = await execute_write(
            info,
            operation=WriteOperation.CREATE_SERVICE_VEHICLE,
            target_id=input.dealership_id,
            target_types=DEALERSHIP,
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.create_service_vehicle(s, cmd, ref),
        )
        vehicle = await load_written(info, SERVICE_VEHICLES, result)
        return CreateServiceVehiclePayload(
            **WritePayload.fields(result),  # type: ignore[arg-type]
            vehicle=vehicle,
        )

    @strawberry.mutation(description="Open a repair order (work order) with its jobs.")
    async def create_repair_order(
        self, info: Info, input: CreateRepairOrderInput
    ) -> CreateRepairOrderPayload:
        result = await execute_write(
            info,
            operation=WriteOperation.CREATE_REPAIR_ORDER,
            target_id=input.dealership_id,
            target_types=DEALERSHIP,
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.create_repair_order(s, cmd, ref),
        )
        order = await load_written(info, REPAIR_ORDERS, result)
        return CreateRepairOrderPayload(
            **WritePayload.fields(result),  # type: ignore[arg-type]
            repair_order=order,
        )

    @strawberry.mutation(description="Set a part's stock quantity, cost or price.")
    async def set_part_stock(self, info: Info, input: SetPartStockInput) -> SetPartStockPayload:
        result = await execute_write(
            info,
            operation=WriteOperation.SET_PART_STOCK,
            target_id=input.part_id,
            target_types={"Part"},
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.set_part_stock(s, cmd, ref),
        )
        part = await load_written(info, PARTS, result)
        return SetPartStockPayload(**WritePayload.fields(result), part=part)  # type: ignore[arg-type]
