"""The service side: customers' cars, the parts room, repair orders and appointments."""

from __future__ import annotations

import bisect
import math
import random
from datetime import datetime, timedelta
from decimal import Decimal

from sandbox.common.catalog import MODELS, random_build
from sandbox.common.dates import Timeline
from sandbox.common.money import ZERO, money, random_money, total
from sandbox.common.rng import chance, spread
from sandbox.common.service_catalog import OPERATIONS, PART_TYPES, Operation
from sandbox.common.vin import VinFactory
from sandbox.common.world.models import (
    Appointment,
    AppointmentStatus,
    Customer,
    Deal,
    DealStatus,
    Employee,
    FeeLine,
    InventoryVehicle,
    Job,
    LaborLine,
    OwnedVehicle,
    Part,
    PartLine,
    RepairOrder,
    Role,
    RoStatus,
    StoreInfo,
)

_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
RO_NOTES = (
    "Customer waiting",
    "Drop-off, call when ready",
    "Loaner provided",
    "Customer declined recommended services",
    "Fleet account - bill to company",
    "Return visit: noise still present",
    "Warranty claim submitted",
)
APPOINTMENT_NOTES = (
    "Customer requests text updates",
    "Prefers early morning",
    "Bringing second key",
    "Needs ride to work",
)


def _plate(rng: random.Random) -> str:
    return "".join(rng.choice(_PLATE_LETTERS) for _ in range(3)) + f"{rng.randrange(10000):04d}"


class Odometer:
    """Mileage of each customer car at any moment: linear from its first visit."""

    def __init__(self) -> None:
        self._base: dict[int, tuple[datetime, int, int]] = {}

    def register(self, vehicle_id: int, at: datetime, mileage: int, per_day: int) -> None:
        self._base[vehicle_id] = (at, mileage, per_day)

    def at(self, vehicle_id: int, moment: datetime) -> int:
        start, mileage, per_day = self._base[vehicle_id]
        days = max(0.0, (moment - start).total_seconds() / 86400)
        return mileage + int(days * per_day)


