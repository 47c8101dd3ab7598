"""The neutral world in DealerCenter's camelCase shapes (documented and contract-doc ones)."""

from __future__ import annotations

from typing import Any

from sandbox.common.ids import HexIds
from sandbox.common.money import ZERO
from sandbox.common.people import street_address
from sandbox.common.rng import chance, stream
from sandbox.common.world.models import (
    Account,
    Customer,
    Deal,
    DealStatus,
    Employee,
    InventoryVehicle,
    Lead,
    LeadStatus,
    Payment,
    PaymentMethod,
    Role,
    StockStatus,
    StoreWorld,
)
from sandbox.supergood.render import StoreRenderer
from sandbox.supergood.shapes import address_row, customer_row, user_row

Row = dict[str, Any]

VEHICLE_STATUSES = ("in_stock", "sold", "wholesale", "pending")
VEHICLE_SOURCES = ("trade_in", "auction", "dealer", "other")
LEAD_STATUSES = ("new", "contacted", "appointment_set", "sold", "lost")
DEAL_STATUSES = ("quote", "submitted", "approved", "contracted", "delivered", "cancelled")
DEAL_TYPES = ("finance", "cash", "bhph")
ACCOUNT_STATUSES = ("current", "past_due", "paid_off", "charged_off")
PAYMENT_METHODS = ("cash", "card", "ach", "check", "money_order")
USER_ROLES = ("sales", "finance", "manager", "collections")

_STOCK = {
    StockStatus.IN_STOCK: "in_stock",
    StockStatus.DEMO: "in_stock",
    StockStatus.HOLD: "pending",  # a deal is being worked on it
    StockStatus.SOLD: "sold",
    StockStatus.WHOLESALE: "wholesale",
}
_LEAD = {
    LeadStatus.NEW: "new",
    LeadStatus.CONTACTED: "contacted",
    LeadStatus.QUALIFIED: "appointment_set",
    LeadStatus.CONVERTED: "sold",
    LeadStatus.LOST: "lost",
}
_DEAL = {
    DealStatus.DRAFT: "quote",
    DealStatus.PENDING: "submitted",
    DealStatus.APPROVED: "approved",
    DealStatus.CONTRACTED: "contracted",
    DealStatus.DELIVERED: "delivered",
    DealStatus.CANCELLED: "cancelled",
}
_DEAL_TYPE = {"retail": "finance", "cash": "cash", "bhph": "bhph"}
_ROLE = {
    Role.SALESPERSON: "sales",
    Role.FINANCE_MANAGER: "finance",
    Role.MANAGER: "manager",
    Role.ACCOUNTING: "collections",  # a buy-here-pay-here office's bookkeepers collect
}
_METHOD = {
    PaymentMethod.CASH: "cash",
    PaymentMethod.CARD: "card",
    PaymentMethod.ACH: "ach",
    PaymentMethod.CHECK: "check",
    PaymentMethod.OTHER: "money_order",
}
# World lead sources as DealerCenter's CRM records them: (source, channel).
_LEAD_ORIGIN = {
    "website_digital_retail": ("website", "digital_retail"),
    "third_party_marketplace": ("marketplace", "listing"),
    "walk_in": ("walk_in", "showroom"),
    "phone": ("phone", "phone"),
    "chat": ("website", "chat"),
    "oem_referral": ("referral", "referral"),
}
_ONLINE = frozenset({"website", "marketplace"})
_FEES = {
    "title": ("ttl", "Title/License"),
    "registration": ("reg", "Registration"),
}


def phone(digits: str) -> str:
    return f"+1{digits}"


