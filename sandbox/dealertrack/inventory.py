"""What Dealertrack shows about a lot vehicle beyond the neutral world: in-transit units,
lot spots, internet price, factory options and guide-book values.

Each is drawn from the vehicle's own seeded stream, so it never shifts when other records
change and the same seed always gives the same inventory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from sandbox.common.money import money
from sandbox.common.rng import chance, stream
from sandbox.common.world.models import Condition, InventoryVehicle, StockStatus

IN_TRANSIT_SHARE = 0.15  # of new units not yet sold: ordered from the factory, not arrived
_MAIN_LOT_SPOTS = ("Front Row", "Showroom", "Lot A", "Lot B", "Lot C", "Back Lot")
_COMMON_OPTIONS = (
    "Adaptive Cruise Control",
    "Blind Spot Monitoring",
    "Heated Seats",
    "Leather Seats",
    "Navigation System",
    "Premium Audio",
    "Remote Start",
    "Moonroof",
    "Wireless Charging",
)
_TRUCK_OPTIONS = ("Tow Package", "Bed Liner", "Trailer Brake Controller", "Running Boards")
_SUV_OPTIONS = ("Third-Row Seating", "Panoramic Sunroof", "Power Liftgate", "Roof Rails")
_OFF_ROAD_PACKAGES = {
    "Ford": "FX4 Package",
    "Chevrolet": "Z71 Off-Road Package",
    "GMC": "AT4 Package",
    "Toyota": "TRD Off-Road Package",
    "Ram": "Rebel Package",
    "Nissan": "PRO-4X Package",
}


@dataclass(frozen=True, slots=True)
class LotView:
    status: str  # in_stock | in_transit | sold | wholesaled
    lot_location: str | None
    internet_price: Decimal | None
    options: tuple[str, ...]
    kbb: Decimal
    nada: Decimal
    photo_count: int


def _status(rng: random.Random, v: InventoryVehicle) -> str:
    if v.status is StockStatus.SOLD:
        return "sold"
    if v.status is StockStatus.WHOLESALE:
        return "wholesaled"
    if (
        v.status is StockStatus.IN_STOCK
        and v.condition is Condition.NEW
        and chance(rng, IN_TRANSIT_SHARE)
    ):
        return "in_transit"
    return "in_stock"  # hold and demo units are on the lot too


def _lot_location(rng: random.Random, v: InventoryVehicle, status: str) -> str | None:
    if status != "in_stock":
        return None
    if v.status is StockStatus.DEMO:
        return "Demo Line"
    if v.status is StockStatus.HOLD:
        return "Hold Row"
    return "Overflow Lot" if v.location != "loc_01" else rng.choice(_MAIN_LOT_SPOTS)


def _internet_price(rng: random.Random, v: InventoryVehicle, status: str) -> Decimal | None:
    """Advertised price: at or a little under the asking price, never under cost."""
    if status in ("sold", "wholesaled"):
        return None
    price = v.asking_price - rng.choice((0, 0, 200, 300, 500, 1000))
    return money(price if price >= v.cost else v.asking_price)


def _options(rng: random.Random, v: InventoryVehicle) -> tuple[str, ...]:
    pool = list(_COMMON_OPTIONS)
    if "Cab" in v.body_style:
        pool += _TRUCK_OPTIONS
        if v.make in _OFF_ROAD_PACKAGES:
            pool.append(_OFF_ROAD_PACKAGES[v.make])
    elif v.body_style == "SUV":
        pool += _SUV_OPTIONS
    return tuple(rng.sample(pool, rng.randint(2, 5)))


def _book_values(rng: random.Random, v: InventoryVehicle) -> tuple[Decimal, Decimal]:
    """Retail guide values near the asking price, in whole $50 steps."""
    base = v.asking_price * Decimal(rng.randint(960, 1030)) / 1000
    kbb = (base / 50).quantize(Decimal(1)) * 50
    nada = (kbb * Decimal(rng.randint(970, 1010)) / 1000 / 50).quantize(Decimal(1)) * 50
    return money(kbb), money(nada)


def lot_view(seed_key: str, v: InventoryVehicle) -> LotView:
    rng = stream(seed_key, "vehicle", v.id)
    status = _status(rng, v)
    kbb, nada = _book_values(rng, v)
    return LotView(
        status=status,
        lot_location=_lot_location(rng, v, status),
        internet_price=_internet_price(rng, v, status),
        options=_options(rng, v),
        kbb=kbb,
        nada=nada,
        photo_count=0 if status == "in_transit" else v.photo_count,
    )
