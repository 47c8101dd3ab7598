"""The neutral world in Auto/Mate's shapes (docs/contracts/automate.md).

Auto/Mate's own conventions, as its page shows them: units in names (``odometer {value,
unit}``, ``aprPercent``, ``ratePercent``, ``laborHours``, ``agingDays``), ``is`` booleans,
``*Date`` dates, ``*At`` timestamps. Values the world does not carry (lots, transit, sale
prices, licences, opt-ins) are derived here, deterministically per record.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sandbox.common.ids import HexIds
from sandbox.common.money import money, price_point
from sandbox.common.rng import chance, stream
from sandbox.common.service_catalog import OPERATIONS_BY_CODE
from sandbox.common.world.models import (
    Account,
    AccountStatus,
    Appointment,
    Condition,
    Customer,
    Deal,
    DealStatus,
    Employee,
    InventoryVehicle,
    Job,
    Lead,
    Part,
    Payment,
    PaymentMethod,
    RepairOrder,
    Role,
    RoStatus,
    StockStatus,
    StoreWorld,
    TradeIn,
)
from sandbox.supergood.render import StoreRenderer
from sandbox.supergood.shapes import address_row

Row = dict[str, Any]

VEHICLE_STATUSES = ("in_stock", "retail_sold", "wholesale", "transit")
VEHICLE_CONDITIONS = ("new", "used", "certified")
CUSTOMER_TYPES = ("lead", "retail", "fleet")
DEAL_STATUSES = ("penciled", "submitted", "approved", "contracted", "delivered", "cancelled")
RO_STATUSES = ("open", "in_progress", "waiting_parts", "completed", "closed")
APPOINTMENT_STATUSES = ("scheduled", "confirmed", "arrived", "completed", "cancelled", "no_show")
USER_ROLES = (
    "service_advisor",
    "technician",
    "salesperson",
    "fni_manager",
    "manager",
    "parts_counter",
    "accounting",
)
RECEIVABLE_STATUSES = ("current", "past_due", "paid_in_full", "closed")

# A new unit invoiced this recently is still on the truck: "transit", on no lot yet.
TRANSIT_DAYS = 14
# Used units this old are flagged for the auction lane while still in stock.
WHOLESALE_AGING_DAYS = 90
LOTS = {"loc_01": ("lot_01", "Main Lot"), "loc_02": ("lot_02", "Overflow Lot")}

_CONDITION = {Condition.NEW: "new", Condition.USED: "used", Condition.CERTIFIED: "certified"}
_DEAL = {
    DealStatus.DRAFT: "penciled",
    DealStatus.PENDING: "submitted",
    DealStatus.APPROVED: "approved",
    DealStatus.CONTRACTED: "contracted",
    DealStatus.DELIVERED: "delivered",
    DealStatus.CANCELLED: "cancelled",
}
_FNI_STAGES = frozenset({"submitted", "approved", "contracted", "delivered"})
_RO = {
    RoStatus.DRAFT: "open",
    RoStatus.OPEN: "open",
    RoStatus.IN_PROGRESS: "in_progress",
    RoStatus.WAITING_PARTS: "waiting_parts",
    RoStatus.COMPLETED: "completed",
    RoStatus.CLOSED: "closed",
}
_ROLE = {
    Role.SERVICE_ADVISOR: "service_advisor",
    Role.TECHNICIAN: "technician",
    Role.SALESPERSON: "salesperson",
    Role.FINANCE_MANAGER: "fni_manager",
    Role.MANAGER: "manager",
    Role.PARTS: "parts_counter",
    Role.ACCOUNTING: "accounting",
}
_RECEIVABLE = {
    AccountStatus.CURRENT: "current",
    AccountStatus.PAST_DUE: "past_due",
    AccountStatus.PAID_OFF: "paid_in_full",
    AccountStatus.CLOSED: "closed",
}
_METHOD = {
    PaymentMethod.CASH: "cash",
    PaymentMethod.CHECK: "check",
    PaymentMethod.CARD: "credit_card",
    PaymentMethod.ACH: "ach",
    PaymentMethod.OTHER: "other",
}
_FEES = {"title": ("TTL", "Title"), "registration": ("REG", "Registration")}
_LEAD_SOURCES = {
    "website_digital_retail": "Website Form",
    "third_party_marketplace": "Third-Party Marketplace",
    "walk_in": "Walk-In",
    "phone": "Phone",
    "chat": "Chat",
    "oem_referral": "OEM Referral",
}
LIENHOLDERS = ("ABC Credit Union", "Ally Financial", "Capital One Auto", "Chase Auto", "PNC Bank")


def e164(digits: str) -> str:
    return f"+1{digits}"


def odometer(miles: int) -> Row:
    return {"value": miles, "unit": "mi"}


def op_code_row(code: str) -> Row:
    """An op code as the rooftop's catalog books it: its description and flat-rate hours."""
    op = OPERATIONS_BY_CODE[code]
    return {"code": code, "description": op.description, "laborHours": op_hours(code)}


