"""DealerCenter's buy-here-pay-here servicing: what a loan owes on a given day and how a
posted payment changes the account (docs/contracts/dealercenter.md, "Writes").

The schedule is precomputed: each installment owes its own principal and interest. What a
borrower has paid is two running totals, principal and interest, applied to installments
in order; an installment is ``paid`` once both its parts are covered (or the balance is
gone), so a partial payment leaves the rest of an installment owed. The accrual rule of the
payoff is the read side's: simple interest on the balance, actual/365, since the last paid
installment's due date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.common.money import ZERO, money, total
from sandbox.common.world.installments import accrued

Row = dict[str, Any]
CLOSED_STATUSES = ("paid_off", "charged_off")


@dataclass(frozen=True)
class Owed:
    """What is still owed on one installment."""

    row: Row
    principal: Decimal
    interest: Decimal

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest

    @property
    def due_on(self) -> date:
        return self.row["dueDate"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Split:
    """A payment's allocation."""

    principal: Decimal
    interest: Decimal
    late_fees: Decimal

    def row(self) -> Row:
        return {"principal": self.principal, "interest": self.interest, "lateFees": self.late_fees}


@dataclass
class Loan:
    """One account as the principal and interest paid so far leave it."""

    account: Row
    interest_paid: Decimal
    owed: list[Owed] = field(init=False)

    def __post_init__(self) -> None:
        principal_left = self.account["amountFinanced"] - self.account["balance"]
        interest_left = self.interest_paid
        self.owed = []
        for row in self.account["schedule"]:
            principal = min(principal_left, row["principal"])
            interest = min(interest_left, row["interest"])
            principal_left -= principal
            interest_left -= interest
            self.owed.append(Owed(row, row["principal"] - principal, row["interest"] - interest))

    @property
    def balance(self) -> Decimal:
        return self.account["balance"]  # type: ignore[no-any-return]

    def unpaid(self) -> list[Owed]:
        if self.balance == 0:
            return []  # a payoff settles every installment
        return [o for o in self.owed if o.amount > 0]

    def _paid_through(self) -> date:
        """The last paid installment's due date (the loan's opening before any)."""
        paid = [o for o in self.owed if o.amount == 0]
        return paid[-1].due_on if paid else self.account["openedAt"]  # type: ignore[no-any-return]

    def reachable(self, on: date) -> list[Owed]:
        """The unpaid installments a payment on ``on`` may pay interest on: those due
        before it and the one running then (the first due on or after it)."""
        unpaid = self.unpaid()
        running = next((i for i, o in enumerate(unpaid) if o.due_on >= on), len(unpaid) - 1)
        return unpaid[: running + 1]

    def scheduled_interest(self, on: date) -> Decimal:
        return total(o.interest for o in self.reachable(on))

    def payoff_interest(self, on: date) -> Decimal:
        """Interest accrued on the balance since the last paid installment's due date, less
        interest already paid ahead on installments not yet paid."""
        ahead = total(o.row["interest"] - o.interest for o in self.unpaid())
        interest = accrued(self.balance, self.account["apr"], self._paid_through(), on)
        return max(ZERO, interest - ahead)

    def interest_due(self, on: date) -> Decimal:
        """The most interest a payment on ``on`` may carry: the schedule's, or on a payoff
        the accrued interest, whichever is more."""
        return max(self.scheduled_interest(on), self.payoff_interest(on))

    def payoff(self, on: date) -> Decimal:
        return self.balance + self.payoff_interest(on) + self.account["lateFeesDue"]


def assess_late_fees(account: Row, loan: Loan, drawn: set[int], on: date) -> None:
    """One late fee per installment still unpaid more than ``graceDays`` after it fell due,
    drawn once."""
    fee, grace = account["lateFee"]["amount"], timedelta(account["lateFee"]["graceDays"])
    for o in loan.unpaid():
        number = o.row["number"]
        if o.due_on + grace < on and number not in drawn:
            drawn.add(number)
            account["lateFeesDue"] = money(account["lateFeesDue"] + fee)


