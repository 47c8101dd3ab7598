"""Fields the graph computes from what the vendors give, in one place, on an injected clock.

The clock is the runtime's (``Runtime.today``); the view makes it current for each request,
so tests move "today" without sleeping or patching the system clock.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

from adapters import models as m

Today = Callable[[], date]


def utc_today() -> date:
    return datetime.now(UTC).date()


_TODAY: contextvars.ContextVar[Today] = contextvars.ContextVar(
    "dealergraph_today", default=utc_today
)


@contextmanager
def today_is(today: Today) -> Iterator[None]:
    """Make ``today`` the clock of the derived fields for the block."""
    token = _TODAY.set(today)
    try:
        yield
    finally:
        _TODAY.reset(token)


def days_in_stock(vehicle: m.InventoryVehicle) -> int | None:
    """The vendor's own count where it gives one (Auto/Mate ``agingDays``), else the days
    since the acquisition date (Dealertrack, DealerCenter ``acquiredAt``); never negative."""
    if vehicle.days_in_stock is not None:
        return vehicle.days_in_stock
    if vehicle.acquired_on is None:
        return None
    return max(0, (_TODAY.get()() - vehicle.acquired_on).days)


def amount_to_bring_current(account: m.Account) -> Decimal | None:
    """What a payment must be to leave nothing past due: the past-due installments plus the
    late fees, which a payment pays first. Zero for an account not past due; None when the
    DMS says it is past due without saying by how much."""
    if account.days_past_due <= 0 and not account.past_due_amount and not account.late_fees_due:
        return Decimal("0.00")
    if account.past_due_amount is None:
        return None
    return account.past_due_amount + (account.late_fees_due or Decimal(0))
