"""AutoSoft's write endpoints (docs/contracts/autosoft.md, "Writes").

Documented: ``POST /leads`` and ``POST /deals``. Extrapolated in the same style:
``PATCH /deals/{dealId}``, ``POST /service/appointments``, ``POST /accounting/payments``.
Every one honours ``referenceId``. Writes land in the same tables the reads serve, so a
later list, filter or total shows them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.autosoft import render
from sandbox.autosoft.state import AutoSoftState
from sandbox.common.dates import add_months
from sandbox.common.errors import not_found
from sandbox.common.money import ZERO, money, total
from sandbox.common.table import Table
from sandbox.common.world.sales import LEAD_SOURCES, monthly_payment
from sandbox.common.writes import (
    Body,
    BodyReader,
    HexMinter,
    NumberSequence,
    ReferenceRegistry,
    SandboxClock,
)
from sandbox.options import SandboxOptions
from sandbox.supergood import Route, current_session
from sandbox.supergood.shapes import new_customer_row
from sandbox.supergood.writes import (
    VALIDATION_FAILED,
    postal_address,
    validation_failed,
    write_route,
)

Row = dict[str, Any]

SALE_TYPES = ("retail", "cash")
TAX_BASES = ("selling_price_less_trade", "selling_price")
# The order a deal moves in; ``cancelled`` is reachable from every open status.
DEAL_FLOW = ("draft", "pending", "approved", "contracted", "delivered")
OPEN_DEAL_STATUSES = DEAL_FLOW[:-1]
FIGURES_OPEN = ("draft", "pending")  # once approved, the lender's numbers stand
LENDER_DECISIONS = ("approved", "declined", "countered", "conditioned")
TRANSPORTATION = ("waiter", "drop_off", "loaner", "shuttle")
PAYMENT_METHODS = ("cash", "check", "card", "ach", "other")
CLOSED_ACCOUNTS = ("paid_off", "closed")
LEAD_SOURCE_NAMES = tuple(name for name, _ in LEAD_SOURCES)
TERM_MONTHS = (12, 96)
MAX_APR = Decimal(40)
MAX_TAX_RATE = Decimal("0.25")
APPOINTMENT_MINUTES = (15, 480)
BOOKING_HORIZON = timedelta(days=365)


def _reject(reader: BodyReader) -> None:
    reader.raise_problems(VALIDATION_FAILED)


@dataclass
class _Vehicles:
    """Inventory by VIN and stock number (neither changes once a vehicle is on file)."""

    by_vin: dict[str, str]
    by_stock: dict[str, str]

    @classmethod
    def of(cls, table: Table[str]) -> _Vehicles:
        return cls(
            by_vin={row["vin"]: key for key, row in table.rows.items()},
            by_stock={row["stockNumber"].upper(): key for key, row in table.rows.items()},
        )


class AutoSoftWrites:
    def __init__(self, state: AutoSoftState, clock: SandboxClock, seed_key: str) -> None:
        self.state = state
        self.clock = clock
        self.ids = HexMinter(seed_key)
        self.stock = _Vehicles.of(state.vehicles)
        self.deal_numbers = NumberSequence(r["dealNumber"] for r in state.deals)
        self.receipts = NumberSequence(r["receiptNumber"] for r in state.payments)
        # The installment of each seeded receivable, by account number: rows show only
        # what is due next, but a payment that covers it moves on to the next installment.
        self.installments = {a.number: a.installment for a in state.world.accounts}
        self.serviced: dict[str, Row] = {}
        for row in [*state.repair_orders, *state.appointments]:
            v = row["vehicle"]
            self.serviced[v["vin"]] = {k: v[k] for k in ("vin", "year", "make", "model")}

    def _new_id(self, prefix: str, table: Table[str]) -> str:
        return self.ids.mint(prefix, lambda key: table.get(key) is not None)

    # --- shared pieces --------------------------------------------------------------------

    def _customer(self, reader: BodyReader, path: str, *, required: bool = False) -> str | None:
        customer_id = reader.text(path, required=required, max_length=40)
        if customer_id is not None and self.state.customers.get(customer_id) is None:
            reader.fail(path, "must name an existing customer")
            return None
        return customer_id

    def _vehicle(self, reader: BodyReader, path: str, *, required: bool) -> Row | None:
        """An inventory vehicle by ``vehicleId``, ``vin`` or ``stockNumber``; all given must
        name the same one."""
        ref = reader.obj(path, required=required)
        if ref is None:
            return None
        keys: list[tuple[str, str | None]] = []
        vehicle_id = reader.text(f"{path}.vehicleId", max_length=40)
        if vehicle_id is not None:
            keys.append(("vehicleId", vehicle_id if self.state.vehicles.get(vehicle_id) else None))
        vin = reader.vin(f"{path}.vin")
        if vin is not None:
            keys.append(("vin", self.stock.by_vin.get(vin)))
        stock = reader.text(f"{path}.stockNumber", max_length=20)
        if stock is not None:
            keys.append(("stockNumber", self.stock.by_stock.get(stock.upper())))
        if not reader.ok():
            return None
        if not keys:
            reader.fail(f"{path}.vin", "is required (or stockNumber, or vehicleId)")
            return None
        for name, found in keys:
            if found is None:
                reader.fail(f"{path}.{name}", "must name a vehicle in inventory")
                return None
        if len({found for _, found in keys}) > 1:
            reader.fail(f"{path}.{keys[1][0]}", f"names another vehicle than {keys[0][0]}")
            return None
        return self.state.vehicles.get(keys[0][1] or "")

    @staticmethod
    def _trade(reader: BodyReader, path: str) -> Row | None:
        if reader.obj(path) is None:
            return None
        vin = reader.vin(f"{path}.vin", required=True)
        mileage = reader.integer(f"{path}.mileage", minimum=0, maximum=2_000_000)
        return {"vin": vin, "mileage": mileage}

    # --- POST /leads (documented) ---------------------------------------------------------

    def create_lead(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        r.obj("customer", required=True)
        person = {
            "firstName": r.text("customer.firstName", required=True, max_length=60),
            "lastName": r.text("customer.lastName", required=True, max_length=60),
            "email": r.email("customer.email"),
            "phone": r.phone("customer.phone"),
            "address": postal_address(r, "customer.address"),
        }
        if r.has("customer") and not (r.has("customer.email") or r.has("customer.phone")):
            r.fail("customer.email", "is required when no phone is given")
        customer_id = self._customer(r, "customerId")
        source = r.enum("source", LEAD_SOURCE_NAMES, required=True)
        vehicle = self._vehicle(r, "vehicleOfInterest", required=False)
        trade = self._trade(r, "tradeIn")
        notes = r.text("notes", max_length=2000)
        r.obj("consent", required=True)
        consent = {
            "tcpA": r.boolean("consent.tcpA", default=False),
            "email": r.boolean("consent.email", default=False),
            "sms": r.boolean("consent.sms", default=False),
        }
        _reject(r)

        now = self.clock.now()
        lead_id = self._new_id("ld", self.state.leads)
        row = {
            "leadId": lead_id,
            "status": "new",
            "customer": person,
            "customerId": customer_id or self._prospect(person, now),
            "source": source,
            "vehicleOfInterest": {"vin": vehicle["vin"], "stockNumber": vehicle["stockNumber"]}
            if vehicle
            else None,
            "tradeIn": trade,
            "notes": notes,
            "consent": consent,
            "referenceId": body.get("referenceId"),
            "createdAt": now,
            "updatedAt": now,
        }
        self.state.leads.put(lead_id, row)
        return 201, _pick(row, "leadId", "status", "createdAt", "referenceId")

    def _prospect(self, person: Row, now: datetime) -> str:
        """The customer a lead is about: the one on file with its e-mail, or a new one."""
        email = (person["email"] or "").casefold()
        if email:
            for row in self.state.customers:
                if (row.get("email") or "").casefold() == email:
                    return str(row["customerId"])
        customer_id = self._new_id("cust", self.state.customers)
        self.state.customers.put(customer_id, new_customer_row(customer_id, person, now))
        return customer_id

    # --- POST /deals (documented) ---------------------------------------------------------

    def create_deal(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        store = self.state.world.store
        r.obj("buyer", required=True)
        buyer_id = self._customer(r, "buyer.customerId", required=True)
        co_buyer_id = self._customer(r, "buyer.coBuyerId")
        if buyer_id is not None and buyer_id == co_buyer_id:
            r.fail("buyer.coBuyerId", "must differ from customerId")
        vehicle = self._vehicle(r, "vehicle", required=True)
        if vehicle is not None and vehicle["status"] == "retail_sold":
            r.fail("vehicle", f"names vehicle {vehicle['stockNumber']}, which is already sold")
        sale_type = r.enum("saleType", SALE_TYPES, required=True)
        r.obj("pricing", required=True)
        pricing: Row = {
            "sellingPrice": r.money("pricing.sellingPrice", required=True, positive=True),
            "docFee": _or(r.money("pricing.docFee"), store.doc_fee),
            "rebates": _or(r.money("pricing.rebates"), ZERO),
            "tradeAllowance": _or(r.money("pricing.tradeAllowance"), ZERO),
            "tradePayoff": _or(r.money("pricing.tradePayoff"), ZERO),
            "cashDown": _or(r.money("pricing.cashDown"), ZERO),
            "tax": {
                "rate": _or(
                    r.number("pricing.tax.rate", places=4, minimum=0, maximum=MAX_TAX_RATE),
                    store.tax_rate,
                ),
                "basis": r.enum("pricing.tax.basis", TAX_BASES, default=TAX_BASES[0]),
                "amount": ZERO,
            },
            "fees": [
                {
                    "code": r.text(f"pricing.fees[{i}].code", required=True, max_length=30),
                    "amount": r.money(f"pricing.fees[{i}].amount", required=True),
                }
                for i in range(len(r.array("pricing.fees", max_items=20)))
            ],
        }
        trade = self._trade(r, "tradeIn")
        financing = self._financing(r, sale_type)
        salesperson_id = r.text("salespersonId", max_length=40)
        if salesperson_id is not None and self.state.users.get(salesperson_id) is None:
            r.fail("salespersonId", "must name a user")
        _reject(r)
        payment = self._price(r, pricing, financing)
        _reject(r)

        assert vehicle is not None
        now = self.clock.now()
        deal_id = self._new_id("dl", self.state.deals)
        row = {
            "dealId": deal_id,
            "dealNumber": f"D-{10000 + self.deal_numbers.next()}",
            "status": "draft",
            "buyer": {"customerId": buyer_id, "coBuyerId": co_buyer_id},
            "vehicle": {
                "vehicleId": vehicle["vehicleId"],
                "vin": vehicle["vin"],
                "stockNumber": vehicle["stockNumber"],
            },
            "saleType": sale_type,
            "pricing": pricing,
            "tradeIn": trade,
            "financing": financing,
            "paymentOptions": payment,
            "salespersonId": salesperson_id or current_session(request).user.user_id,
            "referenceId": body.get("referenceId"),
            "createdAt": now,
            "updatedAt": now,
        }
        self.state.deals.put(deal_id, row)
        return 201, _pick(row, "dealId", "status", "paymentOptions", "createdAt", "referenceId")

    @staticmethod
    def _financing(r: BodyReader, sale_type: str | None) -> Row | None:
        if sale_type == "cash":
            if r.has("financing"):
                r.fail("financing", "must be absent on a cash deal")
            return None
        if r.obj("financing", required=sale_type == "retail") is None:
            return None
        return {
            "termMonths": r.integer(
                "financing.termMonths",
                required=True,
                minimum=TERM_MONTHS[0],
                maximum=TERM_MONTHS[1],
            ),
            "apr": r.number("financing.apr", required=True, places=2, minimum=0, maximum=MAX_APR),
            "lenderPreference": r.text("financing.lenderPreference", max_length=40),
            "products": [
                {
                    "code": r.text(f"financing.products[{i}].code", required=True, max_length=20),
                    "name": r.text(f"financing.products[{i}].name", max_length=80),
                    "price": r.money(f"financing.products[{i}].price", required=True),
                }
                for i in range(len(r.array("financing.products", max_items=20)))
            ],
        }

    @staticmethod
    def _price(r: BodyReader, pricing: Row, financing: Row | None) -> Row | None:
        """Fill in the tax and answer the payment estimate; a financed deal must leave
        something to finance."""
        tax = pricing["tax"]
        selling, allowance = pricing["sellingPrice"], pricing["tradeAllowance"]
        taxable = max(ZERO, selling - allowance) if tax["basis"] == TAX_BASES[0] else selling
        tax["amount"] = money(taxable * tax["rate"])
        if financing is None:
            return None
        due = total(
            [
                selling,
                pricing["docFee"],
                tax["amount"],
                *(f["amount"] for f in pricing["fees"]),
                *(p["price"] for p in financing["products"]),
            ]
        ) - (pricing["rebates"] + allowance - pricing["tradePayoff"])
        financed = due - pricing["cashDown"]
        if financed <= 0:
            r.fail("pricing.cashDown", "leaves nothing to finance; make it a cash deal")
            return None
        term, apr = financing["termMonths"], financing["apr"]
        return {"monthly": monthly_payment(financed, apr, term), "termMonths": term, "apr": apr}

    # --- PATCH /deals/{dealId} (extrapolated) ---------------------------------------------

    def update_deal(self, request: web.Request, body: Body) -> tuple[int, Row]:
        deal = self.state.deals.get(request.match_info["dealId"])
        if deal is None:
            raise not_found("Deal")
        r = BodyReader(body)
        current = deal["status"]
        target = r.enum("status", render.DEAL_STATUSES)
        decision = self._lender_decision(r, deal, current)
        changes = {
            ("pricing", "sellingPrice"): r.money("pricing.sellingPrice", positive=True),
            ("pricing", "cashDown"): r.money("pricing.cashDown"),
            ("pricing", "rebates"): r.money("pricing.rebates"),
            ("financing", "termMonths"): r.integer(
                "financing.termMonths", minimum=TERM_MONTHS[0], maximum=TERM_MONTHS[1]
            ),
            ("financing", "apr"): r.number("financing.apr", places=2, minimum=0, maximum=MAX_APR),
        }
        changes = {k: v for k, v in changes.items() if v is not None}
        _reject(r)
        if target is None and decision is None and not changes:
            raise validation_failed(
                None, "Nothing to change: give status, lenderDecision, pricing or financing"
            )
        if current not in OPEN_DEAL_STATUSES:
            raise validation_failed("status", f"The deal is {current} and can no longer change.")
        for (group, name), _ in changes.items():
            if current not in FIGURES_OPEN:
                r.fail(f"{group}.{name}", f"cannot change once the deal is {current}")
            elif group == "financing" and deal["financing"] is None:
                r.fail(f"{group}.{name}", "cannot be set on a cash deal")
        if decision is not None and decision["decision"] == "approved" and target is None:
            target = "approved"
        if target is not None and target != current:
            self._check_move(r, deal, current, target)
        _reject(r)

        # Work on copies: the deal changes only once everything has passed.
        pricing = {**deal["pricing"], "tax": dict(deal["pricing"]["tax"])}
        financing = dict(deal["financing"]) if deal["financing"] is not None else None
        for (group, name), value in changes.items():
            if group == "pricing":
                pricing[name] = value
            elif financing is not None:
                financing[name] = value
        if decision is not None and financing is not None:
            if decision["approvedApr"] is not None and decision["decision"] != "declined":
                financing["apr"] = decision["approvedApr"]
            financing["lenderDecision"] = decision
        payment = self._price(r, pricing, financing)
        _reject(r)

        now = self.clock.now()
        status = target or current
        if status != current:
            self._move_vehicle(deal, status, now)
        deal.update(
            status=status,
            pricing=pricing,
            financing=financing,
            paymentOptions=payment,
            updatedAt=now,
        )
        lender = (financing or {}).get("lenderDecision")
        answer = {
            "dealId": deal["dealId"],
            "status": status,
            "paymentOptions": payment,
            "lenderStatus": lender["decision"] if lender else None,
            "updatedAt": now,
            "referenceId": body.get("referenceId"),
        }
        return 200, answer

    def _lender_decision(self, r: BodyReader, deal: Row, current: str) -> Row | None:
        if r.obj("lenderDecision") is None:
            return None
        decision = {
            "lenderId": r.text("lenderDecision.lenderId", required=True, max_length=40),
            "decision": r.enum("lenderDecision.decision", LENDER_DECISIONS, required=True),
            "approvedApr": r.number(
                "lenderDecision.approvedApr", places=2, minimum=0, maximum=MAX_APR
            ),
            "decidedAt": self.clock.now(),
        }
        if deal["financing"] is None:
            r.fail("lenderDecision", "cannot be given on a cash deal")
        elif current != "pending":
            r.fail("lenderDecision", f"needs a pending deal; this one is {current}")
        return decision

    def _check_move(self, r: BodyReader, deal: Row, current: str, target: str) -> None:
        if target == "cancelled":
            return  # any open deal may be cancelled
        if target not in DEAL_FLOW or DEAL_FLOW.index(target) != DEAL_FLOW.index(current) + 1:
            r.fail("status", f"cannot move a deal from {current} to {target}")
            return
        vehicle = self.state.vehicles.get(deal["vehicle"]["vehicleId"])
        if target == "contracted" and vehicle is not None and vehicle["status"] == "retail_sold":
            r.fail("status", f"vehicle {vehicle['stockNumber']} is already sold")

    def _move_vehicle(self, deal: Row, status: str, now: datetime) -> None:
        """A contract sells the vehicle; cancelling a contracted deal puts it back."""
        vehicle = self.state.vehicles.get(deal["vehicle"]["vehicleId"])
        if vehicle is None:
            return
        if status == "contracted":
            vehicle.update(status="retail_sold", updatedAt=now)
        elif status == "cancelled" and deal["status"] == "contracted":
            vehicle.update(status="in_stock", updatedAt=now)

    # --- POST /service/appointments (extrapolated) ----------------------------------------

    def create_appointment(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        now = self.clock.now()
        customer_id = self._customer(r, "customerId", required=True)
        r.obj("vehicle", required=True)
        vin = r.vin("vehicle.vin", required=True)
        vehicle = self._service_vehicle(r, vin, now.year)
        scheduled = r.timestamp("scheduledAt", required=True)
        if scheduled is not None and scheduled < now:
            r.fail("scheduledAt", "must not be in the past")
        elif scheduled is not None and scheduled > now + BOOKING_HORIZON:
            r.fail("scheduledAt", "must be within a year")
        minutes = _or(
            r.integer(
                "durationMinutes", minimum=APPOINTMENT_MINUTES[0], maximum=APPOINTMENT_MINUTES[1]
            ),
            60,
        )
        advisor_id = r.text("advisorId", max_length=40)
        if advisor_id is not None and advisor_id not in self._advisors():
            r.fail("advisorId", "must name an active service advisor")
        op_codes = r.strings("opCodes", max_length=12)
        concern = r.text("concern", max_length=500)
        if concern is None and not op_codes:
            r.fail("concern", "is required when no opCodes are given")
        transportation = r.enum("transportation", TRANSPORTATION, default="waiter")
        notes = r.text("notes", max_length=2000)
        _reject(r)

        assert scheduled is not None
        appointment_id = self._new_id("appt", self.state.appointments)
        row = {
            "appointmentId": appointment_id,
            "status": "scheduled",
            "scheduledAt": scheduled,
            "durationMinutes": minutes,
            "customerId": customer_id,
            "vehicle": vehicle,
            "advisorId": advisor_id or self._route_advisor(scheduled.date()),
            "opCodes": op_codes,
            "concern": concern,
            "transportation": transportation,
            "notes": notes,
            "createdAt": now,
        }
        self.state.appointments.put(appointment_id, row)
        self.serviced[vehicle["vin"]] = vehicle
        answer = _pick(row, "appointmentId", "status", "scheduledAt", "advisorId", "createdAt")
        return 201, {**answer, "referenceId": body.get("referenceId")}

    def _service_vehicle(self, r: BodyReader, vin: str | None, year_now: int) -> Row:
        """A VIN the store has serviced needs nothing else; a new one needs its year, make
        and model. Given values win over the ones on file."""
        known = self.serviced.get(vin or "", {})
        needed = not known
        year = r.integer("vehicle.year", required=needed, minimum=1900, maximum=year_now + 2)
        make = r.text("vehicle.make", required=needed, max_length=40)
        model = r.text("vehicle.model", required=needed, max_length=40)
        return {
            "vin": vin,
            "year": _or(year, known.get("year")),
            "make": _or(make, known.get("make")),
            "model": _or(model, known.get("model")),
        }

    def _advisors(self) -> list[str]:
        return [
            u["userId"] for u in self.state.users if u["role"] == "service_advisor" and u["active"]
        ]

    def _route_advisor(self, day: date) -> str:
        """Advisor routing: the active advisor with the fewest appointments that day."""
        load = dict.fromkeys(self._advisors(), 0)
        for row in self.state.appointments:
            if row["advisorId"] in load and row["scheduledAt"].date() == day:
                load[row["advisorId"]] += 1
        return min(load, key=lambda advisor: (load[advisor], advisor))

    # --- POST /accounting/payments (extrapolated) -----------------------------------------

    def create_payment(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        now = self.clock.now()
        account_id = r.text("accountId", required=True, max_length=40)
        account = self.state.ar_accounts.get(account_id or "")
        if account_id is not None and account is None:
            r.fail("accountId", "must name a receivable account")
        elif account is not None and account["status"] in CLOSED_ACCOUNTS:
            r.fail("accountId", f"names an account that is {account['status']}")
            account = None  # nothing else about the payment can be judged against it
        amount = r.money("amount", required=True, positive=True)
        if amount is not None and account is not None and amount > account["balance"]:
            r.fail("amount", f"must not exceed the balance of {account['balance']}")
        method = r.enum("method", PAYMENT_METHODS, required=True)
        received = _or(r.timestamp("receivedAt"), now)
        if received > now:
            r.fail("receivedAt", "must not be in the future")
        elif account is not None and received.date() < account["openedAt"]:
            r.fail("receivedAt", "must not be before the account was opened")
        reference = r.text("reference", max_length=60)
        _reject(r)

        assert account is not None and amount is not None
        payment_id = self._new_id("pmt", self.state.payments)
        receipt = f"R-{self.receipts.next():06d}"
        self.state.payments.put(
            payment_id,
            {
                "paymentId": payment_id,
                "accountId": account["accountId"],
                "amount": amount,
                "method": method,
                "receivedAt": received,
                "receiptNumber": receipt,
                "reference": reference,
            },
        )
        self._apply(account, amount, received, now)
        answer = {
            "paymentId": payment_id,
            "receiptNumber": receipt,
            "accountId": account["accountId"],
            "amount": amount,
            "receivedAt": received,
            "balance": account["balance"],
            "nextDueDate": account["nextDueDate"],
            "nextDueAmount": account["nextDueAmount"],
            "accountStatus": account["status"],
            "referenceId": body.get("referenceId"),
        }
        return 201, answer

    def _apply(self, account: Row, amount: Decimal, received: datetime, now: datetime) -> None:
        """Past-due installments first, then the one due next, then later ones in order."""
        balance = account["balance"] - amount
        past_due = account["pastDue"]
        paid = min(amount, past_due)
        past_due, left = past_due - paid, amount - paid
        installment = self.installments.get(account["accountNumber"]) or account["nextDueAmount"]
        upcoming = balance - past_due  # what remains owed beyond the arrears
        due_on: date | None = account["nextDueDate"]
        due = account["nextDueAmount"] or ZERO
        while left > 0 and due_on is not None and due > 0:
            paid = min(left, due)
            due, left = due - paid, left - paid
            if due == 0:
                due_on = add_months(due_on, 1)
                due = min(installment or ZERO, upcoming)
        if upcoming <= 0 or due <= 0:
            due_on, due = None, ZERO
        status = "paid_off" if balance == 0 else "past_due" if past_due > 0 else "current"
        last = account["lastPaymentAt"]
        account.update(
            balance=money(balance),
            pastDue=money(past_due),
            daysPastDue=account["daysPastDue"] if past_due > 0 else 0,
            nextDueDate=due_on,
            nextDueAmount=money(due) if due_on is not None else None,
            lastPaymentAt=max(last, received) if last else received,
            status=status,
            updatedAt=now,
        )

    # --- routes ---------------------------------------------------------------------------

    def routes(self, registry: ReferenceRegistry) -> list[Route]:
        return [
            write_route("POST", "/leads", self.create_lead, registry, "leads"),
            write_route("POST", "/deals", self.create_deal, registry, "deals"),
            write_route("PATCH", "/deals/{dealId}", self.update_deal, registry, "deals"),
            write_route(
                "POST", "/service/appointments", self.create_appointment, registry, "service"
            ),
            write_route(
                "POST", "/accounting/payments", self.create_payment, registry, "accounting"
            ),
        ]


def _pick(row: Row, *keys: str) -> Row:
    """An answer made of the new record's own fields (the page's answers are subsets)."""
    return {key: row[key] for key in keys}


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def write_routes(state: AutoSoftState, options: SandboxOptions) -> list[Route]:
    """The write endpoints over ``state``'s tables. ReferenceIds the seeded leads and deals
    carry are taken: a new write under one of them is a conflict."""
    registry = ReferenceRegistry()
    for scope, table in (("POST /leads", state.leads), ("POST /deals", state.deals)):
        for row in table:
            if row.get("referenceId"):
                registry.reserve(scope, row["referenceId"])
    writes = AutoSoftWrites(state, SandboxClock(options.today), f"{options.seed}:autosoft")
    return writes.routes(registry)
