"""Dealertrack mapping contract: every example answer on the vendor page (fixtures copied
byte for byte) and the contract doc's extrapolated shapes, through the mapping, into
canonical fields. Nothing with a canonical home may be dropped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.convert import mapped
from adapters.dealertrack import mapping as m
from adapters.errors import UpstreamProtocolError
from adapters.http import loads
from adapters.models import (
    AppointmentStatus,
    BookValue,
    DealStatus,
    EmployeeRole,
    Photo,
    RepairOrderStatus,
    TechnicianAssignment,
    VehicleCondition,
    VehicleStatus,
)
from adapters.supergood import SUPERGOOD_LISTS, parse_session
from adapters.supergood.mapping import map_customer, map_part, map_user
from tests.vendor_pages import vendor_page_path

FIXTURES = Path(__file__).parent / "fixtures"
VENDOR_PAGE = vendor_page_path("dealertrack")
PAGE_EXAMPLES = (
    "dealertrack_session.json",
    "dealertrack_vehicles_list.json",
    "dealertrack_deal_created.json",
    "dealertrack_deal_patched.json",
    "dealertrack_repair_orders_list.json",
    "dealertrack_journal_entry_posted.json",
)


def fixture(name: str) -> Any:
    return loads((FIXTURES / name).read_bytes())


def exact(value: Decimal | None, text: str) -> None:
    """Equal as a number and as written: no float ever touched it."""
    assert isinstance(value, Decimal)
    assert str(value) == text


def test_fixtures_are_the_page_examples_byte_for_byte() -> None:
    page = VENDOR_PAGE.read_text()
    answers = page.split("Example response\n")[1:]
    assert len(answers) == len(PAGE_EXAMPLES)  # every example answer on the page
    for name, answer in zip(PAGE_EXAMPLES, answers, strict=True):
        text = (FIXTURES / name).read_text()
        assert text.endswith("}\n")
        assert answer.startswith(text.removesuffix("\n")), name


def test_session_answer_lists_the_rooftops() -> None:
    session = parse_session(fixture("dealertrack_session.json"))
    assert session.token.get_secret_value() == "eyJhbGciOi..."
    assert "eyJ" not in repr(session)
    assert session.expires_in == 3600
    assert (session.user_id, session.user_name) == ("u_3a91de", "General Manager")
    assert session.rooftops == ("rt_1001", "rt_1002")
    assert session.entitlements == {"inventory", "sales", "service", "accounting"}


def test_vehicle_list_item() -> None:
    body = fixture("dealertrack_vehicles_list.json")
    assert (body["page"], body["pageSize"], body["total"]) == (1, 50, 1)
    (row,) = SUPERGOOD_LISTS.items(body)
    v = m.map_vehicle(row)
    assert v.id == "veh_7c2a10"
    assert (v.vin, v.stock_number) == ("1FTEW1E53PKD12345", "P12345")
    assert (v.year, v.make, v.model, v.trim) == (2024, "Ford", "F-150", "Lariat")
    assert v.body_style == "Crew Cab"
    assert (v.exterior_color, v.interior_color) == ("Oxford White", "Black")
    assert (v.condition, v.condition_raw) == (VehicleCondition.NEW, "new")
    assert (v.status, v.status_raw) == (VehicleStatus.IN_STOCK, "in_stock")
    assert (v.mileage, v.mileage_unit) == (12, "mi")
    assert v.lot_name == "Front Row"
    exact(v.msrp, "65800.00")
    exact(v.asking_price, "64250.00")
    exact(v.internet_price, "63990.00")
    exact(v.cost, "59000.00")
    assert v.photos == (
        Photo(url="https://cdn.example.com/veh_7c2a10/1.jpg", primary=True, position=1),
        Photo(url="https://cdn.example.com/veh_7c2a10/2.jpg", primary=False, position=2),
    )
    assert v.options == ("FX4 Package", "Tow Package")
    assert v.book_values == (
        BookValue(source="kbb", amount=Decimal("64000.00")),
        BookValue(source="nada", amount=Decimal("63800.00")),
    )
    exact(v.book_values[0].amount, "64000.00")
    assert v.acquired_on == date(2026, 1, 10)
    assert v.updated_at == datetime(2026, 1, 21, 13, 45, tzinfo=UTC)
    # Not on the page: the sale price (a deal's), the drivetrain family, lot ids.
    assert v.sale_price is None and v.drivetrain is None and v.lot_id is None


@pytest.mark.parametrize(
    ("raw", "status", "condition"),
    [
        ({"status": "in_transit", "condition": "used"}, VehicleStatus.IN_TRANSIT, "used"),
        ({"status": "sold", "condition": "cpo"}, VehicleStatus.SOLD, "certified"),
        ({"status": "wholesaled", "condition": "new"}, VehicleStatus.WHOLESALE, "new"),
        ({"status": "recalled", "condition": "demo"}, VehicleStatus.UNKNOWN, "unknown"),
    ],
)
def test_vehicle_statuses_and_conditions_keep_the_raw_value(
    raw: dict[str, str], status: VehicleStatus, condition: str
) -> None:
    item = {**fixture("dealertrack_vehicles_list.json")["items"][0], **raw}
    v = m.map_vehicle(item)
    assert (v.status, v.status_raw) == (status, raw["status"])
    assert (v.condition.value, v.condition_raw) == (condition, raw["condition"])


def test_repair_order_list_item() -> None:
    (row,) = SUPERGOOD_LISTS.items(fixture("dealertrack_repair_orders_list.json"))
    ro = m.map_repair_order(row)
    assert (ro.id, ro.ro_number) == ("ro_90e412", "RO-223145")
    assert (ro.status, ro.status_raw) == (RepairOrderStatus.OPEN, "open")
    assert ro.opened_at == datetime(2026, 1, 20, 8, 3, 11, tzinfo=UTC)
    assert ro.promised_at == datetime(2026, 1, 22, 17, 0, tzinfo=UTC)
    assert ro.closed_at is None  # no close timestamp on the page
    assert ro.mileage_in == 45210
    assert ro.vehicle_id == "WBA53BH06NCH12345"
    vehicle = ro.vehicle
    assert vehicle is not None
    assert vehicle.id == vehicle.vin == "WBA53BH06NCH12345"
    assert (vehicle.year, vehicle.make, vehicle.model) == (2022, "BMW", "330i")
    assert (vehicle.mileage, vehicle.owner_id) == (45210, "cust_88b32e")
    assert (ro.customer_id, ro.customer_name) == ("cust_88b32e", "Alex Morgan")
    assert (ro.advisor_id, ro.advisor_name) == ("u_45af1d", "Jamie R.")
    assert ro.technician_ids == ("u_72a110",)
    assert ro.technicians == (
        TechnicianAssignment(
            employee_id="u_72a110", name="T. Carter", assigned_hours=Decimal("2.5")
        ),
    )

    inspect, pads = ro.labor_lines
    assert (inspect.op_code, inspect.description) == ("BRKINS", "Brake inspection")
    exact(inspect.hours, "1.0")
    exact(inspect.rate, "140.00")
    exact(inspect.amount, "140.00")
    assert inspect.declined is False
    assert (pads.op_code, pads.description, pads.declined) == (
        "PADRPL",
        "Replace front pads",
        True,
    )
    exact(pads.hours, "1.5")
    exact(pads.amount, "210.00")
    (part,) = ro.part_lines
    assert (part.part_number, part.description) == ("34116870051", "Front Brake Pad Set")
    assert part.quantity == 1 and part.declined is True
    exact(part.unit_price, "189.00")
    exact(part.amount, "189.00")

    t = ro.totals
    exact(t.labor, "350.00")
    exact(t.parts, "189.00")
    exact(t.shop_supplies, "25.00")
    exact(t.tax, "39.48")
    exact(t.grand_total, "603.48")
    exact(t.subtotal, "564.00")  # grand total less tax
    assert (ro.customer_approved, ro.advisor_approved) == (True, True)
    assert ro.updated_at == datetime(2026, 1, 21, 10, 3, 11, tzinfo=UTC)
    assert ro.lines_included is True


@pytest.mark.parametrize(
    ("raw", "status"),
    [("on_hold", RepairOrderStatus.ON_HOLD), ("closed", RepairOrderStatus.CLOSED)],
)
def test_repair_order_statuses(raw: str, status: RepairOrderStatus) -> None:
    (row,) = SUPERGOOD_LISTS.items(fixture("dealertrack_repair_orders_list.json"))
    assert m.map_repair_order({**row, "status": raw}).status is status


def test_deal_create_answer() -> None:
    deal = m.map_deal(fixture("dealertrack_deal_created.json"))
    assert (deal.id, deal.deal_number) == ("deal_51af80", "D-240123")
    assert (deal.status, deal.status_raw) == (DealStatus.PENDING, "pending")
    assert deal.financing is not None
    assert deal.financing.lender_status == "submitted"
    assert deal.created_at == datetime(2026, 1, 21, 11, 20, 44, tzinfo=UTC)
    assert deal.reference_id == "dr-ord-87432"


def test_deal_patch_answer() -> None:
    deal = m.map_deal(fixture("dealertrack_deal_patched.json"))
    assert deal.id == "deal_51af80"
    assert (deal.status, deal.status_raw) == (DealStatus.CONTRACTED, "contracted")
    assert deal.financing is not None and deal.financing.lender_status == "approved"
    assert deal.updated_at == datetime(2026, 1, 21, 12, 10, 11, tzinfo=UTC)


# Page fields with no canonical home: the rooftop is the dealership itself; the list
# envelope is paging. (The RO's customer phone lands in its embedded customer.)
NO_CANONICAL_HOME = {
    ("rooftopId",),
    ("page",),
    ("pageSize",),
    ("total",),
}


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [path] if value is not None else []


def _perturbed(raw: Any, path: tuple[Any, ...]) -> Any:
    head, *rest = path
    copy = dict(raw) if isinstance(raw, dict) else list(raw)
    if rest:
        copy[head] = _perturbed(raw[head], tuple(rest))
        return copy
    value = raw[head]
    if isinstance(value, bool):
        copy[head] = not value
    elif isinstance(value, int | Decimal):
        copy[head] = value + 1
    elif value[:4].isdigit() and value[4:5] == "-":  # a date or timestamp: a year earlier
        copy[head] = str(int(value[:4]) - 1) + value[4:]
    else:
        copy[head] = value + "-x"
    return copy


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("dealertrack_session.json", parse_session),
        ("dealertrack_vehicles_list.json", lambda b: m.map_vehicle(b["items"][0])),
        ("dealertrack_repair_orders_list.json", lambda b: m.map_repair_order(b["items"][0])),
        ("dealertrack_deal_created.json", m.map_deal),
        ("dealertrack_deal_patched.json", m.map_deal),
    ],
)
def test_every_page_field_with_a_canonical_home_lands_somewhere(name: str, read: Any) -> None:
    body = fixture(name)
    before = read(body)
    leaves = list(_leaves(body))
    assert leaves, name
    for path in leaves:
        unmapped = tuple(p for p in path if not isinstance(p, int))[-2:]
        if unmapped in NO_CANONICAL_HOME or unmapped[-1:] in NO_CANONICAL_HOME:
            assert read(_perturbed(body, path)) == before, path  # truly not kept
            continue
        assert read(_perturbed(body, path)) != before, f"{name}: {path} is dropped"


def test_journal_entry_answer_has_no_canonical_model_yet() -> None:
    # Read for completeness: the ledger has no canonical home until the write path lands.
    body = fixture("dealertrack_journal_entry_posted.json")
    assert (body["journalEntryId"], body["status"], body["lines"]) == ("je_3aa91d", "posted", 2)


# --- extrapolated shapes (docs/contracts/dealertrack.md) --------------------------------

SHAPES = fixture("dealertrack_contract_shapes.json")


def test_deal() -> None:
    d = m.map_deal(SHAPES["deal"])
    assert (d.buyer_id, d.co_buyer_id) == ("cust_88b32e", None)
    assert d.vehicle is not None
    assert (d.vehicle.vehicle_id, d.vehicle.vin, d.vehicle.stock_number) == (
        "veh_7c2a10",
        "1FTEW1E53PKD12345",
        "P12345",
    )
    p = d.pricing
    exact(p.selling_price, "63990.00")
    exact(p.cash_down, "3500.00")
    exact(p.rebates, "500.00")
    exact(p.doc_fee, "399.00")  # the "doc" fee; the others stay fees
    assert [(f.code, f.amount) for f in p.fees] == [("title", Decimal("77.00"))]
    exact(p.tax_rate, "0.07")
    exact(p.tax_amount, "3639.30")
    (trade,) = d.trade_ins
    assert trade.vin == "2HGFB2F50DH123456"
    exact(trade.allowance, "12000.00")
    exact(trade.payoff, "8000.00")
    f = d.financing
    assert f is not None
    assert f.term_months == 72
    exact(f.apr, "5.99")
    exact(f.approved_apr, "5.75")
    assert f.lender_preferences == ("lnd_ally", "lnd_capone")
    assert (f.lender_id, f.lender_status) == ("lnd_ally", "approved")
    exact(f.monthly_payment, "889.12")
    assert [(x.code, x.name, x.price) for x in d.products] == [
        ("VSC", "Service Contract", Decimal("1895.00"))
    ]
    assert d.salesperson_id == "u_1d3f76"
    assert d.sale_type is None  # not a Dealertrack field


def test_cash_deal_has_no_financing() -> None:
    raw = {**SHAPES["deal"], "finance": None, "lenderStatus": None, "lenderDecision": None}
    d = m.map_deal(raw)
    assert d.financing is None and d.products == ()


def test_customer_part_user() -> None:
    c = map_customer(SHAPES["customer"])
    assert (c.id, c.first_name, c.last_name, c.is_business) == (
        "cust_88b32e",
        "Alex",
        "Morgan",
        False,
    )
    assert (c.email, c.phone) == ("alex.morgan@example.com", "+1-412-555-0142")
    assert c.address is not None and c.address.postal_code == "15222"
    assert c.updated_at == datetime(2026, 1, 21, 15, 9, 33, tzinfo=UTC)

    p = map_part(SHAPES["part"])
    assert (p.id, p.part_number, p.vendor, p.bin) == ("prt_00a1b2", "34116870051", "BMW", "B-04-1")
    assert (p.quantity_on_hand, p.reorder_point) == (6, 2)
    exact(p.cost, "121.40")
    exact(p.price, "189.00")

    u = map_user(SHAPES["user"])
    assert (u.id, u.name, u.role, u.role_raw, u.active) == (
        "u_45af1d",
        "Jamie Reyes",
        EmployeeRole.SERVICE_ADVISOR,
        "service_advisor",
        True,
    )


def test_appointment() -> None:
    a = m.map_appointment(SHAPES["appointment"])
    assert a.id == "appt_31c0aa"
    assert (a.status, a.status_raw) == (AppointmentStatus.SCHEDULED, "scheduled")
    assert a.starts_at == datetime(2026, 1, 23, 14, 0, tzinfo=UTC)
    assert a.ends_at == datetime(2026, 1, 23, 15, 0, tzinfo=UTC)
    assert (a.customer_id, a.advisor_id) == ("cust_88b32e", "u_45af1d")
    assert a.vin == a.vehicle_id == "WBA53BH06NCH12345"
    assert a.vehicle is not None and (a.vehicle.make, a.vehicle.owner_id) == ("BMW", "cust_88b32e")
    assert a.op_codes == ("LOF",)
    assert (a.concern, a.transportation, a.notes) == ("Oil change due", "waiter", None)


def test_rooftop() -> None:
    store = m.map_rooftop(SHAPES["rooftop"])
    assert (store.store_id, store.name, store.status) == ("rt_1001", "Peachtree Ford", "active")
    assert store.created_at == datetime(2019, 4, 1, 12, 0, tzinfo=UTC)


def test_row_breaking_the_contract_is_a_protocol_error() -> None:
    with pytest.raises(UpstreamProtocolError) as err:
        mapped(m.map_vehicle, {"vin": "X"}, source="dealertrack GET /inventory/vehicles")
    assert "dealertrack GET /inventory/vehicles" in str(err.value)
