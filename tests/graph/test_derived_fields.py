"""Derived fields come from one place, on the runtime's clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest

from adapters import models as m
from graph.derived import amount_to_bring_current, days_in_stock, today_is
from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api

ACQUIRED = date(2026, 1, 10)


def test_the_vendor_s_count_wins_then_the_acquisition_date() -> None:
    with today_is(lambda: date(2026, 1, 21)):
        assert days_in_stock(m.InventoryVehicle(id="v", acquired_on=ACQUIRED)) == 11
        counted = m.InventoryVehicle(id="v", acquired_on=ACQUIRED, days_in_stock=3)
        assert days_in_stock(counted) == 3
        assert days_in_stock(m.InventoryVehicle(id="v")) is None
    with today_is(lambda: date(2026, 1, 1)):  # acquired "after" today: a clock skew, not -9
        assert days_in_stock(m.InventoryVehicle(id="v", acquired_on=ACQUIRED)) == 0


@pytest.fixture(scope="module")
async def dealertrack() -> AsyncIterator[Api]:
    async for value in start_api(SandboxOptions(seed=1), vendors=("dealertrack",)):
        yield value


async def test_days_in_stock_follow_the_runtime_s_clock(dealertrack: Api) -> None:
    api = dealertrack
    q = """query($d: ID!) { dealership(id: $d) { vehicles(first: 20) { nodes {
             acquiredOn daysInStock } } } }"""
    rooftop = api.dealership_id("dealertrack")
    before = api.runtime.today
    api.runtime.today = lambda: date(2027, 3, 1)
    try:
        data = await api.data(q, {"d": rooftop})
    finally:
        api.runtime.today = before
    nodes = [n for n in data["dealership"]["vehicles"]["nodes"] if n["acquiredOn"]]
    assert nodes, "no vehicle with an acquisition date"
    for node in nodes:
        expected = (date(2027, 3, 1) - date.fromisoformat(node["acquiredOn"])).days
        assert node["daysInStock"] == max(0, expected)


@pytest.mark.parametrize(
    ("days", "past_due", "fees", "expected"),
    [
        (0, None, None, Decimal("0.00")),
        (12, Decimal("310.00"), Decimal("25.00"), Decimal("335.00")),
        (12, Decimal("310.00"), None, Decimal("310.00")),
        (12, None, Decimal("25.00"), None),  # past due, by an amount the DMS does not say
    ],
)
def test_the_amount_to_bring_an_account_current(
    days: int, past_due: Decimal | None, fees: Decimal | None, expected: Decimal | None
) -> None:
    account = m.Account(
        id="A-1",
        balance=Decimal("4000.00"),
        days_past_due=days,
        past_due_amount=past_due,
        late_fees_due=fees,
    )
    assert amount_to_bring_current(account) == expected
