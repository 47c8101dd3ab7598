"""Vehicle identification numbers with a valid ISO 3779 / 49 CFR 565 check digit."""

from __future__ import annotations

import random

from adapters.vin import VIN_CHARS, check_digit, is_valid_vin

__all__ = ["VIN_CHARS", "VinFactory", "check_digit", "is_valid_vin", "make_vin", "model_year_code"]

_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
# Position 10 cycles every 30 years; 2010 is "A". U, Z and 0 are skipped as well.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def model_year_code(year: int) -> str:
    return _YEAR_CODES[(year - 2010) % 30]


def make_vin(rng: random.Random, wmi: str, year: int) -> str:
    """WMI + 5 descriptor chars + check digit + year code + plant + 6-digit serial."""
    descriptor = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    plant = rng.choice(_LETTERS)
    serial = f"{rng.randrange(1_000_000):06d}"
    draft = f"{wmi}{descriptor}0{model_year_code(year)}{plant}{serial}"
    return draft[:8] + check_digit(draft) + draft[9:]


class VinFactory:
    """Unique VINs within one store's world."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def make(self, wmi: str, year: int) -> str:
        while True:
            vin = make_vin(self._rng, wmi, year)
            if vin not in self._seen:
                self._seen.add(vin)
                return vin