class DealerCenterRenderer(StoreRenderer):
    def __init__(self, world: StoreWorld, ids: HexIds, seed: int) -> None:
        super().__init__(world, ids)
        self.seed = seed
        lenders = {d.financing.lender for d in world.deals if d.financing and d.financing.lender}
        self.lender_numbers = {name: n for n, name in enumerate(sorted(lenders), start=1)}
        self.salespeople = [
            e for e in world.employees if e.role is Role.SALESPERSON and e.active
        ] or list(world.employees)
        self.locations = sorted({v.location for v in world.inventory})

    # ids ---------------------------------------------------------------------------------
    def account_id(self, n: int) -> str:
        return self.ids.make("acc", n)  # as the page's payment path shows them

    def lot_id(self, location: str) -> str:
        return self.ids.make("lot", self.locations.index(location) + 1)

    # records -----------------------------------------------------------------------------
    def lots(self) -> list[Row]:
        """One lot per location the inventory stands on; the first is the store's own."""
        store = self.world.store
        rng = stream(self.seed, "dealercenter", "lots")
        rows = []
        for index, location in enumerate(self.locations):
            address = store.address if index == 0 else street_address(rng, store.metro)
            rows.append(
                {
                    "lotId": self.lot_id(location),
                    "name": "Main Lot" if index == 0 else f"{address.city} Lot",
                    "address": address_row(address),
                }
            )
        return rows

    def vehicle(self, v: InventoryVehicle) -> Row:
        """The documented list item, plus ``source`` (the page filters on it)."""
        vid = self.vehicle_id(v.id)
        books = v.book_values
        return {
            "vehicleId": vid,
            "vin": v.vin,
            "stockNumber": v.stock_number,
            "year": v.year,
            "make": v.make,
            "model": v.model,
            "trim": v.trim,
            "mileage": v.mileage,
            "color": {"exterior": v.exterior_color, "interior": v.interior_color},
            "status": _STOCK[v.status],
            "lotId": self.lot_id(v.location),
            "price": v.asking_price,
            "cost": v.cost,
            "bookValues": {"kbb": books.kbb, "nada": books.nada, "blackBook": books.black_book}
            if books
            else None,
            "photos": [
                {"url": f"https://cdn.example.com/upl/{vid}/{i}.jpg", "position": i}
                for i in range(1, v.photo_count + 1)
            ],
            "acquiredAt": v.acquired_at.date(),
            "updatedAt": v.updated_at,
            "source": v.source.value if v.source else None,
        }

    def _person(self, c: Customer) -> Row:
        return {
            "firstName": c.first_name,
            "lastName": c.last_name,
            "email": c.email,
            "phone": phone(c.phone),
        }

    def customer(self, c: Customer) -> Row:
        return customer_row(self.customer_id(c.id), c, phone(c.phone))

    def lead(self, lead: Lead) -> Row:
        source, channel = _LEAD_ORIGIN[lead.source]
        granted = lead.consent_tcpa
        # Consent captured on a web form records the visitor's address (documentation range).
        ip = f"203.0.113.{lead.id * 37 % 254 + 1}" if granted and source in _ONLINE else None
        unassigned = lead.status is LeadStatus.NEW and lead.id % 2 == 0
        rep = self.salespeople[lead.id % len(self.salespeople)]
        return {
            "leadId": self.ids.make("ld", lead.id),
            "status": _LEAD[lead.status],
            "customerId": self.customer_id(lead.customer_id),
            **self._person(self.customers[lead.customer_id]),
            "source": source,
            "channel": channel,
            "vehicleInterestId": self.vehicle_id(lead.vehicle_id) if lead.vehicle_id else None,
            "message": lead.notes,
            "tcpaConsent": {
                "granted": granted,
                "timestamp": lead.created_at if granted else None,
                "ip": ip,
            },
            "assignedUserId": None if unassigned else self.user_id(rep.id),
            "referenceId": lead.reference_id,
            "createdAt": lead.created_at,
            "updatedAt": lead.updated_at,
        }

    def _credit_application(self, d: Deal) -> Row | None:
        """Only deals sent to outside lenders carry one; the lenders' answer follows the
        deal's progress."""
        if d.sale_type != "retail" or d.status is DealStatus.DRAFT:
            return None
        rng = stream(self.seed, "dealercenter", "credit", d.id)
        if d.status is DealStatus.PENDING:
            status = "sent_to_lenders"
        elif d.status is DealStatus.APPROVED:
            status = "conditionally_approved" if chance(rng, 0.35) else "approved"
        elif d.status is DealStatus.CANCELLED:
            status = "declined" if chance(rng, 0.6) else "withdrawn"
        else:
            status = "approved"
        return {"applicationId": self.ids.make("ca", d.id), "status": status}

    def deal(self, d: Deal) -> Row:
        fin = d.financing
        trade = d.trade
        fees = [{"code": "doc", "description": "Doc Fee", "amount": d.doc_fee}]
        for fee in d.fees:
            code, description = _FEES[fee.code]
            fees.append({"code": code, "description": description, "amount": fee.amount})
        buyer = self.customers[d.buyer_id]
        return {
            "dealId": self.ids.make("dl", d.id),
            "dealNumber": d.number,
            "status": _DEAL[d.status],
            "dealType": _DEAL_TYPE[d.sale_type],
            "vehicleId": self.vehicle_id(d.vehicle_id),
            "buyer": {
                "customerId": self.customer_id(buyer.id),
                **self._person(buyer),
                "address": address_row(buyer.address),
            },
            "salePrice": d.selling_price,
            "discounts": d.rebates,
            "fees": fees,
            "tax": {"rate": d.tax_rate, "amount": d.tax_amount},
            "tradeIn": {
                "enabled": trade is not None,
                "allowance": trade.allowance if trade else ZERO,
                "lienPayoff": trade.payoff if trade else ZERO,
                "vin": trade.vin if trade else None,
            },
            "downPayment": d.cash_down,
            "finance": {
                "termMonths": fin.term_months,
                "apr": fin.apr,
                # The dealer lends on buy-here-pay-here deals: no outside lender.
                "lenderId": self.ids.make("lnd", self.lender_numbers[fin.lender])
                if fin.lender
                else None,
            }
            if fin
            else None,
            "paymentEstimate": {
                "monthly": fin.monthly_payment,
                "termMonths": fin.term_months,
                "apr": fin.apr,
            }
            if fin
            else None,
            "creditApplication": self._credit_application(d),
            "salespersonId": self.user_id(d.salesperson_id),
            "referenceId": d.reference_id,
            "createdAt": d.created_at,
            "updatedAt": d.updated_at,
        }

    def user(self, e: Employee) -> Row:
        return user_row(self.user_id(e.id), e, _ROLE[e.role])

    def account(self, a: Account) -> Row:
        c = a.contract
        assert c is not None, "DealerCenter's receivables are its BHPH contracts"
        return {
            "accountId": self.account_id(a.id),
            "accountNumber": a.number,
            "customerId": self.customer_id(a.customer_id),
            "dealId": self.ids.make("dl", c.deal_id),
            "vehicleId": self.vehicle_id(c.vehicle_id),
            "status": a.status.value,
            "openedAt": a.opened_on,
            "amountFinanced": a.original_amount,
            "apr": c.apr,
            "paymentAmount": a.installment,
            "paymentFrequency": c.frequency,
            "numberOfPayments": len(c.schedule),
            "lateFee": {"amount": c.late_fee, "graceDays": c.grace_days},
            "balance": a.balance,
            "payoff": c.payoff,
            "nextDueDate": a.next_due_date,
            "nextDueAmount": a.next_due_amount,
            "daysPastDue": a.days_past_due,
            "pastDueAmount": a.past_due,
            "lateFeesDue": c.late_fees_due,
            "lastPaymentAt": a.last_payment_at,
            "chargedOffAt": c.charged_off_on,
            "schedule": [
                {
                    "number": r.number,
                    "dueDate": r.due_on,
                    "amount": r.amount,
                    "principal": r.principal,
                    "interest": r.interest,
                    "status": r.status,
                }
                for r in c.schedule
            ],
            "updatedAt": a.updated_at,
        }

    def payment(self, p: Payment) -> Row:
        assert p.account_id is not None and p.allocation is not None
        return {
            "paymentId": self.ids.make("pmt", p.id),
            "accountId": self.account_id(p.account_id),
            "customerId": self.customer_id(p.customer_id),
            "amount": p.amount,
            "paymentMethod": _METHOD[p.method],
            "postedAt": p.received_at,
            "allocation": {
                "principal": p.allocation.principal,
                "interest": p.allocation.interest,
                "lateFees": p.allocation.late_fees,
            },
            "status": "posted",
            "receiptNumber": f"R-{p.received_at.year}-{p.id:06d}",
            "note": p.note,
            "referenceId": p.reference,
        }
