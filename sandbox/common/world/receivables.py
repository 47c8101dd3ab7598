"""Receivable accounts paid in installments (store credit, buy-here-pay-here loans), and
payments against repair orders."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sandbox.common.dates import Timeline, add_months
from sandbox.common.money import ZERO, money, random_money, total
from sandbox.common.rng import chance, spread
from sandbox.common.world.installments import (
    FREQUENCY_WEIGHTS,
    Borrower,
    Frequency,
    History,
    accrued,
    amortize,
    installment_count,
    late_fee_for,
    possible,
)
from sandbox.common.world.models import (
    Account,
    AccountStatus,
    Allocation,
    Customer,
    Deal,
    DealStatus,
    Installment,
    InstallmentContract,
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
BHPH_STATUS_WEIGHTS = (
    (AccountStatus.CURRENT, 58),
    (AccountStatus.PAST_DUE, 24),
    (AccountStatus.PAID_OFF, 10),
    (AccountStatus.CHARGED_OFF, 8),
)
# Buy-here-pay-here customers pay at the counter more than by bank transfer.
BHPH_METHODS = (
    (PaymentMethod.CASH, 35),
    (PaymentMethod.CARD, 30),
    (PaymentMethod.ACH, 20),
    (PaymentMethod.OTHER, 10),  # money orders
    (PaymentMethod.CHECK, 5),
)
COUNTER_METHODS = (
    (PaymentMethod.CARD, 62),
    (PaymentMethod.CASH, 14),
    (PaymentMethod.CHECK, 9),
    (PaymentMethod.ACH, 10),
    (PaymentMethod.OTHER, 5),
)


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
    allocation: Allocation | None = None,
    note: str | None = None,
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
        "allocation": allocation,
        "note": note,
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


def generate_bhph_accounts(
    rng: random.Random, timeline: Timeline, deals: list[Deal], *, first_id: int = 1
) -> tuple[list[Account], list[dict]]:
    """An account for each buy-here-pay-here deal signed, and the payments made since."""
    today = timeline.today
    signed = sorted(
        (
            d
            for d in deals
            if d.sale_type == "bhph"
            and d.financing is not None
            and d.status in (DealStatus.DELIVERED, DealStatus.CONTRACTED)
        ),
        key=lambda d: (d.updated_at, d.id),
    )
    statuses = spread(rng, len(signed), BHPH_STATUS_WEIGHTS)
    frequencies = [f for f, _ in FREQUENCY_WEIGHTS]
    weights = [w for _, w in FREQUENCY_WEIGHTS]
    accounts: list[Account] = []
    payment_drafts: list[dict] = []
    for aid, deal in enumerate(signed, start=first_id):
        fin = deal.financing
        assert fin is not None and fin.amount_financed is not None
        frequency = rng.choices(frequencies, weights)[0]
        opened = deal.updated_at.date()
        count = installment_count(fin.term_months, frequency)
        rows = amortize(fin.amount_financed, fin.apr, frequency, count, opened)
        # Oldest loans choose first, so the statuses only an old loan can have find one.
        status = next((s for s in statuses if possible(s, rows, today)), AccountStatus.CURRENT)
        if status in statuses:
            statuses.remove(status)
        late_fee = late_fee_for(rows[0].amount)
        history = Borrower(rng, frequency, late_fee, opened, today).pay(rows, fin.apr, status)
        moments = [timeline.cap(timeline.business_time(rng, p.on)) for p in history.payments]
        for moment, plan in zip(moments, history.payments, strict=True):
            payment_drafts.append(
                _draft_payment(
                    rng,
                    moment,
                    plan.amount,
                    deal.buyer_id,
                    account_id=aid,
                    method=_method(rng, BHPH_METHODS),
                    allocation=plan.allocation,
                    note=plan.note,
                )
            )
        changed = [deal.updated_at, *moments]
        if history.charged_off_on is not None:
            changed.append(timeline.business_time(rng, history.charged_off_on))
        accounts.append(
            _bhph_account(
                aid,
                deal,
                status,
                frequency,
                late_fee,
                rows,
                history,
                today,
                last_payment_at=moments[-1] if moments else None,
                updated_at=timeline.cap(max(changed)),
            )
        )
    return accounts, payment_drafts


def _bhph_account(
    aid: int,
    deal: Deal,
    status: AccountStatus,
    frequency: Frequency,
    late_fee: Decimal,
    rows: list[Installment],
    history: History,
    today: date,
    *,
    last_payment_at: datetime | None,
    updated_at: datetime,
) -> Account:
    """The account as the books show it today; a charged-off one as it stood when written
    off (it no longer ages, accrues or falls due)."""
    fin = deal.financing
    assert fin is not None and fin.amount_financed is not None
    stopped = history.charged_off_on
    end = stopped or today
    grace = timedelta(frequency.grace_days)
    paid, unpaid = rows[: history.settled], rows[history.settled :]
    overdue = [r for r in unpaid if r.due_on < end]
    for row in paid:
        row.status = "paid"
    for row in unpaid:
        if stopped is not None:
            row.status = "charged_off"
        else:
            row.status = "past_due" if row.due_on < today else "upcoming"
    fees_due = late_fee * sum(1 for r in overdue if r.due_on + grace < end)
    balance = total(r.principal for r in unpaid)
    if not unpaid or stopped is not None:
        payoff = balance + fees_due
    else:
        since = paid[-1].due_on if paid else deal.updated_at.date()
        payoff = balance + accrued(balance, fin.apr, since, today) + fees_due
    upcoming = [r for r in unpaid if r.due_on >= today] if stopped is None else []
    return Account(
        id=aid,
        number=f"BH-{100000 + aid}",
        customer_id=deal.buyer_id,
        status=status,
        opened_on=deal.updated_at.date(),
        original_amount=fin.amount_financed,
        installment=rows[0].amount,
        balance=balance,
        past_due=total(r.amount for r in overdue),
        days_past_due=(end - overdue[0].due_on).days if overdue else 0,
        next_due_date=upcoming[0].due_on if upcoming else None,
        next_due_amount=upcoming[0].amount if upcoming else None,
        last_payment_at=last_payment_at,
        updated_at=updated_at,
        contract=InstallmentContract(
            deal_id=deal.id,
            vehicle_id=deal.vehicle_id,
            apr=fin.apr,
            frequency=frequency.name,
            late_fee=late_fee,
            grace_days=frequency.grace_days,
            schedule=rows,
            payoff=payoff,
            late_fees_due=fees_due,
            charged_off_on=stopped,
        ),
    )


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
