"""Vehicles for sale, deals on them, and sales leads."""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sandbox.common.catalog import (
    MODELS,
    Build,
    ModelSpec,
    models_for,
    random_build,
    trim_msrp,
)
from sandbox.common.dates import Timeline
from sandbox.common.money import ZERO, money, price_point, total
from sandbox.common.rng import chance, spread
from sandbox.common.vin import VinFactory
from sandbox.common.world.models import (
    Condition,
    Customer,
    Deal,
    DealStatus,
    Employee,
    Fee,
    FinanceProduct,
    Financing,
    InventoryVehicle,
    Lead,
    LeadStatus,
    Role,
    StockStatus,
    StoreInfo,
    TradeIn,
)
from sandbox.common.world.profile import FRANCHISE_SALES, SalesMix

DEAL_STATUS_WEIGHTS = (
    (DealStatus.DELIVERED, 55),
    (DealStatus.CONTRACTED, 10),
    (DealStatus.APPROVED, 8),
    (DealStatus.PENDING, 10),
    (DealStatus.DRAFT, 9),
    (DealStatus.CANCELLED, 8),
)
LEAD_STATUS_WEIGHTS = (
    (LeadStatus.NEW, 15),
    (LeadStatus.CONTACTED, 25),
    (LeadStatus.QUALIFIED, 20),
    (LeadStatus.CONVERTED, 20),
    (LeadStatus.LOST, 20),
)
LEAD_SOURCES = (
    ("website_digital_retail", 35),
    ("third_party_marketplace", 20),
    ("walk_in", 15),
    ("phone", 12),
    ("chat", 10),
    ("oem_referral", 8),
)
LEAD_NOTES = (
    "Prefers 36-month term; open to extended warranty.",
    "Asked for best out-the-door price.",
    "Wants to schedule a test drive this weekend.",
    "Trade-in appraisal requested.",
    "Interested in lease vs. finance comparison.",
    "Looking for third-row seating.",
    "Needs to sell current vehicle first.",
)
LENDERS = ("ALLY", "CAPITAL_ONE", "CHASE", "WELLS_FARGO", "PNC", "TD_AUTO", "LOCAL_CU")
CAPTIVE_LENDERS = {
    "Ford": "FORD_CREDIT",
    "Chevrolet": "GM_FINANCIAL",
    "GMC": "GM_FINANCIAL",
    "Toyota": "TOYOTA_FINANCIAL",
    "Honda": "HONDA_FINANCIAL",
    "Nissan": "NISSAN_MOTOR_ACCEPTANCE",
    "Hyundai": "HYUNDAI_MOTOR_FINANCE",
    "Kia": "KIA_FINANCE",
    "Subaru": "SUBARU_MOTORS_FINANCE",
    "BMW": "BMW_FINANCIAL",
    "Mazda": "MAZDA_FINANCIAL",
    "Jeep": "CHRYSLER_CAPITAL",
    "Ram": "CHRYSLER_CAPITAL",
}
LENDER_DOWN_PAYMENTS = (0, 500, 1000, 1500, 2000, 2500, 3000, 5000)
# Buy-here-pay-here: the dealer lends to buyers banks turn down, at rates near state caps,
# over short terms, and asks for a down payment the buyer can reach.
BHPH_DOWN_PAYMENTS = (500, 750, 1000, 1000, 1500, 2000)
BHPH_TERMS = (18, 24, 24, 30, 36, 36, 42)
BHPH_APR_BASIS_POINTS = (1800, 2900)
BHPH_MIN_DUE = Decimal(4000)
PRODUCTS = (
    ("VSC", "Vehicle Service Contract", 1495, 2895),
    ("GAP", "GAP Insurance", 595, 995),
    ("TW", "Tire & Wheel Protection", 595, 1095),
    ("PPM", "Prepaid Maintenance", 495, 995),
)


def _months(rng: random.Random) -> int:
    return rng.choice((36, 48, 60, 60, 72, 72, 72, 84))


