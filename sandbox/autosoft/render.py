"""The neutral world in AutoSoft's camelCase shapes (documented and contract-doc ones)."""

from __future__ import annotations

from typing import Any

from sandbox.common.money import ZERO
from sandbox.common.world.models import (
    Account,
    Appointment,
    AppointmentStatus,
    Customer,
    Deal,
    Employee,
    InventoryVehicle,
    Lead,
    OwnedVehicle,
    Part,
    Payment,
    RepairOrder,
    RoStatus,
    StockStatus,
    TradeIn,
)
from sandbox.supergood.render import StoreRenderer
from sandbox.supergood.shapes import address_row, customer_row, part_row, user_row

Row = dict[str, Any]

VEHICLE_STATUSES = ("in_stock", "hold", "retail_sold", "wholesale", "demo")
VEHICLE_TYPES = ("new", "used", "cpo")
LEAD_STATUSES = ("new", "contacted", "qualified", "converted", "lost")
DEAL_STATUSES = ("draft", "pending", "approved", "contracted", "delivered", "cancelled")
RO_STATUSES = ("open", "waiting_parts", "completed", "posted")
APPOINTMENT_STATUSES = ("scheduled", "confirmed", "arrived", "completed", "cancelled", "no_show")
USER_ROLES = (
    "service_advisor",
    "technician",
    "salesperson",
    "finance_manager",
    "manager",
    "parts",
    "accounting",
)
ACCOUNT_STATUSES = ("current", "past_due", "paid_off", "closed")

_STOCK = {
    StockStatus.IN_STOCK: "in_stock",
    StockStatus.HOLD: "hold",
    StockStatus.SOLD: "retail_sold",
    StockStatus.WHOLESALE: "wholesale",
    StockStatus.DEMO: "demo",
}
_RO = {
    RoStatus.DRAFT: "open",
    RoStatus.OPEN: "open",
    RoStatus.IN_PROGRESS: "open",
    RoStatus.WAITING_PARTS: "waiting_parts",
    RoStatus.COMPLETED: "completed",
    RoStatus.CLOSED: "posted",
}
_APPOINTMENT = {s: s.value for s in AppointmentStatus}


def phone(digits: str) -> str:
    return f"+1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"


