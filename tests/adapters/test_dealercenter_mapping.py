"""DealerCenter mapping contract: every example on the vendor page (fixtures copied verbatim:
the answers, and the create requests whose fields a read returns) and the contract doc's
extrapolated shapes, through the mapping, into canonical fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.convert import mapped
from adapters.dealercenter import mapping as m
from adapters.errors import UpstreamProtocolError
from adapters.http import loads
from adapters.models import (
    AccountKind,
    AccountStatus,
    BookValue,
    Consent,
    DealStatus,
    EmployeeRole,
    Fee,
    Installment,
    LeadStatus,
    PaymentAllocation,
    PaymentMethod,
    Photo,
    TradeIn,
    VehicleCondition,
    VehicleRef,
    VehicleStatus,
)
from adapters.supergood import parse_session
from tests.adapters.mapping_kit import exact, fixture, raw_fixture
from tests.vendor_pages import vendor_page_path

VENDOR_PAGE = vendor_page_path("dealercenter")
PAGE_EXAMPLES = (
    "dealercenter_session.json",
    "dealercenter_vehicles_list.json",
    "dealercenter_lead_request.json",
    "dealercenter_lead_created.json",
    "dealercenter_deal_request.json",
    "dealercenter_deal_created.json",
    "dealercenter_payment_request.json",
    "dealercenter_payment_posted.json",
)
# Fields of the page's examples that have no canonical home, and why.
NO_HOME = {
    "deal request": {
        "buyer": "the buyer's name, contact and address are the customer record's",
        "submitCreditApplication": "a write instruction, not deal data",
        "attachments": "upload tokens for documents (no canonical documents yet)",
    },
    "payment answer": {"nextDueDate": "the account's next due date, not the payment's"},
}


@pytest.mark.parametrize("name", PAGE_EXAMPLES)
def test_fixtures_are_excerpts_of_the_vendor_page(name: str) -> None:
    text = raw_fixture(name)
    assert text.endswith("}\n")
    assert text.rstrip("\n") in VENDOR_PAGE.read_text()


def test_session_answer() -> None:
    session = parse_session(fixture("dealercenter_session.json"))
    assert session.token.get_secret_value() == "eyJhbGciOi..."
    assert "eyJ" not in repr(session)
    assert session.expires_in == 3600
    assert (session.user_id, session.user_name) == ("u_3a92bc", "General Manager")
    assert session.entitlements == {"inventory", "crm", "deals", "bhph"}


def test_vehicle_list_item() -> None:
    body = fixture("dealercenter_vehicles_list.json")
    assert (body["page"], body["pageSize"], body["total"]) == (1, 50, 1)
    raw = body["items"][0]
    v = m.map_vehicle(raw)
    assert v.id == "veh_9f21ad"
    assert (v.vin, v.stock_number) == ("1HGCM82633A123456", "DC-2451")
    assert (v.year, v.make, v.model, v.trim) == (2020, "Toyota", "Camry", "SE")
    assert (v.mileage, v.mileage_unit) == (38210, "mi")
    assert (v.exterior_color, v.interior_color) == ("Blue", "Black")
    assert (v.status, v.status_raw) == (VehicleStatus.IN_STOCK, "in_stock")
    # Not said by the vendor: 38,210 miles make it USED; nothing raw to keep.
    assert (v.condition, v.condition_raw) == (VehicleCondition.USED, None)
    assert v.lot_id == "lot_1a2b3c" and v.lot_name is None  # named from the lot list
    exact(v.asking_price, "21995.00")
    exact(v.cost, "16850.00")
    assert v.book_values == (
        BookValue(source="kbb", amount=Decimal("21400.00")),
        BookValue(source="nada", amount=Decimal("21875.00")),
        BookValue(source="blackBook", amount=Decimal("20950.00")),
    )
    exact(v.book_values[2].amount, "20950.00")
    assert v.photos == (
        Photo(url="https://cdn.supergood.ai/upl/a1.jpg", primary=True, position=1),
        Photo(url="https://cdn.supergood.ai/upl/a2.jpg", primary=False, position=2),
    )
    assert v.acquired_on == date(2025, 12, 14)
    assert v.updated_at == datetime(2026, 1, 22, 14, 31, 2, tzinfo=UTC)
    assert v.msrp is None and v.internet_price is None and v.sale_price is None
    mapped_keys = {
        "vehicleId", "vin", "stockNumber", "year", "make", "model", "trim", "mileage", "color",
        "status", "lotId", "price", "cost", "bookValues", "photos", "acquiredAt", "updatedAt",
    }  # fmt: skip
    assert set(raw) == mapped_keys  # every documented field is asserted above


def test_vehicle_source_and_photo_order() -> None:
    raw = fixture("dealercenter_vehicles_list.json")["items"][0]
    photos = [{"url": "c", "position": 3}, {"url": "a", "position": 1}, {"url": "z"}]
    v = m.map_vehicle({**raw, "source": "auction", "status": "pending", "photos": photos})
    assert v.acquisition_source == "auction"
    assert (v.status, v.status_raw) == (VehicleStatus.PENDING, "pending")
    assert [(p.url, p.position, p.primary) for p in v.photos] == [
        ("a", 1, True),
        ("c", 3, False),
        ("z", None, False),
    ]
    none = m.map_vehicle({**raw, "bookValues": {"kbb": None, "nada": 100}, "photos": None})
    assert none.book_values == (BookValue(source="nada", amount=Decimal(100)),) and not none.photos


def test_vehicle_mileage_and_the_condition_it_gives() -> None:
    """The page's ``mileage`` is a whole number of miles (no unit is sent); the condition is
    derived from the same value."""
    raw = fixture("dealercenter_vehicles_list.json")["items"][0]
    assert raw["mileage"] == 38210 and type(raw["mileage"]) is int

    def vehicle(mileage: object) -> tuple[object, str, VehicleCondition]:
        v = mapped(m.map_vehicle, {**raw, "mileage": mileage}, source="dealercenter")
        return v.mileage, v.mileage_unit, v.condition

    assert vehicle(38210) == (38210, "mi", VehicleCondition.USED)
    # A whole number written with a fraction, as JSON decoding gives it: the same miles.
    assert loads(b'{"mileage": 38210.0}')["mileage"] == Decimal("38210.0")
    assert vehicle(Decimal("38210.0")) == (38210, "mi", VehicleCondition.USED)
    assert vehicle(m.USED_FROM_MILES) == (1000, "mi", VehicleCondition.USED)
    assert vehicle(m.USED_FROM_MILES - 1) == (999, "mi", VehicleCondition.UNKNOWN)
    assert vehicle(0) == (0, "mi", VehicleCondition.UNKNOWN)
    assert vehicle(None) == (None, "mi", VehicleCondition.UNKNOWN)
    absent = m.map_vehicle({k: v for k, v in raw.items() if k != "mileage"})
    assert (absent.mileage, absent.condition) == (None, VehicleCondition.UNKNOWN)
    # Miles are whole on the page: a fraction is refused, never truncated or rounded.
    with pytest.raises(UpstreamProtocolError):
        vehicle(Decimal("38210.5"))


def test_lead_request_and_answer() -> None:
    request, answer = (
        fixture("dealercenter_lead_request.json"),
        fixture("dealercenter_lead_created.json"),
    )
    lead = m.map_lead({**request, **answer})
    assert lead.id == "ld_6b210e"
    assert (lead.status, lead.status_raw) == (LeadStatus.NEW, "new")
    assert (lead.first_name, lead.last_name) == ("Alex", "Rivera")
    assert lead.email == request["email"]  # scrambled on the saved page, kept as given
    assert lead.phone == "+15551234567"
    assert (lead.source, lead.channel) == ("website", "digital_retail")
    assert lead.vehicle_of_interest == VehicleRef(vehicle_id="veh_9f21ad")
    assert lead.notes == "Interested in a test drive this weekend."
    assert lead.consent == Consent(
        tcpa=True,
        captured_at=datetime(2026, 1, 22, 15, 10, tzinfo=UTC),
        ip_address="203.0.113.42",
    )
    assert lead.assigned_user_id == "u_7c11de"
    assert lead.reference_id == "lead-12345"
    assert lead.created_at == datetime(2026, 1, 22, 15, 10, 21, tzinfo=UTC)
    alone = m.map_lead(answer)
    assert (alone.id, alone.status, alone.reference_id) == (
        "ld_6b210e",
        LeadStatus.NEW,
        "lead-12345",
    )
    assert alone.consent is None


def test_deal_request_and_answer() -> None:
    request, answer = (
        fixture("dealercenter_deal_request.json"),
        fixture("dealercenter_deal_created.json"),
    )
    d = m.map_deal({**request, **answer})
    assert d.id == "dl_5c88f0"
    assert (d.status, d.status_raw) == (DealStatus.SUBMITTED, "submitted")
    assert d.vehicle == VehicleRef(vehicle_id="veh_9f21ad")
    assert d.buyer_id == "cust_4e92ab"
    assert d.sale_type == "finance"
    p = d.pricing
    exact(p.selling_price, "21995.00")
    exact(p.discounts, "500.00")
    exact(p.doc_fee, "150.00")  # the "doc" fee line
    assert p.fees == (Fee(code="ttl", description="Title/License", amount=Decimal("220.00")),)
    exact(p.tax_rate, "0.0825")
    exact(p.tax_amount, "1757.44")
    exact(p.cash_down, "2000.00")
    assert d.trade_ins == (
        TradeIn(vin="2C3CDXBG9JH123456", allowance=Decimal("3000.00"), payoff=Decimal("1200.00")),
    )
    f = d.financing
    assert f is not None
    assert (f.term_months, f.lender_id) == (72, "lnd_1029")
    exact(f.apr, "7.49")
    exact(f.monthly_payment, "354.28")
    assert (f.credit_application_id, f.lender_status) == ("ca_9102a1", "sent_to_lenders")
    assert d.reference_id == "quote-7842"
    assert d.created_at == datetime(2026, 1, 22, 16, 4, 12, tzinfo=UTC)
    assert set(request) - set(NO_HOME["deal request"]) == {
        "vehicleId", "dealType", "salePrice", "discounts", "fees", "tax", "tradeIn",
        "downPayment", "finance", "referenceId",
    }  # fmt: skip
    alone = m.map_deal(answer)  # the answer by itself: estimate and credit application
    assert alone.financing is not None and alone.financing.term_months == 72
    exact(alone.financing.apr, "7.49")
    assert alone.financing.lender_id is None and alone.trade_ins == ()


def test_payment_request_and_answer() -> None:
    request = fixture("dealercenter_payment_request.json")
    answer = fixture("dealercenter_payment_posted.json")
    p = m.map_payment({**request, **answer, "accountId": "acc_2d91e0"})  # id from the path
    assert (p.id, p.account_id) == ("pmt_7a1b22", "acc_2d91e0")
    exact(p.amount, "275.00")
    assert (p.method, p.method_raw) == (PaymentMethod.ACH, "ach")
    assert p.received_at == datetime(2026, 1, 22, 17, 30, tzinfo=UTC)
    assert p.allocation == PaymentAllocation(
        principal=Decimal("210.00"), interest=Decimal("55.00"), late_fees=Decimal("10.00")
    )
    exact(p.allocation.late_fees, "10.00")
    a = p.allocation
    assert a.principal + a.interest + a.late_fees == p.amount
    assert (p.status, p.receipt_number) == ("posted", "R-2026-001234")
    assert (p.note, p.reference_id) == ("Customer paid via online portal", "pay-10992")
    assert set(answer) - {"paymentId", "status", "receiptNumber", "referenceId"} == set(
        NO_HOME["payment answer"]
    )


# --- extrapolated shapes (docs/contracts/dealercenter.md) -------------------------------

SHAPES = fixture("dealercenter_contract_shapes.json")


def test_lot() -> None:
    assert m.map_lot(SHAPES["lot"]) == m.Lot(id="lot_41c69f", name="Main Lot")


def test_customer() -> None:
    c = m.map_customer(SHAPES["customer"])
    assert (c.id, c.first_name, c.last_name) == ("cust_4e92ab", "Alex", "Rivera")
    assert (c.company_name, c.is_business, c.display_name) == (None, False, "Alex Rivera")
    assert (c.email, c.phone) == ("alex@example.com", "+15551234567")
    assert c.address is not None
    assert (c.address.line1, c.address.city, c.address.region) == ("500 Main St", "Austin", "TX")
    assert (c.address.postal_code, c.address.country) == ("78701", "US")
    assert c.created_at == datetime(2025, 6, 1, 10, tzinfo=UTC)
    assert c.updated_at == datetime(2026, 1, 21, 15, 9, 33, tzinfo=UTC)
    business = {"customerType": "business", "companyName": "Rivera Hauling LLC"}
    company = m.map_customer({**SHAPES["customer"], **business})
    assert company.is_business and company.display_name == "Rivera Hauling LLC"


def test_lead_without_consent_or_owner() -> None:
    lead = m.map_lead(SHAPES["lead"])
    assert (lead.status, lead.status_raw) == (LeadStatus.QUALIFIED, "appointment_set")
    assert lead.customer_id == "cust_4e92ab"
    assert lead.consent == Consent(tcpa=False)
    assert lead.vehicle_of_interest is None and lead.assigned_user_id is None
    assert lead.updated_at == datetime(2026, 1, 23, 9, tzinfo=UTC)


def test_bhph_and_cash_deals() -> None:
    d = m.map_deal(SHAPES["deal"])
    assert d.deal_number == "D-10231" and d.sale_type == "bhph"
    assert (d.status, d.salesperson_id) == (DealStatus.DELIVERED, "u_7c11de")
    assert d.trade_ins == ()  # "enabled": false
    assert [f.code for f in d.pricing.fees] == ["ttl", "reg"]
    f = d.financing
    assert f is not None and f.lender_id is None and f.credit_application_id is None
    exact(f.apr, "22.39")
    assert d.updated_at == datetime(2026, 4, 21, 7, 46, 17, tzinfo=UTC)
    cash = m.map_deal(SHAPES["cash_deal"])
    assert cash.financing is None and cash.sale_type == "cash"
    assert (cash.status, cash.pricing.doc_fee) == (DealStatus.CANCELLED, None)


def test_bhph_account() -> None:
    a = m.map_account(SHAPES["account"])
    assert (a.id, a.account_number, a.kind) == ("acc_2d91e0", "BH-100231", AccountKind.BHPH)
    assert (a.status, a.status_raw) == (AccountStatus.PAST_DUE, "past_due")
    assert (a.customer_id, a.deal_id, a.vehicle_id) == ("cust_4e92ab", "dl_5c88f0", "veh_9f21ad")
    assert a.opened_on == date(2026, 5, 9)
    exact(a.original_amount, "12450.00")
    exact(a.apr, "24.99")
    exact(a.payment_amount, "258.45")
    assert a.payment_frequency == "biweekly"
    exact(a.balance, "10693.63")
    exact(a.payoff_amount, "10904.23")
    assert a.next_due_date == date(2026, 11, 21)
    exact(a.next_due_amount, "258.45")
    assert a.days_past_due == 13
    exact(a.past_due_amount, "258.45")
    exact(a.late_fees_due, "12.92")
    assert a.last_payment_at == datetime(2026, 10, 24, 15, 2, 11, tzinfo=UTC)
    assert a.schedule[0] == Installment(
        due_date=date(2026, 5, 23),
        amount=Decimal("258.45"),
        principal=Decimal("138.79"),
        interest=Decimal("119.66"),
        paid=True,
    )
    assert [i.paid for i in a.schedule] == [True, False, False]
    assert a.updated_at == datetime(2026, 10, 24, 15, 2, 11, tzinfo=UTC)
    off = m.map_account(SHAPES["charged_off_account"])
    assert (off.status, off.days_past_due, off.next_due_date) == (
        AccountStatus.CHARGED_OFF,
        84,
        None,
    )
    exact(off.payoff_amount, "8170.44")


def test_listed_payment() -> None:
    p = m.map_payment(SHAPES["payment"])
    assert (p.method, p.method_raw) == (PaymentMethod.OTHER, "money_order")
    assert p.allocation is not None
    exact(p.allocation.late_fees, "25.00")
    assert p.repair_order_id is None and p.customer_id == "cust_4e92ab"
    partial = m.map_payment({**SHAPES["payment"], "allocation": {"principal": 649.12}})
    assert partial.allocation == PaymentAllocation(principal=Decimal("649.12"))


def test_user() -> None:
    u = m.map_user(SHAPES["user"])
    assert (u.id, u.name, u.first_name, u.last_name) == ("u_7c11de", "Dana Ruiz", "Dana", "Ruiz")
    assert (u.role, u.role_raw, u.active) == (EmployeeRole.ACCOUNTING, "collections", True)
    assert u.email == "dana.ruiz@example.com"
    sales = m.map_user({**SHAPES["user"], "role": "sales", "active": False})
    assert (sales.role, sales.active) == (EmployeeRole.SALESPERSON, False)


def test_unknown_status_keeps_raw() -> None:
    raw = fixture("dealercenter_vehicles_list.json")["items"][0]
    v = m.map_vehicle({**raw, "status": "recalled"})
    assert (v.status, v.status_raw) == (VehicleStatus.UNKNOWN, "recalled")
    a = m.map_account({**SHAPES["account"], "status": "repossessed"})
    assert (a.status, a.status_raw) == (AccountStatus.UNKNOWN, "repossessed")


def test_row_breaking_the_contract_is_a_protocol_error() -> None:
    with pytest.raises(UpstreamProtocolError) as err:
        mapped(m.map_account, {"accountId": "acc_1"}, source="dealercenter GET /bhph/accounts")
    assert "dealercenter GET /bhph/accounts" in str(err.value)
