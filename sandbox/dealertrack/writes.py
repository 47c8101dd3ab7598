"""Dealertrack's write endpoints (docs/contracts/dealertrack.md, "Writes").

Documented: ``POST /sales/deals``, ``PATCH /sales/deals/{dealId}`` and
``POST /accounting/journal-entries``. Every write names a rooftop the user holds (in the
body of a POST, in the query of the PATCH, as on reads) and lands in that rooftop's tables,
so a later list, filter or total shows it at once. Deals honour ``referenceId``; journal
entries carry a ``reference`` that is the accounting document's, not an idempotency key.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
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
from sandbox.dealertrack.ledger import DEPARTMENTS, period_of
from sandbox.dealertrack.lenders import KNOWN_LENDERS
from sandbox.dealertrack.render import DEAL_STATUSES
from sandbox.dealertrack.scope import ROOFTOP, named_rooftop, scoped_rooftop
from sandbox.dealertrack.state import DealertrackState, Rooftop
from sandbox.options import SandboxOptions
from sandbox.supergood import Route, current_session
from sandbox.supergood.writes import (
    VALIDATION_FAILED,
    finance_products,
    postal_address,
    validation_failed,
    write_route,
)

Row = dict[str, Any]

# The order a deal moves in; ``cancelled`` is reachable from every open status.
DEAL_FLOW = ("draft", "pending", "approved", "contracted", "delivered")
OPEN_DEALS = DEAL_FLOW[:-1]
FIGURES_OPEN = ("draft", "pending")  # once a lender approved, its numbers stand
LENDER_DECISIONS = ("approved", "conditioned", "declined")
APPROVALS = ("approved", "conditioned")
UNSELLABLE = ("sold", "wholesaled")
TERM_MONTHS = (12, 96)
MAX_APR = Decimal(40)
MAX_TAX_RATE = Decimal("0.25")
MAX_LENDERS = 5
DOC_FEE = "doc"
RETURNED_TO = "Overflow Lot"  # where an unwound sale's unit parks when its spot is unknown
UPLOAD_TOKEN = re.compile(r"^upl_[0-9a-z]{4,40}$")
LICENSE_NUMBER = re.compile(r"^[A-Z0-9-]{4,20}$")
PATCH_FIGURES = ("salePrice", "cashDown", "rebates")
JOURNAL_LINES = (2, 200)


def _reject(reader: BodyReader) -> None:
    reader.raise_problems(VALIDATION_FAILED)


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


@dataclass
class _Buyer:
    """The deal's customer: one on file, or a new person to file first."""

    on_file: Row | None
    person: Row | None


