"""Exact money: Decimal with two places, rounded half-up, never via float."""

from __future__ import annotations

import random
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not come from a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def cents(amount: int) -> Decimal:
    """An integer number of cents as a two-place Decimal."""
    return Decimal(amount).scaleb(-2)


def random_money(rng: random.Random, low: int | Decimal, high: int | Decimal) -> Decimal:
    """A uniformly drawn amount between low and high (whole currency units or Decimals)."""
    lo = int(Decimal(low) * 100)
    hi = int(Decimal(high) * 100)
    return cents(rng.randint(lo, hi))


def total(amounts: Iterable[Decimal]) -> Decimal:
    return money(sum(amounts, ZERO))


def price_point(amount: Decimal, step: int = 100) -> Decimal:
    """Round to a retail price point: 52,990 -> 52,995 style (next step, minus 5)."""
    units = int(amount.to_integral_value(rounding=ROUND_HALF_UP))
    rounded = max(step, (units + step // 2) // step * step)
    return money(rounded - 5)
