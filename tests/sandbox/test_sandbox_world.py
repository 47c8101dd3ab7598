"""The generated world is internally consistent, realistic and reproducible."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from sandbox.common.money import ZERO, money
from sandbox.common.vin import is_valid_vin
from sandbox.common.world import DEALERSHIP, REPAIR_SHOP, StoreWorld, build_world
from sandbox.common.world.models import (
    AccountStatus,
    DealStatus,
    Role,
    RoStatus,
    StockStatus,
)
from tests.guards import each

TODAY = date(2026, 11, 20)


def _world(profile: str, seed: int = 1, scale: float = 1.0) -> StoreWorld:
    chosen = DEALERSHIP if profile == "dealership" else REPAIR_SHOP
    return build_world(seed=seed, group=profile, index=0, profile=chosen, scale=scale, today=TODAY)


@pytest.fixture(scope="module")
def dealer() -> StoreWorld:
    return _world("dealership")


@pytest.fixture(scope="module")
def shop() -> StoreWorld:
    return _world("repair_shop")


def test_record_counts_at_scale_one(dealer: StoreWorld, shop: StoreWorld) -> None:
    assert (len(dealer.inventory), len(dealer.customers), len(dealer.deals)) == (300, 400, 200)
    assert (len(dealer.repair_orders), len(dealer.appointments), len(dealer.parts)) == (
        300,
        80,
        250,
    )
    assert (len(dealer.employees), len(dealer.accounts)) == (25, 120)
    assert len(shop.owned_vehicles) == 500
    assert 200 <= len(shop.payments) <= 300


def test_scale_multiplies_counts() -> None:
    small = _world("repair_shop", scale=0.2)
    assert (len(small.customers), len(small.repair_orders), len(small.owned_vehicles)) == (
        80,
        60,
        100,
    )


def test_every_vin_is_valid_and_unique(dealer: StoreWorld, shop: StoreWorld) -> None:
    for world in (dealer, shop):
        vins = [v.vin for v in world.inventory] + [v.vin for v in world.owned_vehicles]
        vins += [d.trade.vin for d in world.deals if d.trade]
        assert all(is_valid_vin(v) for v in vins)
    inventory_vins = [v.vin for v in dealer.inventory]
    assert len(set(inventory_vins)) == len(inventory_vins)
    shop_vins = [v.vin for v in shop.owned_vehicles]
    assert len(set(shop_vins)) == len(shop_vins)


def test_repair_order_lines_and_totals_add_up(dealer: StoreWorld, shop: StoreWorld) -> None:
    for world in (dealer, shop):
        for ro in each(world.repair_orders):
            for job in ro.jobs:
                for labor in job.labor:
                    assert labor.amount == money(labor.hours * labor.rate)
                for part in job.parts:
                    assert part.amount == money(part.quantity * part.unit_price)
            assert ro.labor_total + ro.parts_total + ro.fees_total + ro.tax == ro.grand_total
            assert ro.subtotal + ro.tax == ro.grand_total
            taxed = ro.subtotal if world is shop else ro.labor_total + ro.parts_total
            assert ro.tax == money(taxed * ro.tax_rate)


def test_repair_orders_reference_real_people_cars_and_parts(dealer: StoreWorld) -> None:
    staff = {e.id: e for e in dealer.employees}
    cars = {v.id: v for v in dealer.owned_vehicles}
    parts = {p.id: p for p in dealer.parts}
    customers = {c.id for c in dealer.customers}
    for ro in each(dealer.repair_orders):
        assert ro.customer_id in customers
        assert cars[ro.vehicle_id].customer_id == ro.customer_id
        assert staff[ro.advisor_id].role is Role.SERVICE_ADVISOR
        assert all(staff[t].role is Role.TECHNICIAN for t in ro.technician_ids)
        assert ro.mileage_in <= cars[ro.vehicle_id].mileage
        for job in ro.jobs:
            for line in job.parts:
                assert parts[line.part_id].part_number == line.part_number
                assert parts[line.part_id].price == line.unit_price


def test_deals_point_at_existing_vehicles_and_customers(dealer: StoreWorld) -> None:
    vehicles = {v.id: v for v in dealer.inventory}
    customers = {c.id: c for c in dealer.customers}
    sold_deals = 0
    for deal in each(dealer.deals):
        vehicle = vehicles[deal.vehicle_id]
        assert deal.buyer_id in customers and deal.co_buyer_id in (None, *customers)
        assert deal.co_buyer_id != deal.buyer_id
        assert vehicle.acquired_at < deal.created_at <= deal.updated_at
        if deal.status in (DealStatus.DELIVERED, DealStatus.CONTRACTED):
            assert vehicle.status is StockStatus.SOLD
            sold_deals += 1
        taxable = max(ZERO, deal.selling_price - (deal.trade.allowance if deal.trade else ZERO))
        assert deal.tax_amount == money(taxable * deal.tax_rate)
        assert (deal.financing is None) == (deal.sale_type == "cash")
    assert sold_deals == sum(v.status is StockStatus.SOLD for v in dealer.inventory)
    assert sold_deals > len(dealer.deals) / 2  # deals are mostly on sold vehicles


def test_prices_are_plausible(dealer: StoreWorld) -> None:
    for v in each(dealer.inventory):
        assert 2_500 <= v.cost < v.asking_price <= max(v.msrp, v.asking_price)
        if v.condition.value == "new":
            assert v.asking_price <= v.msrp and v.mileage < 7_000
            assert 20_000 < v.msrp < 100_000


def test_everything_happened_before_today(dealer: StoreWorld, shop: StoreWorld) -> None:
    for world in (dealer, shop):
        anchor = datetime.combine(TODAY, time(0), tzinfo=UTC)
        stamps = [c.created_at for c in world.customers] + [c.updated_at for c in world.customers]
        stamps += [r.opened_at for r in world.repair_orders] + [
            r.updated_at for r in world.repair_orders
        ]
        stamps += [a.created_at for a in world.appointments] + [
            p.received_at for p in world.payments
        ]
        stamps += [v.updated_at for v in world.inventory] + [d.updated_at for d in world.deals]
        stamps += [x.updated_at for x in world.leads] + [a.updated_at for a in world.accounts]
        assert max(stamps) < anchor
        for ro in each(world.repair_orders):
            assert ro.opened_at <= ro.updated_at
            if ro.closed_at:
                assert ro.opened_at < ro.closed_at <= ro.updated_at + timedelta(days=60)


def test_accounts_balance_against_their_payments(dealer: StoreWorld) -> None:
    paid: Counter[int] = Counter()
    for p in each(dealer.payments):
        assert p.account_id is not None
        paid[p.account_id] += 1
    by_account: dict[int, list] = {}
    for p in dealer.payments:
        by_account.setdefault(p.account_id or 0, []).append(p.amount)
    for a in each(dealer.accounts):
        assert a.balance == a.original_amount - sum(by_account.get(a.id, []), ZERO)
        if a.status in (AccountStatus.PAID_OFF, AccountStatus.CLOSED):
            assert a.balance == ZERO and a.next_due_date is None
        else:
            assert a.balance > ZERO and a.next_due_date is not None and a.next_due_date >= TODAY
        assert (a.days_past_due > 0) == (a.status is AccountStatus.PAST_DUE)
        assert (a.past_due > ZERO) == (a.status is AccountStatus.PAST_DUE)


def test_invoiced_work_orders_are_paid_in_full(shop: StoreWorld) -> None:
    paid: dict[int, list] = {}
    for p in shop.payments:
        if p.status == "completed":
            paid.setdefault(p.repair_order_id or 0, []).append(p.amount)
    for ro in each(shop.repair_orders):
        expected = ro.grand_total if ro.status is RoStatus.CLOSED else ZERO
        assert sum(paid.get(ro.id, []), ZERO) == expected


def test_same_seed_same_world_other_seed_other_world() -> None:
    a, b, c = (
        _world("repair_shop", 5, 0.3),
        _world("repair_shop", 5, 0.3),
        _world("repair_shop", 6, 0.3),
    )
    assert a == b
    assert [x.vin for x in a.owned_vehicles] != [x.vin for x in c.owned_vehicles]
