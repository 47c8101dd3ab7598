"""Plain records of one store's world. Ids are per-kind integers in creation order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sandbox.common.money import total
from sandbox.common.people import Metro, PostalAddress


class Role(StrEnum):
    SERVICE_ADVISOR = "service_advisor"
    TECHNICIAN = "technician"
    SALESPERSON = "salesperson"
    FINANCE_MANAGER = "finance_manager"
    MANAGER = "manager"
    PARTS = "parts"
    ACCOUNTING = "accounting"


class StockStatus(StrEnum):
    IN_STOCK = "in_stock"
    HOLD = "hold"
    SOLD = "sold"
    WHOLESALE = "wholesale"
    DEMO = "demo"


class Condition(StrEnum):
    NEW = "new"
    USED = "used"
    CERTIFIED = "cpo"


class DealStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    CONTRACTED = "contracted"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    LOST = "lost"


class RoStatus(StrEnum):
    DRAFT = "draft"  # written up, work not started
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_PARTS = "waiting_parts"
    COMPLETED = "completed"  # work done, not yet closed out
    CLOSED = "closed"  # invoiced / posted to accounting


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class AccountStatus(StrEnum):
    CURRENT = "current"
    PAST_DUE = "past_due"
    PAID_OFF = "paid_off"
    CLOSED = "closed"
    CHARGED_OFF = "charged_off"  # written off unpaid (buy-here-pay-here: usually a repossession)


class AcquisitionSource(StrEnum):
    """How a used vehicle came onto the lot."""

    TRADE_IN = "trade_in"
    AUCTION = "auction"
    DEALER = "dealer"  # bought from another dealer
    OTHER = "other"  # street purchase, lease return...


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHECK = "check"
    CARD = "card"
    ACH = "ach"
    OTHER = "other"


@dataclass
class StoreInfo:
    name: str
    slug: str
    metro: Metro
    address: PostalAddress
    phone: str
    opened_at: datetime
    location_count: int
    franchise_make: str | None
    tax_rate: Decimal
    labor_rate: Decimal
    doc_fee: Decimal
    email_domain: str


@dataclass
class Employee:
    id: int
    first_name: str
    last_name: str
    email: str
    role: Role
    active: bool
    hired_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def short_name(self) -> str:
        return f"{self.first_name} {self.last_name[0]}."


@dataclass
class Customer:
    id: int
    first_name: str
    last_name: str
    company_name: str | None
    email: str
    phone: str  # ten digits
    address: PostalAddress
    created_at: datetime
    updated_at: datetime

    @property
    def is_business(self) -> bool:
        return self.company_name is not None

    @property
    def display_name(self) -> str:
        return self.company_name or f"{self.first_name} {self.last_name}"


@dataclass
class InventoryVehicle:
    id: int
    vin: str
    stock_number: str
    status: StockStatus
    condition: Condition
    year: int
    make: str
    model: str
    trim: str
    body_style: str
    mileage: int
    exterior_color: str
    interior_color: str
    drivetrain: str
    transmission: str
    engine: str
    fuel_type: str
    msrp: Decimal
    asking_price: Decimal
    cost: Decimal
    location: str
    photo_count: int
    acquired_at: datetime
    updated_at: datetime
    source: AcquisitionSource | None = None  # None: new, from the manufacturer
    book_values: BookValues | None = None


@dataclass
class BookValues:
    """Guide-book retail values of a vehicle."""

    kbb: Decimal
    nada: Decimal
    black_book: Decimal


@dataclass
class TradeIn:
    vin: str
    year: int
    make: str
    model: str
    mileage: int
    allowance: Decimal
    payoff: Decimal


@dataclass
class Fee:
    code: str
    amount: Decimal


@dataclass
class FinanceProduct:
    code: str
    name: str
    price: Decimal


@dataclass
class Financing:
    term_months: int
    apr: Decimal
    lender: str | None  # None: the dealer finances the car itself (buy-here-pay-here)
    products: list[FinanceProduct]
    monthly_payment: Decimal
    amount_financed: Decimal | None = None


@dataclass
class Deal:
    id: int
    number: str
    status: DealStatus
    sale_type: str
    buyer_id: int
    co_buyer_id: int | None
    vehicle_id: int
    salesperson_id: int
    selling_price: Decimal
    doc_fee: Decimal
    rebates: Decimal
    cash_down: Decimal
    trade: TradeIn | None
    tax_rate: Decimal
    tax_basis: str
    tax_amount: Decimal
    fees: list[Fee]
    financing: Financing | None
    reference_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass
class Lead:
    id: int
    status: LeadStatus
    customer_id: int
    source: str
    vehicle_id: int | None
    trade: TradeIn | None
    notes: str | None
    consent_tcpa: bool
    consent_email: bool
    consent_sms: bool
    reference_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass
class OwnedVehicle:
    """A customer's own car, as the service department knows it."""

    id: int
    customer_id: int
    vin: str
    year: int
    make: str
    model: str
    trim: str
    license_plate: str
    mileage: int
    miles_per_day: int
    created_at: datetime
    updated_at: datetime


