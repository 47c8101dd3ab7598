"""The neutral world in AutoSync's snake_case shapes with integer ids."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sandbox.common.world.models import (
    Appointment,
    AppointmentStatus,
    Customer,
    Employee,
    Job,
    OwnedVehicle,
    Part,
    Payment,
    RepairOrder,
    Role,
    RoStatus,
    StoreInfo,
    StoreWorld,
)

Row = dict[str, Any]

WORK_ORDER_STATUSES = ("draft", "in_progress", "waiting_parts", "completed", "invoiced")
APPOINTMENT_STATUSES = ("scheduled", "confirmed", "completed", "cancelled", "no_show")
EMPLOYEE_ROLES = ("technician", "service_writer", "manager")
EMPLOYEE_STATUSES = ("active", "inactive")

# Id ranges the vendor's own examples use (customer 42, work order 1043, job 5001...).
WORK_ORDER_BASE = 1000
JOB_BASE = 5000
LINE_BASE = 90000
PAYMENT_BASE = 7000
PART_BASE = 300
APPOINTMENT_BASE = 300

_WO = {
    RoStatus.DRAFT: "draft",
    RoStatus.OPEN: "in_progress",
    RoStatus.IN_PROGRESS: "in_progress",
    RoStatus.WAITING_PARTS: "waiting_parts",
    RoStatus.COMPLETED: "completed",
    RoStatus.CLOSED: "invoiced",
}
_APPOINTMENT = {
    AppointmentStatus.SCHEDULED: "scheduled",
    AppointmentStatus.CONFIRMED: "confirmed",
    AppointmentStatus.ARRIVED: "confirmed",
    AppointmentStatus.COMPLETED: "completed",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.NO_SHOW: "no_show",
}
_ROLE = {Role.TECHNICIAN: "technician", Role.SERVICE_ADVISOR: "service_writer"}


def phone(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def shop(shop_id: int, info: StoreInfo) -> Row:
    return {
        "id": shop_id,
        "name": info.name,
        "slug": info.slug,
        "status": "active",
        "location_count": info.location_count,
        "created_at": info.opened_at,
    }


class AutoSyncRenderer:
    def __init__(self, world: StoreWorld) -> None:
        self.world = world
        self.customers = {c.id: c for c in world.customers}
        self.vehicles = {v.id: v for v in world.owned_vehicles}
        self.employees = {e.id: e for e in world.employees}

    def _person(self, employee_id: int | None) -> Row | None:
        if employee_id is None:
            return None
        return {"id": employee_id, "name": self.employees[employee_id].short_name}

    def customer(self, c: Customer) -> Row:
        a = c.address
        return {
            "id": c.id,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "email": c.email,
            "phone": phone(c.phone),
            "is_business": c.is_business,
            "company_name": c.company_name,
            "address": {"street": a.line1, "city": a.city, "state": a.region, "zip": a.postal_code},
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        }

    def vehicle(self, v: OwnedVehicle) -> Row:
        return {
            "id": v.id,
            "customer_id": v.customer_id,
            "year": v.year,
            "make": v.make,
            "model": v.model,
            "trim": v.trim,
            "vin": v.vin,
            "license_plate": v.license_plate,
            "mileage": v.mileage,
            "created_at": v.created_at,
            "updated_at": v.updated_at,
        }

    def job(self, job: Job) -> Row:
        lines: list[Row] = [
            {
                "id": LINE_BASE + x.id,
                "type": "labor",
                "description": x.description,
                "hours": x.hours,
                "rate": x.rate,
                "total": x.amount,
            }
            for x in job.labor
        ]
        lines += [
            {
                "id": LINE_BASE + x.id,
                "type": "part",
                "part_id": PART_BASE + x.part_id,
                "part_number": x.part_number,
                "description": x.description,
                "quantity": x.quantity,
                "unit_price": x.unit_price,
                "total": x.amount,
            }
            for x in job.parts
        ]
        lines += [
            {
                "id": LINE_BASE + x.id,
                "type": "fee",
                "description": x.description,
                "quantity": x.quantity,
                "unit_price": x.unit_price,
                "total": x.amount,
            }
            for x in job.fees
        ]
        lines.sort(key=lambda line: line["id"])
        return {
            "id": JOB_BASE + job.id,
            "name": job.name,
            "technician_id": job.technician_id,
            "status": "approved" if job.approved else "declined",
            "line_items": lines,
        }

    def work_order(self, ro: RepairOrder) -> Row:
        """The full work order minus payments (joined at request time)."""
        c = self.customers[ro.customer_id]
        v = self.vehicles[ro.vehicle_id]
        approved = ro.approved_jobs
        lead_tech = approved[0].technician_id if approved else None
        wo_id = WORK_ORDER_BASE + ro.id
        return {
            "id": wo_id,
            "work_order_number": str(wo_id),
            "status": _WO[ro.status],
            "customer": {"id": c.id, "name": c.display_name},
            "vehicle": {"id": v.id, "year": v.year, "make": v.make, "model": v.model},
            "subtotal": ro.subtotal,
            "tax": ro.tax,
            "total": ro.grand_total,
            "technician": self._person(lead_tech),
            "created_at": ro.opened_at,
            "vehicle_id": v.id,
            "customer_id": c.id,
            "service_writer": self._person(ro.advisor_id),
            "mileage_in": ro.mileage_in,
            "promised_at": ro.promised_at,
            "completed_at": ro.closed_at,
            "updated_at": ro.updated_at,
            "notes": ro.notes,
            "jobs": [self.job(j) for j in ro.jobs],
        }

    def appointment(self, a: Appointment) -> Row:
        notes = a.concern if not a.notes else f"{a.concern}. {a.notes}"
        return {
            "id": APPOINTMENT_BASE + a.id,
            "customer_id": a.customer_id,
            "vehicle_id": a.vehicle_id,
            "start_time": a.scheduled_at,
            "end_time": a.scheduled_at + timedelta(minutes=a.duration_minutes),
            "status": _APPOINTMENT[a.status],
            "notes": notes,
            "created_at": a.created_at,
        }

    def payment(self, p: Payment) -> Row:
        assert p.repair_order_id is not None
        return {
            "id": PAYMENT_BASE + p.id,
            "work_order_id": WORK_ORDER_BASE + p.repair_order_id,
            "customer_id": p.customer_id,
            "amount": p.amount,
            "method": p.method.value,
            "status": p.status,
            "reference": p.reference,
            "created_at": p.received_at,
        }

    def part(self, p: Part) -> Row:
        aisle, shelf, _ = p.bin.split("-")
        return {
            "id": PART_BASE + p.id,
            "part_number": p.part_number,
            "name": p.description,
            "brand": p.brand,
            "quantity": p.on_hand,
            "cost": p.cost,
            "price": p.price,
            "location": f"Shelf {aisle}{int(shelf)}",
            "reorder_point": p.reorder_point,
            "updated_at": p.updated_at,
        }

    def employee(self, e: Employee) -> Row:
        return {
            "id": e.id,
            "first_name": e.first_name,
            "last_name": e.last_name,
            "name": e.short_name,
            "email": e.email,
            "role": _ROLE.get(e.role, "manager"),
            "status": "active" if e.active else "inactive",
        }
