"""Receivable accounts paid in installments, and payments against repair orders."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sandbox.common.dates import Timeline
from sandbox.common.money import ZERO, money, random_money, total
from sandbox.common.rng import chance, spread
from sandbox.common.world.models import (
    Account,
    AccountStatus,
    Customer,
    Payment,
    PaymentMethod,
    RepairOrder,
    RoStatus,
)

ACCOUNT_STATUS_WEIGHTS = (
    (AccountStatus.CURRENT, 45),
    (AccountStatus.PAST_DUE, 20),
    (AccountStatus.PAID_OFF, 25),
    (AccountStatus.CLOSED, 10),
)
AR_METHODS = (
    (PaymentMethod.CHECK, 30),
    (PaymentMethod.ACH, 30),
    (PaymentMethod.CARD, 25),
    (PaymentMethod.CASH, 10),
    (PaymentMethod.OTHER, 5),
)
COUNTER_METHODS = (
    (PaymentMethod.CARD, 62),
    (PaymentMethod.CASH, 14),
    (PaymentMethod.CHECK, 9),
    (PaymentMethod.ACH, 10),
    (PaymentMethod.OTHER, 5),
)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _method(rng: random.Random, weights: tuple[tuple[PaymentMethod, int], ...]) -> PaymentMethod:
    return rng.choices([m for m, _ in weights], [w for _, w in weights])[0]


def _reference(rng: random.Random, method: PaymentMethod) -> str | None:
    if method is PaymentMethod.CHECK:
        return f"CHK {rng.randint(1001, 9999)}"
    if method is PaymentMethod.ACH:
        return f"ACH {rng.randint(10_000_000, 99_999_999)}"
    return None


def _draft_payment(
    rng: random.Random,
    at: datetime,
    amount: Decimal,
    customer_id: int,
    *,
    account_id: int | None = None,
    repair_order_id: int | None = None,
    method: PaymentMethod,
    status: str = "completed",
) -> dict:
    return {
        "account_id": account_id,
        "repair_order_id": repair_order_id,
        "customer_id": customer_id,
        "amount": amount,
        "method": method,
        "status": status,
        "received_at": at,
        "reference": _reference(rng, method),
    }


def generate_accounts(
    rng: random.Random, timeline: Timeline, n: int, customers: list[Customer]
) -> tuple[list[Account], list[dict]]:
    """Accounts and their payment drafts (ids and receipt numbers are given later)."""
    today = timeline.today
    holders = list(customers)
    rng.shuffle(holders)
    drafts = []
    for index, status in enumerate(spread(rng, n, ACCOUNT_STATUS_WEIGHTS)):
        holder = holders[index % len(holders)]
        term = rng.choice((6, 10, 12, 18, 24))
        original = money(rng.randrange(600, 6001, 25))
        installment = money(original / term)
        schedule = [installment] * (term - 1) + [original - installment * (term - 1)]
        if status in (AccountStatus.CURRENT, AccountStatus.PAST_DUE):
            months_ago = rng.randint(2 if status is AccountStatus.PAST_DUE else 1, term - 1)
        elif status is AccountStatus.PAID_OFF:
            months_ago = rng.randint(term, term + 12)
        else:
            months_ago = rng.randint(term + 6, term + 30)
        opened = add_months(today, -months_ago).replace(day=rng.randint(1, 28))
        if opened >= today:
            opened = today - timedelta(days=1)
        dues = [(add_months(opened, k + 1), amount) for k, amount in enumerate(schedule)]
        past_dues = [d for d in dues if d[0] < today]
        missed = 0
        if status is AccountStatus.PAST_DUE:
            missed = min(len(past_dues), rng.randint(1, 3))
        if status in (AccountStatus.PAID_OFF, AccountStatus.CLOSED):
            paid = dues
        else:
            paid = past_dues[: len(past_dues) - missed]
        payments = []
        for due, amount in paid:
            day = due + timedelta(days=rng.randint(-6, 4))
            moment = timeline.cap(timeline.business_time(rng, min(day, today - timedelta(days=1))))
            payments.append((moment, amount))
        payments.sort()
        balance = original - total(a for _, a in payments)
        unpaid = [d for d in dues if d not in paid]
        upcoming = [d for d in unpaid if d[0] >= today]
        last_payment = payments[-1][0] if payments else None
        opened_at = timeline.business_time(rng, opened)
        updated = max([opened_at, *(p for p, _ in payments)])
        if status is AccountStatus.CLOSED:
            updated = timeline.after(rng, updated, 24, 24 * 60)
        drafts.append(
            {
                "customer_id": holder.id,
                "status": status,
                "opened_on": opened,
                "original_amount": original,
                "installment": installment,
                "balance": money(balance),
                "past_due": total(a for d, a in unpaid if d < today),
                "days_past_due": (today - unpaid[0][0]).days
                if status is AccountStatus.PAST_DUE
                else 0,
                "next_due_date": upcoming[0][0] if upcoming else None,
                "next_due_amount": upcoming[0][1] if upcoming else None,
                "last_payment_at": last_payment,
                "updated_at": timeline.cap(updated),
                "_payments": payments,
            }
        )
    drafts.sort(key=lambda d: (d["opened_on"], d["customer_id"]))
    accounts: list[Account] = []
    payment_drafts: list[dict] = []
    for aid, d in enumerate(drafts, start=1):
        for moment, amount in d.pop("_payments"):
            payment_drafts.append(
                _draft_payment(
                    rng,
                    moment,
                    amount,
                    d["customer_id"],
                    account_id=aid,
                    method=_method(rng, AR_METHODS),
                )
            )
        accounts.append(Account(id=aid, number=f"AR-{100000 + aid}", **d))
    return accounts, payment_drafts


def generate_repair_order_payments(
    rng: random.Random, timeline: Timeline, orders: list[RepairOrder]
) -> list[dict]:
    """Closed (invoiced) work orders are paid in full, sometimes in two parts."""
    drafts = []
    for ro in orders:
        if ro.status is not RoStatus.CLOSED or ro.closed_at is None or ro.grand_total <= ZERO:
            continue
        moment = timeline.after(rng, ro.closed_at, 0.1, 30)
        method = _method(rng, COUNTER_METHODS)
        if method is PaymentMethod.CARD and chance(rng, 0.06):
            drafts.append(
                _draft_payment(
                    rng,
                    moment,
                    ro.grand_total,
                    ro.customer_id,
                    repair_order_id=ro.id,
                    method=method,
                    status="failed",
                )
            )
            moment = timeline.after(rng, moment, 0.05, 2)
        parts = [ro.grand_total]
        if chance(rng, 0.2) and ro.grand_total > Decimal(100):
            first = min(ro.grand_total - Decimal(1), random_money(rng, 50, ro.grand_total / 2))
            parts = [first, ro.grand_total - first]
        for amount in parts:
            drafts.append(
                _draft_payment(
                    rng, moment, money(amount), ro.customer_id, repair_order_id=ro.id, method=method
                )
            )
            moment = timeline.after(rng, moment, 0.05, 6)
            method = _method(rng, COUNTER_METHODS)
    return drafts


def number_payments(drafts: list[dict]) -> list[Payment]:
    drafts.sort(key=lambda d: (d["received_at"], d["account_id"] or 0, d["repair_order_id"] or 0))
    return [
        Payment(id=pid, receipt_number=f"R-{pid:06d}", **d) for pid, d in enumerate(drafts, start=1)
    ]
