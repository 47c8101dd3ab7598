"""Canonical write requests (what the graph asks a DMS to record) and their outcomes.

Each adapter turns these into its vendor's own request shape. They arrive validated: money
is Decimal with at most two places and never negative, allocations add up, journal entries
balance, ids are the vendor's native ids of the same dealership. An adapter still answers
``UpstreamRejected`` when the vendor refuses something only it can check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, SerializeAsAny, model_validator

from adapters.convert import Raw, mapped
from adapters.errors import UpstreamProtocolError
from adapters.models import (
    Address,
    Canonical,
    Consent,
    Customer,
    Deal,
    DealStatus,
    Fee,
    FinanceProduct,
    Lead,
    Part,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    RepairOrder,
    ServiceAppointment,
    ServiceVehicle,
    TradeIn,
    VehicleRef,
)

log = logging.getLogger(__name__)

R = TypeVar("R", bound=Canonical)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WriteOperation(StrEnum):
    """A kind of write a DMS may accept."""

    CREATE_LEAD = "create_lead"
    UPSERT_CUSTOMER = "upsert_customer"
    CREATE_DEAL = "create_deal"
    UPDATE_DEAL = "update_deal"
    POST_PAYMENT = "post_payment"
    SCHEDULE_APPOINTMENT = "schedule_appointment"
    POST_JOURNAL_ENTRY = "post_journal_entry"
    CREATE_SERVICE_VEHICLE = "create_service_vehicle"
    CREATE_REPAIR_ORDER = "create_repair_order"
    SET_PART_STOCK = "set_part_stock"


class Phone(Command):
    number: str
    type: str | None = None
    """mobile, home, work..."""


class Contact(Command):
    """A person as a write names them, when they are not (yet) a customer record."""

    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    address: Address | None = None


class DriversLicense(Command):
    number: str
    state: str


class MarketingOptIn(Command):
    email: bool | None = None
    sms: bool | None = None
    phone: bool | None = None


class LeadDraft(Command):
    contact: Contact
    customer_id: str | None = None
    source: str
    channel: str | None = None
    vehicle_of_interest: VehicleRef | None = None
    trade_in: TradeIn | None = None
    notes: str | None = None
    consent: Consent
    consent_ip: str | None = None
    assigned_user_id: str | None = None


class CustomerDraft(Command):
    """Create, or update the record the DMS matches (by id, external id, or name + contact)."""

    customer_id: str | None = None
    """Update this record (vendors with an update-by-id endpoint)."""
    external_id: str | None = None
    customer_type: str | None = None
    """retail, fleet or business."""
    first_name: str
    last_name: str
    company_name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()
    address: Address | None = None
    drivers_license: DriversLicense | None = None
    date_of_birth: date | None = None
    marketing_opt_in: MarketingOptIn | None = None
    source: str | None = None
    notes: str | None = None


class DealDraft(Command):
    buyer_id: str | None = None
    buyer: Contact | None = None
    """For vendors that take the buyer inline (and may create the customer)."""
    co_buyer_id: str | None = None
    vehicle: VehicleRef
    sale_type: str | None = None
    """retail, finance, lease, cash, wholesale."""
    selling_price: Decimal
    discounts: Decimal | None = None
    rebates: Decimal | None = None
    doc_fee: Decimal | None = None
    cash_down: Decimal | None = None
    tax_rate: Decimal | None = None
    """A fraction: 0.07 is 7%."""
    tax_basis: str | None = None
    tax_amount: Decimal | None = None
    fees: tuple[Fee, ...] = ()
    trade_ins: tuple[TradeIn, ...] = ()
    term_months: int | None = None
    apr: Decimal | None = None
    """Percent: 5.99 is 5.99%."""
    lender_preferences: tuple[str, ...] = ()
    products: tuple[FinanceProduct, ...] = ()
    salesperson_id: str | None = None
    submit_credit_application: bool = False
    status: DealStatus | None = None
    """An initial status where the vendor lets the writer choose (Auto/Mate: penciled)."""


class LenderDecision(Command):
    lender_id: str
    decision: str
    """approved, declined, countered, conditioned."""
    approved_apr: Decimal | None = None


class DealChanges(Command):
    status: DealStatus | None = None
    lender_decision: LenderDecision | None = None
    selling_price: Decimal | None = None
    cash_down: Decimal | None = None
    rebates: Decimal | None = None
    term_months: int | None = None
    apr: Decimal | None = None


class PaymentDraft(Command):
    account_id: str
    amount: Decimal
    method: PaymentMethod
    received_at: datetime | None = None
    allocation: PaymentAllocation | None = None
    note: str | None = None


class AppointmentDraft(Command):
    customer_id: str
    vehicle_id: str | None = None
    vin: str | None = None
    starts_at: datetime
    ends_at: datetime | None = None
    advisor_id: str | None = None
    op_codes: tuple[str, ...] = ()
    concern: str | None = None
    transportation: str | None = None
    """waiter, drop_off, loaner, shuttle, rideshare."""
    notes: str | None = None


class JournalLine(Command):
    account_number: str
    department: str | None = None
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    description: str | None = None


class JournalEntryDraft(Command):
    posted_on: date
    memo: str | None = None
    reference: str | None = None
    lines: tuple[JournalLine, ...]


class ServiceVehicleDraft(Command):
    owner_id: str
    year: int
    make: str
    model: str
    vin: str | None = None
    license_plate: str | None = None
    mileage: int | None = None


class RepairOrderLine(Command):
    kind: str
    """labor, part or fee."""
    description: str
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None
    hours: Decimal | None = None
    rate: Decimal | None = None
    part_id: str | None = None


class RepairOrderJob(Command):
    name: str
    lines: tuple[RepairOrderLine, ...] = ()


class RepairOrderDraft(Command):
    customer_id: str
    vehicle_id: str
    technician_id: str | None = None
    notes: str | None = None
    jobs: tuple[RepairOrderJob, ...] = ()


class PartStockChange(Command):
    part_id: str
    quantity: int | None = None
    cost: Decimal | None = None
    price: Decimal | None = None


class PaymentEstimate(Command):
    monthly: Decimal
    term_months: int | None = None
    apr: Decimal | None = None


class CreditApplicationStatus(Command):
    id: str
    status: str


RECORD_KINDS: dict[str, type[Canonical]] = {
    "lead": Lead,
    "customer": Customer,
    "deal": Deal,
    "appointment": ServiceAppointment,
    "payment": Payment,
    "repair_order": RepairOrder,
    "service_vehicle": ServiceVehicle,
    "part": Part,
}
"""The canonical models a write's record may be, by the name a recorded outcome keeps."""
_KIND_OF = {model: kind for kind, model in RECORD_KINDS.items()}


