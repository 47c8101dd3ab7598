"""Vendor-style opaque ids (``veh_9a31d2``) that are unique, stable and seed-dependent."""

from __future__ import annotations

from sandbox.common.rng import stream

_MASK = 0xFFFFFF
_MULTIPLIER = 0x9E3779B1 & _MASK  # odd, so n -> n * m is a bijection modulo 2**24


class HexIds:
    """``prefix_xxxxxx``: a scrambled, salted bijection of the record's integer id."""

    def __init__(self, seed_key: str) -> None:
        self._seed_key = seed_key
        self._salts: dict[str, int] = {}

    def make(self, prefix: str, n: int) -> str:
        salt = self._salts.get(prefix)
        if salt is None:
            salt = self._salts[prefix] = stream(self._seed_key, "ids", prefix).getrandbits(24)
        return f"{prefix}_{((n * _MULTIPLIER) & _MASK) ^ salt:06x}"
