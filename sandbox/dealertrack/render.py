"""One rooftop's neutral world in Dealertrack's shapes (docs/contracts/dealertrack.md):
the page's documented vehicle and repair-order items, and the extrapolated rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.common.ids import HexIds
from sandbox.common.world.models import (
    Appointment,
    AppointmentStatus,
    Customer,
    Deal,
    DealStatus,
    Employee,
    InventoryVehicle,
    OwnedVehicle,
    Part,
    RepairOrder,
    Role,
    RoStatus,
    StoreWorld,
)
from sandbox.dealertrack.inventory import lot_view
from sandbox.dealertrack.lenders import lender_view
from sandbox.supergood.shapes import address_row, customer_row, part_row, user_row

Row = dict[str, Any]

VEHICLE_STATUSES = ("in_stock", "in_transit", "sold", "wholesaled")
VEHICLE_CONDITIONS = ("new", "used", "cpo")
RO_STATUSES = ("open", "closed", "on_hold")
DEAL_STATUSES = tuple(s.value for s in DealStatus)
APPOINTMENT_STATUSES = tuple(s.value for s in AppointmentStatus)
USER_ROLES = tuple(r.value for r in Role)
# Dealertrack knows an RO as open until it is closed (invoiced); waiting on parts is a hold.
_RO_STATUS = {
    RoStatus.DRAFT: "open",
    RoStatus.OPEN: "open",
    RoStatus.IN_PROGRESS: "open",
    RoStatus.COMPLETED: "open",
    RoStatus.WAITING_PARTS: "on_hold",
    RoStatus.CLOSED: "closed",
}
ID_SPAN = 1 << 20  # record numbers per rooftop, so ids are unique across the group


def group_id(ids: HexIds, prefix: str, index: int, n: int) -> str:
    """Record ``n`` of rooftop ``index``: ids are unique across the whole group."""
    return ids.make(prefix, index * ID_SPAN + n)


def phone(digits: str) -> str:
    return f"+1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _initial_last(e: Employee) -> str:
    """How an RO names its technicians: ``T. Carter``."""
    return f"{e.first_name[0]}. {e.last_name}"


class DealertrackRenderer:
    def __init__(
        self, world: StoreWorld, ids: HexIds, rooftop_id: str, index: int, seed_key: str
    ) -> None:
        self.world = world
        self.rooftop_id = rooftop_id
        self._ids = ids
        self._index = index
        self._seed_key = seed_key
        self.customers = {c.id: c for c in world.customers}
        self.employees = {e.id: e for e in world.employees}
        self.inventory = {v.id: v for v in world.inventory}
        self.owned = {v.id: v for v in world.owned_vehicles}

    def make_id(self, prefix: str, n: int) -> str:
        return group_id(self._ids, prefix, self._index, n)

    # --- shared pieces ------------------------------------------------------------------

    def _customer_ref(self, c: Customer) -> Row:
        return {
            "customerId": self.make_id("cust", c.id),
            "name": c.display_name,
            "phone": phone(c.phone),
        }

    def _user_ref(self, e: Employee, name: str) -> Row:
        return {"userId": self.make_id("u", e.id), "name": name}

    @staticmethod
    def _service_vehicle(v: OwnedVehicle) -> Row:
        return {"vin": v.vin, "year": v.year, "make": v.make, "model": v.model}

    # --- documented ---------------------------------------------------------------------

    def vehicle(self, v: InventoryVehicle) -> Row:
        vid = self.make_id("veh", v.id)
        lot = lot_view(self._seed_key, v)
        return {
            "vehicleId": vid,
            "vin": v.vin,
            "stockNumber": v.stock_number,
            "year": v.year,
            "make": v.make,
            "model": v.model,
            "trim": v.trim,
            "bodyStyle": v.body_style,
            "exteriorColor": v.exterior_color,
            "interiorColor": v.interior_color,
            "condition": v.condition.value,
            "status": lot.status,
            "mileage": v.mileage,
            "lotLocation": lot.lot_location,
            "pricing": {
                "msrp": v.msrp,
                "askingPrice": v.asking_price,
                "internetPrice": lot.internet_price,
                "cost": v.cost,
            },
            "photos": [
                {"url": f"https://cdn.example.com/{vid}/{i}.jpg", "primary": i == 1}
                for i in range(1, lot.photo_count + 1)
            ],
            "options": list(lot.options),
            "bookValues": {"kbb": lot.kbb, "nada": lot.nada},
            "acquiredAt": v.acquired_at.date(),
            "updatedAt": v.updated_at,
            "rooftopId": self.rooftop_id,
        }

    def repair_order(self, ro: RepairOrder) -> Row:
        """Every job's lines, declined ones flagged; totals count the approved work only."""
        vehicle = self.owned[ro.vehicle_id]
        assigned: dict[int, Decimal] = {}
        for job in ro.approved_jobs:
            if job.technician_id is not None:
                hours = sum((x.hours for x in job.labor), Decimal(0))
                assigned[job.technician_id] = assigned.get(job.technician_id, Decimal(0)) + hours
        return {
            "roId": self.make_id("ro", ro.id),
            "roNumber": f"RO-{ro.number}",
            "status": _RO_STATUS[ro.status],
            "openedAt": ro.opened_at,
            "promisedAt": ro.promised_at,
            "mileageIn": ro.mileage_in,
            "vehicle": self._service_vehicle(vehicle),
            "customer": self._customer_ref(self.customers[ro.customer_id]),
            "advisor": self._user_ref(
                self.employees[ro.advisor_id], self.employees[ro.advisor_id].short_name
            ),
            "technicians": [
                {
                    **self._user_ref(self.employees[t], _initial_last(self.employees[t])),
                    "assignedHours": hours,
                }
                for t, hours in assigned.items()
            ],
            "lines": {
                "labor": [
                    {
                        "opCode": x.op_code,
                        "description": x.description,
                        "soldHours": x.hours,
                        "rate": x.rate,
                        "amount": x.amount,
                        "declined": not job.approved,
                    }
                    for job in ro.jobs
                    for x in job.labor
                ],
                "parts": [
                    {
                        "partNumber": x.part_number,
                        "description": x.description,
                        "qty": x.quantity,
                        "unitPrice": x.unit_price,
                        "amount": x.amount,
                        "declined": not job.approved,
                    }
                    for job in ro.jobs
                    for x in job.parts
                ],
            },
            "totals": {
                "labor": ro.labor_total,
                "parts": ro.parts_total,
                "shopSupplies": ro.fees_total,
                "tax": ro.tax,
                "grandTotal": ro.grand_total,
            },
            "approvals": self._approvals(ro),
            "updatedAt": ro.updated_at,
            "rooftopId": self.rooftop_id,
        }

    @staticmethod
    def _approvals(ro: RepairOrder) -> Row:
        """The customer signs the estimate; the advisor signs off finished work. A fresh
        open RO may still wait for either signature."""
        fresh = ro.status in (RoStatus.DRAFT, RoStatus.OPEN)
        return {
            "customerApproved": not (fresh and ro.id % 5 == 0),
            "advisorApproved": ro.status in (RoStatus.COMPLETED, RoStatus.CLOSED) or ro.id % 3 != 0,
        }

    # --- extrapolated -------------------------------------------------------------------

    def customer(self, c: Customer) -> Row:
        row = customer_row(self.make_id("cust", c.id), c, phone(c.phone))
        # On file once a deal captured it (the create body's ``customer.driversLicense``).
        return {**row, "driversLicense": None, "rooftopId": self.rooftop_id}

    def deal(self, d: Deal) -> Row:
        buyer = self.customers[d.buyer_id]
        co_buyer = self.customers[d.co_buyer_id] if d.co_buyer_id else None
        vehicle = self.inventory[d.vehicle_id]
        fin = d.financing
        lender = lender_view(self._seed_key, d)
        trade = d.trade
        return {
            "dealId": self.make_id("deal", d.id),
            "dealNumber": d.number,
            "rooftopId": self.rooftop_id,
            "status": d.status.value,
            "lenderStatus": lender.status,
            "vehicleId": self.make_id("veh", vehicle.id),
            "vehicle": {"vin": vehicle.vin, "stockNumber": vehicle.stock_number},
            "customer": {
                "customerId": self.make_id("cust", buyer.id),
                "firstName": buyer.first_name,
                "lastName": buyer.last_name,
                "email": buyer.email,
                "phone": phone(buyer.phone),
            },
            "coBuyer": {
                "customerId": self.make_id("cust", co_buyer.id),
                "firstName": co_buyer.first_name,
                "lastName": co_buyer.last_name,
            }
            if co_buyer
            else None,
            "figures": {
                "salePrice": d.selling_price,
                "cashDown": d.cash_down,
                "rebates": d.rebates,
                "tradeIn": {"value": trade.allowance, "payoff": trade.payoff, "vin": trade.vin}
                if trade
                else None,
                "fees": [
                    {"type": "doc", "amount": d.doc_fee},
                    *({"type": f.code, "amount": f.amount} for f in d.fees),
                ],
                "tax": {"rate": d.tax_rate, "amount": d.tax_amount},
            },
            "finance": {
                "termMonths": fin.term_months,
                "apr": fin.apr,
                "preferredLenders": list(lender.preferred),
                "products": [
                    {"code": p.code, "name": p.name, "price": p.price} for p in fin.products
                ],
                "monthlyPayment": fin.monthly_payment,
            }
            if fin
            else None,
            "lenderDecision": {
                "lenderId": lender.preferred[0],
                "decision": lender.decision,
                "approvedApr": lender.approved_apr,
            }
            if lender.decision
            else None,
            "salespersonId": self.make_id("u", d.salesperson_id),
            "attachments": [],  # documents filed through the API (create body)
            "referenceId": d.reference_id,
            "createdAt": d.created_at,
            "updatedAt": d.updated_at,
        }

    def appointment(self, a: Appointment) -> Row:
        advisor = self.employees[a.advisor_id]
        return {
            "appointmentId": self.make_id("appt", a.id),
            "status": a.status.value,
            "scheduledAt": a.scheduled_at,
            "durationMinutes": a.duration_minutes,
            "customer": self._customer_ref(self.customers[a.customer_id]),
            "vehicle": self._service_vehicle(self.owned[a.vehicle_id]),
            "advisor": self._user_ref(advisor, advisor.short_name),
            "opCodes": list(a.op_codes),
            "concern": a.concern,
            "transportation": a.transportation,
            "notes": a.notes,
            "createdAt": a.created_at,
            "rooftopId": self.rooftop_id,
        }

    def part(self, p: Part) -> Row:
        return {**part_row(self.make_id("prt", p.id), p), "rooftopId": self.rooftop_id}

    def user(self, e: Employee) -> Row:
        row = user_row(self.make_id("u", e.id), e, e.role.value)
        return {**row, "rooftopId": self.rooftop_id}

    def rooftop(self) -> Row:
        store = self.world.store
        return {
            "rooftopId": self.rooftop_id,
            "name": store.name,
            "franchises": [store.franchise_make] if store.franchise_make else [],
            "address": address_row(store.address),
            "phone": phone(store.phone),
            "status": "active",
            "createdAt": store.opened_at,
        }
