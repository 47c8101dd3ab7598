"""The buy-here-pay-here store the DealerCenter sandbox renders, at the world level: what it
sells, which deals become loans, how a loan amortizes; and franchised stores unchanged."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from sandbox.common.world import BHPH_DEALER, DEALERSHIP, StoreWorld, build_world
from sandbox.common.world.installments import FREQUENCY_WEIGHTS, amortize, level_payment
from sandbox.common.world.models import Condition, DealStatus
from sandbox.options import DEFAULT_TODAY

FREQUENCIES = {f.name: f for f, _ in FREQUENCY_WEIGHTS}


@pytest.fixture(scope="module")
def lot() -> StoreWorld:
    return build_world(
        seed=1, group="dealercenter", index=0, profile=BHPH_DEALER, scale=1.0, today=DEFAULT_TODAY
    )


def test_an_independent_lot_sells_older_used_cars_and_services_none(lot: StoreWorld) -> None:
    assert lot.store.franchise_make is None
    assert {v.condition for v in lot.inventory} == {Condition.USED}
    assert all(DEFAULT_TODAY.year - 14 <= v.year <= DEFAULT_TODAY.year - 5 for v in lot.inventory)
    assert all(v.source is not None and v.book_values is not None for v in lot.inventory)
    assert not (lot.repair_orders or lot.appointments or lot.parts or lot.owned_vehicles)
    kinds = Counter(d.sale_type for d in lot.deals)
    assert kinds["bhph"] > kinds["retail"] > kinds["cash"] > 0


def test_every_signed_bhph_deal_is_one_loan(lot: StoreWorld) -> None:
    signed = {
        d.id
        for d in lot.deals
        if d.sale_type == "bhph" and d.status in (DealStatus.DELIVERED, DealStatus.CONTRACTED)
    }
    loans = [a.contract.deal_id for a in lot.accounts if a.contract is not None]
    assert sorted(loans) == sorted(signed) and len(loans) == len(lot.accounts)
    deals = {d.id: d for d in lot.deals}
    for account in lot.accounts:
        assert account.contract is not None
        deal = deals[account.contract.deal_id]
        assert deal.financing is not None and deal.financing.lender is None
        assert account.original_amount == deal.financing.amount_financed > Decimal(2000)
        assert account.customer_id == deal.buyer_id
        assert account.contract.vehicle_id == deal.vehicle_id


@pytest.mark.parametrize("frequency", ["weekly", "biweekly", "monthly"])
def test_a_loan_amortizes_to_the_cent(frequency: str) -> None:
    freq = FREQUENCIES[frequency]
    principal, apr, count = Decimal("9876.54"), Decimal("24.99"), 36 * freq.per_year // 12
    rows = amortize(principal, apr, freq, count, date(2026, 1, 31))
    payment = level_payment(principal, apr, freq, count)
    assert len(rows) == count and all(r.amount == payment for r in rows[:-1])
    assert abs(rows[-1].amount - payment) < Decimal("1.00")  # the last takes the rounding
    assert sum(r.principal for r in rows) == principal
    assert all(r.principal + r.interest == r.amount and r.interest > 0 for r in rows)
    assert [r.interest for r in rows] == sorted((r.interest for r in rows), reverse=True)
    if freq.weeks:
        assert {(b.due_on - a.due_on).days for a, b in pairwise(rows)} == {7 * freq.weeks}
    else:  # the same day each month; the 31st falls back to the 28th
        assert {r.due_on.day for r in rows} == {28}
        assert [r.due_on.month for r in rows[:3]] == [2, 3, 4]


def test_franchised_stores_get_no_loans() -> None:
    dealer = build_world(
        seed=1, group="autosoft", index=0, profile=DEALERSHIP, scale=0.3, today=DEFAULT_TODAY
    )
    assert all(d.sale_type in ("retail", "cash") for d in dealer.deals)
    assert all(d.financing is None or d.financing.lender for d in dealer.deals)
    assert all(a.contract is None for a in dealer.accounts)
    assert all(p.allocation is None for p in dealer.payments)
