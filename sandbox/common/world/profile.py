"""What kind of store to generate, and how big (record counts at scale 1)."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.common.world.models import (
    AppointmentStatus,
    Condition,
    Role,
    RoStatus,
    StockStatus,
)


@dataclass(frozen=True)
class SalesMix:
    """What a store sells and how its buyers pay."""

    conditions: tuple[tuple[Condition, int], ...] = (
        (Condition.NEW, 45),
        (Condition.USED, 43),
        (Condition.CERTIFIED, 12),
    )
    unsold_statuses: tuple[tuple[StockStatus, int], ...] = (
        (StockStatus.IN_STOCK, 75),
        (StockStatus.HOLD, 10),
        (StockStatus.WHOLESALE, 8),
        (StockStatus.DEMO, 7),
    )
    used_age_years: tuple[int, int] = (1, 12)
    cash_share: float = 0.22
    bhph_share: float = 0.0
    """Of the financed deals, the share the dealer finances itself (buy-here-pay-here)."""


FRANCHISE_SALES = SalesMix()


@dataclass(frozen=True)
class StoreProfile:
    # "dealership" (franchised) and "independent" (used cars only) sell cars, and a
    # dealership services them too; "repair_shop" only services them.
    kind: str
    employees: int
    customers: int
    owned_vehicles: int
    repair_orders: int
    appointments: int
    parts: int
    inventory: int = 0
    deals: int = 0
    leads: int = 0
    accounts: int = 0
    roles: tuple[tuple[Role, int], ...] = ()
    ro_statuses: tuple[tuple[RoStatus, int], ...] = ()
    appointment_statuses: tuple[tuple[AppointmentStatus, int], ...] = ()
    ro_tax_on_fees: bool = False  # dealers tax labor+parts; shops tax the whole subtotal
    ro_payments: bool = False  # shops take payment against the work order
    labor_rate_range: tuple[int, int] = (110, 150)
    sales: SalesMix = FRANCHISE_SALES


DEALERSHIP = StoreProfile(
    kind="dealership",
    employees=25,
    customers=400,
    owned_vehicles=350,
    repair_orders=300,
    appointments=80,
    parts=250,
    inventory=300,
    deals=200,
    leads=150,
    accounts=120,
    roles=(
        (Role.SERVICE_ADVISOR, 4),
        (Role.TECHNICIAN, 8),
        (Role.SALESPERSON, 6),
        (Role.FINANCE_MANAGER, 2),
        (Role.MANAGER, 2),
        (Role.PARTS, 2),
        (Role.ACCOUNTING, 1),
    ),
    ro_statuses=(
        (RoStatus.OPEN, 18),
        (RoStatus.WAITING_PARTS, 8),
        (RoStatus.COMPLETED, 10),
        (RoStatus.CLOSED, 64),
    ),
    appointment_statuses=(
        (AppointmentStatus.SCHEDULED, 30),
        (AppointmentStatus.CONFIRMED, 18),
        (AppointmentStatus.ARRIVED, 5),
        (AppointmentStatus.COMPLETED, 32),
        (AppointmentStatus.CANCELLED, 8),
        (AppointmentStatus.NO_SHOW, 7),
    ),
    labor_rate_range=(135, 175),
)

REPAIR_SHOP = StoreProfile(
    kind="repair_shop",
    employees=25,
    customers=400,
    owned_vehicles=500,
    repair_orders=300,
    appointments=80,
    parts=250,
    roles=((Role.TECHNICIAN, 14), (Role.SERVICE_ADVISOR, 7), (Role.MANAGER, 4)),
    ro_statuses=(
        (RoStatus.DRAFT, 7),
        (RoStatus.IN_PROGRESS, 12),
        (RoStatus.WAITING_PARTS, 7),
        (RoStatus.COMPLETED, 10),
        (RoStatus.CLOSED, 64),
    ),
    appointment_statuses=(
        (AppointmentStatus.SCHEDULED, 30),
        (AppointmentStatus.CONFIRMED, 22),
        (AppointmentStatus.COMPLETED, 33),
        (AppointmentStatus.CANCELLED, 8),
        (AppointmentStatus.NO_SHOW, 7),
    ),
    ro_tax_on_fees=True,
    ro_payments=True,
    labor_rate_range=(105, 140),
)

# An independent used-car lot that finances most of its buyers itself: no service
# department, and its receivables are its buy-here-pay-here contracts.
BHPH_DEALER = StoreProfile(
    kind="independent",
    employees=12,
    customers=350,
    owned_vehicles=0,
    repair_orders=0,
    appointments=0,
    parts=0,
    inventory=250,
    deals=220,
    leads=150,
    roles=(
        (Role.SALESPERSON, 5),
        (Role.FINANCE_MANAGER, 1),
        (Role.MANAGER, 2),
        (Role.ACCOUNTING, 3),
    ),
    sales=SalesMix(
        conditions=((Condition.USED, 1),),
        unsold_statuses=(
            (StockStatus.IN_STOCK, 80),
            (StockStatus.HOLD, 10),
            (StockStatus.WHOLESALE, 10),
        ),
        used_age_years=(5, 14),  # older, cheaper cars a buyer with weak credit can carry
        cash_share=0.15,
        bhph_share=0.65,
    ),
)
