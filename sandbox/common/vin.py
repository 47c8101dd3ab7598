"""Vehicle identification numbers with a valid ISO 3779 / 49 CFR 565 check digit."""

from __future__ import annotations

import random

VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # I, O and Q are never used
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Position 10 cycles every 30 years; 2010 is "A". U, Z and 0 are skipped as well.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def check_digit(vin: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(vin.upper(), _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def is_valid_vin(vin: str) -> bool:
    if len(vin) != 17 or any(ch not in VIN_CHARS for ch in vin):
        return False
    return vin[8] == check_digit(vin)


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
