"""Input types shared by several mutations, each with its validated canonical form."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from adapters import models as m
from adapters.commands import Contact
from graph.mutations.checks import Checks, Path, UserErrorCode, as_int


@strawberry.input
class AddressInput:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = strawberry.field(default=None, description="State or province.")
    postal_code: str | None = None
    country: str | None = strawberry.field(default=None, description="ISO 3166 alpha-2.")

    def canonical(self, c: Checks, path: Path) -> m.Address:
        return m.Address(
            line1=c.text((*path, "line1"), self.line1),
            line2=c.text((*path, "line2"), self.line2),
            city=c.text((*path, "city"), self.city),
            region=c.text((*path, "region"), self.region),
            postal_code=c.text((*path, "postalCode"), self.postal_code, max_length=20),
            country=c.text((*path, "country"), self.country, max_length=2),
        )


@strawberry.input(description="A person, as the write names them.")
class ContactInput:
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    address: AddressInput | None = None

    def canonical(self, c: Checks, path: Path) -> Contact | None:
        first = c.text((*path, "firstName"), self.first_name, max_length=100)
        last = c.text((*path, "lastName"), self.last_name, max_length=100)
        c.required((*path, "firstName"), first)
        c.required((*path, "lastName"), last)
        email = c.text((*path, "email"), self.email, max_length=254)
        if email is not None and ("@" not in email or email.startswith("@")):
            c.fail((*path, "email"), UserErrorCode.INVALID_VALUE, "not an e-mail address")
        phone = c.text((*path, "phone"), self.phone, max_length=40)
        if phone is not None and sum(ch.isdigit() for ch in phone) < 7:
            c.fail((*path, "phone"), UserErrorCode.INVALID_VALUE, "not a phone number")
        address = self.address.canonical(c, (*path, "address")) if self.address else None
        if not first or not last:
            return None
        return Contact(first_name=first, last_name=last, email=email, phone=phone, address=address)


@strawberry.input(description="Consent as the person gave it; state it for every channel used.")
class ConsentInput:
    tcpa: bool | None = strawberry.field(default=None, description="Calls under the TCPA.")
    email: bool | None = None
    sms: bool | None = None
    captured_at: datetime.datetime | None = None
    ip: str | None = strawberry.field(default=None, description="Where consent was given.")

    def canonical(self) -> m.Consent:
        return m.Consent(
            tcpa=self.tcpa, email=self.email, sms=self.sms, captured_at=self.captured_at
        )


@strawberry.input(description="A vehicle by global id, VIN or stock number (at least one).")
class VehicleReferenceInput:
    vehicle_id: strawberry.ID | None = None
    vin: str | None = None
    stock_number: str | None = None

    def canonical(self, c: Checks, path: Path) -> m.VehicleRef | None:
        if self.vehicle_id is None and self.vin is None and self.stock_number is None:
            c.fail(path, UserErrorCode.REQUIRED, "give vehicleId, vin or stockNumber")
            return None
        return m.VehicleRef(
            vehicle_id=c.native_id((*path, "vehicleId"), self.vehicle_id, {"InventoryVehicle"}),
            vin=c.vin((*path, "vin"), self.vin),
            stock_number=c.text((*path, "stockNumber"), self.stock_number, max_length=40),
        )


@strawberry.input
class TradeInInput:
    vin: str | None = None
    year: int | None = None
    make: str | None = None
    model: str | None = None
    mileage: int | None = None
    allowance: Decimal | None = None
    actual_cash_value: Decimal | None = None
    payoff: Decimal | None = None
    lienholder: str | None = None

    def canonical(self, c: Checks, path: Path) -> m.TradeIn:
        mileage = c.number((*path, "mileage"), self.mileage, 0, 2_000_000)
        year = c.number((*path, "year"), self.year, 1900, datetime.date.today().year + 2)
        return m.TradeIn(
            vin=c.vin((*path, "vin"), self.vin),
            year=as_int(year),
            make=c.text((*path, "make"), self.make, max_length=60),
            model=c.text((*path, "model"), self.model, max_length=60),
            mileage=as_int(mileage),
            allowance=c.money((*path, "allowance"), self.allowance),
            actual_cash_value=c.money((*path, "actualCashValue"), self.actual_cash_value),
            payoff=c.money((*path, "payoff"), self.payoff),
            lienholder=c.text((*path, "lienholder"), self.lienholder, max_length=120),
        )


@strawberry.input
class FeeInput:
    code: str
    amount: Decimal
    description: str | None = None

    def canonical(self, c: Checks, path: Path) -> m.Fee | None:
        code = c.text((*path, "code"), self.code, max_length=40)
        amount = c.money((*path, "amount"), self.amount)
        c.required((*path, "code"), code)
        if code is None or amount is None:
            return None
        return m.Fee(
            code=code, amount=amount, description=c.text((*path, "description"), self.description)
        )


@strawberry.input
class FinanceProductInput:
    code: str
    price: Decimal
    name: str | None = None

    def canonical(self, c: Checks, path: Path) -> m.FinanceProduct | None:
        code = c.text((*path, "code"), self.code, max_length=40)
        price = c.money((*path, "price"), self.price)
        c.required((*path, "code"), code)
        if code is None or price is None:
            return None
        return m.FinanceProduct(code=code, price=price, name=c.text((*path, "name"), self.name))
