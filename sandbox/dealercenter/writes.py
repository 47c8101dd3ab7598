"""DealerCenter's write endpoints (docs/contracts/dealercenter.md, "Writes").

All three are documented: ``POST /crm/leads``, ``POST /deals`` and
``POST /bhph/accounts/{accountId}/payments``, each with a ``referenceId`` the sandbox
honours. Writes land in the tables the reads serve, so a later list, filter, total or
detail shows them at once, and the records a write touches (customer, vehicle, BHPH
account) change with it.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.common.errors import not_found
from sandbox.common.money import ZERO, money, total
from sandbox.common.table import Table
from sandbox.common.world.sales import monthly_payment
from sandbox.common.writes import (
    Body,
    BodyReader,
    HexMinter,
    NumberSequence,
    ReferenceRegistry,
    SandboxClock,
)
from sandbox.dealercenter import loans, render
from sandbox.dealercenter.state import DealerCenterState
from sandbox.options import SandboxOptions
from sandbox.supergood import Route, current_session
from sandbox.supergood.shapes import new_customer_row
from sandbox.supergood.writes import VALIDATION_FAILED, postal_address, write_route

Row = dict[str, Any]

LEAD_SOURCES = ("website", "marketplace", "walk_in", "phone", "referral")
LEAD_CHANNELS = ("digital_retail", "chat", "listing", "showroom", "phone", "referral")
# Where a lead from each source usually arrives, for leads that do not say.
USUAL_CHANNEL = {
    "website": "digital_retail",
    "marketplace": "listing",
    "walk_in": "showroom",
    "phone": "phone",
    "referral": "referral",
}
UNSELLABLE = ("sold", "wholesale")
ADDRESS_REQUIRED = ("line1", "city", "region", "postalCode")  # a complete postal address
TERM_MONTHS = (12, 96)
MAX_APR = Decimal(40)
MAX_TAX_RATE = Decimal("0.25")
DOC_FEE = ("doc", "Doc Fee")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
LEAD_SCOPE = "POST /crm/leads"
DEAL_SCOPE = "POST /deals"
PAYMENT_SCOPE = "POST /bhph/accounts/{accountId}/payments"


def _reject(reader: BodyReader) -> None:
    reader.raise_problems(VALIDATION_FAILED)


def _phone(r: BodyReader, path: str) -> str | None:
    value = r.text(path, max_length=16)
    if value is not None and not _E164.match(value):
        r.fail(path, "must be an E.164 phone number such as +15551234567")
        return None
    return value


def _contact(r: BodyReader, prefix: str, *, required: bool) -> Row:
    """First and last name, e-mail and phone at ``prefix`` (``""`` or ``"buyer."``); a
    person the store does not know yet needs a name and one way to reach them."""
    person = {
        "firstName": r.text(f"{prefix}firstName", required=required, max_length=60),
        "lastName": r.text(f"{prefix}lastName", required=required, max_length=60),
        "email": r.email(f"{prefix}email"),
        "phone": _phone(r, f"{prefix}phone"),
    }
    reachable = r.has(f"{prefix}email") or r.has(f"{prefix}phone")
    if required and not reachable:
        r.fail(f"{prefix}email", "is required when no phone is given")
    return person


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class DealerCenterWrites:
    """The three write handlers over one tenant's tables."""

    def __init__(
        self, state: DealerCenterState, clock: SandboxClock, options: SandboxOptions
    ) -> None:
        self.state = state
        self.clock = clock
        self.today = options.today
        self.ids = HexMinter(f"{options.seed}:dealercenter")
        self.deal_numbers = NumberSequence(r["dealNumber"] for r in state.deals)
        self.receipts = NumberSequence(r["receiptNumber"] for r in state.payments)
        # The dealership's lender programs: the outside lenders its deals go to.
        self.lenders = {
            d["finance"]["lenderId"] for d in state.deals if (d["finance"] or {}).get("lenderId")
        }
        # Per account, the installments that drew their late fee (see loans.py).
        self.fees_drawn: dict[str, set[int]] = {}

    def _new_id(self, prefix: str, table: Table[str]) -> str:
        return self.ids.mint(prefix, lambda key: table.get(key) is not None)

    # --- shared pieces --------------------------------------------------------------------

    def _existing(self, r: BodyReader, path: str, table: Table[str], what: str) -> Row | None:
        key = r.text(path, max_length=40)
        row = table.get(key) if key is not None else None
        if key is not None and row is None:
            r.fail(path, f"must name an existing {what}")
        return row

    def _salesperson(self, r: BodyReader, path: str) -> str | None:
        user = self._existing(r, path, self.state.users, "user")
        if user is not None and not (user["role"] == "sales" and user["active"]):
            r.fail(path, "must name an active salesperson")
            return None
        return user["userId"] if user else None

    def _customer_for(self, person: Row, address: Row | None, now: datetime) -> str:
        """The customer a new lead or buyer is: the one on file with that e-mail
        (case-insensitive) or else that phone, or a new retail customer."""
        email = (person["email"] or "").casefold()
        for row in self.state.customers:
            if (email and (row["email"] or "").casefold() == email) or (
                not email and person["phone"] and row["phone"] == person["phone"]
            ):
                return str(row["customerId"])
        customer_id = self._new_id("cust", self.state.customers)
        customer = new_customer_row(customer_id, {**person, "address": address}, now)
        self.state.customers.put(customer_id, customer)
        return customer_id

    # --- POST /crm/leads (documented) -----------------------------------------------------

    def create_lead(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        now = self.clock.now()
        person = _contact(r, "", required=True)
        customer = self._existing(r, "customerId", self.state.customers, "customer")
        source = r.enum("source", LEAD_SOURCES, required=True)
        channel = r.enum("channel", LEAD_CHANNELS)
        vehicle = self._existing(r, "vehicleInterestId", self.state.vehicles, "vehicle")
        message = r.text("message", max_length=2000)
        consent = self._consent(r, now)
        assigned = self._salesperson(r, "assignedUserId")
        _reject(r)

        lead_id = self._new_id("ld", self.state.leads)
        row = {
            "leadId": lead_id,
            "status": "new",
            "customerId": customer["customerId"]
            if customer
            else self._customer_for(person, None, now),
            **person,
            "source": source,
            "channel": channel or USUAL_CHANNEL[str(source)],
            "vehicleInterestId": vehicle["vehicleId"] if vehicle else None,
            "message": message,
            "tcpaConsent": consent,
            "assignedUserId": assigned,
            "referenceId": body.get("referenceId"),
            "createdAt": now,
            "updatedAt": now,
        }
        self.state.leads.put(lead_id, row)
        return 201, {k: row[k] for k in ("leadId", "status", "createdAt", "referenceId")}

    @staticmethod
    def _consent(r: BodyReader, now: datetime) -> Row:
        """TCPA consent: granted needs the moment it was captured; the moment and the
        address are kept only for consent granted."""
        if r.obj("tcpaConsent") is None:
            return {"granted": False, "timestamp": None, "ip": None}
        if not r.has("tcpaConsent.granted"):
            r.fail("tcpaConsent.granted", "is required")
        granted = r.boolean("tcpaConsent.granted", default=False)
        stamp = r.timestamp("tcpaConsent.timestamp")
        if granted and not r.has("tcpaConsent.timestamp"):
            r.fail("tcpaConsent.timestamp", "is required when consent is granted")
        elif stamp is not None and stamp > now:
            r.fail("tcpaConsent.timestamp", "must not be in the future")
        ip = r.text("tcpaConsent.ip", max_length=45)
        if ip is not None and not _is_ip(ip):
            r.fail("tcpaConsent.ip", "must be an IPv4 or IPv6 address")
        for name in ("timestamp", "ip"):
            if not granted and r.has(f"tcpaConsent.{name}"):
                r.fail(f"tcpaConsent.{name}", "must be absent when consent is not granted")
        return {"granted": granted, "timestamp": stamp, "ip": ip}

    # --- POST /deals (documented) ---------------------------------------------------------

    def create_deal(self, request: web.Request, body: Body) -> tuple[int, Row]:
        r = BodyReader(body)
        now = self.clock.now()
        vehicle = self._vehicle(r)
        buyer = self._buyer(r)
        deal_type = r.enum("dealType", render.DEAL_TYPES, required=True)
        price = r.money("salePrice", required=True, positive=True)
        discounts = r.money("discounts") or ZERO
        if price is not None and discounts > price:
            r.fail("discounts", "must not exceed salePrice")
        fees = self._fees(r)
        rate = r.number("tax.rate", places=4, minimum=0, maximum=MAX_TAX_RATE)
        tax_amount = r.money("tax.amount")
        trade = self._trade(r)
        down = r.money("downPayment") or ZERO
        finance = self._finance(r, deal_type)
        submit = r.boolean("submitCreditApplication", default=False)
        if submit and deal_type in ("cash", "bhph"):
            r.fail("submitCreditApplication", "applies only to a finance deal")
        self._attachments(r)
        salesperson = self._salesperson(r, "salespersonId")
        _reject(r)

        assert vehicle is not None and buyer is not None and price is not None
        store = self.state.world.store
        tax_rate = store.tax_rate if rate is None else rate
        taxable = max(ZERO, price - discounts - trade["allowance"])
        tax = money(taxable * tax_rate)
        if tax_amount is not None and tax_amount != tax:
            r.fail("tax.amount", f"must equal rate x taxable: {tax_rate} x {taxable} = {tax}")
        if submit and buyer["address"] is None:
            r.fail("buyer.address", "is required to submit a credit application")
        financed = (
            price
            - discounts
            + total(f["amount"] for f in fees)
            + tax
            - (trade["allowance"] - trade["lienPayoff"])
            - down
        )
        if finance is not None and financed <= 0:
            r.fail("downPayment", "leaves nothing to finance; make it a cash deal")
        _reject(r)

        deal_id = self._new_id("dl", self.state.deals)
        customer_id = buyer["customerId"] or self._customer_for(
            {k: buyer[k] for k in ("firstName", "lastName", "email", "phone")},
            buyer["address"],
            now,
        )
        credit = None
        if submit:
            application_id = self.ids.mint("ca", self._application_taken)
            credit = {"applicationId": application_id, "status": "sent_to_lenders"}
        estimate = None
        if finance is not None:
            term, apr = finance["termMonths"], finance["apr"]
            estimate = {
                "monthly": monthly_payment(financed, apr, term),
                "termMonths": term,
                "apr": apr,
            }
        row = {
            "dealId": deal_id,
            "dealNumber": f"D-{self.deal_numbers.next()}",
            "status": "submitted" if submit else "quote",
            "dealType": deal_type,
            "vehicleId": vehicle["vehicleId"],
            "buyer": {**buyer, "customerId": customer_id},
            "salePrice": price,
            "discounts": discounts,
            "fees": fees,
            "tax": {"rate": tax_rate, "amount": tax},
            "tradeIn": trade,
            "downPayment": down,
            "finance": finance,
            "paymentEstimate": estimate,
            "creditApplication": credit,
            "salespersonId": salesperson or current_session(request).user.user_id,
            "referenceId": body.get("referenceId"),
            "createdAt": now,
            "updatedAt": now,
        }
        self.state.deals.put(deal_id, row)
        if vehicle["status"] == "in_stock":
            vehicle.update(status="pending", updatedAt=now)  # a deal is being worked on it
        answer = ("dealId", "status", "paymentEstimate", "creditApplication", "createdAt")
        return 201, {**{k: row[k] for k in answer}, "referenceId": row["referenceId"]}

    def _application_taken(self, key: str) -> bool:
        applications = (d["creditApplication"] or {} for d in self.state.deals)
        return any(a.get("applicationId") == key for a in applications)

    def _vehicle(self, r: BodyReader) -> Row | None:
        if not r.has("vehicleId"):
            r.fail("vehicleId", "is required")
        vehicle = self._existing(r, "vehicleId", self.state.vehicles, "vehicle in inventory")
        if vehicle is not None and vehicle["status"] in UNSELLABLE:
            r.fail("vehicleId", f"names a vehicle that is {vehicle['status']}")
        return vehicle

    def _buyer(self, r: BodyReader) -> Row | None:
        """The buyer on file (``customerId``; given fields win for this deal) or a new
        person, who becomes a customer when the deal is created."""
        if r.obj("buyer", required=True) is None:
            return None
        customer = self._existing(r, "buyer.customerId", self.state.customers, "customer")
        person = _contact(r, "buyer.", required=not r.has("buyer.customerId"))
        address = postal_address(r, "buyer.address", required=ADDRESS_REQUIRED)
        on_file = customer or {}
        return {
            "customerId": customer["customerId"] if customer else None,
            **{k: v if v is not None else on_file.get(k) for k, v in person.items()},
            "address": address or on_file.get("address"),
        }

    def _fees(self, r: BodyReader) -> list[Row]:
        """Fee lines with unique codes; the dealership's doc fee is added when no ``doc``
        line is given."""
        fees = []
        for i in range(len(r.array("fees", max_items=20))):
            code = r.text(f"fees[{i}].code", required=True, max_length=20)
            if code is not None and any(f["code"] == code for f in fees):
                r.fail(f"fees[{i}].code", "must not repeat another line's code")
            fees.append(
                {
                    "code": code,
                    "description": r.text(f"fees[{i}].description", max_length=80),
                    "amount": r.money(f"fees[{i}].amount", required=True),
                }
            )
        if not any(f["code"] == DOC_FEE[0] for f in fees):
            doc_fee = self.state.world.store.doc_fee
            fees.insert(0, {"code": DOC_FEE[0], "description": DOC_FEE[1], "amount": doc_fee})
        return fees

    @staticmethod
    def _trade(r: BodyReader) -> Row:
        r.obj("tradeIn")
        enabled = r.boolean("tradeIn.enabled", default=False)
        if not enabled:
            for name in ("allowance", "lienPayoff", "vin"):
                value = r.raw(f"tradeIn.{name}")
                if r.has(f"tradeIn.{name}") and value != 0:
                    r.fail(f"tradeIn.{name}", "must be absent when tradeIn.enabled is false")
            return {"enabled": False, "allowance": ZERO, "lienPayoff": ZERO, "vin": None}
        return {
            "enabled": True,
            "allowance": r.money("tradeIn.allowance", required=True) or ZERO,
            "lienPayoff": r.money("tradeIn.lienPayoff") or ZERO,
            "vin": r.vin("tradeIn.vin", required=True),
        }

    def _finance(self, r: BodyReader, deal_type: str | None) -> Row | None:
        """Terms for a loan: an outside lender's (``finance``) or the dealer's own
        (``bhph``, no lender); a cash deal has none."""
        if deal_type == "cash":
            if r.has("finance"):
                r.fail("finance", "must be absent on a cash deal")
            return None
        if r.obj("finance", required=deal_type is not None) is None:
            return None
        lender = r.text("finance.lenderId", max_length=40)
        if lender is not None and deal_type == "bhph":
            r.fail("finance.lenderId", "must be absent on a bhph deal: the dealer lends")
        elif lender is not None and lender not in self.lenders:
            r.fail("finance.lenderId", "must name one of the dealership's lenders")
        return {
            "termMonths": r.integer(
                "finance.termMonths", required=True, minimum=TERM_MONTHS[0], maximum=TERM_MONTHS[1]
            ),
            "apr": r.number("finance.apr", required=True, places=2, minimum=0, maximum=MAX_APR),
            "lenderId": lender,
        }

    @staticmethod
    def _attachments(r: BodyReader) -> None:
        """Stip documents uploaded beforehand: each names its file and upload token."""
        for i in range(len(r.array("attachments", max_items=20))):
            r.text(f"attachments[{i}].fileName", required=True, max_length=200)
            token = r.text(f"attachments[{i}].uploadToken", required=True, max_length=60)
            if token is not None and not token.startswith("upl_"):
                r.fail(f"attachments[{i}].uploadToken", "must be an upload token (upl_...)")

    # --- POST /bhph/accounts/{accountId}/payments (documented) ----------------------------

    def post_payment(self, request: web.Request, body: Body) -> tuple[int, Row]:
        account = self.state.accounts.get(request.match_info["accountId"])
        if account is None:
            raise not_found("Account")
        r = BodyReader(body)
        now = self.clock.now()
        if account["status"] in loans.CLOSED_STATUSES:
            r.fail("accountId", f"names an account that is {account['status']}")
        amount = r.money("amount", required=True, positive=True)
        method = r.enum("paymentMethod", render.PAYMENT_METHODS, required=True)
        posted = r.timestamp("postedAt") or now
        earliest = account["lastPaymentAt"]
        if posted > now:
            r.fail("postedAt", "must not be in the future")
        elif posted.date() < account["openedAt"]:
            r.fail("postedAt", "must not be before the account was opened")
        elif earliest is not None and posted < earliest:
            r.fail("postedAt", "must not be before the account's last payment")
        split = None
        if r.obj("allocation") is not None:
            principal = r.money("allocation.principal", required=True)
            interest = r.money("allocation.interest", required=True)
            late_fees = r.money("allocation.lateFees", required=True)
            if principal is not None and interest is not None and late_fees is not None:
                split = loans.Split(principal, interest, late_fees)
        note = r.text("note", max_length=500)
        _reject(r)

        assert amount is not None
        account_id = account["accountId"]
        # Worked on copies, so a refused payment leaves the account as it was.
        work = copy.deepcopy(account)
        drawn = set(self.fees_drawn.get(account_id) or loans.initially_drawn(account, self.today))
        loan = loans.Loan(work, self._interest_paid(account_id))
        loans.assess_late_fees(work, loan, drawn, now.date())
        if split is None:
            found = loans.default_split(loan, amount, posted.date())
            if isinstance(found, str):
                r.fail("amount", found)
            else:
                split = found
        else:
            for field, problem in loans.split_problems(loan, amount, split, posted.date()):
                r.fail(field, problem)
        _reject(r)

        assert split is not None
        payment_id = self._new_id("pmt", self.state.payments)
        receipt = f"R-{posted.year}-{self.receipts.next():06d}"
        self.state.payments.put(
            payment_id,
            {
                "paymentId": payment_id,
                "accountId": account_id,
                "customerId": account["customerId"],
                "amount": amount,
                "paymentMethod": method,
                "postedAt": posted,
                "allocation": split.row(),
                "status": "posted",
                "receiptNumber": receipt,
                "note": note,
                "referenceId": body.get("referenceId"),
            },
        )
        loans.post(work, loan, split, drawn, posted, now)
        account.update(work)
        self.fees_drawn[account_id] = drawn
        return 201, {
            "paymentId": payment_id,
            "status": "posted",
            "receiptNumber": receipt,
            "nextDueDate": account["nextDueDate"],
            "referenceId": body.get("referenceId"),
        }

    def _interest_paid(self, account_id: str) -> Decimal:
        return total(
            p["allocation"]["interest"] for p in self.state.payments if p["accountId"] == account_id
        )

    # --- routes ---------------------------------------------------------------------------

    def routes(self, registry: ReferenceRegistry) -> list[Route]:
        return [
            write_route("POST", "/crm/leads", self.create_lead, registry, "crm"),
            write_route("POST", "/deals", self.create_deal, registry, "deals"),
            write_route(
                "POST", "/bhph/accounts/{accountId}/payments", self.post_payment, registry, "bhph"
            ),
        ]


def write_routes(state: DealerCenterState, options: SandboxOptions) -> list[Route]:
    """The write endpoints over ``state``'s tables. ReferenceIds the seeded leads, deals
    and payments carry are taken: a new write under one of them is a conflict."""
    registry = ReferenceRegistry()
    seeded = ((LEAD_SCOPE, state.leads), (DEAL_SCOPE, state.deals), (PAYMENT_SCOPE, state.payments))
    for scope, table in seeded:
        for row in table:
            if row.get("referenceId"):
                registry.reserve(scope, row["referenceId"])
    writes = DealerCenterWrites(state, SandboxClock(options.today), options)
    return writes.routes(registry)
