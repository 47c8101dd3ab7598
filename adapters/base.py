"""The one interface every DMS adapter implements, and the filters and pages it speaks.

The graph calls only what is declared here. A method an adapter does not override raises
``NotSupported`` carrying the capability, so "this DMS has no such thing" is never mistaken
for "there are none".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Generic, TypeVar

from adapters.commands import (
    AppointmentDraft,
    CustomerDraft,
    DealChanges,
    DealDraft,
    JournalEntryDraft,
    LeadDraft,
    PartStockChange,
    PaymentDraft,
    RepairOrderDraft,
    ServiceVehicleDraft,
    WriteOperation,
    WriteOutcome,
)
from adapters.errors import MfaNotPending, NotSupported
from adapters.health import ConnectionHealth, MfaChallenge
from adapters.models import (
    Account,
    AccountStatus,
    AppointmentStatus,
    Customer,
    Deal,
    DealStatus,
    Dms,
    Employee,
    EmployeeRole,
    InventoryVehicle,
    Lead,
    LeadStatus,
    Part,
    Payment,
    RepairOrder,
    RepairOrderStatus,
    ServiceAppointment,
    ServiceVehicle,
    Store,
    VehicleCondition,
    VehicleStatus,
)

T = TypeVar("T")


class Capability(StrEnum):
    """What a DMS can do. Reads are named after the graph list they feed."""

    VEHICLES = "vehicles"
    CUSTOMERS = "customers"
    SERVICE_VEHICLES = "service_vehicles"
    LEADS = "leads"
    DEALS = "deals"
    REPAIR_ORDERS = "repair_orders"
    APPOINTMENTS = "appointments"
    PARTS = "parts"
    EMPLOYEES = "employees"
    ACCOUNTS = "accounts"
    PAYMENTS = "payments"


@dataclass(frozen=True, slots=True)
class Window:
    """A slice of a list: ``limit`` rows starting at row ``offset`` (0-based)."""

    offset: int = 0
    limit: int = 25


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int | None
    """Rows matching the filter in all, when the vendor says; None when it does not."""
    has_next: bool


# --- filters: every field optional; None means "no constraint" -------------------------


@dataclass(frozen=True, slots=True)
class VehicleFilter:
    status: frozenset[VehicleStatus] | None = None
    condition: frozenset[VehicleCondition] | None = None
    vin: str | None = None
    stock_number: str | None = None
    make: str | None = None
    model: str | None = None
    year: int | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    search: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class ServiceVehicleFilter:
    customer_id: str | None = None
    vin: str | None = None
    license_plate: str | None = None


@dataclass(frozen=True, slots=True)
class LeadFilter:
    status: frozenset[LeadStatus] | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class DealFilter:
    status: frozenset[DealStatus] | None = None
    buyer_id: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class RepairOrderFilter:
    status: frozenset[RepairOrderStatus] | None = None
    advisor_id: str | None = None
    technician_id: str | None = None
    customer_id: str | None = None
    vehicle_id: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class AppointmentFilter:
    status: frozenset[AppointmentStatus] | None = None
    customer_id: str | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class PartFilter:
    search: str | None = None
    part_number: str | None = None


@dataclass(frozen=True, slots=True)
class EmployeeFilter:
    role: frozenset[EmployeeRole] | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class AccountFilter:
    status: frozenset[AccountStatus] | None = None
    customer_id: str | None = None
    past_due_only: bool = False


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    account_id: str | None = None
    repair_order_id: str | None = None
    received_since: datetime | None = None


@dataclass(slots=True)
class AdapterInfo:
    """What the graph may show about a connection: never credentials."""

    dms: Dms
    capabilities: frozenset[Capability]
    stores: list[Store] = field(default_factory=list)


class DmsAdapter:
    """One connection (one login) to one DMS; it may reach several stores.

    ``store_id`` is the vendor's own store scope (AutoSync ``shop_id``, Dealertrack
    ``rooftopId``), or None for vendors whose login is itself one store.

    ``list_*`` return one window of a filtered list. ``get_*`` take a batch of native ids
    and return results in the same order, None where the vendor has no such record; an
    adapter answers a whole batch with as few upstream calls as its vendor allows.
    """

    dms: ClassVar[Dms]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    writes: ClassVar[frozenset[WriteOperation]] = frozenset()
    """The writes this DMS accepts; the others raise NotSupported."""
    idempotent_writes: ClassVar[frozenset[WriteOperation]] = frozenset()
    """Writes the vendor deduplicates by the reference id we send (``referenceId``,
    ``externalId``): only these may be sent again after an unknown outcome."""

    async def start(self) -> None:
        """Open whatever the adapter needs (it is given a shared HTTP session)."""

    async def close(self) -> None:
        """Release anything ``start`` opened; the shared HTTP session is not its to close."""

    def health(self, store_id: str | None = None) -> ConnectionHealth:
        """How this connection is doing for one of its stores; adapters report their HTTP
        client's view."""
        return ConnectionHealth()

    async def request_mfa_code(self) -> MfaChallenge:
        """Have the DMS send a new sign-in code to its person, for a login whose MFA is an
        SMS or e-mail code. Raises MfaNotPending where no code applies."""
        raise MfaNotPending.no_operator(self.dms.value)

    async def submit_mfa_code(self, code: str) -> None:
        """Complete the sign-in the DMS holds with the code a person read. Raises
        MfaCodeRejected (try again), MfaCodeExpired (ask for a new code) or MfaNotPending."""
        raise MfaNotPending.no_operator(self.dms.value)

    async def probe(self) -> None:
        """Reach the DMS and sign in, as the first request would (``dealergraph check``,
        start-up): raises the ``AdapterError`` the first request would meet."""
        await self.list_stores()

    async def retry_sign_in(self) -> None:
        """An operator asks to try again now: refused sign-ins are forgotten, circuits
        closed, and the login signs in (raising what the DMS answers)."""
        return None

    def forget_cached(self, store_id: str | None) -> None:
        """Drop the store's read answers kept across requests (a change event says they
        may be stale)."""
        return None

    async def complete_authorization(self, code: str) -> None:
        """Finish an OAuth authorization with the code the vendor's consent screen sent back
        (``graph.oauth``). Raises ``ValueError`` for a connection that does not use OAuth."""
        raise ValueError(f"{self.dms.value}: this connection does not sign in with OAuth")

    async def list_stores(self) -> list[Store]:
        """The stores this login can reach, as the DMS names them."""
        return [Store(store_id=None)]

    def _unsupported(self, capability: Capability | WriteOperation) -> NotSupported:
        return NotSupported(self.dms, capability)

    # --- sales --------------------------------------------------------------------------

    async def list_vehicles(
        self, store_id: str | None, flt: VehicleFilter, window: Window
    ) -> Page[InventoryVehicle]:
        raise self._unsupported(Capability.VEHICLES)

    async def get_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[InventoryVehicle | None]:
        raise self._unsupported(Capability.VEHICLES)

    async def list_customers(
        self, store_id: str | None, flt: CustomerFilter, window: Window
    ) -> Page[Customer]:
        raise self._unsupported(Capability.CUSTOMERS)

    async def get_customers(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Customer | None]:
        raise self._unsupported(Capability.CUSTOMERS)

    async def list_leads(self, store_id: str | None, flt: LeadFilter, window: Window) -> Page[Lead]:
        raise self._unsupported(Capability.LEADS)

    async def get_leads(self, store_id: str | None, ids: Sequence[str]) -> list[Lead | None]:
        raise self._unsupported(Capability.LEADS)

    async def list_deals(self, store_id: str | None, flt: DealFilter, window: Window) -> Page[Deal]:
        raise self._unsupported(Capability.DEALS)

    async def get_deals(self, store_id: str | None, ids: Sequence[str]) -> list[Deal | None]:
        raise self._unsupported(Capability.DEALS)

    # --- service ------------------------------------------------------------------------

    async def list_service_vehicles(
        self, store_id: str | None, flt: ServiceVehicleFilter, window: Window
    ) -> Page[ServiceVehicle]:
        raise self._unsupported(Capability.SERVICE_VEHICLES)

    async def get_service_vehicles(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceVehicle | None]:
        raise self._unsupported(Capability.SERVICE_VEHICLES)

    async def list_repair_orders(
        self, store_id: str | None, flt: RepairOrderFilter, window: Window
    ) -> Page[RepairOrder]:
        raise self._unsupported(Capability.REPAIR_ORDERS)

    async def get_repair_orders(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[RepairOrder | None]:
        raise self._unsupported(Capability.REPAIR_ORDERS)

    async def list_appointments(
        self, store_id: str | None, flt: AppointmentFilter, window: Window
    ) -> Page[ServiceAppointment]:
        raise self._unsupported(Capability.APPOINTMENTS)

    async def get_appointments(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[ServiceAppointment | None]:
        raise self._unsupported(Capability.APPOINTMENTS)

    async def list_parts(self, store_id: str | None, flt: PartFilter, window: Window) -> Page[Part]:
        raise self._unsupported(Capability.PARTS)

    async def get_parts(self, store_id: str | None, ids: Sequence[str]) -> list[Part | None]:
        raise self._unsupported(Capability.PARTS)

    async def list_employees(
        self, store_id: str | None, flt: EmployeeFilter, window: Window
    ) -> Page[Employee]:
        raise self._unsupported(Capability.EMPLOYEES)

    async def get_employees(
        self, store_id: str | None, ids: Sequence[str]
    ) -> list[Employee | None]:
        raise self._unsupported(Capability.EMPLOYEES)

    # --- receivables --------------------------------------------------------------------

    async def list_accounts(
        self, store_id: str | None, flt: AccountFilter, window: Window
    ) -> Page[Account]:
        raise self._unsupported(Capability.ACCOUNTS)

    async def get_accounts(self, store_id: str | None, ids: Sequence[str]) -> list[Account | None]:
        raise self._unsupported(Capability.ACCOUNTS)

    async def list_payments(
        self, store_id: str | None, flt: PaymentFilter, window: Window
    ) -> Page[Payment]:
        raise self._unsupported(Capability.PAYMENTS)

    async def get_payments(self, store_id: str | None, ids: Sequence[str]) -> list[Payment | None]:
        raise self._unsupported(Capability.PAYMENTS)

    # --- writes -------------------------------------------------------------------------
    # ``reference_id`` is stable for one logical write (derived from the client's
    # idempotency key): send it as the vendor's idempotency field where it has one. A write
    # that may have reached the vendor without an answer raises ``UpstreamOutcomeUnknown``.

    async def create_lead(
        self, store_id: str | None, draft: LeadDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.CREATE_LEAD)

    async def upsert_customer(
        self, store_id: str | None, draft: CustomerDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.UPSERT_CUSTOMER)

    async def create_deal(
        self, store_id: str | None, draft: DealDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.CREATE_DEAL)

    async def update_deal(
        self, store_id: str | None, deal_id: str, changes: DealChanges, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.UPDATE_DEAL)

    async def post_payment(
        self, store_id: str | None, draft: PaymentDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.POST_PAYMENT)

    async def schedule_appointment(
        self, store_id: str | None, draft: AppointmentDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.SCHEDULE_APPOINTMENT)

    async def post_journal_entry(
        self, store_id: str | None, draft: JournalEntryDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.POST_JOURNAL_ENTRY)

    async def create_service_vehicle(
        self, store_id: str | None, draft: ServiceVehicleDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.CREATE_SERVICE_VEHICLE)

    async def create_repair_order(
        self, store_id: str | None, draft: RepairOrderDraft, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.CREATE_REPAIR_ORDER)

    async def set_part_stock(
        self, store_id: str | None, change: PartStockChange, reference_id: str
    ) -> WriteOutcome:
        raise self._unsupported(WriteOperation.SET_PART_STOCK)
