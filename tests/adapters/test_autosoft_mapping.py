"""AutoSoft mapping contract: the vendor page's example answers (fixtures copied verbatim)
and the contract doc's extrapolated shapes, through the mapping, into canonical fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.autosoft import mapping as m
from adapters.convert import mapped
from adapters.errors import UpstreamProtocolError
from adapters.models import (
    AccountKind,
    AccountStatus,
    AppointmentStatus,
    DealStatus,
    EmployeeRole,
    LeadStatus,
    PaymentMethod,
    Photo,
    RepairOrderStatus,
    VehicleCondition,
    VehicleStatus,
)
from adapters.supergood import parse_session
from tests.adapters.mapping_kit import exact, fixture


def test_session_answer() -> None:
    session = parse_session(fixture("autosoft_session.json"))
    assert session.token.get_secret_value() == "eyJhbGciOi..."
    assert "eyJ" not in repr(session)
    assert session.expires_in == 3600
    assert session.user_id == "u_2a91f0"
    assert session.user_name == "General Manager"
    assert session.entitlements == {
        "vehicles",
        "leads",
        "deals",
        "service",
        "parts",
        "accounting",
    }


def test_vehicle_list_item() -> None:
    body = fixture("autosoft_vehicles_list.json")
    assert (body["page"], body["pageSize"], body["total"]) == (1, 50, 1)
    v = m.map_vehicle(body["items"][0])
    assert v.id == "veh_9a31d2"
    assert v.vin == "1FTEW1EP5PKD12345"
    assert v.stock_number == "A12345"
    assert (v.status, v.status_raw) == (VehicleStatus.IN_STOCK, "in_stock")
    assert (v.condition, v.condition_raw) == (VehicleCondition.NEW, "new")
    assert (v.year, v.make, v.model, v.trim) == (2024, "Ford", "F-150", "XLT")
    assert v.body_style == "Crew Cab"
    assert (v.mileage, v.mileage_unit) == (12, "mi")
    assert (v.exterior_color, v.interior_color) == ("Oxford White", "Black")
    assert (v.drivetrain, v.transmission, v.engine, v.fuel_type) == (
        "4WD",
        "Automatic",
        "2.7L V6",
        "Gasoline",
    )
    exact(v.msrp, "54995.00")
    exact(v.asking_price, "52995.00")
    exact(v.cost, "48750.00")
    assert v.internet_price is None and v.sale_price is None
    assert v.location_id == "loc_01"
    assert v.photos == (
        Photo(url="https://cdn.example.com/veh_9a31d2/1.jpg", primary=True, position=1),
        Photo(url="https://cdn.example.com/veh_9a31d2/2.jpg", primary=False, position=2),
    )
    assert v.updated_at == datetime(2026, 1, 21, 14, 5, 11, tzinfo=UTC)


def test_repair_order_list_item() -> None:
    body = fixture("autosoft_repair_orders_list.json")
    ro = m.map_repair_order(body["items"][0])
    assert ro.id == "ro_8f11c0"
    assert ro.ro_number == "012345"  # leading zero kept: it is a number as text
    assert (ro.status, ro.status_raw) == (RepairOrderStatus.OPEN, "open")
    assert ro.opened_at == datetime(2026, 1, 21, 12, 2, 10, tzinfo=UTC)
    assert ro.promised_at is None and ro.closed_at is None
    assert ro.customer_id == "cust_6b9013"
    assert ro.customer_name == "Ava Martinez"
    assert ro.vehicle_id == "1GCUYDED0NZ123456"
    vehicle = ro.vehicle
    assert vehicle is not None
    assert vehicle.id == vehicle.vin == "1GCUYDED0NZ123456"
    assert (vehicle.year, vehicle.make, vehicle.model) == (2022, "Chevrolet", "Silverado 1500")
    assert vehicle.mileage == 45123
    assert vehicle.owner_id == "cust_6b9013"
    assert ro.mileage_in == 45123
    assert ro.advisor_id == "u_4d2101"
    assert ro.technician_ids == ("u_5f3130",)

    (labor,) = ro.labor_lines
    assert (labor.op_code, labor.description) == ("BRKINS", "Brake inspection")
    exact(labor.hours, "0.5")
    exact(labor.rate, "140.00")
    exact(labor.amount, "70.00")
    assert labor.declined is False

    (part,) = ro.part_lines
    assert (part.part_number, part.description) == ("123-456", "Cabin air filter")
    assert part.quantity == 1
    exact(part.unit_price, "24.95")
    exact(part.amount, "24.95")

    t = ro.totals
    exact(t.labor, "70.00")
    exact(t.parts, "24.95")
    exact(t.shop_supplies, "6.00")
    exact(t.tax, "6.65")
    exact(t.grand_total, "107.60")
    exact(t.subtotal, "100.95")  # grand total less tax
    assert t.labor + t.parts + t.shop_supplies == t.subtotal
    assert ro.updated_at == datetime(2026, 1, 21, 15, 10, 45, tzinfo=UTC)
    assert ro.lines_included is True  # AutoSoft lists ROs with their lines


def test_lead_create_answer() -> None:
    lead = m.map_lead(fixture("autosoft_lead_created.json"))
    assert lead.id == "ld_74ce91"
    assert (lead.status, lead.status_raw) == (LeadStatus.NEW, "new")
    assert lead.created_at == datetime(2026, 1, 21, 15, 9, 33, tzinfo=UTC)
    assert lead.reference_id == "lead-98421"


def test_deal_create_answer() -> None:
    deal = m.map_deal(fixture("autosoft_deal_created.json"))
    assert deal.id == "dl_5a220f"
    assert (deal.status, deal.status_raw) == (DealStatus.DRAFT, "draft")
    assert deal.financing is not None
    exact(deal.financing.monthly_payment, "1499.23")
    assert deal.financing.term_months == 36
    exact(deal.financing.apr, "3.49")
    assert deal.created_at == datetime(2026, 1, 21, 15, 33, 2, tzinfo=UTC)
    assert deal.reference_id == "deal-DR-2026-0001"
    assert deal.trade_ins == ()


# --- extrapolated shapes (docs/contracts/autosoft.md) -----------------------------------

SHAPES = fixture("autosoft_contract_shapes.json")


def test_customer() -> None:
    c = m.map_customer(SHAPES["customer"])
    assert c.id == "cust_1182ab"
    assert (c.first_name, c.last_name, c.company_name) == ("Jordan", "Lee", None)
    assert c.is_business is False
    assert c.display_name == "Jordan Lee"
    assert (c.email, c.phone) == ("jordan@example.com", "+1-412-555-0199")
    assert c.address is not None
    assert (c.address.line1, c.address.city, c.address.region) == (
        "1200 Liberty Ave",
        "Pittsburgh",
        "PA",
    )
    assert (c.address.postal_code, c.address.country) == ("15222", "US")
    assert c.created_at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert c.updated_at == datetime(2026, 1, 21, 15, 9, 33, tzinfo=UTC)


def test_business_customer() -> None:
    raw = {**SHAPES["customer"], "customerType": "business", "companyName": "Lee Fleet LLC"}
    c = m.map_customer(raw)
    assert c.is_business and c.display_name == "Lee Fleet LLC"


def test_lead() -> None:
    lead = m.map_lead(SHAPES["lead"])
    assert lead.customer_id == "cust_1182ab"
    assert (lead.first_name, lead.last_name) == ("Jordan", "Lee")
    assert (lead.email, lead.phone) == ("jordan@example.com", "+1-412-555-0199")
    assert lead.source == "website_digital_retail"
    assert lead.vehicle_of_interest is not None
    assert lead.vehicle_of_interest.vin == "1FTEW1EP5PKD12345"
    assert lead.vehicle_of_interest.stock_number == "A12345"
    assert lead.trade_in is not None
    assert (lead.trade_in.vin, lead.trade_in.mileage) == ("2HGFB2F50CH000000", 86000)
    assert lead.notes == "Prefers 36-month term; open to extended warranty."
    assert lead.consent is not None
    assert (lead.consent.tcpa, lead.consent.email, lead.consent.sms) == (True, True, False)
    assert lead.updated_at == datetime(2026, 1, 22, 8, 0, tzinfo=UTC)


def test_deal() -> None:
    d = m.map_deal(SHAPES["deal"])
    assert d.deal_number == "D-10231"
    assert (d.buyer_id, d.co_buyer_id) == ("cust_1182ab", None)
    assert d.vehicle is not None
    assert (d.vehicle.vehicle_id, d.vehicle.vin, d.vehicle.stock_number) == (
        "veh_9a31d2",
        "1FTEW1EP5PKD12345",
        "A12345",
    )
    assert d.sale_type == "retail"
    p = d.pricing
    exact(p.selling_price, "51995.00")
    exact(p.doc_fee, "389.00")
    exact(p.rebates, "1000.00")
    exact(p.cash_down, "2500.00")
    exact(p.tax_rate, "0.07")
    assert p.tax_basis == "selling_price_less_trade"
    exact(p.tax_amount, "2995.65")
    assert [(f.code, f.amount) for f in p.fees] == [
        ("title", Decimal("150.00")),
        ("registration", Decimal("125.00")),
    ]
    (trade,) = d.trade_ins
    assert (trade.vin, trade.mileage) == ("2HGFB2F50CH000000", 86000)
    exact(trade.allowance, "9000.00")
    exact(trade.payoff, "6500.00")
    f = d.financing
    assert f is not None
    assert f.lender_preferences == ("ALLY",)
    exact(f.monthly_payment, "1499.23")
    assert [(x.code, x.name, x.price) for x in d.products] == [
        ("VSC", "Vehicle Service Contract", Decimal("1895.00")),
        ("GAP", "GAP Insurance", Decimal("695.00")),
    ]
    assert d.salesperson_id == "u_7a1b2c"


def test_repair_order_detail() -> None:
    ro = m.map_repair_order(SHAPES["repair_order"])
    assert (ro.status, ro.status_raw) == (RepairOrderStatus.CLOSED, "posted")
    assert ro.promised_at == datetime(2026, 1, 21, 17, 0, tzinfo=UTC)
    assert ro.closed_at == datetime(2026, 1, 22, 9, 30, tzinfo=UTC)
    assert ro.technician_ids == ("u_5f3130", "u_5f3131")


def test_appointment() -> None:
    a = m.map_appointment(SHAPES["appointment"])
    assert a.id == "appt_31c0aa"
    assert (a.status, a.status_raw) == (AppointmentStatus.SCHEDULED, "scheduled")
    assert a.starts_at == datetime(2026, 1, 23, 14, 0, tzinfo=UTC)
    assert a.ends_at == datetime(2026, 1, 23, 15, 0, tzinfo=UTC)
    assert a.customer_id == "cust_6b9013"
    assert a.vin == a.vehicle_id == "1GCUYDED0NZ123456"
    assert a.advisor_id == "u_4d2101"
    assert a.op_codes == ("LOF",)
    assert (a.concern, a.transportation, a.notes) == ("Oil change due", "waiter", None)


def test_part() -> None:
    p = m.map_part(SHAPES["part"])
    assert (p.id, p.part_number, p.description) == ("prt_00a1b2", "123-456", "Cabin air filter")
    assert p.quantity_on_hand == 12
    exact(p.cost, "14.10")
    exact(p.price, "24.95")
    assert (p.bin, p.vendor, p.reorder_point) == ("A-03-2", "Motorcraft", 4)


def test_user() -> None:
    u = m.map_user(SHAPES["user"])
    assert (u.id, u.name, u.first_name, u.last_name) == ("u_4d2101", "Dana Ruiz", "Dana", "Ruiz")
    assert (u.role, u.role_raw, u.active) == (EmployeeRole.SERVICE_ADVISOR, "service_advisor", True)
    assert u.email == "dana.ruiz@example.com"


def test_account() -> None:
    a = m.map_account(SHAPES["account"])
    assert (a.id, a.account_number, a.customer_id) == ("ar_1f02c3", "AR-100231", "cust_6b9013")
    assert a.kind is AccountKind.RECEIVABLE
    assert (a.status, a.status_raw) == (AccountStatus.CURRENT, "current")
    assert a.opened_on == date(2025, 3, 2)
    exact(a.balance, "412.50")
    exact(a.past_due_amount, "0.00")
    assert a.days_past_due == 0
    assert a.next_due_date == date(2026, 2, 1)
    exact(a.next_due_amount, "150.00")
    assert a.last_payment_at == datetime(2026, 1, 2, 10, 15, tzinfo=UTC)


def test_payment() -> None:
    p = m.map_payment(SHAPES["payment"])
    assert (p.id, p.account_id) == ("pmt_0a1b2c", "ar_1f02c3")
    exact(p.amount, "150.00")
    assert (p.method, p.method_raw) == (PaymentMethod.CARD, "card")
    assert p.received_at == datetime(2026, 1, 2, 10, 15, tzinfo=UTC)
    assert (p.receipt_number, p.reference_id, p.repair_order_id) == ("R-000231", None, None)


def test_unknown_status_keeps_raw() -> None:
    v = m.map_vehicle({**fixture("autosoft_vehicles_list.json")["items"][0], "status": "recalled"})
    assert (v.status, v.status_raw) == (VehicleStatus.UNKNOWN, "recalled")


def test_row_breaking_the_contract_is_a_protocol_error() -> None:
    with pytest.raises(UpstreamProtocolError) as err:
        mapped(m.map_vehicle, {"vin": "X"}, source="autosoft GET /vehicles")
    assert "autosoft GET /vehicles" in str(err.value)
