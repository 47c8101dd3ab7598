"""Receivable and ledger writes: payments to accounts and journal entries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from adapters.commands import JournalEntryDraft, JournalLine, PaymentDraft, WriteOperation
from adapters.models import PaymentAllocation
from graph.context import Info
from graph.kinds import PAYMENTS
from graph.mutations.checks import Checks, UserErrorCode
from graph.mutations.execute import execute_write, load_written
from graph.mutations.sales import DEALERSHIP, WritePayload
from graph.types.enums import PaymentMethod
from graph.types.receivables import Payment


@strawberry.input(description="How a payment is split; the parts must add up to the amount.")
class PaymentAllocationInput:
    principal: Decimal
    interest: Decimal
    late_fees: Decimal
    other: Decimal = Decimal(0)


@strawberry.input
class PostPaymentInput:
    account_id: strawberry.ID
    idempotency_key: str
    amount: Decimal
    method: PaymentMethod
    received_at: datetime.datetime | None = None
    allocation: PaymentAllocationInput | None = None
    note: str | None = None

    def command(self, c: Checks) -> PaymentDraft | None:
        account = c.native_id(("accountId",), self.account_id, {"Account"})
        amount = c.money(("amount",), self.amount)
        if amount is not None and amount == 0:
            c.fail(("amount",), UserErrorCode.INVALID_MONEY, "must be more than zero")
        allocation = None
        if self.allocation is not None:
            a = self.allocation
            parts = {
                "principal": c.money(("allocation", "principal"), a.principal),
                "interest": c.money(("allocation", "interest"), a.interest),
                "late_fees": c.money(("allocation", "lateFees"), a.late_fees),
                "other": c.money(("allocation", "other"), a.other),
            }
            if c.ok:
                c.sums_to(("allocation",), parts.values(), amount, "the allocation")
                allocation = PaymentAllocation(**{k: v or Decimal(0) for k, v in parts.items()})
        if self.received_at is not None and self.received_at.tzinfo is None:
            c.fail(("receivedAt",), UserErrorCode.INVALID_VALUE, "give a time zone offset")
        if not c.ok or account is None or amount is None:
            return None
        return PaymentDraft(
            account_id=account,
            amount=amount,
            method=self.method,
            received_at=self.received_at,
            allocation=allocation,
            note=c.text(("note",), self.note, max_length=1000),
        )


@strawberry.type
class PostPaymentPayload(WritePayload):
    payment: Payment | None
    receipt_number: str | None
    next_due_date: datetime.date | None = strawberry.field(
        description="The account's next due date after this payment, where the DMS says."
    )


@strawberry.input
class JournalLineInput:
    account_number: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    department: str | None = None
    description: str | None = None


@strawberry.input(description="A balanced entry: debits must equal credits.")
class PostJournalEntryInput:
    dealership_id: strawberry.ID
    idempotency_key: str
    posted_on: datetime.date
    lines: list[JournalLineInput]
    memo: str | None = None
    reference: str | None = None

    def command(self, c: Checks) -> JournalEntryDraft | None:
        if len(self.lines) < 2:
            c.fail(("lines",), UserErrorCode.UNBALANCED_ENTRY, "an entry needs two lines or more")
        lines = []
        for i, line in enumerate(self.lines):
            path = ("lines", str(i))
            debit = c.money((*path, "debit"), line.debit)
            credit = c.money((*path, "credit"), line.credit)
            if debit is not None and credit is not None and (debit > 0) == (credit > 0):
                c.fail(path, UserErrorCode.INVALID_VALUE, "a line is either a debit or a credit")
            number = c.text((*path, "accountNumber"), line.account_number, max_length=20)
            c.required((*path, "accountNumber"), number)
            lines.append(
                JournalLine(
                    account_number=number or "",
                    department=c.text((*path, "department"), line.department, max_length=20),
                    debit=debit or Decimal(0),
                    credit=credit or Decimal(0),
                    description=c.text((*path, "description"), line.description),
                )
            )
        if c.ok and sum(x.debit for x in lines) != sum(x.credit for x in lines):
            c.fail(("lines",), UserErrorCode.UNBALANCED_ENTRY, "debits must equal credits")
        if not c.ok:
            return None
        return JournalEntryDraft(
            posted_on=self.posted_on,
            memo=c.text(("memo",), self.memo),
            reference=c.text(("reference",), self.reference, max_length=60),
            lines=tuple(lines),
        )


@strawberry.type
class PostJournalEntryPayload(WritePayload):
    journal_entry_id: str | None = strawberry.field(description="The DMS's id for the entry.")
    status: str | None


@strawberry.type
class AccountingMutations:
    @strawberry.mutation(description="Post a payment to a receivable or BHPH account.")
    async def post_payment(self, info: Info, input: PostPaymentInput) -> PostPaymentPayload:
        result = await execute_write(
            info,
            operation=WriteOperation.POST_PAYMENT,
            target_id=input.account_id,
            target_types={"Account"},
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.post_payment(s, cmd, ref),
        )
        outcome = result.outcome
        return PostPaymentPayload(
            **WritePayload.fields(result),  # type: ignore[arg-type]
            payment=await load_written(info, PAYMENTS, result),
            receipt_number=outcome.number if outcome else None,
            next_due_date=outcome.next_due_date if outcome else None,
        )

    @strawberry.mutation(description="Post a balanced journal entry to the DMS's ledger.")
    async def post_journal_entry(
        self, info: Info, input: PostJournalEntryInput
    ) -> PostJournalEntryPayload:
        result = await execute_write(
            info,
            operation=WriteOperation.POST_JOURNAL_ENTRY,
            target_id=input.dealership_id,
            target_types=DEALERSHIP,
            idempotency_key=input.idempotency_key,
            build=input.command,
            send=lambda a, s, cmd, ref: a.post_journal_entry(s, cmd, ref),
        )
        outcome = result.outcome
        return PostJournalEntryPayload(
            **WritePayload.fields(result),  # type: ignore[arg-type]
            journal_entry_id=outcome.id if outcome else None,
            status=outcome.status_raw if outcome else None,
        )
