"""AutoSync JSON (snake_case, integer ids, per docs/contracts/autosync.md) to canonical
models. Pure functions over decoded JSON (floats already ``Decimal``)."""

from __future__ import annotations

from decimal import Decimal

from adapters import convert as to
from adapters.convert import Raw
from adapters.embeds import embedded, embedded_customer
from adapters.fieldmap import FieldMap, Normalized, Required, read, renames, same_words
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
from adapters.typed_maps import made

WORK_ORDER_STATUS = {
    **same_words(RepairOrderStatus, "draft", "in_progress", "waiting_parts", "completed"),
    "invoiced": RepairOrderStatus.CLOSED,  # billed: nothing more happens on it
}
APPOINTMENT_STATUS = same_words(
    AppointmentStatus, "scheduled", "confirmed", "completed", "cancelled", "no_show"
)
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


# Every AutoSync record: an integer ``id`` and snake_case timestamps.
ID: FieldMap = {"id": Required("id", to.ident)}
CREATED: FieldMap = renames(to.timestamp, created_at="created_at")
STAMPS: FieldMap = renames(to.timestamp, created_at="created_at", updated_at="updated_at")

SHOP: FieldMap = {
    "store_id": Required("id", to.ident),
    **renames(to.text, name="name", slug="slug", status="status"),
    **renames(to.integer, location_count="location_count"),
    **CREATED,
}
ADDRESS: FieldMap = renames(to.text, line1="street", city="city", region="state", postal_code="zip")
CUSTOMER: FieldMap = {
    **ID,
    **renames(to.text, first_name="first_name", last_name="last_name", company_name="company_name"),
    **renames(to.text, email="email", phone="phone"),
    **STAMPS,
}
# What a work order may embed of its vehicle (the page shows id, year, make and model).
EMBEDDED_VEHICLE: FieldMap = {
    **renames(to.text, vin="vin", make="make", model="model"),
    **renames(to.integer, year="year"),
}
VEHICLE: FieldMap = {
    **ID,
    **EMBEDDED_VEHICLE,
    **renames(to.text, trim="trim", license_plate="license_plate"),
    **renames(to.integer, mileage="mileage"),
    **renames(to.ident, owner_id="customer_id"),
    **CREATED,
}
APPOINTMENT: FieldMap = {
    **ID,
    "status": Normalized("status", APPOINTMENT_STATUS, AppointmentStatus.UNKNOWN),
    **renames(to.timestamp, starts_at="start_time", ends_at="end_time"),
    **renames(to.ident, customer_id="customer_id", vehicle_id="vehicle_id"),
    **renames(to.text, notes="notes"),
    **CREATED,
}
PAYMENT: FieldMap = {
    **ID,
    "amount": Required("amount", to.money),
    "method": Normalized("method", PAYMENT_METHOD, PaymentMethod.OTHER),
    **renames(to.ident, repair_order_id="work_order_id", customer_id="customer_id"),
    **renames(to.text, status="status", reference_id="reference"),
    **renames(to.timestamp, received_at="created_at"),
}
LABOR_LINE: FieldMap = {
    **renames(to.text, description="description"),
    **renames(to.decimal, hours="hours"),
    **renames(to.money, rate="rate"),
}
PART_LINE: FieldMap = {
    **renames(to.text, part_number="part_number", description="description"),
    **renames(to.decimal, quantity="quantity"),
    **renames(to.money, unit_price="unit_price"),
}
PART: FieldMap = {
    **ID,
    "part_number": Required("part_number", str),
    **renames(to.text, description="name", bin="location", vendor="brand"),
    **renames(to.decimal, quantity_on_hand="quantity", reorder_point="reorder_point"),
    **renames(to.money, cost="cost", price="price"),
    **renames(to.timestamp, updated_at="updated_at"),
}


def map_shop(raw: Raw) -> Store:
    return made(Store, SHOP, raw)


def map_customer(raw: Raw) -> Customer:
    a = to.obj(raw.get("address"))
    return Customer(
        **read(CUSTOMER, raw),
        is_business=bool(to.boolean(raw.get("is_business"))),
        address=made(Address, ADDRESS, a) if a else None,
    )


def map_vehicle(raw: Raw) -> ServiceVehicle:
    return made(ServiceVehicle, VEHICLE, raw)


