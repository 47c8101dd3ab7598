"""Helpers shared by the sandbox integration tests."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from adapters.base import Page, Window

T = TypeVar("T")

Lister = Callable[[str | None, Any, Window], Awaitable[Page[T]]]

# Larger than any seeded list: a locally filtered listing scans to its end.
SCAN_ALL = 1_000_000


async def read_everything(lister: Lister[T], store_id: str | None, flt: Any) -> list[T]:
    """The whole filtered list through the adapter. Pushed-down filters report a total (one
    window over all of it); locally checked ones do not until a scan has ended."""
    probe = await lister(store_id, flt, Window(0, 1))
    if probe.total == 0:
        return []
    page = await lister(store_id, flt, Window(0, probe.total or SCAN_ALL))
    assert not page.has_next
    assert page.total == len(page.items)
    return page.items


def spread(rows: Sequence[T], count: int) -> list[T]:
    """``count`` rows spread over the whole list (first and last included)."""
    if len(rows) <= count:
        return list(rows)
    step = (len(rows) - 1) / (count - 1)
    return [rows[round(i * step)] for i in range(count)]


def pages_for(total: int, size: int = 100) -> int:
    return max(1, math.ceil(total / size))


def middle(values: Sequence[T]) -> T:
    ordered = sorted(values)  # type: ignore[type-var]
    return ordered[len(ordered) // 2]


def nothing(_: object) -> bool:
    """The expectation of a filter that can match no row this vendor holds."""
    return False


async def check_filters(
    lister: Lister[Any],
    store_id: str | None,
    everything: Sequence[Any],
    cases: Sequence[tuple[Any, Callable[[Any], bool]]],
) -> None:
    """Each filter, read through the adapter, yields exactly the rows of the unfiltered list
    that satisfy the expectation, in the same order; and matches something, unless it is
    expected to match ``nothing`` (a filter that matches nothing proves little)."""
    for flt, expected in cases:
        got = await read_everything(lister, store_id, flt)
        want = [row.id for row in everything if expected(row)]
        assert [row.id for row in got] == want, flt
        assert want or expected is nothing, f"{flt} matched no row"