def generate_owned_vehicles(
    rng: random.Random,
    timeline: Timeline,
    vins: VinFactory,
    n: int,
    customers: list[Customer],
    delivered: list[tuple[Deal, InventoryVehicle]],
    odometer: Odometer,
) -> list[OwnedVehicle]:
    """Some cars were bought here (same VIN as the delivered deal); the rest came in for service."""
    drafts = []
    year_now = timeline.today.year
    for deal, car in delivered[: n // 3]:
        per_day = rng.randint(20, 50)
        drafts.append(
            (
                deal.updated_at,
                deal.buyer_id,
                car.vin,
                car.year,
                car.make,
                car.model,
                car.trim,
                car.mileage,
                per_day,
            )
        )
    while len(drafts) < n:
        owner = rng.choice(customers)
        year = year_now - min(16, int(rng.random() ** 0.8 * 17))
        spec = rng.choice([m for m in MODELS if m.first_year <= year] or list(MODELS))
        build = random_build(rng, spec, year)
        created = timeline.between(rng, owner.created_at, timeline.latest)
        age_days = max(30, (created.date() - datetime(year - 1, 9, 1).date()).days)
        per_day = rng.randint(20, 50)
        mileage = int(age_days * per_day * rng.uniform(0.7, 1.1))
        drafts.append(
            (
                created,
                owner.id,
                vins.make(spec.wmi, year),
                year,
                spec.make,
                spec.model,
                build.trim,
                mileage,
                per_day,
            )
        )
    drafts.sort(key=lambda d: d[0])
    vehicles = []
    for vid, (created, owner_id, vin, year, make, model, trim, mileage, per_day) in enumerate(
        drafts, start=1
    ):
        odometer.register(vid, created, mileage, per_day)
        vehicles.append(
            OwnedVehicle(
                id=vid,
                customer_id=owner_id,
                vin=vin,
                year=year,
                make=make,
                model=model,
                trim=trim,
                license_plate=_plate(rng),
                mileage=mileage,
                miles_per_day=per_day,
                created_at=created,
                updated_at=created,
            )
        )
    return vehicles


def _part_number(rng: random.Random, style: int) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    a, b, c = rng.choice(letters), rng.choice(letters), rng.choice(letters)
    if style == 0:
        return f"{a}{b}-{rng.randint(100, 999)}{c}"
    if style == 1:
        return f"{rng.randint(100, 999)}-{rng.randint(100, 999)}"
    if style == 2:
        return f"{a}{b}{rng.randint(1000, 9999)}"
    return f"{rng.randint(10, 99)}{a}{rng.randint(1000, 9999)}"


def generate_parts(rng: random.Random, timeline: Timeline, n: int) -> list[Part]:
    types = list(PART_TYPES)
    chosen = (
        types[:n] if n < len(types) else types + [rng.choice(types) for _ in range(n - len(types))]
    )
    seen: set[str] = set()
    parts = []
    for pid, ptype in enumerate(chosen, start=1):
        brand = rng.choice(ptype.brands)
        style = ptype.brands.index(brand) % 4
        number = _part_number(rng, style)
        while number in seen:
            number = _part_number(rng, style)
        seen.add(number)
        cost = random_money(rng, Decimal(ptype.cost_low), Decimal(ptype.cost_high))
        pct = rng.randint(*ptype.markup_pct)
        # Retail prices end in 9 cents, as parts counters price them.
        raw = cost * (100 + pct) / 100
        price = money(Decimal(math.ceil(raw * 10)) / 10 - Decimal("0.01"))
        bulk = ptype.key.startswith(("engine_oil", "atf"))
        parts.append(
            Part(
                id=pid,
                part_type=ptype.key,
                part_number=number,
                description=ptype.description,
                brand=brand,
                on_hand=rng.randint(24, 180) if bulk else rng.randint(0, 30),
                cost=cost,
                price=price,
                bin=f"{rng.choice('ABCDEFG')}-{rng.randint(1, 24):02d}-{rng.randint(1, 6)}",
                reorder_point=rng.randint(12, 36) if bulk else rng.randint(2, 8),
                updated_at=timeline.days_ago(rng, 1, 150),
            )
        )
    return parts


_RO_AGE_DAYS = {
    RoStatus.CLOSED: (3, 540),
    RoStatus.COMPLETED: (1, 10),
    RoStatus.WAITING_PARTS: (1, 14),
    RoStatus.OPEN: (1, 5),
    RoStatus.IN_PROGRESS: (1, 5),
    RoStatus.DRAFT: (1, 3),
}


def _staff_at(
    rng: random.Random, staff: list[Employee], moment: datetime, recent: bool
) -> Employee:
    pool = [e for e in staff if e.hired_at <= moment and (e.active or not recent)]
    return rng.choice(pool or staff)


def _pick_operations(rng: random.Random) -> list[Operation]:
    weights = [o.weight for o in OPERATIONS]
    extra = rng.choices((0, 1, 2, 3), (45, 30, 17, 8))[0]
    ops: list[Operation] = []
    while len(ops) < 1 + extra:
        op = rng.choices(OPERATIONS, weights)[0]
        if op not in ops:
            ops.append(op)
    return ops


class _Sequences:
    def __init__(self) -> None:
        self.job = 0
        self.line = 0

    def next_job(self) -> int:
        self.job += 1
        return self.job

    def next_line(self) -> int:
        self.line += 1
        return self.line


def generate_repair_orders(
    rng: random.Random,
    store: StoreInfo,
    timeline: Timeline,
    n: int,
    statuses: tuple[tuple[RoStatus, int], ...],
    tax_on_fees: bool,
    vehicles: list[OwnedVehicle],
    employees: list[Employee],
    parts: list[Part],
    odometer: Odometer,
) -> list[RepairOrder]:
    advisors = [e for e in employees if e.role is Role.SERVICE_ADVISOR] or employees
    techs = [e for e in employees if e.role is Role.TECHNICIAN] or employees
    parts_by_type: dict[str, list[Part]] = {}
    for part in parts:
        parts_by_type.setdefault(part.part_type, []).append(part)
    created = [v.created_at for v in vehicles]

    drafts = []
    for status in spread(rng, n, statuses):
        low, high = _RO_AGE_DAYS[status]
        opened = timeline.days_ago(rng, low, high)
        k = bisect.bisect_right(created, opened)
        vehicle = rng.choice(vehicles[:k]) if k else vehicles[0]
        opened = max(opened, vehicle.created_at)
        recent = status is not RoStatus.CLOSED
        advisor = _staff_at(rng, advisors, opened, recent)
        jobs = []
        for index, op in enumerate(_pick_operations(rng)):
            tech = None if status is RoStatus.DRAFT else _staff_at(rng, techs, opened, recent)
            job = Job(
                id=0,
                name=op.job_name,
                op_code=op.op_code,
                technician_id=tech.id if tech else None,
                approved=index == 0 or not chance(rng, 0.25),
            )
            hours = Decimal(rng.randint(op.tenths_low, op.tenths_high)).scaleb(-1)
            job.labor.append(
                LaborLine(
                    0,
                    op.op_code,
                    op.description,
                    hours,
                    store.labor_rate,
                    money(hours * store.labor_rate),
                )
            )
            for need in op.parts:
                qty = rng.randint(need.qty_low, need.qty_high)
                candidates = parts_by_type.get(need.part_type)
                if qty and candidates:
                    part = rng.choice(candidates)
                    job.parts.append(
                        PartLine(
                            0,
                            part.id,
                            part.part_number,
                            part.description,
                            qty,
                            part.price,
                            money(qty * part.price),
                        )
                    )
            jobs.append(job)
        labor = total(x.amount for j in jobs if j.approved for x in j.labor)
        supplies = money(min(labor * Decimal("0.08"), Decimal(45)))
        if supplies > ZERO:
            jobs[0].fees.append(FeeLine(0, "shop_supplies", "Shop supplies", 1, supplies, supplies))
        approved = [j for j in jobs if j.approved]
        parts_total = total(x.amount for j in approved for x in j.parts)
        fees_total = total(x.amount for j in approved for x in j.fees)
        taxable = labor + parts_total + (fees_total if tax_on_fees else ZERO)
        big = sum(x.hours for j in approved for x in j.labor) > 2
        promised = opened + (
            timedelta(days=rng.randint(1, 3)) if big else timedelta(hours=rng.randint(2, 8))
        )
        closed_at = None
        if status in (RoStatus.COMPLETED, RoStatus.CLOSED):
            closed_at = timeline.after(rng, opened, 1, 72 if big else 10)
        if closed_at is not None and status is RoStatus.CLOSED:
            updated = timeline.after(rng, closed_at, 0.2, 48)  # posted a day or two later
        elif closed_at is not None:
            updated = timeline.between(rng, closed_at, timeline.latest)
        else:
            updated = timeline.between(rng, opened, timeline.latest)
        drafts.append(
            {
                "status": status,
                "customer_id": vehicle.customer_id,
                "vehicle_id": vehicle.id,
                "mileage_in": odometer.at(vehicle.id, opened),
                "advisor_id": advisor.id,
                "jobs": jobs,
                "tax_rate": store.tax_rate,
                "tax": money(taxable * store.tax_rate),
                "opened_at": opened,
                "promised_at": promised,
                "closed_at": closed_at,
                "updated_at": max(updated, opened),
                "notes": rng.choice(RO_NOTES) if chance(rng, 0.35) else None,
            }
        )
    drafts.sort(key=lambda d: d["opened_at"])
    first_number = rng.randint(10000, 60000)
    seq = _Sequences()
    orders = []
    for rid, d in enumerate(drafts, start=1):
        for job in d["jobs"]:
            job.id = seq.next_job()
            for line in (*job.labor, *job.parts, *job.fees):
                line.id = seq.next_line()
        orders.append(RepairOrder(id=rid, number=f"{first_number + rid:06d}", **d))
    _touch_vehicles(orders, vehicles, odometer)
    return orders


def _touch_vehicles(
    orders: list[RepairOrder], vehicles: list[OwnedVehicle], odometer: Odometer
) -> None:
    """A car's record shows the mileage and time of its latest visit."""
    by_id = {v.id: v for v in vehicles}
    for ro in orders:
        vehicle = by_id[ro.vehicle_id]
        if ro.opened_at >= vehicle.updated_at:
            vehicle.updated_at = ro.opened_at
            vehicle.mileage = ro.mileage_in


def generate_appointments(
    rng: random.Random,
    timeline: Timeline,
    n: int,
    statuses: tuple[tuple[AppointmentStatus, int], ...],
    vehicles: list[OwnedVehicle],
    employees: list[Employee],
) -> list[Appointment]:
    advisors = [e for e in employees if e.role is Role.SERVICE_ADVISOR and e.active] or employees
    created_list = [v.created_at for v in vehicles]
    weights = [o.weight for o in OPERATIONS]
    drafts = []
    for status in spread(rng, n, statuses):
        if status is AppointmentStatus.SCHEDULED:
            slot = timeline.days_ahead(rng, 1, 21)
        elif status is AppointmentStatus.CONFIRMED:
            slot = timeline.days_ahead(rng, 1, 6)
        elif status is AppointmentStatus.ARRIVED:
            slot = timeline.days_ago(rng, 1, 1)
        elif status is AppointmentStatus.CANCELLED and chance(rng, 0.3):
            slot = timeline.days_ahead(rng, 1, 14)
        else:
            slot = timeline.days_ago(rng, 1, 90)
        slot = slot.replace(minute=0 if slot.minute < 30 else 30, second=0)
        booked = timeline.cap(slot - timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 8)))
        k = bisect.bisect_right(created_list, booked)
        vehicle = rng.choice(vehicles[:k]) if k else vehicles[0]
        booked = max(booked, vehicle.created_at)
        ops = [rng.choices(OPERATIONS, weights)[0]]
        if chance(rng, 0.3):
            extra = rng.choices(OPERATIONS, weights)[0]
            if extra not in ops:
                ops.append(extra)
        tenths = sum(o.tenths_high for o in ops)
        drafts.append(
            {
                "status": status,
                "scheduled_at": slot,
                "duration_minutes": 30 * max(1, min(8, math.ceil(tenths / 5))),
                "customer_id": vehicle.customer_id,
                "vehicle_id": vehicle.id,
                "advisor_id": rng.choice(advisors).id,
                "op_codes": [o.op_code for o in ops],
                "concern": ops[0].concern,
                "transportation": rng.choices(
                    ("waiter", "drop_off", "loaner", "shuttle"), (45, 35, 10, 10)
                )[0],
                "notes": rng.choice(APPOINTMENT_NOTES) if chance(rng, 0.25) else None,
                "created_at": booked,
            }
        )
    drafts.sort(key=lambda d: d["created_at"])
    return [Appointment(id=i, **d) for i, d in enumerate(drafts, start=1)]


def delivered_cars(
    deals: list[Deal], inventory: list[InventoryVehicle]
) -> list[tuple[Deal, InventoryVehicle]]:
    by_id = {v.id: v for v in inventory}
    return [(d, by_id[d.vehicle_id]) for d in deals if d.status is DealStatus.DELIVERED]