def map_work_order(raw: Raw) -> RepairOrder:
    """A work order, from a list row or the detail (which adds notes and jobs)."""
    status, status_raw = to.normalize(
        raw.get("status"), WORK_ORDER_STATUS, RepairOrderStatus.UNKNOWN
    )
    customer = to.obj(raw.get("customer"))
    vehicle = to.obj(raw.get("vehicle"))
    customer_id = to.ident(raw.get("customer_id") or customer.get("id"))
    vehicle_id = to.ident(raw.get("vehicle_id") or vehicle.get("id"))
    service_writer = to.obj(raw.get("service_writer"))
    labor: list[LaborLine] = []
    parts: list[PartLine] = []
    sums = {"labor": Decimal(0), "part": Decimal(0), "fee": Decimal(0)}
    jobs = [to.obj(j) for j in raw.get("jobs") or ()]
    for job in jobs:
        name, status_of_job = to.text(job.get("name")), to.text(job.get("status"))
        declined = status_of_job == DECLINED_JOB
        for item in map(to.obj, job.get("line_items") or ()):
            kind, amount = to.text(item.get("type")), to.money(item["total"])
            if status_of_job == APPROVED_JOB and kind in sums:
                sums[kind] += amount
            line = {"amount": amount, "declined": declined, "job_name": name}
            if kind == "labor":
                technician_id = to.ident(job.get("technician_id"))
                labor.append(made(LaborLine, LABOR_LINE, item, **line, technician_id=technician_id))
            elif kind == "part":
                parts.append(made(PartLine, PART_LINE, item, **line))
            # "fee" lines (shop supplies and the like) have no line home: they count in
            # totals.shop_supplies.
    technicians = _technicians(to.obj(raw.get("technician")), jobs)
    return RepairOrder(
        id=to.ident(raw["id"]),
        ro_number=to.text(raw.get("work_order_number")),
        status=status,
        status_raw=status_raw,
        opened_at=to.timestamp(raw.get("created_at")),
        promised_at=to.timestamp(raw.get("promised_at")),
        closed_at=to.timestamp(raw.get("completed_at")),
        customer_id=customer_id,
        customer_name=to.text(customer.get("name")),
        customer=embedded_customer({"id": customer_id, **customer}, id_key="id"),
        vehicle_id=vehicle_id,
        vehicle=embedded(
            ServiceVehicle, vehicle, EMBEDDED_VEHICLE, id=vehicle_id, owner_id=customer_id
        )
        if vehicle and vehicle_id
        else None,
        mileage_in=to.integer(raw.get("mileage_in")),
        advisor_id=to.ident(service_writer.get("id")),
        advisor_name=to.text(service_writer.get("name")),
        technician_ids=tuple(t.employee_id for t in technicians),
        technicians=technicians,
        labor_lines=tuple(labor),
        part_lines=tuple(parts),
        totals=RepairOrderTotals(
            # Only the detail has line items to sum; list rows give totals alone.
            labor=sums["labor"] if jobs else None,
            parts=sums["part"] if jobs else None,
            shop_supplies=sums["fee"] if jobs else None,
            subtotal=to.money(raw.get("subtotal")),
            tax=to.money(raw.get("tax")),
            grand_total=to.money(raw.get("total")),
        ),
        notes=to.text(raw.get("notes")),
        updated_at=to.timestamp(raw.get("updated_at")),
        # List rows carry no jobs: their lines (and per-kind totals) come from the detail.
        lines_included="jobs" in raw,
    )


def _technicians(lead: Raw, jobs: list[Raw]) -> tuple[TechnicianAssignment, ...]:
    """The work order's technician as it embeds them (``{"id": 5, "name": "Dave M."}``),
    then each other technician its jobs name (by id only)."""
    found: dict[str, TechnicianAssignment] = {}
    lead_id = to.ident(lead.get("id"))
    if lead_id:
        found[lead_id] = TechnicianAssignment(employee_id=lead_id, name=to.text(lead.get("name")))
    for job in jobs:
        tech = to.ident(job.get("technician_id"))
        if tech and tech not in found:
            found[tech] = TechnicianAssignment(employee_id=tech)
    return tuple(found.values())


def map_appointment(raw: Raw) -> ServiceAppointment:
    return made(ServiceAppointment, APPOINTMENT, raw)


def map_payment(raw: Raw) -> Payment:
    return made(Payment, PAYMENT, raw)


def map_part(raw: Raw) -> Part:
    return made(Part, PART, raw)


def map_employee(raw: Raw) -> Employee:
    role, role_raw = to.normalize(raw.get("role"), EMPLOYEE_ROLE, EmployeeRole.OTHER)
    first, last = to.text(raw.get("first_name")), to.text(raw.get("last_name"))
    employee_id = to.ident(raw["id"])
    return Employee(
        id=employee_id,
        name=to.text(raw.get("name")) or to.full_name(first, last) or employee_id,
        first_name=first,
        last_name=last,
        email=to.text(raw.get("email")),
        role=role,
        role_raw=role_raw,
        active=EMPLOYEE_STATUS.get(to.text(raw.get("status")) or "active", False),
    )
