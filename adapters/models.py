"""Canonical models: the one shape every DMS adapter maps its vendor JSON into.

The graph layer reads only these. Ids are the vendor's native ids as strings (AutoSync's
integers included); the graph wraps them into opaque global ids. Money is always Decimal.
Every normalized enum keeps the vendor's raw value beside it (``*_raw``) so nothing the
vendor said is lost in normalization.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from adapters.direct_validation import Canonical as Canonical
from adapters.photos import Photo as Photo
from adapters.photos import Photos

# --- enums -------------------------------------------------------------------------------


class Dms(StrEnum):
    AUTOSOFT = "autosoft"
    AUTOMATE = "automate"
    DEALERTRACK = "dealertrack"
    DEALERCENTER = "dealercenter"
    AUTOSYNC = "autosync"


class VehicleStatus(StrEnum):
    """Where an inventory vehicle stands in the sales life cycle."""

    IN_STOCK = "in_stock"
    IN_TRANSIT = "in_transit"
    ON_HOLD = "on_hold"
    PENDING = "pending"
    DEMO = "demo"
    SOLD = "sold"
    WHOLESALE = "wholesale"
    UNKNOWN = "unknown"


class VehicleCondition(StrEnum):
    NEW = "new"
    USED = "used"
    CERTIFIED = "certified"
    UNKNOWN = "unknown"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    LOST = "lost"
    UNKNOWN = "unknown"


class DealStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CONTRACTED = "contracted"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class RepairOrderStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_PARTS = "waiting_parts"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CLOSED = "closed"
    UNKNOWN = "unknown"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    UNKNOWN = "unknown"


class EmployeeRole(StrEnum):
    SERVICE_ADVISOR = "service_advisor"
    TECHNICIAN = "technician"
    SALESPERSON = "salesperson"
    FINANCE_MANAGER = "finance_manager"
    MANAGER = "manager"
    PARTS = "parts"
    ACCOUNTING = "accounting"
    OTHER = "other"


class AccountKind(StrEnum):
    RECEIVABLE = "receivable"
    BHPH = "bhph"


class AccountStatus(StrEnum):
    CURRENT = "current"
    PAST_DUE = "past_due"
    PAID_OFF = "paid_off"
    CHARGED_OFF = "charged_off"
    CLOSED = "closed"
    UNKNOWN = "unknown"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHECK = "check"
    CARD = "card"
    ACH = "ach"
    OTHER = "other"


# --- shared value objects --------------------------------------------------------------


class Address(Canonical):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


class BookValue(Canonical):
    """A guide-book valuation, for example KBB, NADA or Black Book."""

    source: str
    amount: Decimal


class Fee(Canonical):
    code: str
    description: str | None = None
    amount: Decimal


class Employee(Canonical):
    id: str
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    role: EmployeeRole = EmployeeRole.OTHER
    role_raw: str | None = None
    active: bool = True


# --- dealership ------------------------------------------------------------------------


class Store(Canonical):
    """What the DMS itself says about one store (rooftop, shop) a login can reach."""

    store_id: str | None
    name: str | None = None
    slug: str | None = None
    status: str | None = None
    location_count: int | None = None
    created_at: datetime | None = None


# --- sales side ------------------------------------------------------------------------


class InventoryVehicle(Canonical):
    """A vehicle the dealership holds for sale. Not a customer's car in for service."""

    id: str
    vin: str | None = None
    stock_number: str | None = None
    status: VehicleStatus = VehicleStatus.UNKNOWN
    status_raw: str | None = None
    condition: VehicleCondition = VehicleCondition.UNKNOWN
    condition_raw: str | None = None
    year: int | None = None
    make: str | None = None
    model: str | None = None
    trim: str | None = None
    body_style: str | None = None
    mileage: int | None = None
    mileage_unit: str = "mi"
    exterior_color: str | None = None
    interior_color: str | None = None
    drivetrain: str | None = None
    transmission: str | None = None
    engine: str | None = None
    fuel_type: str | None = None
    msrp: Decimal | None = None
    asking_price: Decimal | None = None
    internet_price: Decimal | None = None
    sale_price: Decimal | None = None
    cost: Decimal | None = None
    book_values: tuple[BookValue, ...] = ()
    location_id: str | None = None
    lot_id: str | None = None
    lot_name: str | None = None
    photos: Photos = Photos()
    options: tuple[str, ...] = ()
    acquired_on: date | None = None
    days_in_stock: int | None = None
    updated_at: datetime | None = None
    acquisition_source: str | None = None
    """How the dealer came by a used vehicle (trade-in, auction...), as the DMS says it."""
    is_wholesale: bool | None = None
    """Designated for wholesale (auction or dealer sale) rather than retail; None when the
    DMS does not say."""


