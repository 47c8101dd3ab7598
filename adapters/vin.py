"""Vehicle identification numbers: the ISO 3779 / 49 CFR 565 check digit."""

from __future__ import annotations

VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # I, O and Q are never used
_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(vin: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(vin.upper(), _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def is_valid_vin(vin: str) -> bool:
    vin = vin.upper()
    if len(vin) != 17 or any(ch not in VIN_CHARS for ch in vin):
        return False
    return vin[8] == check_digit(vin)