def monthly_payment(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    """Level monthly payment of an amortizing loan, computed in Decimal."""
    if principal <= 0:
        return ZERO
    rate = apr / Decimal(1200)
    if rate == 0:
        return money(principal / months)
    factor = (1 + rate) ** months
    return money(principal * rate * factor / (factor - 1))


def used_value(msrp: Decimal, age: int, mileage: int) -> Decimal:
    """Rough wholesale value: about 8% a year off 85% of sticker, less excess miles."""
    expected = 12_000 * max(1, age)
    value = msrp * Decimal("0.85") * Decimal("0.92") ** age - Decimal(mileage - expected) * Decimal(
        "0.08"
    )
    return money(max(Decimal(2500), value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pick_model(rng: random.Random, make: str | None, year: int) -> ModelSpec:
    pool = [m for m in (models_for(make) if make else MODELS) if m.first_year <= year]
    return rng.choice(pool or list(MODELS))


class _VehicleMaker:
    def __init__(
        self,
        rng: random.Random,
        store: StoreInfo,
        timeline: Timeline,
        vins: VinFactory,
        sales: SalesMix,
    ) -> None:
        self.rng = rng
        self.store = store
        self.sales = sales
        self.timeline = timeline
        self.vins = vins
        self.current_year = timeline.today.year

    def build(self, condition: Condition, demo: bool) -> tuple[Build, int, Decimal]:
        rng, year_now = self.rng, self.current_year
        if condition is Condition.NEW:
            # From late summer the next model year is on the lot too.
            year = (
                rng.choice((year_now, year_now + 1)) if self.timeline.today.month >= 8 else year_now
            )
            spec = _pick_model(rng, self.store.franchise_make, year)
            mileage = rng.randint(1500, 6500) if demo else rng.randint(3, 45)
        elif condition is Condition.CERTIFIED:
            year = year_now - rng.randint(1, 5)
            spec = _pick_model(rng, self.store.franchise_make, year)
            mileage = (year_now - year) * rng.randint(7000, 13000) + rng.randint(0, 4000)
        else:
            year = year_now - rng.randint(*self.sales.used_age_years)
            spec = _pick_model(rng, None, year)
            mileage = (year_now - year) * rng.randint(8000, 15000) + rng.randint(0, 6000)
        build = random_build(rng, spec, year)
        msrp = trim_msrp(rng, spec, build.trim, year, year_now)
        return build, mileage, msrp


def generate_inventory_and_deals(
    rng: random.Random,
    store: StoreInfo,
    timeline: Timeline,
    vins: VinFactory,
    n_vehicles: int,
    n_deals: int,
    customers: list[Customer],
    employees: list[Employee],
    sales: SalesMix = FRANCHISE_SALES,
) -> tuple[list[InventoryVehicle], list[Deal]]:
    maker = _VehicleMaker(rng, store, timeline, vins, sales)
    deal_statuses = spread(rng, n_deals, DEAL_STATUS_WEIGHTS)
    sold_deal_statuses = [
        s for s in deal_statuses if s in (DealStatus.DELIVERED, DealStatus.CONTRACTED)
    ]
    n_sold = min(len(sold_deal_statuses), n_vehicles)
    stock_statuses = [StockStatus.SOLD] * n_sold + spread(
        rng, n_vehicles - n_sold, sales.unsold_statuses
    )

    drafts: list[dict] = []
    for index, status in enumerate(stock_statuses):
        sold_kind = sold_deal_statuses[index] if status is StockStatus.SOLD else None
        drafts.append(_vehicle_draft(rng, maker, status, sold_kind))
    drafts.sort(key=lambda d: d["acquired_at"])

    stock_counter = rng.randint(21000, 48000)
    vehicles: list[InventoryVehicle] = []
    for vid, d in enumerate(drafts, start=1):
        stock_counter += rng.randint(1, 3)
        prefix = {Condition.NEW: "N", Condition.USED: "U", Condition.CERTIFIED: "C"}[d["condition"]]
        build: Build = d["build"]
        vehicles.append(
            InventoryVehicle(
                id=vid,
                vin=vins.make(build.spec.wmi, build.year),
                stock_number=f"{prefix}{stock_counter}",
                status=d["status"],
                condition=d["condition"],
                year=build.year,
                make=build.spec.make,
                model=build.spec.model,
                trim=build.trim,
                body_style=build.body_style,
                mileage=d["mileage"],
                exterior_color=build.exterior_color,
                interior_color=build.interior_color,
                drivetrain=build.drivetrain,
                transmission=build.spec.transmission,
                engine=build.engine,
                fuel_type=build.fuel_type,
                msrp=d["msrp"],
                asking_price=d["asking"],
                cost=d["cost"],
                location="loc_01" if chance(rng, 0.8) else "loc_02",
                photo_count=d["photos"],
                acquired_at=d["acquired_at"],
                updated_at=d["updated_at"],
            )
        )
        d["vehicle_id"] = vid

    deals = _generate_deals(rng, maker, deal_statuses, vehicles, drafts, customers, employees)
    return vehicles, deals


def _vehicle_draft(
    rng: random.Random, maker: _VehicleMaker, status: StockStatus, sold_kind: DealStatus | None
) -> dict:
    tl = maker.timeline
    if status is StockStatus.DEMO:
        condition = Condition.NEW
    else:
        weights = maker.sales.conditions
        condition = Condition(rng.choices([c for c, _ in weights], [w for _, w in weights])[0])
    build, mileage, msrp = maker.build(condition, demo=status is StockStatus.DEMO)
    if condition is Condition.NEW:
        cost = money(msrp * Decimal(rng.randint(900, 940)) / 1000)
        discounted = msrp * Decimal(rng.randint(940, 1000)) / 1000
        asking = min(msrp, price_point(max(cost + 500, discounted)))
    else:
        cost = used_value(msrp, maker.current_year - build.year, mileage)
        asking = price_point(cost * Decimal(rng.randint(112, 122)) / 100)

    sold_at: datetime | None = None
    if status is StockStatus.SOLD:
        sold_at = (
            tl.days_ago(rng, 1, 6)
            if sold_kind is DealStatus.CONTRACTED
            else tl.days_ago(rng, 3, 365)
        )
        acquired = sold_at - timedelta(days=rng.randint(5, 120), hours=rng.randint(0, 8))
        updated = tl.after(rng, sold_at, 1, 48)
    elif status is StockStatus.WHOLESALE:
        acquired = tl.days_ago(rng, 60, 240)
        updated = tl.after(rng, acquired, 24 * 30, 24 * 90)
    elif status is StockStatus.DEMO:
        acquired = tl.days_ago(rng, 30, 300)
        updated = tl.between(rng, acquired, tl.latest)
    else:
        acquired = tl.days_ago(rng, 1, 180)
        updated = tl.between(rng, acquired, tl.latest)
    photos = 0 if status is StockStatus.WHOLESALE else rng.randint(4, 12)
    if acquired > tl.latest - timedelta(days=2):
        photos = rng.randint(0, 2)  # just arrived: not photographed yet
    return {
        "status": status,
        "condition": condition,
        "build": build,
        "mileage": mileage,
        "msrp": msrp,
        "cost": cost,
        "asking": asking,
        "acquired_at": acquired,
        "updated_at": max(updated, acquired),
        "sold_at": sold_at,
        "sold_kind": sold_kind,
        "photos": photos,
    }


class _CustomerPicker:
    """Customers who already existed at a given moment."""

    def __init__(self, rng: random.Random, customers: list[Customer]) -> None:
        self.rng = rng
        self.customers = customers
        self.created = [c.created_at for c in customers]

    def at(self, moment: datetime, exclude: int | None = None) -> Customer:
        k = bisect.bisect_right(self.created, moment)
        pool = self.customers[: max(1, k)]
        choice = self.rng.choice(pool)
        if choice.id == exclude and len(pool) > 1:
            choice = self.rng.choice([c for c in pool if c.id != exclude])
        return choice


def random_trade(rng: random.Random, vins: VinFactory, current_year: int) -> TradeIn:
    year = current_year - rng.randint(3, 14)
    spec = _pick_model(rng, None, year)
    mileage = (current_year - year) * rng.randint(9000, 15000)
    msrp = trim_msrp(rng, spec, rng.choice(spec.trims), year, current_year)
    allowance = money(
        (used_value(msrp, current_year - year, mileage) * Decimal("0.9")).quantize(Decimal(100))
    )
    payoff = (
        ZERO
        if chance(rng, 0.5)
        else money((allowance * Decimal(rng.randint(30, 110)) / 100).quantize(Decimal(1)))
    )
    return TradeIn(
        vins.make(spec.wmi, year), year, spec.make, spec.model, mileage, allowance, payoff
    )


def _generate_deals(
    rng: random.Random,
    maker: _VehicleMaker,
    statuses: list[DealStatus],
    vehicles: list[InventoryVehicle],
    drafts: list[dict],
    customers: list[Customer],
    employees: list[Employee],
) -> list[Deal]:
    tl = maker.timeline
    picker = _CustomerPicker(rng, customers)
    sales_staff = [e for e in employees if e.role is Role.SALESPERSON] or employees
    sold = [(v, d) for v, d in zip(vehicles, drafts, strict=True) if v.status is StockStatus.SOLD]
    holds = [v for v in vehicles if v.status is StockStatus.HOLD]
    in_stock = [v for v in vehicles if v.status is StockStatus.IN_STOCK] or vehicles
    rng.shuffle(in_stock)
    sold_by_kind: dict[DealStatus, list[tuple[InventoryVehicle, dict]]] = {
        DealStatus.DELIVERED: [x for x in sold if x[1]["sold_kind"] is DealStatus.DELIVERED],
        DealStatus.CONTRACTED: [x for x in sold if x[1]["sold_kind"] is DealStatus.CONTRACTED],
    }
    draft_deals: list[dict] = []
    stock_cursor = 0
    for status in statuses:
        if sold_by_kind.get(status):
            vehicle, vdraft = sold_by_kind[status].pop()
            created = vdraft["sold_at"] - timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6))
            created = max(created, vehicle.acquired_at + timedelta(hours=1))
            updated = vehicle.updated_at
        else:
            if status in (DealStatus.PENDING, DealStatus.APPROVED) and holds:
                vehicle = holds.pop()
            else:
                vehicle = in_stock[stock_cursor % len(in_stock)]
                stock_cursor += 1
            if status is DealStatus.CANCELLED:
                created = tl.between(
                    rng, vehicle.acquired_at + timedelta(hours=2), tl.latest - timedelta(days=2)
                )
            else:
                created = tl.between(
                    rng, max(vehicle.acquired_at, tl.anchor - timedelta(days=21)), tl.latest
                )
            updated = tl.between(rng, created, tl.latest)
        buyer = picker.at(created)
        co_buyer = picker.at(created, exclude=buyer.id) if chance(rng, 0.15) else None
        if co_buyer is not None and co_buyer.id == buyer.id:
            co_buyer = None
        draft_deals.append(
            _price_deal(
                rng,
                maker,
                status,
                vehicle,
                buyer.id,
                co_buyer.id if co_buyer else None,
                rng.choice(sales_staff).id,
                created,
                max(updated, created),
            )
        )
    draft_deals.sort(key=lambda d: d["created_at"])
    deals = []
    for did, d in enumerate(draft_deals, start=1):
        reference = f"deal-DR-{d['created_at'].year}-{did:04d}" if chance(rng, 0.3) else None
        deals.append(Deal(id=did, number=f"D-{10000 + did}", reference_id=reference, **d))
    return deals


def _price_deal(
    rng: random.Random,
    maker: _VehicleMaker,
    status: DealStatus,
    vehicle: InventoryVehicle,
    buyer_id: int,
    co_buyer_id: int | None,
    salesperson_id: int,
    created: datetime,
    updated: datetime,
) -> dict:
    store, tl, sales = maker.store, maker.timeline, maker.sales
    selling = price_point(vehicle.asking_price * Decimal(rng.randint(960, 1000)) / 1000)
    rebates = (
        money(rng.choice((0, 0, 500, 1000, 1500, 2000)))
        if vehicle.condition is Condition.NEW
        else ZERO
    )
    trade = random_trade(rng, maker.vins, tl.today.year) if chance(rng, 0.4) else None
    allowance = trade.allowance if trade else ZERO
    payoff = trade.payoff if trade else ZERO
    taxable = max(ZERO, selling - allowance)
    tax_amount = money(taxable * store.tax_rate)
    fees = [
        Fee("title", money(rng.choice((58, 77, 150)))),
        Fee("registration", money(rng.randint(45, 160))),
    ]
    cash_deal = chance(rng, sales.cash_share)
    products: list[FinanceProduct] = []
    if not cash_deal:
        for code, name, low, high in PRODUCTS:
            if chance(rng, 0.35):
                products.append(
                    FinanceProduct(code, name, money(rng.randrange(low, high + 1, 100)))
                )
    due = (
        total(
            [
                selling,
                store.doc_fee,
                tax_amount,
                *(f.amount for f in fees),
                *(p.price for p in products),
            ]
        )
        - rebates
        - (allowance - payoff)
    )
    # Drawn only where the store finances its own buyers, so other stores' data stays put;
    # a trade worth about the car leaves nothing to lend.
    in_house = (
        not cash_deal
        and sales.bhph_share > 0
        and due > BHPH_MIN_DUE
        and chance(rng, sales.bhph_share)
    )
    financing = None
    if cash_deal:
        cash_down = money(max(ZERO, due))
    else:
        lender: str | None = None
        down = rng.choice(BHPH_DOWN_PAYMENTS if in_house else LENDER_DOWN_PAYMENTS)
        cash_down = money(min(down, max(0, int(due) - 1000) // 100 * 100))
        if in_house:
            term = rng.choice(BHPH_TERMS)
            apr = Decimal(rng.randint(*BHPH_APR_BASIS_POINTS)).scaleb(-2)
        else:
            term = _months(rng)
            low, high = (90, 799) if vehicle.condition is Condition.NEW else (499, 1499)
            apr = Decimal(rng.randint(low, high)).scaleb(-2)
            lender = (
                CAPTIVE_LENDERS.get(vehicle.make, rng.choice(LENDERS))
                if chance(rng, 0.5)
                else rng.choice(LENDERS)
            )
        financed = due - cash_down
        financing = Financing(
            term, apr, lender, products, monthly_payment(financed, apr, term), financed
        )
    return {
        "status": status,
        "sale_type": "cash" if cash_deal else "bhph" if in_house else "retail",
        "buyer_id": buyer_id,
        "co_buyer_id": co_buyer_id,
        "vehicle_id": vehicle.id,
        "salesperson_id": salesperson_id,
        "selling_price": selling,
        "doc_fee": store.doc_fee,
        "rebates": rebates,
        "cash_down": cash_down,
        "trade": trade,
        "tax_rate": store.tax_rate,
        "tax_basis": "selling_price_less_trade",
        "tax_amount": tax_amount,
        "fees": fees,
        "financing": financing,
        "created_at": created,
        "updated_at": updated,
    }


def generate_leads(
    rng: random.Random,
    timeline: Timeline,
    vins: VinFactory,
    n: int,
    customers: list[Customer],
    vehicles: list[InventoryVehicle],
) -> list[Lead]:
    picker = _CustomerPicker(rng, customers)
    acquired = [v.acquired_at for v in vehicles]
    age_days = {
        LeadStatus.NEW: (1, 5),
        LeadStatus.CONTACTED: (2, 30),
        LeadStatus.QUALIFIED: (5, 60),
        LeadStatus.CONVERTED: (10, 150),
        LeadStatus.LOST: (15, 180),
    }
    drafts = []
    for status in spread(rng, n, LEAD_STATUS_WEIGHTS):
        low, high = age_days[status]
        created = timeline.days_ago(rng, low, high)
        k = bisect.bisect_right(acquired, created)
        vehicle = rng.choice(vehicles[:k]) if k and chance(rng, 0.85) else None
        source = rng.choices([s for s, _ in LEAD_SOURCES], [w for _, w in LEAD_SOURCES])[0]
        trade = random_trade(rng, vins, timeline.today.year) if chance(rng, 0.25) else None
        updated = (
            created
            if status is LeadStatus.NEW and chance(rng, 0.5)
            else timeline.between(rng, created, timeline.latest)
        )
        drafts.append(
            {
                "status": status,
                "customer_id": picker.at(created).id,
                "source": source,
                "vehicle_id": vehicle.id if vehicle else None,
                "trade": trade,
                "notes": rng.choice(LEAD_NOTES) if chance(rng, 0.5) else None,
                "consent_tcpa": chance(rng, 0.7),
                "consent_email": chance(rng, 0.85),
                "consent_sms": chance(rng, 0.55),
                "reference_id": f"lead-{rng.randint(10000, 99999)}"
                if source in ("website_digital_retail", "third_party_marketplace")
                else None,
                "created_at": created,
                "updated_at": updated,
            }
        )
    drafts.sort(key=lambda d: d["created_at"])
    return [Lead(id=i, **d) for i, d in enumerate(drafts, start=1)]
