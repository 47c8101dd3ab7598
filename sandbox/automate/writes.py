"""Auto/Mate's write endpoints (docs/contracts/automate.md, "Writes").

All three are documented: ``POST /customers`` (an upsert by ``externalId`` or by name and
contact), ``POST /deals`` (a penciled deal; honours ``referenceId``) and ``POST
/service/appointments``. Writes land in the tables the reads serve, so a later list, filter
or detail shows them at once.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.automate import render
from sandbox.automate.state import AutoMateState
from sandbox.common.errors import ApiError
from sandbox.common.money import ZERO, money, total
from sandbox.common.service_catalog import OPERATIONS_BY_CODE
from sandbox.common.world.sales import monthly_payment
from sandbox.common.writes import (
    Body,
    BodyReader,
    HexMinter,
    NumberSequence,
    ReferenceRegistry,
    SandboxClock,
    refused,
)
from sandbox.options import SandboxOptions
from sandbox.supergood import Route, current_session
from sandbox.supergood.writes import (
    ADDRESS_LINES,
    VALIDATION_FAILED,
    finance_products,
    postal_address,
    write_route,
)

Row = dict[str, Any]

PHONE_TYPES = ("mobile", "home", "work")
TRANSPORTATION = ("waiter", "drop_off", "loaner", "shuttle")
SOLD = ("retail_sold", "wholesale")  # units that left stock take no new deal
SALES_ROLES = ("salesperson", "manager")
TERM_MONTHS = (12, 96)
MAX_APR_PERCENT = Decimal(40)
MAX_TAX_PERCENT = Decimal(25)
MAX_LABOR_HOURS = Decimal(24)
BOOKING_HORIZON = timedelta(days=365)
# A slot is booked in half hours of flat-rate labor (the seeded book does the same); a
# concern with no op code yet is booked an hour for diagnosis.
SLOT_MINUTES, MAX_SLOTS, UNDIAGNOSED_MINUTES = 30, 8, 60
OLDEST_BIRTH = date(1900, 1, 1)
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def _reject(reader: BodyReader) -> None:
    reader.raise_problems(VALIDATION_FAILED)


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _conflict(field: str, message: str) -> ApiError:
    return refused("conflict", field, message, status=409)


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


class AutoMateWrites:
    def __init__(self, state: AutoMateState, clock: SandboxClock, seed_key: str) -> None:
        self.state = state
        self.clock = clock
        self.ids = HexMinter(seed_key)
        self.deal_numbers = NumberSequence(r["dealNumber"] for r in state.deals)
        # Inventory by VIN (a vehicle's VIN never changes and writes add no vehicles).
        self.by_vin = {row["vin"]: key for key, row in state.vehicles.rows.items()}

    def _new_id(self, prefix: str, taken: Callable[[str], Row | None]) -> str:
        return self.ids.mint(prefix, lambda key: taken(key) is not None)

    def _customer(self, r: BodyReader) -> str | None:
        customer_id = r.text("customerId", required=True, max_length=40)
        if customer_id is not None and self.state.customers.get(customer_id) is None:
            r.fail("customerId", "must name an existing customer")
            return None
        return customer_id

    def _user(self, r: BodyReader, path: str, roles: Sequence[str]) -> str | None:
        user_id = r.text(path, max_length=40)
        user = self.state.users.get(user_id or "")
        if user_id is not None and (
            user is None or not user["isActive"] or user["role"] not in roles
        ):
            r.fail(path, f"must name an active user whose role is {' or '.join(roles)}")
            return None
        return user_id

    # --- POST /customers (documented) -----------------------------------------------------

    def upsert_customer(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        external_id = r.text("externalId", max_length=100)
        kind = r.enum("customerType", render.CUSTOMER_TYPES)
        given: Row = {
            "firstName": r.text("firstName", required=True, max_length=60),
            "lastName": r.text("lastName", required=True, max_length=60),
            "companyName": r.text("companyName", max_length=100),
            "address": self._address(r),
            "driversLicense": self._licence(r),
            "dateOfBirth": self._birth_date(r),
            "source": r.text("source", max_length=80),
            "notes": r.text("notes", max_length=2000),
        }
        emails = self._emails(r)
        phones = self._phones(r)
        if external_id is None and not (r.array("emails") or r.array("phones")):
            # With neither, no later upsert could find this customer again.
            r.fail("emails", "is required (or phones) when no externalId is given")
        opt_in = {k: r.boolean(f"marketingOptIn.{k}") for k in ("email", "sms", "phone")}
        r.obj("marketingOptIn")
        _reject(r)

        match, matched_by = self._match(external_id, given, emails, phones)
        kind = self._kind(r, kind, match, given)
        _reject(r)

        now = self.clock.now()
        if match is None:
            customer_id = self._new_id("cust", self.state.customers.get)
            row = {
                "customerId": customer_id,
                "externalId": external_id,
                "customerType": kind,
                "firstName": given["firstName"],
                "lastName": given["lastName"],
                "companyName": given["companyName"],
                "emails": emails,
                "phones": phones,
                "address": given["address"],
                "driversLicense": given["driversLicense"],
                "dateOfBirth": given["dateOfBirth"],
                "marketingOptIn": {k: bool(v) for k, v in opt_in.items()},
                "source": given["source"],
                "notes": given["notes"],
                "createdAt": now,
                "updatedAt": now,
            }
            self.state.customers.put(customer_id, row)
            return 201, _answer(row, None)
        known = {e.casefold() for e in match["emails"]}
        known_phones = {_digits(p["number"]) for p in match["phones"]}
        match.update({k: v for k, v in given.items() if v is not None})
        match.update(
            externalId=external_id or match["externalId"],
            customerType=kind,
            # Contacts given are added to the ones on file; a known one stays as filed.
            emails=match["emails"] + [e for e in emails if e.casefold() not in known],
            phones=match["phones"]
            + [p for p in phones if _digits(p["number"]) not in known_phones],
            marketingOptIn={k: _or(opt_in[k], match["marketingOptIn"].get(k)) for k in opt_in},
            updatedAt=now,
        )
        return 200, _answer(match, matched_by)

    @staticmethod
    def _address(r: BodyReader) -> Row | None:
        address = postal_address(r, "address", required=[name for name, _ in ADDRESS_LINES])
        country = address["country"] if address is not None else "US"
        if len(country) != 2 or not country.isalpha():
            r.fail("address.country", "must be a two-letter ISO 3166 country code")
        return address if address is None else {**address, "country": address["country"].upper()}

    @staticmethod
    def _licence(r: BodyReader) -> Row | None:
        if r.obj("driversLicense") is None:
            return None
        return {
            "number": r.text("driversLicense.number", required=True, max_length=30),
            "state": r.text("driversLicense.state", required=True, max_length=2),
        }

    def _birth_date(self, r: BodyReader) -> date | None:
        born = r.day("dateOfBirth")
        if born is not None and not OLDEST_BIRTH <= born < self.clock.now().date():
            r.fail("dateOfBirth", "must be a date in the past")
            return None
        return born

    @staticmethod
    def _emails(r: BodyReader) -> list[str]:
        count = len(r.array("emails", max_items=10))
        found = [r.email(f"emails[{i}]", required=True) for i in range(count)]
        # One address once, as first spelled.
        unique: dict[str, str] = {}
        for email in found:
            if email is not None:
                unique.setdefault(email.casefold(), email)
        return list(unique.values())

    @staticmethod
    def _phones(r: BodyReader) -> list[Row]:
        phones = []
        for i in range(len(r.array("phones", max_items=10))):
            kind = r.enum(f"phones[{i}].type", PHONE_TYPES, default="mobile")
            number = r.text(f"phones[{i}].number", required=True, max_length=16)
            if number is not None and not _E164.match(number):
                r.fail(f"phones[{i}].number", "must be an E.164 number (+15551234567)")
            elif number is not None:
                phones.append({"type": kind, "number": number})
        return phones

    def _match(
        self, external_id: str | None, given: Row, emails: list[str], phones: list[Row]
    ) -> tuple[Row | None, str | None]:
        """The record an upsert updates: the one holding the externalId, else the one with
        the same first and last name sharing an e-mail or a phone number."""
        if external_id is not None:
            for row in self.state.customers:
                if row["externalId"] == external_id:
                    return row, "externalId"
        name = (given["firstName"].casefold(), given["lastName"].casefold())
        wanted_emails = {e.casefold() for e in emails}
        wanted_phones = {_digits(p["number"]) for p in phones}
        same = [
            row
            for row in self.state.customers
            if ((row["firstName"] or "").casefold(), (row["lastName"] or "").casefold()) == name
            and (
                wanted_emails & {e.casefold() for e in row["emails"]}
                or wanted_phones & {_digits(p["number"]) for p in row["phones"]}
            )
        ]
        if len(same) > 1:
            ids = ", ".join(row["customerId"] for row in same)
            raise _conflict(
                "externalId", f"Name and contact match several customers ({ids}); send externalId"
            )
        if not same:
            return None, None
        row = same[0]
        if external_id is not None and row["externalId"] not in (None, external_id):
            raise _conflict(
                "externalId",
                f"Customer {row['customerId']} matches by name and contact but is linked to"
                " another externalId",
            )
        return row, "name_contact"

    @staticmethod
    def _kind(r: BodyReader, kind: str | None, match: Row | None, given: Row) -> str:
        """The type the record ends with, and the fields only some types keep."""
        filed = match["customerType"] if match else None
        if filed in ("retail", "fleet") and kind in (None, "lead"):
            final = filed  # a customer is never turned back into a prospect
        else:
            final = kind or filed or "retail"
        if {filed, final} == {"retail", "fleet"}:
            r.fail("customerType", f"cannot turn a {filed} customer into a {final} customer")
        company = given["companyName"] or (match or {}).get("companyName")
        if final == "fleet" and company is None:
            r.fail("companyName", "is required for a fleet customer")
        elif final != "fleet" and given["companyName"] is not None:
            r.fail("companyName", "is kept for fleet customers only")
        for name in ("driversLicense", "dateOfBirth"):
            if final != "retail" and given[name] is not None:
                r.fail(name, "is kept for retail customers only")
        return final

    # --- POST /deals (documented) ---------------------------------------------------------

    def create_deal(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        customer_id = self._customer(r)
        r.obj("vehicle", required=True)
        vehicle = self._for_sale(r, r.vin("vehicle.vin", required=True))
        r.obj("pricing", required=True)
        pricing = {
            "salePrice": r.money("pricing.salePrice", required=True, positive=True),
            "discounts": _or(r.money("pricing.discounts"), ZERO),
            "rebates": _or(r.money("pricing.rebates"), ZERO),
        }
        sale = pricing["salePrice"]
        if sale is not None and pricing["discounts"] + pricing["rebates"] >= sale:
            r.fail("pricing.discounts", "and rebates together must be less than salePrice")
        trade = self._trade(r, vehicle["vin"] if vehicle else None)
        finance = self._finance(r)
        fees = self._fees(r)
        rate = r.number("taxes.ratePercent", places=3, minimum=0, maximum=MAX_TAX_PERCENT)
        r.obj("taxes")
        salesperson_id = self._user(r, "salespersonId", SALES_ROLES)
        fni_manager_id = self._user(r, "fniManagerId", ("fni_manager",))
        r.enum("status", ("penciled",))  # every deal starts on the desk
        _reject(r)

        assert customer_id is not None and vehicle is not None and sale is not None
        rate = _or(rate, render.rate_percent(self.state.world.store.tax_rate))
        acv = trade["acv"] if trade else ZERO
        tax = money(max(ZERO, sale - pricing["discounts"] - acv) * rate / 100)
        due = total(
            [
                sale - pricing["discounts"] - pricing["rebates"],
                *(f["amount"] for f in fees),
                tax,
                *(p["price"] for p in finance["products"]),
                -acv,
                trade["payoff"] if trade else ZERO,
            ]
        )
        if finance["termMonths"] is not None:
            financed = due - finance["cashDown"]
            if financed <= 0:
                r.fail("finance.cashDown", "leaves nothing to finance; make it a cash deal")
                _reject(r)
            term, apr = finance["termMonths"], finance["aprPercent"]
            finance["monthlyPayment"] = monthly_payment(financed, apr, term)

        now = self.clock.now()
        deal_id = self._new_id("deal", self.state.deals.get)
        row = {
            "dealId": deal_id,
            "dealNumber": f"D-{now.year}-{self.deal_numbers.next():05d}",
            "referenceId": r.text("referenceId"),
            "status": "penciled",
            "dealType": "finance" if finance["termMonths"] is not None else "cash",
            "customerId": customer_id,
            "coBuyerId": None,
            "vehicle": {k: vehicle[k] for k in ("vehicleId", "vin", "stockNumber")},
            "pricing": pricing,
            "tradeIn": trade,
            "finance": finance,
            "fees": fees,
            "taxes": {"ratePercent": rate, "amount": tax},
            "salespersonId": salesperson_id or current_session(request).user.user_id,
            "fniManagerId": fni_manager_id,
            "createdAt": now,
            "updatedAt": now,
        }
        self.state.deals.put(deal_id, row)
        return 201, {k: row[k] for k in ("dealId", "dealNumber", "status", "createdAt")}

    def _for_sale(self, r: BodyReader, vin: str | None) -> Row | None:
        if vin is None:
            return None
        vehicle = self.state.vehicles.get(self.by_vin.get(vin, ""))
        if vehicle is None:
            r.fail("vehicle.vin", "must name a vehicle in inventory")
            return None
        if vehicle["status"] in SOLD:
            r.fail("vehicle.vin", f"names vehicle {vehicle['stockNumber']}, which is sold")
            return None
        return vehicle

    @staticmethod
    def _trade(r: BodyReader, vin: str | None) -> Row | None:
        if r.obj("tradeIn") is None:
            return None
        trade_vin = r.vin("tradeIn.vin", required=True)
        if trade_vin is not None and trade_vin == vin:
            r.fail("tradeIn.vin", "must differ from the VIN of the vehicle sold")
        acv = r.money("tradeIn.acv", required=True)
        payoff = _or(r.money("tradeIn.payoff"), ZERO)
        lienholder = r.text("tradeIn.lienholder", max_length=80)
        if payoff > 0 and lienholder is None:
            r.fail("tradeIn.lienholder", "is required when there is a payoff")
        return {
            "vin": trade_vin,
            # Described by its VIN alone: the desk decodes year, make and model later.
            "year": None,
            "make": None,
            "model": None,
            "odometer": None,
            "acv": acv,
            "payoff": payoff,
            "lienholder": lienholder,
        }

    @staticmethod
    def _finance(r: BodyReader) -> Row:
        """Financed when a term, an APR or a lender is given (then term and APR are both
        needed); products may be sold on a cash deal too."""
        r.obj("finance")
        finance: Row = {
            "cashDown": _or(r.money("finance.cashDown"), ZERO),
            "termMonths": r.integer(
                "finance.termMonths", minimum=TERM_MONTHS[0], maximum=TERM_MONTHS[1]
            ),
            "aprPercent": r.number(
                "finance.aprPercent", places=2, minimum=0, maximum=MAX_APR_PERCENT
            ),
            "lenderCode": r.text("finance.lenderCode", max_length=20),
            "monthlyPayment": None,
            "products": finance_products(r, "finance.products"),
        }
        terms = ("finance.termMonths", "finance.aprPercent", "finance.lenderCode")
        if any(r.has(path) for path in terms):
            for path in terms[:2]:
                if not r.has(path):
                    r.fail(path, "is required on a financed deal")
        return finance

    @staticmethod
    def _fees(r: BodyReader) -> list[Row]:
        fees: list[Row] = []
        codes: set[str] = set()
        for i in range(len(r.array("fees", max_items=20))):
            code = r.text(f"fees[{i}].code", required=True, max_length=20)
            if code is not None and code.upper() in codes:
                r.fail(f"fees[{i}].code", "repeats a fee code already on this deal")
            codes.add((code or "").upper())
            fees.append(
                {
                    "code": code,
                    "description": r.text(f"fees[{i}].description", max_length=80),
                    "amount": r.money(f"fees[{i}].amount", required=True),
                }
            )
        return fees

    # --- POST /service/appointments (documented) ------------------------------------------

    def create_appointment(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        now = self.clock.now()
        customer_id = self._customer(r)
        vin = r.vin("vin", required=True)
        at = r.timestamp("appointmentTime", required=True)
        if at is not None and at < now:
            r.fail("appointmentTime", "must not be in the past")
        elif at is not None and at > now + BOOKING_HORIZON:
            r.fail("appointmentTime", "must be within a year")
        advisor_id = self._user(r, "advisorId", ("service_advisor",))
        work = {
            "opCodes": self._op_codes(r),
            "concern": r.text("concern", max_length=500),
            "transportation": r.enum("transportation", TRANSPORTATION, default="waiter"),
            "notes": r.text("notes", max_length=2000),
        }
        if work["concern"] is None and not r.array("opCodes"):
            r.fail("concern", "is required when no opCodes are given")
        _reject(r)

        assert at is not None
        hours = [op["laborHours"] for op in work["opCodes"]]
        minutes = SLOT_MINUTES * max(1, min(MAX_SLOTS, math.ceil(sum(hours) * 2)))
        appointment_id = self._new_id("appt", self.state.appointments.get)
        row = {
            "appointmentId": appointment_id,
            "status": "scheduled",
            "department": "service",
            "customerId": customer_id,
            "vin": vin,
            "appointmentTime": at,
            "durationMinutes": minutes if hours else UNDIAGNOSED_MINUTES,
            "advisorId": advisor_id or self._route_advisor(at.date()),
            **work,
            "createdAt": now,
        }
        self.state.appointments.put(appointment_id, row)
        return 201, {k: row[k] for k in ("appointmentId", "status", "department", "createdAt")}

    @staticmethod
    def _op_codes(r: BodyReader) -> list[Row]:
        """Codes in the rooftop's catalog fill in their description and hours; any other
        code must bring both."""
        rows: list[Row] = []
        for i in range(len(r.array("opCodes", max_items=20))):
            path = f"opCodes[{i}]"
            code = r.text(f"{path}.code", required=True, max_length=12)
            code = code.upper() if code is not None else None
            if code is not None and code in {row["code"] for row in rows}:
                r.fail(f"{path}.code", "repeats an op code already booked")
            booked = render.op_code_row(code) if code and code in OPERATIONS_BY_CODE else None
            for name in ("description", "laborHours"):
                if code is not None and booked is None and not r.has(f"{path}.{name}"):
                    r.fail(f"{path}.{name}", "is required for an op code the rooftop does not list")
            description = r.text(f"{path}.description", max_length=120)
            hours = r.number(
                f"{path}.laborHours", places=1, minimum=Decimal("0.1"), maximum=MAX_LABOR_HOURS
            )
            if code is not None and (booked is not None or (description and hours)):
                rows.append(
                    {
                        "code": code,
                        "description": _or(description, (booked or {}).get("description")),
                        "laborHours": _or(hours, (booked or {}).get("laborHours")),
                    }
                )
        return rows

    def _route_advisor(self, day: date) -> str:
        """No advisor asked for: the active advisor with the fewest live bookings that day."""
        advisors = sorted(
            u["userId"]
            for u in self.state.users
            if u["role"] == "service_advisor" and u["isActive"]
        )
        booked = Counter(
            a["advisorId"]
            for a in self.state.appointments
            if a["appointmentTime"].date() == day and a["status"] not in ("cancelled", "no_show")
        )
        return min(advisors, key=lambda advisor: (booked[advisor], advisor))

    # --- routes ---------------------------------------------------------------------------

    def routes(self, registry: ReferenceRegistry) -> list[Route]:
        # Only the deal's body documents an idempotency key; a customer is deduplicated by
        # the upsert's own matching, an appointment not at all.
        return [
            write_route("POST", "/customers", self.upsert_customer, None),
            write_route("POST", "/deals", self.create_deal, registry, "sales"),
            write_route("POST", "/service/appointments", self.create_appointment, None, "service"),
        ]


def _answer(row: Row, matched_by: str | None) -> Row:
    return {
        "customerId": row["customerId"],
        "status": "upserted",
        "matchedBy": matched_by,
        "updatedAt": row["updatedAt"],
    }


def write_routes(state: AutoMateState, options: SandboxOptions) -> list[Route]:
    """The write endpoints over ``state``'s tables. ReferenceIds the seeded deals carry are
    taken: a new deal under one of them is a conflict."""
    registry = ReferenceRegistry()
    for row in state.deals:
        if row.get("referenceId"):
            registry.reserve("POST /deals", row["referenceId"])
    writes = AutoMateWrites(state, SandboxClock(options.today), f"{options.seed}:automate")
    return writes.routes(registry)
