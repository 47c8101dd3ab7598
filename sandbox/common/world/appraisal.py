"""What a used-car manager records on intake: where the car came from and its book values."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from sandbox.common.money import money
from sandbox.common.world.models import (
    AcquisitionSource,
    BookValues,
    Condition,
    InventoryVehicle,
)

SOURCE_WEIGHTS = (
    (AcquisitionSource.TRADE_IN, 40),
    (AcquisitionSource.AUCTION, 38),
    (AcquisitionSource.DEALER, 14),
    (AcquisitionSource.OTHER, 8),
)
# Guides disagree by a few percent around the retail price; Black Book runs lowest.
_BOOK_SPREAD_PERMILLE = {"kbb": (930, 1020), "nada": (950, 1040), "black_book": (900, 990)}
_BOOK_STEP = Decimal(25)


def _book_value(rng: random.Random, price: Decimal, guide: str) -> Decimal:
    low, high = _BOOK_SPREAD_PERMILLE[guide]
    raw = price * Decimal(rng.randint(low, high)) / 1000
    return money((raw / _BOOK_STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP) * _BOOK_STEP)


def appraise(rng: random.Random, vehicles: list[InventoryVehicle]) -> None:
    """Set each vehicle's acquisition source (new cars have none) and book values."""
    sources = [s for s, _ in SOURCE_WEIGHTS]
    weights = [w for _, w in SOURCE_WEIGHTS]
    for vehicle in vehicles:
        if vehicle.condition is not Condition.NEW:
            vehicle.source = rng.choices(sources, weights)[0]
        price = vehicle.asking_price
        vehicle.book_values = BookValues(
            kbb=_book_value(rng, price, "kbb"),
            nada=_book_value(rng, price, "nada"),
            black_book=_book_value(rng, price, "black_book"),
        )
