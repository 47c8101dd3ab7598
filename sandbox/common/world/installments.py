"""Buy-here-pay-here loans: the amortization schedule, and a borrower paying it.

A payment settles whole installments in order plus the late fees they drew, so its parts
(principal, interest, late fees) add up to its amount exactly and the principal still owed
is always the schedule's unpaid principal. Interest is the schedule's (precomputed per
installment); an early payoff pays simple interest accrued since the last installment due.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sandbox.common.dates import add_months
from sandbox.common.money import ZERO, money, total
from sandbox.common.rng import chance
from sandbox.common.world.models import AccountStatus, Allocation, Installment

DAYS_IN_YEAR = 365
CHARGE_OFF_AFTER_DAYS = (60, 100)  # unpaid this long, the car is repossessed


@dataclass(frozen=True)
class Frequency:
    name: str
    per_year: int
    weeks: int  # 0: a calendar month
    grace_days: int
    max_missed: int  # installments a borrower falls behind at most before charge-off

    def due_on(self, opened: date, number: int) -> date:
        if self.weeks == 0:
            return add_months(opened, number)
        return opened + timedelta(weeks=self.weeks * number)

    @property
    def shortest_days(self) -> int:
        return 7 * self.weeks if self.weeks else 28


# Payments follow paydays: bi-weekly is the most common.
FREQUENCY_WEIGHTS = (
    (Frequency("weekly", 52, 1, 3, 6), 35),
    (Frequency("biweekly", 26, 2, 5, 4), 40),
    (Frequency("monthly", 12, 0, 10, 3), 25),
)
_LATE_CHANCE = {
    AccountStatus.CURRENT: 0.08,
    AccountStatus.PAID_OFF: 0.05,
    AccountStatus.PAST_DUE: 0.3,
    AccountStatus.CHARGED_OFF: 0.35,
}
_CATCH_UP_CHANCE = {  # miss one installment, pay two with the next
    AccountStatus.CURRENT: 0.03,
    AccountStatus.PAID_OFF: 0.0,
    AccountStatus.PAST_DUE: 0.08,
    AccountStatus.CHARGED_OFF: 0.1,
}


def installment_count(term_months: int, frequency: Frequency) -> int:
    return round(term_months * frequency.per_year / 12)


def level_payment(principal: Decimal, apr: Decimal, frequency: Frequency, count: int) -> Decimal:
    rate = apr / 100 / frequency.per_year
    return money(principal * rate / (1 - (1 + rate) ** -count))


def amortize(
    principal: Decimal, apr: Decimal, frequency: Frequency, count: int, opened: date
) -> list[Installment]:
    """Level payments; each one's interest is on the balance before it, and the last
    installment takes the rounding so the principal parts add up to ``principal``."""
    rate = apr / 100 / frequency.per_year
    payment = level_payment(principal, apr, frequency, count)
    balance = principal
    rows = []
    for number in range(1, count + 1):
        interest = money(balance * rate)
        part = balance if number == count else payment - interest
        balance -= part
        rows.append(
            Installment(
                number=number,
                due_on=frequency.due_on(opened, number),
                amount=part + interest,
                principal=part,
                interest=interest,
                status="upcoming",
            )
        )
    return rows


def late_fee_for(payment: Decimal) -> Decimal:
    """5% of the installment, at least $10 and at most $25 (typical state caps)."""
    return money(min(max(payment * Decimal("0.05"), Decimal(10)), Decimal(25)))


def possible(status: AccountStatus, rows: list[Installment], today: date) -> bool:
    due = sum(1 for r in rows if r.due_on < today)
    if status is AccountStatus.PAST_DUE:
        return due >= 1
    if status is AccountStatus.PAID_OFF:
        return due >= 3
    if status is AccountStatus.CHARGED_OFF:
        return len(rows) > 1 and rows[1].due_on + timedelta(CHARGE_OFF_AFTER_DAYS[0]) < today
    return True


@dataclass
class PaymentPlan:
    """One payment as the borrower made it."""

    on: date
    allocation: Allocation
    note: str | None = None

    @property
    def amount(self) -> Decimal:
        a = self.allocation
        return a.principal + a.interest + a.late_fees


@dataclass
class History:
    """What a borrower did up to today."""

    payments: list[PaymentPlan] = field(default_factory=list)
    settled: int = 0  # installments paid, in order (all of them once paid off)
    charged_off_on: date | None = None


class Borrower:
    def __init__(
        self,
        rng: random.Random,
        frequency: Frequency,
        late_fee: Decimal,
        opened: date,
        today: date,
    ) -> None:
        self.rng = rng
        self.frequency = frequency
        self.late_fee = late_fee
        self.opened = opened
        self.today = today

    def is_late(self, row: Installment, on: date) -> bool:
        return on > row.due_on + timedelta(self.frequency.grace_days)

    def pay(self, rows: list[Installment], apr: Decimal, status: AccountStatus) -> History:
        """Installments paid one by one (now and then late, or two at once) up to where
        ``status`` says the borrower stopped, paid off or still is."""
        rng, today = self.rng, self.today
        due = [r for r in rows if r.due_on < today]
        history = History()
        if status is AccountStatus.PAST_DUE:
            missed = rng.choices(
                range(1, self.frequency.max_missed + 1),
                [2 ** (self.frequency.max_missed - k) for k in range(self.frequency.max_missed)],
            )[0]
            regular = len(due) - min(len(due), missed)
        elif status is AccountStatus.PAID_OFF:
            regular = rng.randint(2, len(due) - 1)
        elif status is AccountStatus.CHARGED_OFF:
            low, high = CHARGE_OFF_AFTER_DAYS
            last = max(k for k in range(1, len(rows)) if rows[k].due_on + timedelta(low) < today)
            regular = rng.randint(1, last)
            stop = rows[regular].due_on + timedelta(rng.randint(low, high))
            history.charged_off_on = min(stop, today - timedelta(1))
        else:
            regular = len(due)
        self._pay_in_order(rows[:regular], status, history)
        if status is AccountStatus.PAID_OFF:
            self._pay_off(rows, regular, apr, history)
        return history

    def _pay_in_order(self, rows: list[Installment], status: AccountStatus, h: History) -> None:
        rng, freq = self.rng, self.frequency
        last_paid = self.opened
        index = 0
        while index < len(rows):
            group = rows[index : index + 1]
            if index + 1 < len(rows) and chance(rng, _CATCH_UP_CHANCE[status]):
                group = rows[index : index + 2]
            if chance(rng, _LATE_CHANCE[status]):
                delay = rng.randint(freq.grace_days + 1, freq.shortest_days - 1)
            else:
                delay = rng.randint(-4, freq.grace_days)
            on = group[-1].due_on + timedelta(delay)
            on = min(max(on, last_paid + timedelta(1)), self.today - timedelta(1))
            late = sum(1 for r in group if self.is_late(r, on))
            h.payments.append(
                PaymentPlan(
                    on,
                    Allocation(
                        principal=total(r.principal for r in group),
                        interest=total(r.interest for r in group),
                        late_fees=self.late_fee * late,
                    ),
                )
            )
            last_paid = on
            index += len(group)
        h.settled = len(rows)

    def _pay_off(self, rows: list[Installment], regular: int, apr: Decimal, h: History) -> None:
        """The rest of the principal and the interest accrued since the last installment
        due, before the next one falls due (so no late fee)."""
        since = rows[regular - 1].due_on
        earliest = max(since, h.payments[-1].on) + timedelta(1)
        latest = min(rows[regular].due_on, self.today - timedelta(1))
        on = earliest + timedelta(self.rng.randint(0, max(0, (latest - earliest).days)))
        remaining = total(r.principal for r in rows[regular:])
        h.payments.append(
            PaymentPlan(
                on,
                Allocation(
                    principal=remaining,
                    interest=accrued(remaining, apr, since, on),
                    late_fees=ZERO,
                ),
                note="Paid in full",
            )
        )
        h.settled = len(rows)


def accrued(principal: Decimal, apr: Decimal, since: date, until: date) -> Decimal:
    """Simple interest on ``principal`` for the days between, at ``apr`` percent a year."""
    days = max(0, (until - since).days)
    return money(principal * apr / 100 * days / DAYS_IN_YEAR)
