"""Auto/Mate mapping contract: every example on the vendor page (fixtures copied verbatim:
the answers, and the create requests whose fields a read returns) and the contract doc's
extrapolated shapes, through the mapping, into canonical fields."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from adapters.automate import mapping as m
from adapters.convert import mapped
from adapters.errors import UpstreamProtocolError
from adapters.models import (
    AccountKind,
    AccountStatus,
    AppointmentStatus,
    Consent,
    DealStatus,
    EmployeeRole,
    PaymentMethod,
    Photo,
    RepairOrderStatus,
    VehicleCondition,
    VehicleStatus,
)
from adapters.supergood import parse_session
from tests.adapters.mapping_kit import exact, fixture, raw_fixture
from tests.vendor_pages import vendor_page_path

VENDOR_PAGE = vendor_page_path("automate")
PAGE_EXAMPLES = (
    "automate_session.json",
    "automate_vehicles_list.json",
    "automate_customer_request.json",
    "automate_customer_upserted.json",
    "automate_deal_request.json",
    "automate_deal_created.json",
    "automate_appointment_request.json",
    "automate_appointment_created.json",
)


@pytest.mark.parametrize("name", PAGE_EXAMPLES)
def test_fixtures_are_excerpts_of_the_vendor_page(name: str) -> None:
    text = raw_fixture(name)
    assert text.endswith("}\n")
    assert text.rstrip("\n") in VENDOR_PAGE.read_text()


def test_session_answer() -> None:
    session = parse_session(fixture("automate_session.json"))
    assert session.token.get_secret_value() == "eyJhbGciOi..."
    assert "eyJ" not in repr(session)
    assert session.expires_in == 3600
    assert (session.user_id, session.user_name) == ("u_7b21f0", "General Manager")
    assert session.entitlements == {"inventory", "sales", "service", "accounting"}


def test_vehicle_list_item() -> None:
    body = fixture("automate_vehicles_list.json")
    assert (body["page"], body["pageSize"], body["total"]) == (1, 50, 1)
    v = m.map_vehicle(body["items"][0])
    assert v.id == "veh_28f93a"
    assert v.vin == "1HGCM82633A004352"
    assert v.stock_number == "A12345"
    assert (v.status, v.status_raw) == (VehicleStatus.IN_STOCK, "in_stock")
    assert (v.condition, v.condition_raw) == (VehicleCondition.USED, "used")
    assert (v.year, v.make, v.model, v.trim) == (2021, "Honda", "Accord", "EX-L")
    assert v.body_style == "Sedan"
    assert (v.exterior_color, v.interior_color) == ("White", "Black")
    assert (v.mileage, v.mileage_unit) == (23875, "mi")
    assert v.msrp is None  # "msrp": 0 on a used unit: no sticker on file
    exact(v.asking_price, "25995.00")
    exact(v.sale_price, "24995.00")
    exact(v.cost, "22000.00")
    assert v.internet_price is None
    assert v.is_wholesale is False
    assert v.days_in_stock == 18
    assert (v.lot_id, v.lot_name) == ("lot_01", "Main Lot")
    assert v.location_id is None
    assert v.photos == (
        Photo(url="https://images.example.com/veh_28f93a/1.jpg", primary=True, position=1),
        Photo(url="https://images.example.com/veh_28f93a/2.jpg", primary=False, position=2),
    )
    assert (v.fuel_type, v.transmission, v.drivetrain, v.engine) == (
        "Gasoline",
        "Automatic",
        "FWD",
        "1.5L I4 Turbo",
    )
    assert v.acquired_on == date(2025, 12, 28)
    assert v.updated_at == datetime(2026, 1, 20, 13, 45, tzinfo=UTC)
    assert v.options == () and v.book_values == ()  # the page shows neither


def test_every_vehicle_field_lands_somewhere() -> None:
    """A field the page shows is either mapped (a value differs when it changes) or on
    the short list of ones with no canonical home."""
    item = fixture("automate_vehicles_list.json")["items"][0]
    base = m.map_vehicle(item).model_dump()
    changed = {
        "vehicleId": "veh_000001",
        "vin": "2HGCM82633A004352",
        "stockNumber": "B1",
        "status": "transit",
        "condition": "certified",
        "year": 2020,
        "make": "Acura",
        "model": "TLX",
        "trim": "A-Spec",
        "bodyStyle": "Coupe",
        "exteriorColor": "Red",
        "interiorColor": "Tan",
        "odometer": {"value": 5, "unit": "km"},
        "msrp": Decimal("31000.00"),
        "listPrice": Decimal("1.00"),
        "salePrice": Decimal("2.00"),
        "cost": Decimal("3.00"),
        "isWholesale": True,
        "agingDays": 99,
        "lot": {"lotId": "lot_02", "name": "Overflow Lot"},
        "photos": [],
        "fuelType": "Hybrid",
        "transmission": "CVT",
        "driveType": "AWD",
        "engine": "2.0L I4",
        "acquisitionDate": "2025-01-01",
        "updatedAt": "2026-01-01T00:00:00Z",
    }
    assert set(changed) == set(item)
    for key, value in changed.items():
        after = m.map_vehicle({**item, key: value}).model_dump()
        assert after != base, f"{key} is dropped by the mapping"


def test_transit_certified_and_kilometres() -> None:
    item = fixture("automate_vehicles_list.json")["items"][0]
    raw = {
        **item,
        "status": "transit",
        "condition": "certified",
        "lot": None,
        "odometer": {"value": 12, "unit": "km"},
        "msrp": Decimal("31000.00"),
    }
    v = m.map_vehicle(raw)
    assert (v.status, v.status_raw) == (VehicleStatus.IN_TRANSIT, "transit")
    assert (v.condition, v.condition_raw) == (VehicleCondition.CERTIFIED, "certified")
    assert (v.lot_id, v.lot_name) == (None, None)
    assert (v.mileage, v.mileage_unit) == (12, "km")  # kept as the vendor said
    exact(v.msrp, "31000.00")
    for raw_status, status in [
        ("retail_sold", VehicleStatus.SOLD),
        ("wholesale", VehicleStatus.WHOLESALE),
        ("recalled", VehicleStatus.UNKNOWN),
    ]:
        assert m.map_vehicle({**item, "status": raw_status}).status is status


def test_customer_as_written_and_as_upserted() -> None:
    request = fixture("automate_customer_request.json")
    answer = fixture("automate_customer_upserted.json")
    c = m.map_customer({**request, **answer})
    assert c.id == "cust_5c01e8"
    assert c.reference_id == "lead_9f21a"
    assert (c.first_name, c.last_name, c.company_name) == ("Ava", "Martinez", None)
    assert c.is_business is False and c.display_name == "Ava Martinez"
    assert c.email == "[email protected]"  # as the saved page spells it
    assert c.phone == "+15551234567"
    assert c.address is not None
    assert (c.address.line1, c.address.city, c.address.region) == ("500 Elm St", "Buffalo", "NY")
    assert (c.address.postal_code, c.address.country) == ("14201", "US")
    assert c.consent == Consent(tcpa=False, email=True, sms=True)
    assert c.updated_at == datetime(2026, 1, 21, 9, 12, 33, tzinfo=UTC)
    only_answer = m.map_customer(answer)
    assert (only_answer.id, only_answer.updated_at) == (c.id, c.updated_at)


def test_customer_phone_choice_and_fleet() -> None:
    shapes = fixture("automate_contract_shapes.json")
    fleet = m.map_customer(shapes["fleet_customer"])
    assert fleet.is_business and fleet.display_name == "Okafor Plumbing LLC"
    assert fleet.email == "fleet@okaforplumbing.example.com"  # the first of several
    assert fleet.phone == "+17165550142"
    assert fleet.consent == Consent(tcpa=True, email=True, sms=False)
    home_first = {
        **shapes["fleet_customer"],
        "phones": [
            {"type": "home", "number": "+17165550100"},
            {"type": "mobile", "number": "+17165550199"},
        ],
    }
    assert m.map_customer(home_first).phone == "+17165550199"


def test_deal_as_written_and_as_created() -> None:
    d = m.map_deal(
        {**fixture("automate_deal_request.json"), **fixture("automate_deal_created.json")}
    )
    assert d.id == "deal_61df30"
    assert d.deal_number == "D-2026-00128"
    assert (d.status, d.status_raw) == (DealStatus.DRAFT, "penciled")
    assert d.created_at == datetime(2026, 1, 21, 10, 3, 11, tzinfo=UTC)
    assert d.reference_id == "webcheckout-8821"
    assert d.buyer_id == "cust_5c01e8"
    assert d.vehicle is not None and d.vehicle.vin == "1HGCM82633A004352"
    p = d.pricing
    exact(p.selling_price, "24995.00")
    exact(p.discounts, "500.00")
    exact(p.rebates, "1000.00")
    exact(p.cash_down, "2000.00")
    exact(p.doc_fee, "175.00")
    exact(p.tax_rate, "0.0875")  # ratePercent 8.75, as a fraction
    assert p.tax_amount is None
    assert [(f.code, f.description, f.amount) for f in p.fees] == [
        ("REG", "Registration", Decimal("180.00"))
    ]
    (trade,) = d.trade_ins
    assert trade.vin == "2FMPK4K82KBB12345"
    exact(trade.actual_cash_value, "8000.00")
    exact(trade.payoff, "9500.00")
    assert trade.lienholder == "ABC Credit Union"
    assert trade.allowance is None
    f = d.financing
    assert f is not None
    assert f.term_months == 60
    exact(f.apr, "5.49")
    assert f.lender_id == "ALLY" and f.monthly_payment is None
    assert [(x.code, x.name, x.price) for x in d.products] == [
        ("VSC", "Service Contract", Decimal("1495.00")),
        ("GAP", "GAP Coverage", Decimal("695.00")),
    ]
    assert d.salesperson_id == "u_2a9b7c"
    assert d.finance_manager_id is None


def test_deal_created_answer_alone() -> None:
    d = m.map_deal(fixture("automate_deal_created.json"))
    assert (d.id, d.deal_number, d.status_raw) == ("deal_61df30", "D-2026-00128", "penciled")
    assert d.financing is None and d.trade_ins == () and d.pricing.fees == ()


def test_cash_deal() -> None:
    d = m.map_deal(fixture("automate_contract_shapes.json")["cash_deal"])
    assert (d.status, d.sale_type) == (DealStatus.DELIVERED, "cash")
    assert d.financing is None and d.products == ()
    assert d.co_buyer_id == "cust_5c01e8"
    assert d.vehicle is not None
    assert (d.vehicle.vehicle_id, d.vehicle.stock_number) == ("veh_28f93a", "A12345")
    exact(d.pricing.cash_down, "18744.26")
    exact(d.pricing.tax_rate, "0.0881")
    exact(d.pricing.tax_amount, "1497.26")
    (trade,) = d.trade_ins
    assert (trade.year, trade.make, trade.model, trade.mileage) == (2019, "Ford", "Escape", 61000)
    assert trade.lienholder is None
    assert d.finance_manager_id == "u_5e0f11"
    assert d.updated_at == datetime(2026, 1, 22, 17, 45, tzinfo=UTC)


def test_appointment_as_written_and_as_created() -> None:
    request = fixture("automate_appointment_request.json")
    answer = fixture("automate_appointment_created.json")
    a = m.map_appointment({**request, **answer})
    assert a.id == "appt_9fa201"
    assert (a.status, a.status_raw) == (AppointmentStatus.SCHEDULED, "scheduled")
    assert a.starts_at == datetime(2026, 2, 2, 14, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert a.starts_at == datetime(2026, 2, 2, 19, 30, tzinfo=UTC)
    assert a.ends_at is None  # the create request carries no duration
    assert a.customer_id == "cust_5c01e8"
    assert a.vin == a.vehicle_id == "1HGCM82633A004352"
    assert a.vehicle is not None and a.vehicle.owner_id == "cust_5c01e8"
    assert a.advisor_id == "u_advisor_01"
    assert a.op_codes == ("LOF", "TIRE_ROT")
    assert a.concern == "Oil change and rotation before road trip"
    assert (a.transportation, a.notes) == ("shuttle", "Customer will wait on-site")
    assert a.created_at == datetime(2026, 1, 21, 11, 20, 44, tzinfo=UTC)
    with_duration = m.map_appointment({**request, **answer, "durationMinutes": 60})
    assert with_duration.ends_at == datetime(2026, 2, 2, 20, 30, tzinfo=UTC)


# --- extrapolated shapes (docs/contracts/automate.md) -----------------------------------

SHAPES = fixture("automate_contract_shapes.json")


def test_repair_order() -> None:
    ro = m.map_repair_order(SHAPES["repair_order"])
    assert (ro.id, ro.ro_number) == ("ro_8f11c0", "012345")
    assert (ro.status, ro.status_raw) == (RepairOrderStatus.CLOSED, "closed")
    assert ro.opened_at == datetime(2026, 1, 21, 12, 2, 10, tzinfo=UTC)
    assert ro.promised_at == datetime(2026, 1, 21, 17, 0, tzinfo=UTC)
    assert ro.closed_at == datetime(2026, 1, 22, 9, 30, tzinfo=UTC)
    assert (ro.customer_id, ro.customer_name) == ("cust_5c01e8", "Ava Martinez")
    assert ro.vehicle_id == "1HGCM82633A004352"
    v = ro.vehicle
    assert v is not None
    assert (v.id, v.vin, v.year, v.make, v.model) == (
        "1HGCM82633A004352",
        "1HGCM82633A004352",
        2021,
        "Honda",
        "Accord",
    )
    assert (v.trim, v.license_plate, v.mileage, v.owner_id) == (
        "EX-L",
        "KXT4821",
        24410,
        "cust_5c01e8",
    )
    assert ro.mileage_in == 24410
    assert ro.advisor_id == "u_4d2101"
    assert ro.technician_ids == ("u_5f3130", "u_5f3131")
    oil, brakes = ro.labor_lines
    assert (oil.op_code, oil.description, oil.job_name) == (
        "LOF",
        "Lube, oil and filter service",
        "Oil Change",
    )
    exact(oil.hours, "0.5")
    exact(oil.rate, "150.00")
    exact(oil.amount, "75.00")
    assert (oil.declined, oil.technician_id) == (False, "u_5f3130")
    assert (brakes.declined, brakes.technician_id, brakes.job_name) == (True, None, "Brake Service")
    filt, pads = ro.part_lines
    assert (filt.part_number, filt.description, filt.quantity) == ("FL-500S", "Oil filter", 1)
    exact(filt.unit_price, "12.95")
    exact(filt.amount, "12.95")
    assert (filt.declined, pads.declined) == (False, True)
    t = ro.totals
    exact(t.labor, "75.00")
    exact(t.parts, "12.95")
    exact(t.shop_supplies, "6.00")
    exact(t.subtotal, "93.95")
    exact(t.tax, "7.04")
    exact(t.grand_total, "100.99")
    approved = [x.amount for x in ro.labor_lines if not x.declined]
    assert sum(approved) == t.labor
    assert t.labor + t.parts + t.shop_supplies == t.subtotal
    assert t.subtotal + t.tax == t.grand_total
    assert ro.notes == "Customer declined brakes; recheck next visit."
    assert ro.lines_included is True
    assert ro.updated_at == datetime(2026, 1, 22, 9, 30, tzinfo=UTC)


def test_part() -> None:
    p = m.map_part(SHAPES["part"])
    assert (p.id, p.part_number, p.description) == ("part_00a1b2", "FL-500S", "Oil filter")
    assert (p.vendor, p.bin) == ("Motorcraft", "A-03-2")
    assert (p.quantity_on_hand, p.reorder_point) == (12, 4)
    exact(p.cost, "6.10")
    exact(p.price, "12.95")
    assert p.updated_at == datetime(2026, 1, 19, 8, 0, tzinfo=UTC)


def test_user() -> None:
    u = m.map_user(SHAPES["user"])
    assert (u.id, u.name, u.first_name, u.last_name) == ("u_5e0f11", "Lena Park", "Lena", "Park")
    assert (u.role, u.role_raw) == (EmployeeRole.FINANCE_MANAGER, "fni_manager")
    assert (u.email, u.active) == ("lena.park@example.com", False)
    for raw, role in [("parts_counter", EmployeeRole.PARTS), ("porter", EmployeeRole.OTHER)]:
        assert m.map_user({**SHAPES["user"], "role": raw}).role is role


def test_receivable() -> None:
    a = m.map_receivable(SHAPES["receivable"])
    assert (a.id, a.account_number, a.customer_id) == ("ar_1f02c3", "AR-100231", "cust_7d21a0")
    assert a.kind is AccountKind.RECEIVABLE
    assert (a.status, a.status_raw) == (AccountStatus.PAID_OFF, "paid_in_full")
    assert a.opened_on == date(2025, 3, 2)
    exact(a.original_amount, "1800.00")
    exact(a.balance, "0.00")
    exact(a.past_due_amount, "0.00")
    exact(a.payment_amount, "150.00")
    assert (a.days_past_due, a.next_due_date, a.next_due_amount) == (0, None, None)
    assert a.last_payment_at == datetime(2026, 1, 2, 10, 15, tzinfo=UTC)


def test_receipt() -> None:
    p = m.map_receipt(SHAPES["receipt"])
    assert (p.id, p.account_id, p.customer_id) == ("rcpt_0a1b2c", "ar_1f02c3", "cust_7d21a0")
    exact(p.amount, "150.00")
    assert (p.method, p.method_raw) == (PaymentMethod.CARD, "credit_card")
    assert (p.status, p.receipt_number, p.reference_id) == ("returned", "R-000231", "VISA ****4242")
    assert p.repair_order_id is None
    assert p.received_at == datetime(2026, 1, 2, 10, 15, tzinfo=UTC)


def test_row_breaking_the_contract_is_a_protocol_error() -> None:
    with pytest.raises(UpstreamProtocolError) as err:
        mapped(m.map_vehicle, {"vin": "X"}, source="automate GET /vehicles")
    assert "automate GET /vehicles" in str(err.value)
    broken_fee = {**fixture("automate_deal_created.json"), "fees": [{"code": "DOC"}]}
    with pytest.raises(UpstreamProtocolError):
        mapped(m.map_deal, broken_fee, source="automate GET /deals")
