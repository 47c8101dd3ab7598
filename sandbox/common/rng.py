"""Seeded randomness: one independent stream per purpose, so data is reproducible.

``random.Random`` seeded with a string hashes it with SHA-512, so streams do not depend on
PYTHONHASHSEED. Never iterate a set while generating: its order is not reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def stream(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def scaled(base: int, scale: float, minimum: int = 0) -> int:
    if base <= 0:
        return 0
    return max(minimum, 1, round(base * scale))


def spread(rng: random.Random, n: int, weights: Sequence[tuple[T, int]]) -> list[T]:
    """``n`` values in the given proportions, every value at least once when n allows, shuffled."""
    keys = [k for k, w in weights if w > 0]
    ws = [w for _, w in weights if w > 0]
    if n <= 0 or not keys:
        return []
    whole = sum(ws)
    counts = [n * w // whole for w in ws]
    remainders = [(n * w % whole, -i) for i, w in enumerate(ws)]
    for _, neg_i in sorted(remainders, reverse=True)[: n - sum(counts)]:
        counts[-neg_i] += 1
    if n >= len(keys):
        for i in range(len(counts)):
            while counts[i] == 0:
                donor = max(range(len(counts)), key=lambda j: counts[j])
                counts[donor] -= 1
                counts[i] += 1
    values = [k for k, c in zip(keys, counts, strict=True) for _ in range(c)]
    rng.shuffle(values)
    return values


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability
