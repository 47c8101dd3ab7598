"""Guards for loops that assert: a loop over nothing checks nothing and still passes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def each(items: Iterable[T], *, at_least: int = 1, exactly: int | None = None) -> list[T]:
    """``items`` as a list, asserting there are at least ``at_least`` of them (or exactly
    ``exactly``), so that the assertions in a loop over them check something."""
    listed = list(items)
    if exactly is not None:
        assert len(listed) == exactly, f"expected {exactly} items to check, got {len(listed)}"
    else:
        assert len(listed) >= at_least, (
            f"expected at least {at_least} items to check, got {len(listed)}"
        )
    return listed