class DealertrackWrites:
    def __init__(self, state: DealertrackState, clock: SandboxClock, seed_key: str) -> None:
        self.state = state
        self.clock = clock
        self.ids = HexMinter(seed_key)
        # Deal numbers run per rooftop (each store numbers its own jackets).
        self.deal_numbers = {
            rid: NumberSequence(d["dealNumber"] for d in roof.deals)
            for rid, roof in state.rooftops.items()
        }
        # What a contracted unit showed on the lot, to put back if the sale unwinds.
        self.lot_before_sale: dict[str, Row] = {}

    def _new_id(self, prefix: str, table_of: Callable[[Rooftop], Table[str]]) -> str:
        """Ids are unique across the group, as the seeded ones are."""
        tables = [table_of(roof) for roof in self.state.rooftops.values()]
        return self.ids.mint(prefix, lambda key: any(t.get(key) is not None for t in tables))

    # --- scope ----------------------------------------------------------------------------

    def body_rooftop(self, request: web.Request, body: Body) -> Rooftop:
        return named_rooftop(self.state, request, body.get(ROOFTOP))

    def query_rooftop(self, request: web.Request, body: Body) -> Rooftop:
        return scoped_rooftop(self.state, request)

    # --- shared pieces --------------------------------------------------------------------

    @staticmethod
    def _license(r: BodyReader, path: str) -> Row | None:
        if r.obj(path) is None:
            return None
        number = r.text(f"{path}.number", required=True, max_length=20)
        if number is not None and not LICENSE_NUMBER.match(number.upper()):
            r.fail(f"{path}.number", "must be 4 to 20 letters, digits or dashes")
        state = r.text(f"{path}.state", required=True, max_length=2)
        if state is not None and not (len(state) == 2 and state.isalpha()):
            r.fail(f"{path}.state", "must be a two-letter state code")
        return {
            "number": number.upper() if number else None,
            "state": state.upper() if state else None,
        }

    @staticmethod
    def _attachments(r: BodyReader) -> list[Row]:
        """Documents uploaded beforehand, named by their upload token."""
        found = []
        for i in range(len(r.array("attachments", max_items=10))):
            path = f"attachments[{i}]"
            name = r.text(f"{path}.fileName", required=True, max_length=255)
            token = r.text(f"{path}.uploadToken", required=True, max_length=44)
            if token is not None and not UPLOAD_TOKEN.match(token):
                r.fail(f"{path}.uploadToken", "must be an upload token (upl_...)")
            found.append({"fileName": name, "uploadToken": token})
        return found

    # --- POST /sales/deals (documented) ---------------------------------------------------

    def create_deal(self, request: web.Request, body: Body) -> tuple[int, Row]:
        roof = self.body_rooftop(request, body)
        r = BodyReader(body)
        vehicle = self._vehicle(r, roof)
        buyer = self._buyer(r, roof)
        co_buyer = self._co_buyer(r, roof, buyer)
        figures = self._figures(r, roof)
        finance = self._finance(r)
        salesperson_id = r.text("salespersonId", max_length=40)
        if salesperson_id is not None and not (roof.users.get(salesperson_id) or {}).get("active"):
            r.fail("salespersonId", "must name an active user of this rooftop")
        attachments = self._attachments(r)
        _reject(r)
        self._price(r, figures, finance)
        _reject(r)

        assert vehicle is not None
        now = self.clock.now()
        customer = buyer.on_file or self._file_customer(roof, buyer.person or {}, now)
        deal_id = self._new_id("deal", lambda rooftop: rooftop.deals)
        row = {
            "dealId": deal_id,
            "dealNumber": f"D-{self.deal_numbers[roof.rooftop_id].next()}",
            "rooftopId": roof.rooftop_id,
            "status": "pending",
            # A financed deal goes to its preferred lenders as it is created.
            "lenderStatus": "submitted" if finance is not None else None,
            "vehicleId": vehicle["vehicleId"],
            "vehicle": {"vin": vehicle["vin"], "stockNumber": vehicle["stockNumber"]},
            "customer": {
                key: customer[key]
                for key in ("customerId", "firstName", "lastName", "email", "phone")
            },
            "coBuyer": {key: co_buyer[key] for key in ("customerId", "firstName", "lastName")}
            if co_buyer
            else None,
            "figures": figures,
            "finance": finance,
            "lenderDecision": None,
            "salespersonId": salesperson_id or current_session(request).user.user_id,
            "attachments": attachments,
            "referenceId": body.get("referenceId"),
            "createdAt": now,
            "updatedAt": now,
        }
        roof.deals.put(deal_id, row)
        answer = {key: row[key] for key in ("dealId", "dealNumber", "status", "lenderStatus")}
        return 201, {**answer, "createdAt": now, "referenceId": row["referenceId"]}

    @staticmethod
    def _vehicle(r: BodyReader, roof: Rooftop) -> Row | None:
        vehicle_id = r.text("vehicleId", required=True, max_length=40)
        if vehicle_id is None:
            return None
        vehicle = roof.vehicles.get(vehicle_id)
        if vehicle is None:
            r.fail("vehicleId", "must name a vehicle in this rooftop's inventory")
        elif vehicle["status"] in UNSELLABLE:
            r.fail(
                "vehicleId", f"names stock {vehicle['stockNumber']}, which is {vehicle['status']}"
            )
        return vehicle

    def _buyer(self, r: BodyReader, roof: Rooftop) -> _Buyer:
        """``customer.customerId`` names a customer on file (the other members are then not
        read); without it the body describes a new person."""
        r.obj("customer", required=True)
        customer_id = r.text("customer.customerId", max_length=40)
        if customer_id is not None:
            on_file = roof.customers.get(customer_id)
            if on_file is None:
                r.fail("customer.customerId", "must name a customer of this rooftop")
            return _Buyer(on_file, None)
        person = {
            "firstName": r.text("customer.firstName", required=True, max_length=60),
            "lastName": r.text("customer.lastName", required=True, max_length=60),
            "email": r.email("customer.email"),
            "phone": r.phone("customer.phone"),
            "driversLicense": self._license(r, "customer.driversLicense"),
            "address": postal_address(r, "customer.address", required=("line1",)),
        }
        if r.has("customer") and not (r.has("customer.email") or r.has("customer.phone")):
            r.fail("customer.email", "is required when no phone is given")
        return _Buyer(None, person)

    @staticmethod
    def _co_buyer(r: BodyReader, roof: Rooftop, buyer: _Buyer) -> Row | None:
        if r.obj("coBuyer") is None:
            return None
        customer_id = r.text("coBuyer.customerId", required=True, max_length=40)
        co_buyer = roof.customers.get(customer_id or "")
        if customer_id is not None and co_buyer is None:
            r.fail("coBuyer.customerId", "must name a customer of this rooftop")
        elif co_buyer is not None and co_buyer is buyer.on_file:
            r.fail("coBuyer.customerId", "must differ from the buyer")
        return co_buyer

    @staticmethod
    def _figures(r: BodyReader, roof: Rooftop) -> Row:
        store = roof.world.store
        r.obj("figures", required=True)
        trade = None
        if r.obj("figures.tradeIn") is not None:
            trade = {
                "value": r.money("figures.tradeIn.value", required=True),
                "payoff": _or(r.money("figures.tradeIn.payoff"), ZERO),
                "vin": r.vin("figures.tradeIn.vin", required=True),
            }
        fees = []
        for i in range(len(r.array("figures.fees", max_items=20))):
            kind = r.text(f"figures.fees[{i}].type", required=True, max_length=30)
            if kind == DOC_FEE and any(f["type"] == DOC_FEE for f in fees):
                r.fail(f"figures.fees[{i}].type", "repeats the doc fee")
            fees.append(
                {"type": kind, "amount": r.money(f"figures.fees[{i}].amount", required=True)}
            )
        if not any(f["type"] == DOC_FEE for f in fees):
            fees.insert(0, {"type": DOC_FEE, "amount": store.doc_fee})  # the store charges it
        rate = r.number("figures.tax.rate", places=4, minimum=0, maximum=MAX_TAX_RATE)
        return {
            "salePrice": r.money("figures.salePrice", required=True, positive=True),
            "cashDown": _or(r.money("figures.cashDown"), ZERO),
            "rebates": _or(r.money("figures.rebates"), ZERO),
            "tradeIn": trade,
            "fees": fees,
            "tax": {"rate": _or(rate, store.tax_rate), "amount": ZERO},
        }

    @staticmethod
    def _finance(r: BodyReader) -> Row | None:
        """A financed deal; absent, the deal is cash."""
        if r.obj("finance") is None:
            return None
        lenders: list[str] = []
        listed = r.array("finance.preferredLenders", required=True, max_items=MAX_LENDERS)
        for i in range(len(listed)):
            lender = r.text(f"finance.preferredLenders[{i}]", required=True, max_length=40)
            if lender is not None and lender not in KNOWN_LENDERS:
                r.fail(f"finance.preferredLenders[{i}]", "must name a lender the group submits to")
            elif lender in lenders:
                r.fail(f"finance.preferredLenders[{i}]", "repeats a lender")
            elif lender is not None:
                lenders.append(lender)
        if r.has("finance.preferredLenders") and not listed:
            r.fail("finance.preferredLenders", "must name at least one lender")
        return {
            "termMonths": r.integer(
                "finance.termMonths", required=True, minimum=TERM_MONTHS[0], maximum=TERM_MONTHS[1]
            ),
            "apr": r.number("finance.apr", required=True, places=2, minimum=0, maximum=MAX_APR),
            "preferredLenders": lenders,
            "products": finance_products(r, "finance.products"),
            "monthlyPayment": None,
        }

    @staticmethod
    def _price(r: BodyReader, figures: Row, finance: Row | None) -> None:
        """Fill in the tax and the monthly payment; a financed deal must leave something to
        finance. Exact decimals, each amount rounded half-up to the cent."""
        trade = figures["tradeIn"] or {"value": ZERO, "payoff": ZERO}
        tax = figures["tax"]
        tax["amount"] = money(max(ZERO, figures["salePrice"] - trade["value"]) * tax["rate"])
        if finance is None:
            return
        due = total(
            [
                figures["salePrice"],
                tax["amount"],
                *(f["amount"] for f in figures["fees"]),
                *(p["price"] for p in finance["products"]),
            ]
        ) - (figures["rebates"] + trade["value"] - trade["payoff"])
        financed = due - figures["cashDown"]
        if financed <= 0:
            r.fail("figures.cashDown", "leaves nothing to finance; leave out finance for cash")
            return
        finance["monthlyPayment"] = monthly_payment(financed, finance["apr"], finance["termMonths"])

    def _file_customer(self, roof: Rooftop, person: Row, now: datetime) -> Row:
        """A buyer not on file becomes a retail customer of the rooftop."""
        customer_id = self._new_id("cust", lambda rooftop: rooftop.customers)
        row = {
            "customerId": customer_id,
            "firstName": person["firstName"],
            "lastName": person["lastName"],
            "companyName": None,
            "customerType": "retail",
            "email": person["email"],
            "phone": person["phone"],
            "address": person["address"],
            "createdAt": now,
            "updatedAt": now,
            "driversLicense": person["driversLicense"],
            "rooftopId": roof.rooftop_id,
        }
        roof.customers.put(customer_id, row)
        return row

    # --- PATCH /sales/deals/{dealId} (documented) -----------------------------------------

    def update_deal(self, request: web.Request, body: Body) -> tuple[int, Row]:
        roof = self.query_rooftop(request, body)
        deal = roof.deals.get(request.match_info["dealId"])
        if deal is None:
            raise not_found("Deal")
        r = BodyReader(body)
        current = deal["status"]
        target = r.enum("status", DEAL_STATUSES)
        decision = self._decision(r, deal)
        changes = {
            name: r.money(f"figures.{name}", positive=name == "salePrice") for name in PATCH_FIGURES
        }
        changes = {name: value for name, value in changes.items() if value is not None}
        rate = r.number("figures.tax.rate", places=4, minimum=0, maximum=MAX_TAX_RATE)
        for fixed in ("figures.tradeIn", "figures.fees"):
            if r.has(fixed):
                r.fail(fixed, "is set when the deal is created and cannot change")
        _reject(r)
        if target is None and decision is None and not changes and rate is None:
            raise validation_failed(
                None, "Nothing to change: give status, lenderDecision or figures"
            )
        if current not in OPEN_DEALS:
            raise validation_failed("status", f"The deal is {current} and can no longer change.")
        if current not in FIGURES_OPEN:
            for name in [*changes, *(["tax.rate"] if rate is not None else [])]:
                r.fail(f"figures.{name}", f"cannot change once the deal is {current}")
        # A lender's approval moves the deal to approved; a status given beside it is then
        # judged from there (the page's example approves and contracts in one request).
        status = "approved" if decision and decision["decision"] in APPROVALS else current
        if target is not None and target != status:
            self._check_move(r, roof, deal, status, target)
            status = target
        _reject(r)

        # Work on copies: the deal changes only once everything has passed.
        figures = copy.deepcopy(deal["figures"])
        finance = copy.deepcopy(deal["finance"])
        figures.update(changes)
        if rate is not None:
            figures["tax"]["rate"] = rate
        if decision is not None and finance is not None and decision["approvedApr"] is not None:
            finance["apr"] = decision["approvedApr"]  # the contract is written at this rate
        self._price(r, figures, finance)
        _reject(r)

        now = self.clock.now()
        lender_status = decision["decision"] if decision else deal["lenderStatus"]
        if current == "draft" and status == "pending" and finance is not None:
            lender_status = "submitted"
        if status != current:
            self._move_vehicle(roof, deal, current, status, now)
        deal.update(
            status=status,
            lenderStatus=lender_status,
            lenderDecision=decision or deal["lenderDecision"],
            figures=figures,
            finance=finance,
            updatedAt=now,
        )
        return 200, {
            "dealId": deal["dealId"],
            "status": status,
            "lenderStatus": lender_status,
            "updatedAt": now,
        }

    @staticmethod
    def _decision(r: BodyReader, deal: Row) -> Row | None:
        """A lender's answer: only from a lender the deal was submitted to, while the deal
        waits for one (pending)."""
        if r.obj("lenderDecision") is None:
            return None
        lender_id = r.text("lenderDecision.lenderId", required=True, max_length=40)
        decision = r.enum("lenderDecision.decision", LENDER_DECISIONS, required=True)
        apr = r.number("lenderDecision.approvedApr", places=2, minimum=0, maximum=MAX_APR)
        finance = deal["finance"]
        if finance is None:
            r.fail("lenderDecision", "cannot be given on a cash deal")
            return None
        if deal["status"] != "pending":
            r.fail(
                "lenderDecision", f"needs a deal awaiting its lenders; this one is {deal['status']}"
            )
        if lender_id is not None and lender_id not in finance["preferredLenders"]:
            submitted = ", ".join(finance["preferredLenders"])
            r.fail(
                "lenderDecision.lenderId",
                f"must name a lender the deal was submitted to ({submitted})",
            )
        if decision == "declined" and apr is not None:
            r.fail("lenderDecision.approvedApr", "must be absent when the decision is declined")
        if decision in APPROVALS and apr is None:
            apr = finance["apr"]  # approved at the rate asked
        return {"lenderId": lender_id, "decision": decision, "approvedApr": apr}

    def _check_move(
        self, r: BodyReader, roof: Rooftop, deal: Row, current: str, target: str
    ) -> None:
        if target == "cancelled":
            return  # any open deal may be cancelled
        if target not in DEAL_FLOW or DEAL_FLOW.index(target) != DEAL_FLOW.index(current) + 1:
            r.fail("status", f"cannot move a deal from {current} to {target}")
        elif target == "approved" and deal["finance"] is not None:
            r.fail(
                "status", "a financed deal is approved by its lender's decision (lenderDecision)"
            )
        elif target == "contracted":
            vehicle = roof.vehicles.get(deal["vehicleId"])
            if vehicle is not None and vehicle["status"] in UNSELLABLE:
                r.fail("status", f"stock {vehicle['stockNumber']} is already {vehicle['status']}")

    def _move_vehicle(
        self, roof: Rooftop, deal: Row, current: str, status: str, now: datetime
    ) -> None:
        """A contract sells the unit off the lot; cancelling a contract puts it back."""
        vehicle = roof.vehicles.get(deal["vehicleId"])
        if vehicle is None:
            return
        pricing = vehicle["pricing"]
        if status == "contracted":
            self.lot_before_sale[vehicle["vehicleId"]] = {
                "status": vehicle["status"],
                "lotLocation": vehicle["lotLocation"],
                "internetPrice": pricing["internetPrice"],
            }
            vehicle.update(status="sold", lotLocation=None, updatedAt=now)
            vehicle["pricing"] = {**pricing, "internetPrice": None}
        elif status == "cancelled" and current == "contracted":
            before = self.lot_before_sale.pop(vehicle["vehicleId"], None) or {
                "status": "in_stock",
                "lotLocation": RETURNED_TO,
                "internetPrice": pricing["askingPrice"],
            }
            vehicle.update(
                status=before["status"], lotLocation=before["lotLocation"], updatedAt=now
            )
            vehicle["pricing"] = {**pricing, "internetPrice": before["internetPrice"]}

    # --- POST /accounting/journal-entries (documented) ------------------------------------

    def post_journal_entry(self, request: web.Request, body: Body) -> tuple[int, Row]:
        roof = self.body_rooftop(request, body)
        r = BodyReader(body)
        posted = r.day("postedDate", required=True)
        if posted is not None:
            lock = roof.periods.status(posted)
            if lock == "closed":
                r.fail("postedDate", f"falls in {period_of(posted)}, a closed accounting period")
            elif lock == "future":
                r.fail("postedDate", f"falls in {period_of(posted)}, a period not open yet")
        memo = r.text("memo", max_length=250)
        reference = r.text("reference", max_length=60)
        listed = r.array("lines", required=True, max_items=JOURNAL_LINES[1])
        before = len(r.problems)
        lines = [self._line(r, roof, i) for i in range(len(listed))]
        if r.has("lines") and len(listed) < JOURNAL_LINES[0]:
            r.fail("lines", f"must have at least {JOURNAL_LINES[0]} lines")
        elif lines and len(r.problems) == before:
            debits = total(line["debit"] for line in lines)
            credits = total(line["credit"] for line in lines)
            if debits != credits:
                r.fail("lines", f"must balance: debits total {debits}, credits total {credits}")
        attachments = self._attachments(r)
        _reject(r)

        now = self.clock.now()
        entry_id = self._new_id("je", lambda rooftop: rooftop.journal_entries)
        row = {
            "journalEntryId": entry_id,
            "status": "posted",
            "postedDate": posted,
            "memo": memo,
            "reference": reference,
            "lines": lines,
            "attachments": attachments,
            "postedBy": current_session(request).user.user_id,  # the audit trail's user
            "createdAt": now,
            "rooftopId": roof.rooftop_id,
        }
        roof.journal_entries.put(entry_id, row)
        answer = {"journalEntryId": entry_id, "status": "posted", "postedDate": posted}
        return 201, {**answer, "lines": len(lines), "createdAt": now}

    @staticmethod
    def _line(r: BodyReader, roof: Rooftop, i: int) -> Row:
        path = f"lines[{i}]"
        number = r.text(f"{path}.accountNumber", required=True, max_length=20)
        account = roof.gl_accounts.get(number or "")
        if number is not None and account is None:
            r.fail(
                f"{path}.accountNumber", "must name an account in the rooftop's chart of accounts"
            )
        elif account is not None and not account["active"]:
            r.fail(f"{path}.accountNumber", f"names account {number}, which is inactive")
        department = r.text(f"{path}.department", max_length=4)
        if department is not None and department not in DEPARTMENTS:
            r.fail(f"{path}.department", f"must be one of: {', '.join(DEPARTMENTS)}")
        before = len(r.problems)
        debit = _or(r.money(f"{path}.debit"), ZERO)
        credit = _or(r.money(f"{path}.credit"), ZERO)
        if len(r.problems) == before and (debit > 0) == (credit > 0):
            r.fail(path, "must have either a debit or a credit above zero")
        return {
            "accountNumber": number,
            "department": department,
            "debit": debit,
            "credit": credit,
            "description": r.text(f"{path}.description", max_length=100),
        }

    # --- routes ---------------------------------------------------------------------------

    def routes(self, registry: ReferenceRegistry) -> list[Route]:
        return [
            write_route(
                "POST", "/sales/deals", self.create_deal, registry, "sales", self.body_rooftop
            ),
            write_route(
                "PATCH",
                "/sales/deals/{dealId}",
                self.update_deal,
                registry,
                "sales",
                self.query_rooftop,
            ),
            # No idempotency key: ``reference`` is the accounting document's own reference
            # (entries may share one, as a reversal shares the original's).
            write_route(
                "POST",
                "/accounting/journal-entries",
                self.post_journal_entry,
                None,
                "accounting",
                self.body_rooftop,
            ),
        ]


def write_routes(state: DealertrackState, options: SandboxOptions) -> list[Route]:
    """The write endpoints over the rooftops' tables. ReferenceIds the seeded deals carry
    are taken: a new deal under one of them is a conflict."""
    registry = ReferenceRegistry()
    for roof in state.rooftops.values():
        for deal in roof.deals:
            if deal.get("referenceId"):
                registry.reserve("POST /sales/deals", deal["referenceId"])
    writes = DealertrackWrites(state, SandboxClock(options.today), f"{options.seed}:dealertrack")
    return writes.routes(registry)
