"""Field maps the Supergood-family pages share: the same camelCase key, read the same way,
on AutoSoft, Auto/Mate, Dealertrack and DealerCenter records. Each vendor's mapping adds
its own keys (and its status tables) to these; see ``adapters.fieldmap``."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.convert import count, day, decimal, ident, integer, money, text, timestamp
from adapters.fieldmap import FieldMap, Normalized, Required, renames
from adapters.models import (
    AccountStatus,
    AppointmentStatus,
    DealStatus,
    LeadStatus,
    RepairOrderStatus,
    VehicleStatus,
)

APPOINTMENT_STATUS = {s.value: s for s in AppointmentStatus if s is not AppointmentStatus.UNKNOWN}

CREATED: FieldMap = renames(timestamp, created_at="createdAt")
STAMPS: FieldMap = renames(timestamp, created_at="createdAt", updated_at="updatedAt")

CONTACT: FieldMap = renames(
    text, first_name="firstName", last_name="lastName", email="email", phone="phone"
)
NAMES: FieldMap = renames(
    text, first_name="firstName", last_name="lastName", company_name="companyName"
)
CUSTOMER: FieldMap = {"id": Required("customerId", ident), **NAMES, **STAMPS}
VEHICLE: FieldMap = {
    "id": Required("vehicleId", ident),
    **renames(text, vin="vin", stock_number="stockNumber", make="make", model="model"),
    **renames(text, trim="trim"),
    **renames(integer, year="year"),
    **renames(timestamp, updated_at="updatedAt"),
}
# The body and its colours, as AutoSoft, Auto/Mate and Dealertrack give them.
VEHICLE_BODY: FieldMap = renames(
    text, body_style="bodyStyle", exterior_color="exteriorColor", interior_color="interiorColor"
)
# AutoSoft and Auto/Mate only.
POWERTRAIN: FieldMap = renames(
    text, transmission="transmission", engine="engine", fuel_type="fuelType"
)
LEAD: FieldMap = {
    "id": Required("leadId", ident),
    **renames(text, source="source", reference_id="referenceId"),
    **STAMPS,
}
DEAL: FieldMap = {
    "id": Required("dealId", ident),
    **renames(text, deal_number="dealNumber", reference_id="referenceId"),
    **renames(ident, salesperson_id="salespersonId"),
    **STAMPS,
}
REPAIR_ORDER: FieldMap = {
    **renames(text, ro_number="roNumber"),
    **renames(timestamp, opened_at="openedAt", promised_at="promisedAt", updated_at="updatedAt"),
}
# Without start and end, which each vendor times its own way.
APPOINTMENT: FieldMap = {
    "id": Required("appointmentId", ident),
    "status": Normalized("status", APPOINTMENT_STATUS, AppointmentStatus.UNKNOWN),
    **renames(text, concern="concern", transportation="transportation", notes="notes"),
    **CREATED,
}
ACCOUNT: FieldMap = {
    "id": Required("accountId", ident),
    "balance": Required("balance", money),
    **renames(text, account_number="accountNumber"),
    **renames(ident, customer_id="customerId"),
    **renames(day, next_due_date="nextDueDate"),
    **renames(money, next_due_amount="nextDueAmount"),
    **renames(count, days_past_due="daysPastDue"),
    **renames(timestamp, last_payment_at="lastPaymentAt", updated_at="updatedAt"),
}
EMBEDDED_VEHICLE: FieldMap = {
    **renames(integer, year="year"),
    **renames(text, make="make", model="model"),
}
TOTALS: FieldMap = renames(
    money, labor="labor", parts="parts", shop_supplies="shopSupplies", subtotal="subtotal"
) | renames(money, tax="tax", grand_total="grandTotal")
LABOR_LINE: FieldMap = {
    "amount": Required("amount", money),
    **renames(text, op_code="opCode", description="description"),
    **renames(decimal, hours="hours"),
    **renames(money, rate="rate"),
}
PART_LINE: FieldMap = {
    "quantity": Required("qty", decimal),
    "amount": Required("amount", money),
    **renames(text, part_number="partNumber", description="description"),
    **renames(money, unit_price="unitPrice"),
}
PAYMENT: FieldMap = {
    "amount": Required("amount", money),
    **renames(ident, account_id="accountId"),
    **renames(text, receipt_number="receiptNumber"),
}


# Each vendor words these statuses its own way: the maps below take its table.
def vehicle(statuses: Mapping[str, VehicleStatus]) -> FieldMap:
    return {**VEHICLE, "status": Normalized("status", statuses, VehicleStatus.UNKNOWN)}


def lead(statuses: Mapping[str, LeadStatus]) -> FieldMap:
    return {**LEAD, "status": Normalized("status", statuses, LeadStatus.UNKNOWN)}


def deal(statuses: Mapping[str, DealStatus]) -> FieldMap:
    return {**DEAL, "status": Normalized("status", statuses, DealStatus.UNKNOWN)}


def repair_order(id_key: str, statuses: Mapping[str, RepairOrderStatus]) -> FieldMap:
    return {
        **REPAIR_ORDER,
        "id": Required(id_key, ident),
        "status": Normalized("status", statuses, RepairOrderStatus.UNKNOWN),
    }


def account(statuses: Mapping[str, AccountStatus]) -> FieldMap:
    return {**ACCOUNT, "status": Normalized("status", statuses, AccountStatus.UNKNOWN)}