def written_record(mapper: Callable[[Raw], R], raw: Raw, *, source: str) -> R | None:
    """The record a write made, read with the vendor's read mapping from ``raw`` (its 2xx
    answer, merged with the request as sent where the answer is partial). None, logged, when
    it does not map: the DMS took the write, so this never fails it."""
    try:
        return mapped(mapper, raw, source=source)
    except UpstreamProtocolError as exc:
        log.warning("%s: no record built from the answer (%s)", source, exc.message)
        return None


class WriteOutcome(Command):
    """What the DMS answered to a write: the record's id and what it said beside it."""

    id: str
    """The vendor's id of the record created or changed."""
    status_raw: str | None = None
    reference_id: str | None = None
    occurred_at: datetime | None = None
    number: str | None = None
    """A human-facing number the vendor assigned (deal number, receipt number...)."""
    payment_estimate: PaymentEstimate | None = None
    credit_application: CreditApplicationStatus | None = None
    lender_status: str | None = None
    next_due_date: date | None = None
    matched_by: str | None = None
    """For upserts: how the DMS found an existing record (externalId, name_contact), or
    None when it created one."""
    balance: Decimal | None = None
    """For payments: the account's balance after this one, as the DMS computed it."""
    record: SerializeAsAny[Canonical] | None = None
    """The record written, as the DMS's 2xx answer and the validated input describe it: the
    canonical model, as complete as those two allow. The graph answers with it when the
    record cannot be read back (an extrapolated detail endpoint the tenant lacks)."""
    record_kind: str | None = None
    """Which of ``RECORD_KINDS`` ``record`` is; set from it, so a recorded outcome (JSON)
    reads back as the same model."""

    @model_validator(mode="before")
    @classmethod
    def _typed_record(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        record = data.get("record")
        if isinstance(record, Canonical):
            kind = _KIND_OF.get(type(record))
            if kind is None:
                raise ValueError(f"a write records no {type(record).__name__}")
            return {**data, "record_kind": kind}
        if isinstance(record, Mapping):
            model = RECORD_KINDS.get(str(data.get("record_kind")))
            if model is None:
                raise ValueError(f"unknown record kind {data.get('record_kind')!r}")
            return {**data, "record": model.model_validate(record)}
        return data