class AutoSoftRenderer(StoreRenderer):
    def vehicle(self, v: InventoryVehicle) -> Row:
        vid = self.vehicle_id(v.id)
        return {
            "vehicleId": vid,
            "vin": v.vin,
            "stockNumber": v.stock_number,
            "status": _STOCK[v.status],
            "type": v.condition.value,
            "year": v.year,
            "make": v.make,
            "model": v.model,
            "trim": v.trim,
            "bodyStyle": v.body_style,
            "mileage": v.mileage,
            "exteriorColor": v.exterior_color,
            "interiorColor": v.interior_color,
            "drivetrain": v.drivetrain,
            "transmission": v.transmission,
            "engine": v.engine,
            "fuelType": v.fuel_type,
            "msrp": v.msrp,
            "askingPrice": v.asking_price,
            "cost": v.cost,
            "locationId": v.location,
            "photos": [
                {"url": f"https://cdn.example.com/{vid}/{i}.jpg"}
                for i in range(1, v.photo_count + 1)
            ],
            "updatedAt": v.updated_at,
        }

    def customer(self, c: Customer) -> Row:
        return customer_row(self.customer_id(c.id), c, phone(c.phone))

    @staticmethod
    def _trade(trade: TradeIn | None) -> Row | None:
        return {"vin": trade.vin, "mileage": trade.mileage} if trade else None

    def _vehicle_ref(self, vehicle_id: int | None, *, with_id: bool) -> Row | None:
        if vehicle_id is None:
            return None
        v = self.inventory[vehicle_id]
        ref: Row = {"vehicleId": self.vehicle_id(v.id)} if with_id else {}
        ref.update({"vin": v.vin, "stockNumber": v.stock_number})
        return ref

    def lead(self, lead: Lead) -> Row:
        c = self.customers[lead.customer_id]
        return {
            "leadId": self.ids.make("ld", lead.id),
            "status": lead.status.value,
            "customer": {
                "firstName": c.first_name,
                "lastName": c.last_name,
                "email": c.email,
                "phone": phone(c.phone),
                "address": address_row(c.address),
            },
            "customerId": self.customer_id(c.id),
            "source": lead.source,
            "vehicleOfInterest": self._vehicle_ref(lead.vehicle_id, with_id=False),
            "tradeIn": self._trade(lead.trade),
            "notes": lead.notes,
            "consent": {
                "tcpA": lead.consent_tcpa,
                "email": lead.consent_email,
                "sms": lead.consent_sms,
            },
            "referenceId": lead.reference_id,
            "createdAt": lead.created_at,
            "updatedAt": lead.updated_at,
        }

    def deal(self, d: Deal) -> Row:
        fin = d.financing
        return {
            "dealId": self.ids.make("dl", d.id),
            "dealNumber": d.number,
            "status": d.status.value,
            "buyer": {
                "customerId": self.customer_id(d.buyer_id),
                "coBuyerId": self.customer_id(d.co_buyer_id) if d.co_buyer_id else None,
            },
            "vehicle": self._vehicle_ref(d.vehicle_id, with_id=True),
            "saleType": d.sale_type,
            "pricing": {
                "sellingPrice": d.selling_price,
                "docFee": d.doc_fee,
                "rebates": d.rebates,
                "tradeAllowance": d.trade.allowance if d.trade else ZERO,
                "tradePayoff": d.trade.payoff if d.trade else ZERO,
                "cashDown": d.cash_down,
                "tax": {"rate": d.tax_rate, "basis": d.tax_basis, "amount": d.tax_amount},
                "fees": [{"code": f.code, "amount": f.amount} for f in d.fees],
            },
            "tradeIn": self._trade(d.trade),
            "financing": {
                "termMonths": fin.term_months,
                "apr": fin.apr,
                "lenderPreference": fin.lender,
                "products": [
                    {"code": p.code, "name": p.name, "price": p.price} for p in fin.products
                ],
            }
            if fin
            else None,
            "paymentOptions": {
                "monthly": fin.monthly_payment,
                "termMonths": fin.term_months,
                "apr": fin.apr,
            }
            if fin
            else None,
            "salespersonId": self.user_id(d.salesperson_id),
            "referenceId": d.reference_id,
            "createdAt": d.created_at,
            "updatedAt": d.updated_at,
        }

    def repair_order(self, ro: RepairOrder) -> Row:
        """The documented list item plus ``promisedAt`` and ``closedAt`` (detail only)."""
        c = self.customers[ro.customer_id]
        v: OwnedVehicle = self.owned[ro.vehicle_id]
        jobs = ro.approved_jobs  # declined recommendations are not lines on the RO
        return {
            "roId": self.ids.make("ro", ro.id),
            "roNumber": ro.number,
            "status": _RO[ro.status],
            "openedAt": ro.opened_at,
            "customer": {
                "customerId": self.customer_id(c.id),
                "firstName": c.first_name,
                "lastName": c.last_name,
                "phone": phone(c.phone),
            },
            "vehicle": {
                "vin": v.vin,
                "year": v.year,
                "make": v.make,
                "model": v.model,
                "mileageIn": ro.mileage_in,
            },
            "advisorId": self.user_id(ro.advisor_id),
            "technicians": [self.user_id(t) for t in ro.technician_ids],
            "lines": {
                "labor": [
                    {
                        "opCode": x.op_code,
                        "description": x.description,
                        "hours": x.hours,
                        "rate": x.rate,
                        "amount": x.amount,
                    }
                    for j in jobs
                    for x in j.labor
                ],
                "parts": [
                    {
                        "partNumber": x.part_number,
                        "description": x.description,
                        "qty": x.quantity,
                        "unitPrice": x.unit_price,
                        "amount": x.amount,
                    }
                    for j in jobs
                    for x in j.parts
                ],
            },
            "totals": {
                "labor": ro.labor_total,
                "parts": ro.parts_total,
                "shopSupplies": ro.fees_total,
                "tax": ro.tax,
                "grandTotal": ro.grand_total,
            },
            "updatedAt": ro.updated_at,
            "promisedAt": ro.promised_at,
            "closedAt": ro.closed_at,
        }

    def appointment(self, a: Appointment) -> Row:
        v = self.owned[a.vehicle_id]
        return {
            "appointmentId": self.ids.make("appt", a.id),
            "status": _APPOINTMENT[a.status],
            "scheduledAt": a.scheduled_at,
            "durationMinutes": a.duration_minutes,
            "customerId": self.customer_id(a.customer_id),
            "vehicle": {"vin": v.vin, "year": v.year, "make": v.make, "model": v.model},
            "advisorId": self.user_id(a.advisor_id),
            "opCodes": list(a.op_codes),
            "concern": a.concern,
            "transportation": a.transportation,
            "notes": a.notes,
            "createdAt": a.created_at,
        }

    def part(self, p: Part) -> Row:
        return part_row(self.ids.make("prt", p.id), p)

    def user(self, e: Employee) -> Row:
        return user_row(self.user_id(e.id), e, e.role.value)

    def account(self, a: Account) -> Row:
        return {
            "accountId": self.account_id(a.id),
            "accountNumber": a.number,
            "customerId": self.customer_id(a.customer_id),
            "status": a.status.value,
            "openedAt": a.opened_on,
            "balance": a.balance,
            "pastDue": a.past_due,
            "daysPastDue": a.days_past_due,
            "nextDueDate": a.next_due_date,
            "nextDueAmount": a.next_due_amount,
            "lastPaymentAt": a.last_payment_at,
            "updatedAt": a.updated_at,
        }

    def payment(self, p: Payment) -> Row:
        assert p.account_id is not None
        return {
            "paymentId": self.ids.make("pmt", p.id),
            "accountId": self.account_id(p.account_id),
            "amount": p.amount,
            "method": p.method.value,
            "receivedAt": p.received_at,
            "receiptNumber": p.receipt_number,
            "reference": p.reference,
        }