def op_hours(code: str) -> Decimal:
    return Decimal(OPERATIONS_BY_CODE[code].tenths_high).scaleb(-1)


def rate_percent(rate: Decimal) -> Decimal:
    """0.0881 -> 8.81; 0.0700 -> 7.00 (two places at least, as rates are shown)."""
    percent = rate.scaleb(2)
    return percent if -percent.as_tuple().exponent >= 2 else percent.quantize(Decimal("0.01"))


class AutoMateRenderer(StoreRenderer):
    def __init__(self, world: StoreWorld, ids: HexIds, *, seed: int, today: date) -> None:
        super().__init__(world, ids)
        self.seed = seed
        self.today = today
        self.sold_price = {
            d.vehicle_id: d.selling_price
            for d in world.deals
            if d.status in (DealStatus.DELIVERED, DealStatus.CONTRACTED)
        }
        self.fni_managers = [
            e.id for e in world.employees if e.role is Role.FINANCE_MANAGER and e.active
        ]
        self.leads = {lead.customer_id: lead for lead in world.leads}
        self.buyers = {d.buyer_id for d in world.deals} | {
            d.co_buyer_id for d in world.deals if d.co_buyer_id
        }
        self.service_customers = {v.customer_id for v in world.owned_vehicles}

    def _rng(self, kind: str, n: int) -> random.Random:
        """Per record, so a record renders the same whatever else is rendered."""
        return stream(self.seed, "automate", kind, n)

    # inventory ---------------------------------------------------------------------------
    def vehicle_status(self, v: InventoryVehicle) -> str:
        if v.status is StockStatus.SOLD:
            return "retail_sold"
        if v.status is StockStatus.WHOLESALE:
            return "wholesale"
        # Holds and demonstrators are still dealer stock: Auto/Mate has no status for them.
        recent = (self.today - v.acquired_at.date()).days <= TRANSIT_DAYS
        if v.status is StockStatus.IN_STOCK and v.condition is Condition.NEW and recent:
            return "transit"
        return "in_stock"

    def _aging_days(self, v: InventoryVehicle, status: str) -> int:
        """Days since acquisition; a unit that left stock stopped aging when it left."""
        left = status in ("retail_sold", "wholesale")
        end = v.updated_at.date() if left else self.today
        return max(0, (end - v.acquired_at.date()).days)

    def _sale_price(self, v: InventoryVehicle, status: str) -> Decimal:
        rng = self._rng("sale_price", v.id)
        if status == "retail_sold":
            return self.sold_price.get(v.id, v.asking_price)
        if status == "wholesale":
            return money(v.cost * Decimal(rng.randint(85, 97)) / 100)
        if chance(rng, 0.4):
            return v.asking_price  # no special advertised
        special = price_point(v.asking_price * Decimal(rng.randint(950, 990)) / 1000)
        return min(v.asking_price, special)

    def vehicle(self, v: InventoryVehicle) -> Row:
        vid = self.vehicle_id(v.id)
        status = self.vehicle_status(v)
        aging = self._aging_days(v, status)
        lot = LOTS[v.location] if status != "transit" else None
        flagged = v.condition is Condition.USED and aging > WHOLESALE_AGING_DAYS
        return {
            "vehicleId": vid,
            "vin": v.vin,
            "stockNumber": v.stock_number,
            "status": status,
            "condition": _CONDITION[v.condition],
            "year": v.year,
            "make": v.make,
            "model": v.model,
            "trim": v.trim,
            "bodyStyle": v.body_style,
            "exteriorColor": v.exterior_color,
            "interiorColor": v.interior_color,
            "odometer": odometer(v.mileage),
            # The page's used Accord shows "msrp": 0: no sticker is kept for pre-owned units.
            "msrp": v.msrp if v.condition is Condition.NEW else 0,
            "listPrice": v.asking_price,
            "salePrice": self._sale_price(v, status),
            "cost": v.cost,
            "isWholesale": status == "wholesale" or (status == "in_stock" and flagged),
            "agingDays": aging,
            "lot": {"lotId": lot[0], "name": lot[1]} if lot else None,
            "photos": [
                {"url": f"https://images.example.com/{vid}/{i}.jpg"}
                for i in range(1, v.photo_count + 1)
            ],
            "fuelType": v.fuel_type,
            "transmission": v.transmission,
            "driveType": v.drivetrain,
            "engine": v.engine,
            "acquisitionDate": v.acquired_at.date(),
            "updatedAt": v.updated_at,
        }

    # customers ---------------------------------------------------------------------------
    def customer_type(self, c: Customer) -> str:
        if c.is_business:
            return "fleet"
        known = c.id in self.buyers or c.id in self.service_customers
        return "retail" if known or c.id not in self.leads else "lead"

    def _phones(self, c: Customer, kind: str, rng: random.Random) -> list[Row]:
        if kind == "fleet":
            return [{"type": "work", "number": e164(c.phone)}]
        phones = [{"type": "mobile", "number": e164(c.phone)}]
        if kind == "retail" and chance(rng, 0.3):
            home = f"{c.phone[:6]}{rng.randrange(10_000):04d}"
            phones.insert(0, {"type": "home", "number": e164(home)})  # as keyed in at the desk
        return phones

    def _licence(self, c: Customer, rng: random.Random) -> tuple[Row, date]:
        letter = chr(ord("A") + rng.randrange(26))
        licence = {"number": f"{letter}{rng.randrange(10**7):07d}", "state": c.address.region}
        born = self.today - timedelta(days=rng.randint(19 * 365, 80 * 365))
        return licence, born

    def customer(self, c: Customer) -> Row:
        rng = self._rng("customer", c.id)
        kind = self.customer_type(c)
        lead: Lead | None = self.leads.get(c.id)
        licence: Row | None = None
        born: date | None = None
        if kind == "retail":
            licence, born = self._licence(c, rng)
        if lead is not None:
            opt_in = {
                "email": lead.consent_email,
                "sms": lead.consent_sms,
                "phone": lead.consent_tcpa,
            }
            source: str | None = _LEAD_SOURCES.get(lead.source, lead.source)
        else:
            opt_in = {"email": chance(rng, 0.7), "sms": chance(rng, 0.4), "phone": chance(rng, 0.3)}
            source = "Showroom" if c.id in self.buyers else "Service Drive"
        return {
            "customerId": self.customer_id(c.id),
            "externalId": lead.reference_id if lead else None,
            "customerType": kind,
            "firstName": c.first_name,
            "lastName": c.last_name,
            "companyName": c.company_name,
            "emails": [c.email],
            "phones": self._phones(c, kind, rng),
            "address": address_row(c.address),
            "driversLicense": licence,
            "dateOfBirth": born,
            "marketingOptIn": opt_in,
            "source": source,
            "notes": lead.notes if lead else None,
            "createdAt": c.created_at,
            "updatedAt": c.updated_at,
        }

    # deals -------------------------------------------------------------------------------
    def _trade(self, d: Deal, trade: TradeIn | None) -> Row | None:
        if trade is None:
            return None
        lienholder = LIENHOLDERS[d.id % len(LIENHOLDERS)] if trade.payoff else None
        return {
            "vin": trade.vin,
            "year": trade.year,
            "make": trade.make,
            "model": trade.model,
            "odometer": odometer(trade.mileage),
            "acv": trade.allowance,
            "payoff": trade.payoff,
            "lienholder": lienholder,
        }

    def _finance(self, d: Deal) -> Row:
        fin = d.financing
        return {
            "cashDown": d.cash_down,
            "termMonths": fin.term_months if fin else None,
            "aprPercent": fin.apr if fin else None,
            "lenderCode": fin.lender if fin else None,
            "monthlyPayment": fin.monthly_payment if fin else None,
            "products": [
                {"code": p.code, "name": p.name, "price": p.price}
                for p in (fin.products if fin else ())
            ],
        }

    def _fees(self, d: Deal) -> list[Row]:
        fees = [{"code": "DOC", "description": "Doc Fee", "amount": d.doc_fee}]
        for fee in d.fees:
            code, description = _FEES.get(fee.code, (fee.code.upper(), fee.code.title()))
            fees.append({"code": code, "description": description, "amount": fee.amount})
        return fees

    def deal(self, d: Deal) -> Row:
        v = self.inventory[d.vehicle_id]
        status = _DEAL[d.status]
        fni = (
            self.user_id(self.fni_managers[d.id % len(self.fni_managers)])
            if status in _FNI_STAGES and self.fni_managers
            else None
        )
        return {
            "dealId": self.ids.make("deal", d.id),
            "dealNumber": f"D-{d.created_at.year}-{d.id:05d}",
            "referenceId": d.reference_id,
            "status": status,
            "dealType": "finance" if d.financing else "cash",
            "customerId": self.customer_id(d.buyer_id),
            "coBuyerId": self.customer_id(d.co_buyer_id) if d.co_buyer_id else None,
            "vehicle": {
                "vehicleId": self.vehicle_id(v.id),
                "vin": v.vin,
                "stockNumber": v.stock_number,
            },
            "pricing": {
                "salePrice": d.selling_price,
                "discounts": money(0),
                "rebates": d.rebates,
            },
            "tradeIn": self._trade(d, d.trade),
            "finance": self._finance(d),
            "fees": self._fees(d),
            "taxes": {"ratePercent": rate_percent(d.tax_rate), "amount": d.tax_amount},
            "salespersonId": self.user_id(d.salesperson_id),
            "fniManagerId": fni,
            "createdAt": d.created_at,
            "updatedAt": d.updated_at,
        }

    # service -----------------------------------------------------------------------------
    def _line(self, index: int, job: Job) -> Row:
        return {
            "lineCode": chr(ord("A") + index),
            "opCode": job.op_code,
            "description": job.name,
            "status": "approved" if job.approved else "declined",
            "technicianId": self.user_id(job.technician_id) if job.technician_id else None,
            "labor": [
                {
                    "opCode": x.op_code,
                    "description": x.description,
                    "laborHours": x.hours,
                    "laborRate": x.rate,
                    "amount": x.amount,
                }
                for x in job.labor
            ],
            "parts": [
                {
                    "partNumber": x.part_number,
                    "description": x.description,
                    "quantity": x.quantity,
                    "unitPrice": x.unit_price,
                    "amount": x.amount,
                }
                for x in job.parts
            ],
        }

    def repair_order(self, ro: RepairOrder) -> Row:
        c = self.customers[ro.customer_id]
        v = self.owned[ro.vehicle_id]
        return {
            "repairOrderId": self.ids.make("ro", ro.id),
            "roNumber": ro.number,
            "status": _RO[ro.status],
            "customerId": self.customer_id(c.id),
            "customerName": c.display_name,
            "vehicle": {
                "vin": v.vin,
                "year": v.year,
                "make": v.make,
                "model": v.model,
                "trim": v.trim,
                "licensePlate": v.license_plate,
            },
            "odometerIn": odometer(ro.mileage_in),
            "advisorId": self.user_id(ro.advisor_id),
            "technicianIds": [self.user_id(t) for t in ro.technician_ids],
            "openedAt": ro.opened_at,
            "promisedAt": ro.promised_at,
            "closedAt": ro.closed_at,
            # Declined lines stay on the RO (the customer saw them) but add to no total.
            "lines": [self._line(i, job) for i, job in enumerate(ro.jobs)],
            "totals": {
                "labor": ro.labor_total,
                "parts": ro.parts_total,
                "shopSupplies": ro.fees_total,
                "subtotal": ro.subtotal,
                "tax": ro.tax,
                "total": ro.grand_total,
            },
            "notes": ro.notes,
            "updatedAt": ro.updated_at,
        }

    def appointment(self, a: Appointment) -> Row:
        return {
            "appointmentId": self.ids.make("appt", a.id),
            "status": a.status.value,
            "department": "service",
            "customerId": self.customer_id(a.customer_id),
            "vin": self.owned[a.vehicle_id].vin,
            "appointmentTime": a.scheduled_at,
            "durationMinutes": a.duration_minutes,
            "advisorId": self.user_id(a.advisor_id),
            "opCodes": [op_code_row(code) for code in a.op_codes],
            "concern": a.concern,
            "transportation": a.transportation,
            "notes": a.notes,
            "createdAt": a.created_at,
        }

    def part(self, p: Part) -> Row:
        return {
            "partId": self.ids.make("part", p.id),
            "partNumber": p.part_number,
            "description": p.description,
            "manufacturer": p.brand,
            "quantityOnHand": p.on_hand,
            "unitCost": p.cost,
            "listPrice": p.price,
            "binLocation": p.bin,
            "reorderPoint": p.reorder_point,
            "updatedAt": p.updated_at,
        }

    def user(self, e: Employee) -> Row:
        return {
            "userId": self.user_id(e.id),
            "firstName": e.first_name,
            "lastName": e.last_name,
            "displayName": e.full_name,
            "email": e.email,
            "role": _ROLE[e.role],
            "isActive": e.active,
        }

    # accounting --------------------------------------------------------------------------
    def receivable(self, a: Account) -> Row:
        return {
            "accountId": self.account_id(a.id),
            "accountNumber": a.number,
            "customerId": self.customer_id(a.customer_id),
            "status": _RECEIVABLE[a.status],
            "openDate": a.opened_on,
            "originalAmount": a.original_amount,
            "balance": a.balance,
            "pastDueAmount": a.past_due,
            "daysPastDue": a.days_past_due,
            "installmentAmount": a.installment,
            "nextDueDate": a.next_due_date,
            "nextDueAmount": a.next_due_amount,
            "lastPaymentAt": a.last_payment_at,
            "updatedAt": a.updated_at,
        }

    def receipt(self, p: Payment) -> Row:
        assert p.account_id is not None
        return {
            "receiptId": self.ids.make("rcpt", p.id),
            "receiptNumber": p.receipt_number,
            "accountId": self.account_id(p.account_id),
            "customerId": self.customer_id(p.customer_id),
            "amount": p.amount,
            "paymentMethod": _METHOD[p.method],
            # A declined card or bounced check is posted, then returned.
            "status": "posted" if p.status == "completed" else "returned",
            "receivedAt": p.received_at,
            "reference": p.reference,
        }