class Customer(Canonical):
    id: str
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    is_business: bool = False
    email: str | None = None
    phone: str | None = None
    address: Address | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    reference_id: str | None = None
    """The writer's own id for this customer (the vendor's upsert key), where it keeps one."""
    consent: Consent | None = None
    """Marketing contact opt-ins on file."""
    full_name: str | None = None
    """The name in one piece, where a record embeds the customer that way only."""

    @property
    def display_name(self) -> str:
        if self.is_business and self.company_name:
            return self.company_name
        parts = " ".join(p for p in (self.first_name, self.last_name) if p)
        return parts or self.full_name or ""


class Consent(Canonical):
    """Contact consent captured with a lead (TCPA for calls, e-mail, SMS)."""

    tcpa: bool | None = None
    email: bool | None = None
    sms: bool | None = None
    captured_at: datetime | None = None
    ip_address: str | None = None
    """Where a web form captured the consent (the TCPA record's proof)."""


class VehicleRef(Canonical):
    """A pointer to a vehicle by the identifiers a vendor gave (some give only a VIN)."""

    vehicle_id: str | None = None
    vin: str | None = None
    stock_number: str | None = None


class TradeIn(Canonical):
    vin: str | None = None
    year: int | None = None
    make: str | None = None
    model: str | None = None
    mileage: int | None = None
    allowance: Decimal | None = None
    actual_cash_value: Decimal | None = None
    payoff: Decimal | None = None
    lienholder: str | None = None


class Lead(Canonical):
    id: str
    status: LeadStatus = LeadStatus.UNKNOWN
    status_raw: str | None = None
    source: str | None = None
    customer_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    vehicle_of_interest: VehicleRef | None = None
    trade_in: TradeIn | None = None
    notes: str | None = None
    consent: Consent | None = None
    reference_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    channel: str | None = None
    """How the lead reached the store within its ``source`` (chat, digital retail...)."""
    assigned_user_id: str | None = None
    """The salesperson working the lead, an employee id."""


class FinanceProduct(Canonical):
    """An F&I product sold on a deal (service contract, GAP...)."""

    code: str
    name: str | None = None
    price: Decimal


class DealPricing(Canonical):
    selling_price: Decimal | None = None
    discounts: Decimal | None = None
    rebates: Decimal | None = None
    doc_fee: Decimal | None = None
    cash_down: Decimal | None = None
    tax_rate: Decimal | None = None
    tax_basis: str | None = None
    tax_amount: Decimal | None = None
    fees: tuple[Fee, ...] = ()


class DealFinancing(Canonical):
    term_months: int | None = None
    apr: Decimal | None = None
    lender_preferences: tuple[str, ...] = ()
    lender_id: str | None = None
    lender_status: str | None = None
    monthly_payment: Decimal | None = None
    credit_application_id: str | None = None
    """The credit application sent to lenders; ``lender_status`` is its status."""
    approved_apr: Decimal | None = None
    """The rate the deciding lender approved (``apr`` is the one asked for)."""


class Deal(Canonical):
    id: str
    deal_number: str | None = None
    status: DealStatus = DealStatus.UNKNOWN
    status_raw: str | None = None
    sale_type: str | None = None
    buyer_id: str | None = None
    co_buyer_id: str | None = None
    vehicle: VehicleRef | None = None
    pricing: DealPricing = DealPricing()
    trade_ins: tuple[TradeIn, ...] = ()
    financing: DealFinancing | None = None
    products: tuple[FinanceProduct, ...] = ()
    salesperson_id: str | None = None
    reference_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    finance_manager_id: str | None = None
    """The F&I manager working the deal, an employee id."""
    buyer: Customer | None = None
    """The buyer as the deal embeds them, holding only the fields the vendor gave."""


# --- service side ----------------------------------------------------------------------


class ServiceVehicle(Canonical):
    """A customer's vehicle as the service department knows it. Not inventory for sale.

    ``id`` is the vendor's own id where it has one; vendors that only embed the vehicle in
    a repair order are keyed by VIN.
    """

    id: str
    vin: str | None = None
    year: int | None = None
    make: str | None = None
    model: str | None = None
    trim: str | None = None
    license_plate: str | None = None
    mileage: int | None = None
    owner_id: str | None = None
    created_at: datetime | None = None


class TechnicianAssignment(Canonical):
    """A technician on a repair order and the hours of its work assigned to them."""

    employee_id: str
    name: str | None = None
    assigned_hours: Decimal | None = None


