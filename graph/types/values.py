"""Value objects: no identity of their own, always reached through a node."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal, InvalidOperation

import strawberry
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY
from strawberry.types.scalar import ScalarDefinition

from adapters import models as m
from graph.types.convert import value_type

CENT = Decimal("0.01")


def decimal_text(value: Decimal) -> str:
    """A Decimal as the graph writes it: at least two decimals, and never fewer digits than
    it has. Money reads in cents whatever the vendor sent (``52995.0`` -> ``"52995.00"``);
    rates and hours share the scalar and keep their digits (``1.375``, ``0.0825``).

    The plain digits are padded to cents where they are short (what quantizing to cents
    does, at a quarter of its cost: three of a vehicle's twenty fields are money); a
    negative zero, non-finite values and numbers long enough to meet the context's
    precision go the arithmetic way."""
    text = format(value, "f")  # plain digits, never exponent notation
    if len(text) < _SHORT and text[-1].isdigit() and (text[0] != "-" or not value.is_zero()):
        point = text.find(".")
        if point < 0:
            return text + ".00"
        if len(text) - point < 3:
            return text + "0"
        return text
    return _decimal_text(value)


_SHORT = 26
"""Digits padded to cents below this length stay within the default context's 28 digits."""


def _decimal_text(value: Decimal) -> str:
    if value.is_zero():
        value = value.copy_abs()  # no "-0.00"
    if value.is_finite() and int(value.as_tuple().exponent) > -2:
        try:
            value = value.quantize(CENT)
        except InvalidOperation:  # more digits than the context holds: leave it whole
            pass
    return format(value, "f")  # plain digits, never exponent notation


DECIMAL_SPEC = "docs/codegen.md#decimal"
"""Where the Decimal format is written down: a path in this repository (the project has no
public address yet), relative to its root."""
RFC3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
"""``full-date`` (Date) and ``date-time`` (DateTime, always with its offset: the adapters
make every timestamp aware)."""

DECIMAL_SCALAR: ScalarDefinition = dataclasses.replace(
    DEFAULT_SCALAR_REGISTRY[Decimal], serialize=decimal_text, specified_by_url=DECIMAL_SPEC
)
"""Strawberry's own ``Decimal`` scalar (same name, description and input parsing, so the
schema reads the same) with ``decimal_text`` as its output."""
DATETIME_SCALAR: ScalarDefinition = dataclasses.replace(
    DEFAULT_SCALAR_REGISTRY[datetime.datetime], specified_by_url=RFC3339
)
DATE_SCALAR: ScalarDefinition = dataclasses.replace(
    DEFAULT_SCALAR_REGISTRY[datetime.date], specified_by_url=RFC3339
)
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    Decimal: DECIMAL_SCALAR,
    datetime.datetime: DATETIME_SCALAR,
    datetime.date: DATE_SCALAR,
}
"""For the schema's ``scalar_overrides``: every custom scalar says where its format is
specified (``@specifiedBy``), so codegen and other tools can point to it."""


@value_type(m.Address)
@strawberry.federation.type(shareable=True)
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    region: str | None = strawberry.field(description="State or province.")
    postal_code: str | None
    country: str | None


@value_type(m.Photo)
@strawberry.federation.type(shareable=True)
class Photo:
    url: str
    primary: bool
    position: int | None


@value_type(m.BookValue)
@strawberry.federation.type(
    shareable=True, description="A guide-book valuation such as KBB, NADA or Black Book."
)
class BookValue:
    source: str
    amount: Decimal


@value_type(m.Fee)
@strawberry.federation.type(shareable=True)
class Fee:
    code: str
    description: str | None
    amount: Decimal


@value_type(m.Consent)
@strawberry.federation.type(shareable=True, description="Contact consent captured with a lead.")
class Consent:
    tcpa: bool | None = strawberry.field(description="Consent to calls under the TCPA.")
    email: bool | None
    sms: bool | None
    captured_at: datetime.datetime | None
    ip_address: str | None = strawberry.field(description="Where a web form captured consent.")


@value_type(m.VehicleRef)
@strawberry.federation.type(
    shareable=True, description="A vehicle as a vendor referred to it: by id, VIN or stock number."
)
class VehicleReference:
    vehicle_id: str | None = strawberry.field(description="The vendor's own vehicle id.")
    vin: str | None
    stock_number: str | None


@value_type(m.TradeIn)
@strawberry.federation.type(shareable=True)
class TradeIn:
    vin: str | None
    year: int | None
    make: str | None
    model: str | None
    mileage: int | None
    allowance: Decimal | None
    actual_cash_value: Decimal | None
    payoff: Decimal | None
    lienholder: str | None


@value_type(m.FinanceProduct)
@strawberry.federation.type(
    shareable=True, description="An F&I product sold on a deal (service contract, GAP...)."
)
class FinanceProduct:
    code: str
    name: str | None
    price: Decimal


@value_type(m.DealPricing)
@strawberry.federation.type(shareable=True)
class DealPricing:
    selling_price: Decimal | None
    discounts: Decimal | None
    rebates: Decimal | None
    doc_fee: Decimal | None
    cash_down: Decimal | None
    tax_rate: Decimal | None = strawberry.field(description="As a fraction: 0.07 is 7%.")
    tax_basis: str | None
    tax_amount: Decimal | None
    fees: list[Fee]


@value_type(m.DealFinancing)
@strawberry.federation.type(shareable=True)
class DealFinancing:
    term_months: int | None
    apr: Decimal | None = strawberry.field(description="Annual percentage rate: 3.49 is 3.49%.")
    lender_preferences: list[str]
    lender_id: str | None
    lender_status: str | None
    approved_apr: Decimal | None = strawberry.field(
        description="The rate the deciding lender approved; apr is the one asked for."
    )
    credit_application_id: str | None = strawberry.field(
        description="The credit application sent to lenders; lenderStatus is its status."
    )
    monthly_payment: Decimal | None


@value_type(m.LaborLine)
@strawberry.federation.type(shareable=True)
class LaborLine:
    op_code: str | None
    description: str | None
    hours: Decimal | None
    rate: Decimal | None
    amount: Decimal
    declined: bool
    technician_id: str | None = strawberry.field(description="The vendor's technician id.")
    job_name: str | None


@value_type(m.PartLine)
@strawberry.federation.type(shareable=True)
class PartLine:
    part_number: str | None
    description: str | None
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    declined: bool
    job_name: str | None


@value_type(m.RepairOrderTotals)
@strawberry.federation.type(shareable=True)
class RepairOrderTotals:
    labor: Decimal | None
    parts: Decimal | None
    shop_supplies: Decimal | None
    subtotal: Decimal | None
    tax: Decimal | None
    grand_total: Decimal | None


@value_type(m.PaymentAllocation)
@strawberry.federation.type(
    shareable=True, description="How a payment was split; the parts add up to the amount."
)
class PaymentAllocation:
    principal: Decimal
    interest: Decimal
    late_fees: Decimal
    other: Decimal


@value_type(m.Installment)
@strawberry.federation.type(shareable=True, description="One row of an account's payment schedule.")
class Installment:
    due_date: datetime.date
    amount: Decimal
    principal: Decimal | None
    interest: Decimal | None
    paid: bool