def initially_drawn(account: Row, today: date) -> set[int]:
    """The installments whose late fee the seeded ``lateFeesDue`` holds."""
    grace = timedelta(account["lateFee"]["graceDays"])
    return {
        r["number"]
        for r in account["schedule"]
        if r["status"] != "paid" and r["dueDate"] + grace < today
    }


def default_split(loan: Loan, amount: Decimal, on: date) -> Split | str:
    """DealerCenter's allocation, or why ``amount`` cannot be split: the late fees due;
    then the installments due by ``on`` and the one running then, oldest first, each one's
    interest before its principal; anything left reduces the principal (a prepayment: later
    installments keep their scheduled interest). Clearing the balance is a payoff, which is
    exactly the payoff amount."""
    fees_due = loan.account["lateFeesDue"]
    payoff = loan.payoff(on)
    if amount > payoff:
        return f"must not exceed the payoff of {payoff}"
    if amount == payoff:
        return Split(loan.balance, loan.payoff_interest(on), fees_due)
    late_fees = min(amount, fees_due)
    left = amount - late_fees
    interest = ZERO
    for o in loan.reachable(on):
        part = min(left, o.interest)
        interest += part
        left -= part + min(left - part, o.principal)
    principal = amount - late_fees - interest
    if principal >= loan.balance:
        return f"clears the balance; a payoff is exactly {payoff}"
    return Split(principal, interest, late_fees)


def split_problems(loan: Loan, amount: Decimal, split: Split, on: date) -> list[tuple[str, str]]:
    """(field, problem) for each rule an explicit allocation breaks."""
    fees_due = loan.account["lateFeesDue"]
    problems = []
    if split.principal + split.interest + split.late_fees != amount:
        problems.append(("allocation", f"must add up to the amount of {amount}"))
    if split.principal > loan.balance:
        problems.append(("allocation.principal", f"must not exceed the balance of {loan.balance}"))
    interest_due = loan.interest_due(on)
    if split.interest > interest_due:
        problems.append(
            ("allocation.interest", f"must not exceed the interest due of {interest_due}")
        )
    if split.late_fees > fees_due:
        problems.append(("allocation.lateFees", f"must not exceed the late fees due of {fees_due}"))
    elif split.principal == loan.balance and split.late_fees != fees_due:
        problems.append(
            ("allocation.lateFees", f"must pay the late fees due of {fees_due} with the payoff")
        )
    return problems


def post(
    account: Row, loan: Loan, split: Split, drawn: set[int], posted: datetime, now: datetime
) -> None:
    """Apply ``split`` and bring every derived field of ``account`` to ``now``'s day."""
    account["balance"] = money(account["balance"] - split.principal)
    account["lateFeesDue"] = money(account["lateFeesDue"] - split.late_fees)
    after = Loan(account, loan.interest_paid + split.interest)
    today = now.date()
    assess_late_fees(account, after, drawn, today)
    unpaid = after.unpaid()
    numbers = {o.row["number"] for o in unpaid}
    for row in account["schedule"]:
        if row["number"] not in numbers:
            row["status"] = "paid"
        else:
            row["status"] = "past_due" if row["dueDate"] < today else "upcoming"
    overdue = [o for o in unpaid if o.due_on < today]
    upcoming = next((o for o in unpaid if o.due_on >= today), None)
    days_past_due = (today - overdue[0].due_on).days if overdue else 0
    last = account["lastPaymentAt"]
    account.update(
        payoff=after.payoff(today) if unpaid else ZERO,
        nextDueDate=upcoming.due_on if upcoming else None,
        nextDueAmount=upcoming.amount if upcoming else None,
        daysPastDue=days_past_due,
        pastDueAmount=total(o.amount for o in overdue),
        lastPaymentAt=max(last, posted) if last else posted,
        status="paid_off" if not unpaid else "past_due" if days_past_due else "current",
        updatedAt=now,
    )