class LaborLine(Canonical):
    op_code: str | None = None
    description: str | None = None
    hours: Decimal | None = None
    rate: Decimal | None = None
    amount: Decimal
    declined: bool = False
    technician_id: str | None = None
    job_name: str | None = None


class PartLine(Canonical):
    part_number: str | None = None
    description: str | None = None
    quantity: Decimal
    unit_price: Decimal | None = None
    amount: Decimal
    declined: bool = False
    job_name: str | None = None


class RepairOrderTotals(Canonical):
    labor: Decimal | None = None
    parts: Decimal | None = None
    shop_supplies: Decimal | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    grand_total: Decimal | None = None


class RepairOrder(Canonical):
    id: str
    ro_number: str | None = None
    status: RepairOrderStatus = RepairOrderStatus.UNKNOWN
    status_raw: str | None = None
    opened_at: datetime | None = None
    promised_at: datetime | None = None
    closed_at: datetime | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    vehicle_id: str | None = None
    vehicle: ServiceVehicle | None = None
    mileage_in: int | None = None
    advisor_id: str | None = None
    technician_ids: tuple[str, ...] = ()
    labor_lines: tuple[LaborLine, ...] = ()
    part_lines: tuple[PartLine, ...] = ()
    totals: RepairOrderTotals = RepairOrderTotals()
    customer_approved: bool | None = None
    notes: str | None = None
    updated_at: datetime | None = None
    lines_included: bool = True
    advisor_name: str | None = None
    """The advisor as the repair order names them, where it embeds them."""
    advisor_approved: bool | None = None
    """The advisor signed off the work, where the DMS records it."""
    technicians: tuple[TechnicianAssignment, ...] = ()
    """Per-technician assignment detail, where the DMS gives it (ids also in technician_ids)."""
    customer: Customer | None = None
    """The customer as the RO embeds them, holding only the fields the vendor gave."""
    """False when the vendor's list omits line items (they come from the detail call)."""


class ServiceAppointment(Canonical):
    id: str
    status: AppointmentStatus = AppointmentStatus.UNKNOWN
    status_raw: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    customer_id: str | None = None
    vehicle_id: str | None = None
    vin: str | None = None
    vehicle: ServiceVehicle | None = None
    """The vehicle as the appointment embeds it, for vendors without a vehicle resource."""
    advisor_id: str | None = None
    op_codes: tuple[str, ...] = ()
    concern: str | None = None
    transportation: str | None = None
    notes: str | None = None
    created_at: datetime | None = None


class Part(Canonical):
    id: str
    part_number: str
    description: str | None = None
    quantity_on_hand: Decimal | None = None
    cost: Decimal | None = None
    price: Decimal | None = None
    bin: str | None = None
    vendor: str | None = None
    reorder_point: Decimal | None = None
    updated_at: datetime | None = None


# --- receivables -----------------------------------------------------------------------


class PaymentAllocation(Canonical):
    principal: Decimal = Decimal("0")
    interest: Decimal = Decimal("0")
    late_fees: Decimal = Decimal("0")
    other: Decimal = Decimal("0")


class Payment(Canonical):
    id: str
    account_id: str | None = None
    repair_order_id: str | None = None
    customer_id: str | None = None
    amount: Decimal
    method: PaymentMethod = PaymentMethod.OTHER
    method_raw: str | None = None
    status: str | None = None
    received_at: datetime | None = None
    receipt_number: str | None = None
    allocation: PaymentAllocation | None = None
    reference_id: str | None = None
    note: str | None = None


class Installment(Canonical):
    """One row of an account's payment schedule."""

    due_date: date
    amount: Decimal
    principal: Decimal | None = None
    interest: Decimal | None = None
    paid: bool = False


class Account(Canonical):
    """A customer's receivable or buy-here-pay-here account."""

    id: str
    account_number: str | None = None
    kind: AccountKind = AccountKind.RECEIVABLE
    status: AccountStatus = AccountStatus.UNKNOWN
    status_raw: str | None = None
    customer_id: str | None = None
    deal_id: str | None = None
    vehicle_id: str | None = None
    opened_on: date | None = None
    original_amount: Decimal | None = None
    balance: Decimal
    payoff_amount: Decimal | None = None
    apr: Decimal | None = None
    payment_amount: Decimal | None = None
    payment_frequency: str | None = None
    next_due_date: date | None = None
    next_due_amount: Decimal | None = None
    days_past_due: int = 0
    past_due_amount: Decimal | None = None
    last_payment_at: datetime | None = None
    schedule: tuple[Installment, ...] = Field(default=())
    updated_at: datetime | None = None
    late_fees_due: Decimal | None = None
    """Late fees charged and not yet paid (not part of ``past_due_amount``)."""