@dataclass
class Part:
    id: int
    part_type: str
    part_number: str
    description: str
    brand: str
    on_hand: int
    cost: Decimal
    price: Decimal
    bin: str
    reorder_point: int
    updated_at: datetime


@dataclass
class LaborLine:
    id: int
    op_code: str
    description: str
    hours: Decimal
    rate: Decimal
    amount: Decimal


@dataclass
class PartLine:
    id: int
    part_id: int
    part_number: str
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass
class FeeLine:
    id: int
    code: str
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass
class Job:
    id: int
    name: str
    op_code: str
    technician_id: int | None
    approved: bool
    labor: list[LaborLine] = field(default_factory=list)
    parts: list[PartLine] = field(default_factory=list)
    fees: list[FeeLine] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return total(
            [x.amount for x in self.labor]
            + [x.amount for x in self.parts]
            + [x.amount for x in self.fees]
        )


@dataclass
class RepairOrder:
    id: int
    number: str
    status: RoStatus
    customer_id: int
    vehicle_id: int
    mileage_in: int
    advisor_id: int
    jobs: list[Job]
    tax_rate: Decimal
    tax: Decimal
    opened_at: datetime
    promised_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    notes: str | None

    @property
    def approved_jobs(self) -> list[Job]:
        return [j for j in self.jobs if j.approved]

    @property
    def labor_total(self) -> Decimal:
        return total(x.amount for j in self.approved_jobs for x in j.labor)

    @property
    def parts_total(self) -> Decimal:
        return total(x.amount for j in self.approved_jobs for x in j.parts)

    @property
    def fees_total(self) -> Decimal:
        return total(x.amount for j in self.approved_jobs for x in j.fees)

    @property
    def subtotal(self) -> Decimal:
        return total((self.labor_total, self.parts_total, self.fees_total))

    @property
    def grand_total(self) -> Decimal:
        return total((self.subtotal, self.tax))

    @property
    def technician_ids(self) -> list[int]:
        seen: dict[int, None] = {}
        for job in self.approved_jobs:
            if job.technician_id is not None:
                seen.setdefault(job.technician_id)
        return list(seen)


@dataclass
class Appointment:
    id: int
    status: AppointmentStatus
    scheduled_at: datetime
    duration_minutes: int
    customer_id: int
    vehicle_id: int
    advisor_id: int
    op_codes: list[str]
    concern: str
    transportation: str
    notes: str | None
    created_at: datetime


@dataclass
class Installment:
    """One row of an amortization schedule."""

    number: int
    due_on: date
    amount: Decimal
    principal: Decimal
    interest: Decimal
    status: str  # paid | past_due | upcoming | charged_off


@dataclass
class InstallmentContract:
    """A buy-here-pay-here retail installment contract: the dealer financed the car."""

    deal_id: int
    vehicle_id: int
    apr: Decimal
    frequency: str  # weekly | biweekly | monthly
    late_fee: Decimal  # charged per installment paid more than ``grace_days`` late
    grace_days: int
    schedule: list[Installment]
    payoff: Decimal  # principal + interest accrued to today + late fees due
    late_fees_due: Decimal
    charged_off_on: date | None = None


@dataclass
class Account:
    """A receivable paid in installments: monthly store credit, or (with ``contract``) a
    buy-here-pay-here car loan whose ``balance`` is the principal still owed."""

    id: int
    number: str
    customer_id: int
    status: AccountStatus
    opened_on: date
    original_amount: Decimal
    installment: Decimal
    balance: Decimal
    past_due: Decimal
    days_past_due: int
    next_due_date: date | None
    next_due_amount: Decimal | None
    last_payment_at: datetime | None
    updated_at: datetime
    contract: InstallmentContract | None = None


@dataclass
class Allocation:
    """How a payment was applied; the parts add up to its amount."""

    principal: Decimal
    interest: Decimal
    late_fees: Decimal


@dataclass
class Payment:
    id: int
    account_id: int | None
    repair_order_id: int | None
    customer_id: int
    amount: Decimal
    method: PaymentMethod
    status: str  # completed | failed
    received_at: datetime
    receipt_number: str
    reference: str | None
    allocation: Allocation | None = None
    note: str | None = None


@dataclass
class StoreWorld:
    store: StoreInfo
    employees: list[Employee]
    customers: list[Customer]
    inventory: list[InventoryVehicle]
    deals: list[Deal]
    leads: list[Lead]
    owned_vehicles: list[OwnedVehicle]
    parts: list[Part]
    repair_orders: list[RepairOrder]
    appointments: list[Appointment]
    accounts: list[Account]
    payments: list[Payment]
