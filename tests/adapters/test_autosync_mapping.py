"""AutoSync mapping contract: the vendor page's example answers (fixtures copied verbatim)
and the contract doc's extrapolated shapes, through the mapping, into canonical fields."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.autosync import mapping as m
from adapters.autosync.adapter import AUTOSYNC_LISTS
from adapters.http import loads, read_error_object
from adapters.models import (
    AppointmentStatus,
    EmployeeRole,
    PaymentMethod,
    RepairOrderStatus,
    Store,
    TechnicianAssignment,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return loads((FIXTURES / name).read_bytes())


def exact(value: Decimal | None, text: str) -> None:
    assert isinstance(value, Decimal)
    assert str(value) == text


SHOP = Store(
    store_id="1",
    name="Johnson's Auto Care",
    slug="johnsons-auto-care",
    status="active",
    created_at=datetime(2024, 1, 15, 10, 30, tzinfo=UTC),
)


def test_shops_quick_start_answer() -> None:
    body = fixture("autosync_shops_quickstart.json")
    assert AUTOSYNC_LISTS.total(body) == 1
    assert [m.map_shop(row) for row in AUTOSYNC_LISTS.items(body)] == [SHOP]


def test_shops_list_answer_without_pagination() -> None:
    body = fixture("autosync_shops_list.json")
    assert AUTOSYNC_LISTS.total(body) is None
    shops = [m.map_shop(row) for row in AUTOSYNC_LISTS.items(body)]
    assert shops == [SHOP.model_copy(update={"location_count": 2})]


def test_error_answer() -> None:
    err = read_error_object(fixture("autosync_error.json"))
    assert (err.code, err.message) == ("invalid_parameter", "The 'email' field is required.")


def test_work_order_list_item() -> None:
    (row,) = AUTOSYNC_LISTS.items(fixture("autosync_workorders_list.json"))
    wo = m.map_work_order(row)
    assert wo.id == "1043"
    assert wo.ro_number == "1043"
    assert (wo.status, wo.status_raw) == (RepairOrderStatus.IN_PROGRESS, "in_progress")
    assert (wo.customer_id, wo.customer_name) == ("42", "Sarah Thompson")
    assert wo.vehicle_id == "78"
    assert wo.vehicle is not None
    assert (wo.vehicle.id, wo.vehicle.year, wo.vehicle.make, wo.vehicle.model) == (
        "78",
        2021,
        "Ford",
        "F-150",
    )
    assert wo.vehicle.owner_id == "42"
    exact(wo.totals.subtotal, "1080.00")
    exact(wo.totals.tax, "86.40")
    exact(wo.totals.grand_total, "1166.40")
    # A list row has no line items, so no per-kind sums either.
    assert wo.totals.labor is None and wo.totals.parts is None
    assert wo.technician_ids == ("5",)
    # The page embeds the technician's name beside the id: it is kept.
    assert wo.technicians == (TechnicianAssignment(employee_id="5", name="Dave M."),)
    assert wo.opened_at == datetime(2024, 3, 14, 9, 15, tzinfo=UTC)
    assert wo.labor_lines == () and wo.part_lines == ()
    assert wo.lines_included is False


# --- extrapolated shapes (docs/contracts/autosync.md) -----------------------------------

SHAPES = fixture("autosync_contract_shapes.json")


def test_customer() -> None:
    c = m.map_customer(SHAPES["customer"])
    assert c.id == "42"
    assert (c.first_name, c.last_name, c.company_name, c.is_business) == (
        "Sarah",
        "Thompson",
        None,
        False,
    )
    assert (c.email, c.phone) == ("sarah@example.com", "(555) 123-4567")
    assert c.address is not None
    assert (c.address.line1, c.address.city, c.address.region, c.address.postal_code) == (
        "123 Main St",
        "North Canton",
        "OH",
        "44720",
    )
    assert c.created_at == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert c.updated_at == datetime(2024, 3, 14, 9, 15, tzinfo=UTC)


def test_vehicle() -> None:
    v = m.map_vehicle(SHAPES["vehicle"])
    assert (v.id, v.owner_id, v.vin) == ("78", "42", "1FTEW1EP5MKD12345")
    assert (v.year, v.make, v.model, v.trim) == (2021, "Ford", "F-150", "XLT")
    assert (v.license_plate, v.mileage) == ("ABC1234", 45210)
    assert v.created_at == datetime(2024, 1, 15, 10, 45, tzinfo=UTC)


def test_work_order_detail() -> None:
    wo = m.map_work_order(SHAPES["work_order_detail"])
    assert (wo.status, wo.status_raw) == (RepairOrderStatus.CLOSED, "invoiced")
    assert (wo.advisor_id, wo.advisor_name) == ("3", "Kim P.")
    assert wo.mileage_in == 45210
    assert wo.promised_at == datetime(2024, 3, 14, 17, 0, tzinfo=UTC)
    assert wo.closed_at == datetime(2024, 3, 14, 15, 0, tzinfo=UTC)
    assert wo.updated_at == datetime(2024, 3, 14, 15, 30, tzinfo=UTC)
    assert wo.notes == "Customer waiting"
    assert wo.technician_ids == ("5", "6")
    # The work order names its lead technician; a job's other technician comes by id only.
    assert [(t.employee_id, t.name) for t in wo.technicians] == [("5", "Dave M."), ("6", None)]
    assert wo.lines_included is True

    brake, filter_labor = wo.labor_lines
    assert (brake.description, brake.job_name, brake.technician_id) == (
        "Replace front pads",
        "Brake Service",
        "5",
    )
    exact(brake.hours, "1.5")
    exact(brake.rate, "120.00")
    exact(brake.amount, "180.00")
    assert brake.declined is False
    assert filter_labor.declined is True and filter_labor.job_name == "Cabin Filter"

    pads, cabin = wo.part_lines
    assert (pads.part_number, pads.description, pads.quantity) == (
        "BP-1234",
        "Front brake pads",
        1,
    )
    exact(pads.unit_price, "89.99")
    exact(pads.amount, "89.99")
    assert cabin.declined is True

    t = wo.totals
    # Approved jobs only, per the documented subtotal rule.
    exact(t.labor, "180.00")
    exact(t.parts, "89.99")
    exact(t.shop_supplies, "12.00")
    exact(t.subtotal, "281.99")
    assert t.labor + t.parts + t.shop_supplies == t.subtotal
    exact(t.tax, "22.56")
    exact(t.grand_total, "304.55")


def test_appointment() -> None:
    a = m.map_appointment(SHAPES["appointment"])
    assert (a.id, a.customer_id, a.vehicle_id) == ("301", "42", "78")
    assert (a.status, a.status_raw) == (AppointmentStatus.SCHEDULED, "scheduled")
    assert a.starts_at == datetime(2024, 3, 20, 9, 0, tzinfo=UTC)
    assert a.ends_at == datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
    assert a.notes == "Oil change"


def test_payment() -> None:
    p = m.map_payment(SHAPES["payment"])
    assert (p.id, p.repair_order_id, p.customer_id, p.account_id) == ("7001", "1043", "42", None)
    exact(p.amount, "1166.40")
    assert (p.method, p.method_raw, p.status) == (PaymentMethod.CARD, "card", "completed")
    assert p.received_at == datetime(2024, 3, 14, 15, 30, tzinfo=UTC)


def test_part() -> None:
    p = m.map_part(SHAPES["part"])
    assert (p.id, p.part_number, p.description, p.vendor) == (
        "311",
        "BP-1234",
        "Front brake pads",
        "Wagner",
    )
    assert (p.quantity_on_hand, p.bin, p.reorder_point) == (14, "Shelf B2", 5)
    exact(p.cost, "42.50")
    exact(p.price, "89.99")


def test_employee() -> None:
    e = m.map_employee(SHAPES["employee"])
    assert (e.id, e.name, e.first_name, e.last_name) == ("5", "Dave M.", "Dave", "Miller")
    assert (e.role, e.role_raw, e.active) == (EmployeeRole.TECHNICIAN, "technician", True)
    writer = m.map_employee({**SHAPES["employee"], "role": "service_writer", "status": "inactive"})
    assert (writer.role, writer.active) == (EmployeeRole.SERVICE_ADVISOR, False)
