"""AutoSync JSON (snake_case, integer ids, per docs/contracts/autosync.md) to canonical
models. Pure functions over decoded JSON (floats already ``Decimal``)."""

from __future__ import annotations

from decimal import Decimal

from adapters.convert import (
    Raw,
    boolean,
    decimal,
    full_name,
    ident,
    integer,
    money,
    normalize,
    obj,
    text,
    timestamp,
)
from adapters.embeds import embedded, embedded_customer
from adapters.models import (
    Address,
    AppointmentStatus,
    Customer,
    Employee,
    EmployeeRole,
    LaborLine,
    Part,
    PartLine,
    Payment,
    PaymentMethod,
    RepairOrder,
    RepairOrderStatus,
    RepairOrderTotals,
    ServiceAppointment,
    ServiceVehicle,
    Store,
    TechnicianAssignment,
)

WORK_ORDER_STATUS = {
    "draft": RepairOrderStatus.DRAFT,
    "in_progress": RepairOrderStatus.IN_PROGRESS,
    "waiting_parts": RepairOrderStatus.WAITING_PARTS,
    "completed": RepairOrderStatus.COMPLETED,
    "invoiced": RepairOrderStatus.CLOSED,  # billed: nothing more happens on it
}
APPOINTMENT_STATUS = {
    "scheduled": AppointmentStatus.SCHEDULED,
    "confirmed": AppointmentStatus.CONFIRMED,
    "completed": AppointmentStatus.COMPLETED,
    "cancelled": AppointmentStatus.CANCELLED,
    "no_show": AppointmentStatus.NO_SHOW,
}
EMPLOYEE_ROLE = {
    "technician": EmployeeRole.TECHNICIAN,
    "service_writer": EmployeeRole.SERVICE_ADVISOR,
    "manager": EmployeeRole.MANAGER,
}
EMPLOYEE_STATUS = {"active": True, "inactive": False}
PAYMENT_METHOD = {m.value: m for m in PaymentMethod}
# A job's line items count toward the work order's totals only once the customer approved
# the job (the documented subtotal rule).
APPROVED_JOB = "approved"
DECLINED_JOB = "declined"


def map_shop(raw: Raw) -> Store:
    return Store(
        store_id=ident(raw["id"]),
        name=text(raw.get("name")),
        status=text(raw.get("status")),
        created_at=timestamp(raw.get("created_at")),
    )


def map_customer(raw: Raw) -> Customer:
    a = obj(raw.get("address"))
    return Customer(
        id=ident(raw["id"]),
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        company_name=text(raw.get("company_name")),
        is_business=bool(boolean(raw.get("is_business"))),
        email=text(raw.get("email")),
        phone=text(raw.get("phone")),
        address=Address(
            line1=text(a.get("street")),
            city=text(a.get("city")),
            region=text(a.get("state")),
            postal_code=text(a.get("zip")),
        )
        if a
        else None,
        created_at=timestamp(raw.get("created_at")),
        updated_at=timestamp(raw.get("updated_at")),
    )


def map_vehicle(raw: Raw) -> ServiceVehicle:
    return ServiceVehicle(
        id=ident(raw["id"]),
        vin=text(raw.get("vin")),
        year=integer(raw.get("year")),
        make=text(raw.get("make")),
        model=text(raw.get("model")),
        trim=text(raw.get("trim")),
        license_plate=text(raw.get("license_plate")),
        mileage=integer(raw.get("mileage")),
        owner_id=ident(raw.get("customer_id")),
        created_at=timestamp(raw.get("created_at")),
    )


# What a work order may embed of its vehicle (the page shows id, year, make and model).
_EMBEDDED_VEHICLE = {
    "vin": ("vin", text),
    "year": ("year", integer),
    "make": ("make", text),
    "model": ("model", text),
}


def map_work_order(raw: Raw) -> RepairOrder:
    """A work order, from a list row or the detail (which adds notes and jobs)."""
    status, status_raw = normalize(raw.get("status"), WORK_ORDER_STATUS, RepairOrderStatus.UNKNOWN)
    customer = obj(raw.get("customer"))
    vehicle = obj(raw.get("vehicle"))
    customer_id = ident(raw.get("customer_id") or customer.get("id"))
    vehicle_id = ident(raw.get("vehicle_id") or vehicle.get("id"))
    service_writer = obj(raw.get("service_writer"))
    labor: list[LaborLine] = []
    parts: list[PartLine] = []
    sums = {"labor": Decimal(0), "part": Decimal(0), "fee": Decimal(0)}
    jobs = [obj(j) for j in raw.get("jobs") or ()]
    for job in jobs:
        name, status_of_job = text(job.get("name")), text(job.get("status"))
        declined = status_of_job == DECLINED_JOB
        for item in map(obj, job.get("line_items") or ()):
            kind, amount = text(item.get("type")), money(item["total"])
            if status_of_job == APPROVED_JOB and kind in sums:
                sums[kind] += amount
            if kind == "labor":
                labor.append(
                    LaborLine(
                        description=text(item.get("description")),
                        hours=decimal(item.get("hours")),
                        rate=money(item.get("rate")),
                        amount=amount,
                        declined=declined,
                        technician_id=ident(job.get("technician_id")),
                        job_name=name,
                    )
                )
            elif kind == "part":
                parts.append(
                    PartLine(
                        part_number=text(item.get("part_number")),
                        description=text(item.get("description")),
                        quantity=decimal(item.get("quantity")),
                        unit_price=money(item.get("unit_price")),
                        amount=amount,
                        declined=declined,
                        job_name=name,
                    )
                )
            # "fee" lines (shop supplies and the like) have no line home: they count in
            # totals.shop_supplies.
    technicians = _technicians(obj(raw.get("technician")), jobs)
    return RepairOrder(
        id=ident(raw["id"]),
        ro_number=text(raw.get("work_order_number")),
        status=status,
        status_raw=status_raw,
        opened_at=timestamp(raw.get("created_at")),
        promised_at=timestamp(raw.get("promised_at")),
        closed_at=timestamp(raw.get("completed_at")),
        customer_id=customer_id,
        customer_name=text(customer.get("name")),
        customer=embedded_customer({"id": customer_id, **customer}, id_key="id"),
        vehicle_id=vehicle_id,
        vehicle=embedded(
            ServiceVehicle, vehicle, _EMBEDDED_VEHICLE, id=vehicle_id, owner_id=customer_id
        )
        if vehicle and vehicle_id
        else None,
        mileage_in=integer(raw.get("mileage_in")),
        advisor_id=ident(service_writer.get("id")),
        advisor_name=text(service_writer.get("name")),
        technician_ids=tuple(t.employee_id for t in technicians),
        technicians=technicians,
        labor_lines=tuple(labor),
        part_lines=tuple(parts),
        totals=RepairOrderTotals(
            # Only the detail has line items to sum; list rows give totals alone.
            labor=sums["labor"] if jobs else None,
            parts=sums["part"] if jobs else None,
            shop_supplies=sums["fee"] if jobs else None,
            subtotal=money(raw.get("subtotal")),
            tax=money(raw.get("tax")),
            grand_total=money(raw.get("total")),
        ),
        notes=text(raw.get("notes")),
        updated_at=timestamp(raw.get("updated_at")),
        # List rows carry no jobs: their lines (and per-kind totals) come from the detail.
        lines_included="jobs" in raw,
    )


def _technicians(lead: Raw, jobs: list[Raw]) -> tuple[TechnicianAssignment, ...]:
    """The work order's technician as it embeds them (``{"id": 5, "name": "Dave M."}``),
    then each other technician its jobs name (by id only)."""
    found: dict[str, TechnicianAssignment] = {}
    lead_id = ident(lead.get("id"))
    if lead_id:
        found[lead_id] = TechnicianAssignment(employee_id=lead_id, name=text(lead.get("name")))
    for job in jobs:
        tech = ident(job.get("technician_id"))
        if tech and tech not in found:
            found[tech] = TechnicianAssignment(employee_id=tech)
    return tuple(found.values())


def map_appointment(raw: Raw) -> ServiceAppointment:
    status, status_raw = normalize(raw.get("status"), APPOINTMENT_STATUS, AppointmentStatus.UNKNOWN)
    return ServiceAppointment(
        id=ident(raw["id"]),
        status=status,
        status_raw=status_raw,
        starts_at=timestamp(raw.get("start_time")),
        ends_at=timestamp(raw.get("end_time")),
        customer_id=ident(raw.get("customer_id")),
        vehicle_id=ident(raw.get("vehicle_id")),
        notes=text(raw.get("notes")),
        created_at=timestamp(raw.get("created_at")),
    )


def map_payment(raw: Raw) -> Payment:
    method, method_raw = normalize(raw.get("method"), PAYMENT_METHOD, PaymentMethod.OTHER)
    return Payment(
        id=ident(raw["id"]),
        repair_order_id=ident(raw.get("work_order_id")),
        customer_id=ident(raw.get("customer_id")),
        amount=money(raw["amount"]),
        method=method,
        method_raw=method_raw,
        status=text(raw.get("status")),
        received_at=timestamp(raw.get("created_at")),
        reference_id=text(raw.get("reference")),
    )


def map_part(raw: Raw) -> Part:
    return Part(
        id=ident(raw["id"]),
        part_number=str(raw["part_number"]),
        description=text(raw.get("name")),
        quantity_on_hand=decimal(raw.get("quantity")),
        cost=money(raw.get("cost")),
        price=money(raw.get("price")),
        bin=text(raw.get("location")),
        vendor=text(raw.get("brand")),
        reorder_point=decimal(raw.get("reorder_point")),
        updated_at=timestamp(raw.get("updated_at")),
    )


def map_employee(raw: Raw) -> Employee:
    role, role_raw = normalize(raw.get("role"), EMPLOYEE_ROLE, EmployeeRole.OTHER)
    first, last = text(raw.get("first_name")), text(raw.get("last_name"))
    employee_id = ident(raw["id"])
    return Employee(
        id=employee_id,
        name=text(raw.get("name")) or full_name(first, last) or employee_id,
        first_name=first,
        last_name=last,
        email=text(raw.get("email")),
        role=role,
        role_raw=role_raw,
        active=EMPLOYEE_STATUS.get(text(raw.get("status")) or "active", False),
    )
